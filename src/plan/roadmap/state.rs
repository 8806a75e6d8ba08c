//! The estate part-way through a roadmap, and its accounting: a copy of the
//! model the actions change, what they stopped, scaled and added, and from
//! these the changed spend ledger and the annual run-rate (spend and
//! location-based carbon) at any moment. The actions themselves live in
//! `actions/`, the graph changes they share in `graph`, and the warnings
//! they raise in `checks`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::{Baseline, Point, Warning};
use crate::assess::carbon::{self, Basis, Range};
use crate::assess::spend::{Allocation, Cost, Ledger};
use crate::inventory::Spec;
use crate::inventory::kinds::Action;
use crate::model::Period;
use crate::model::{Model, NodeId};

/// The estate part-way through a roadmap.
pub(super) struct State<'a> {
    pub(super) base: &'a Baseline<'a>,
    pub(super) model: Model,
    /// Systems gone (retired or consolidated away) and when.
    pub(super) gone: BTreeMap<NodeId, NaiveDate>,
    /// Systems whose old delivery a SaaS replaced: their charges stop.
    pub(super) replaced: BTreeSet<String>,
    /// Resources whose charges stop (removed, or migrated at a new run cost).
    pub(super) stopped: BTreeSet<NodeId>,
    /// Rightsized resources: their charges scale by this.
    pub(super) scaled: BTreeMap<String, f64>,
    /// Run costs actions added: the systems they serve, annual cost.
    pub(super) added: Vec<(Vec<String>, Decimal)>,
    /// SaaS replacements: supplier id, annual cost (spend-based carbon).
    pub(super) saas: Vec<(Vec<String>, String, Decimal)>,
    /// Annual embodied kgCO2e device lifetime changes add (negative: save), bound by bound.
    pub(super) devices: Range,
    pub(super) warnings: Vec<Warning>,
    pub(super) assumptions: BTreeSet<String>,
    /// Phase and date of the action being applied.
    pub(super) phase: String,
    pub(super) date: NaiveDate,
}

/// Per-period figures to a year: 1 for a period of twelve whole months.
fn annualiser(period: Period) -> Decimal {
    let (s, e) = (period.start.0, period.end.0);
    let next = e.succ_opt().unwrap_or(e);
    if s.day() == 1 && next.day() == 1 {
        let months = (next.year() - s.year()) * 12 + next.month() as i32 - s.month() as i32;
        if months > 0 {
            return Decimal::from(12) / Decimal::from(months);
        }
    }
    let days = (e - s).num_days() + 1;
    Decimal::from_f64(365.25).unwrap_or(Decimal::ONE) / Decimal::from(days.max(1))
}

impl<'a> State<'a> {
    pub(super) fn new(base: &'a Baseline<'a>) -> State<'a> {
        State {
            base,
            model: base.model.copy(),
            gone: BTreeMap::new(),
            replaced: BTreeSet::new(),
            stopped: BTreeSet::new(),
            scaled: BTreeMap::new(),
            added: Vec::new(),
            saas: Vec::new(),
            devices: Range::ZERO,
            warnings: Vec::new(),
            assumptions: BTreeSet::new(),
            phase: String::new(),
            date: NaiveDate::MIN,
        }
    }

    pub(super) fn warn(&mut self, kind: &'static str, subject: &str, message: String) {
        self.warnings.push(Warning {
            kind,
            phase: self.phase.clone(),
            date: self.date,
            subject: subject.to_string(),
            message,
        });
    }

    pub(super) fn name(&self, id: &str) -> String {
        self.model
            .get(id)
            .map(|i| self.model.node(i).display_name().to_string())
            .unwrap_or_else(|| id.to_string())
    }

    /// The spend ledger of the changed estate (per period, like the baseline's):
    /// by system (shared charges split evenly among the live sharers), by
    /// resource, and the totals. Other breakdowns are the baseline's.
    pub(super) fn ledger(&self) -> Ledger {
        let Some(base) = self.base.ledger else {
            let mut l = Ledger::default();
            self.add_costs(&mut l);
            return l;
        };
        let mut l = base.clone();
        l.by_system.clear();
        l.allocations.clear();
        l.allocated = Cost::default();
        for (a, cost) in &base.allocations {
            let now = self.charge(a, *cost);
            if let Some(sup) = l.by_supplier.get_mut(&a.supplier) {
                sup.billed -= cost.billed - now.billed;
                sup.effective -= cost.effective - now.effective;
            }
            if now == Cost::default() {
                continue;
            }
            // A resource's charge stays with the systems still on it.
            let system = if self.live(&a.system) {
                a.system.clone()
            } else {
                a.sharers
                    .iter()
                    .find(|s| self.live(s))
                    .cloned()
                    .or_else(|| {
                        let r = self.model.get(&a.resource)?;
                        self.users(r).into_iter().next().map(String::from)
                    })
                    .unwrap_or_else(|| a.system.clone())
            };
            *l.by_system.entry(system).or_default() += now;
            l.allocated += now;
            *l.allocations.entry(a.clone()).or_default() += now;
        }
        for (r, c) in l.by_resource.iter_mut() {
            if self.stopped.contains(r.as_str()) {
                *c = Cost::default();
            } else if let Some(k) = self.scaled.get(r) {
                *c = scale(*c, *k);
            }
        }
        l.total = l.allocated;
        l.total += l.unallocated;
        self.add_costs(&mut l);
        l
    }

    /// Added run costs, per period, into a ledger.
    fn add_costs(&self, l: &mut Ledger) {
        let per_period = Decimal::ONE / annualiser(self.base.period);
        for (systems, annual) in &self.added {
            let c = Cost {
                billed: (annual * per_period).round_dp(2),
                effective: (annual * per_period).round_dp(2),
            };
            for (s, share) in systems.iter().zip(c.split(systems.len().max(1))) {
                *l.by_system.entry(s.clone()).or_default() += share;
            }
            l.allocated += c;
            l.total += c;
        }
    }

    fn live(&self, system: &str) -> bool {
        !self.gone.contains_key(system)
    }

    /// A baseline share of charges as it stands now (zero once stopped): a
    /// resource's charge stops when the resource goes; any other charge when
    /// every system it was shared among has gone (shared with a live one, it stays).
    fn charge(&self, a: &Allocation, cost: Cost) -> Cost {
        let ended = |s: &String| self.gone.contains_key(s.as_str()) || self.replaced.contains(s);
        let stopped = if a.resource.is_empty() {
            a.sharers.iter().all(ended)
        } else {
            self.stopped.contains(a.resource.as_str())
        };
        if stopped {
            return Cost::default();
        }
        match self.scaled.get(&a.resource) {
            Some(k) => scale(cost, *k),
            None => cost,
        }
    }

    /// Annual spend and carbon now, with the carbon estimate.
    pub(super) fn point(&self) -> (Point, carbon::Estimate) {
        let year = annualiser(self.base.period);
        let ctx = carbon::Context::new(
            &self.model,
            self.base.factors,
            self.base.period,
            self.base.currency,
        );
        let mut est = carbon::estimate(&ctx);
        let k = year.to_f64().unwrap_or(1.0);
        for (systems, supplier, annual) in &self.saas {
            let Some(cat) = self
                .model
                .get(supplier)
                .and_then(|i| match &self.model.node(i).spec {
                    Some(Spec::Supplier(s)) => Some(s.category),
                    _ => None,
                })
            else {
                continue;
            };
            let Some(factor) = self.base.factors.spend.get(&cat) else {
                continue;
            };
            let per_period = annual.to_f64().unwrap_or(0.0) / k;
            let share = per_period / systems.len().max(1) as f64;
            for s in systems {
                let mut item = carbon::Item::new(
                    &format!("{supplier}#{s}"),
                    carbon::Category::SaasServices,
                    carbon::Scope::Three,
                    "spend-based",
                    carbon::Quality::SpendBased,
                );
                item.system = Some(s.as_str().into());
                item.supplier = Some(supplier.as_str().into());
                let kg = factor.kgco2e_per_gbp.scale(share);
                item.operational_co2e_kg = kg;
                item.operational_market_co2e_kg = kg;
                est.items.push(item);
            }
        }
        let co2e = est
            .items
            .iter()
            .fold(Range::ZERO, |acc, i| acc + i.co2e(Basis::Location))
            .scale(k)
            + self.devices;
        let spend = match self.base.ledger {
            Some(_) => self.ledger().total.effective * year,
            None => self.added.iter().map(|(_, a)| *a).sum(),
        };
        (
            Point {
                spend: spend.round_dp(2),
                co2e_kg: co2e,
            },
            est,
        )
    }

    /// Apply one action (see `actions`); what it is for, in words.
    pub(super) fn apply(&mut self, a: &Action) -> String {
        super::actions::apply(self, a)
    }
}

fn scale(c: Cost, k: f64) -> Cost {
    let k = Decimal::from_f64(k).unwrap_or(Decimal::ONE);
    Cost {
        billed: (c.billed * k).round_dp(2),
        effective: (c.effective * k).round_dp(2),
    }
}
