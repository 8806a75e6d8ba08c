//! Roadmaps (`kind: Roadmap`): phases of dated actions applied in date order
//! to a copy of the model, and what each does to spend and carbon.
//!
//! After every action the changed estate is estimated again: carbon by the
//! same engine as `estate carbon` (a migrated resource is estimated on its
//! new region's grid and instance type, a rightsized one on its new type, a
//! site on its new PUE), spend from the baseline's allocations (a charge
//! stops when every system it was shared among has gone, or its resource
//! has; a rightsized resource's charge scales with its vCPUs; added run
//! costs are the actions' `annual_cost`). Both are annual run-rates of the
//! baseline period. From these come the trajectory by quarter (baseline vs
//! plan, carbon with its range), the one-off costs, the payback date, and
//! the warnings: a dependent stranded, an integration broken, data residency
//! broken by a migration, a retirement before its replacement is live, a
//! capability left with no system, a site closed under live systems, and the
//! policies each phase's target state breaks (given a checker).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use crate::assess::carbon::{self, Basis, FactorSet, Range};
use crate::assess::spend::{Allocation, Cost, Ledger};
use crate::inventory::kinds::{
    Action, ActionKind, Disposition, Hosting, MigrationTarget, Phase, Provider, RoadmapSpec,
    spanned,
};
use crate::inventory::{Kind, Ref, Spec};
use crate::model::{Edge, EdgeKind, Model};
use crate::settings::Period;

/// What a roadmap is applied to.
pub struct Baseline<'a> {
    pub model: &'a Model,
    pub factors: &'a FactorSet,
    pub period: Period,
    pub currency: &'a str,
    /// The spend ledger in the estate's currency, when billing is configured.
    pub ledger: Option<&'a Ledger>,
}

/// A policy finding in a phase's target state.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct PhaseFinding {
    pub severity: String,
    pub rule: String,
    pub id: String,
    pub message: String,
}

/// Runs the policy pack over a changed estate (its model, carbon and spend).
pub type Checker<'a> = dyn Fn(Model, &carbon::Estimate, Ledger) -> Vec<PhaseFinding> + 'a;

/// Annual spend and carbon at one moment.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Point {
    #[serde(with = "rust_decimal::serde::str")]
    pub spend: Decimal,
    /// kgCO2e a year, location-based.
    pub co2e_kg: Range,
}

#[derive(Debug, Serialize)]
pub struct ActionOut {
    pub phase: String,
    pub date: NaiveDate,
    pub action: &'static str,
    pub targets: Vec<String>,
    /// What it is for: a migration target, the surviving system, the supplier…
    pub detail: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub one_off_cost: Decimal,
    /// Change in annual spend this action makes.
    #[serde(with = "rust_decimal::serde::str")]
    pub spend_delta: Decimal,
    /// Change in annual kgCO2e this action makes.
    pub co2e_delta_kg: Range,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PhaseOut {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(with = "rust_decimal::serde::str")]
    pub one_off_cost: Decimal,
    /// The run-rate once the phase's actions are done.
    pub at_end: Point,
    /// Policy findings the phase's target state has and the baseline has not.
    pub new_findings: Vec<PhaseFinding>,
    /// Baseline findings the phase's target state no longer has.
    pub resolved_findings: usize,
}

#[derive(Debug, Serialize)]
pub struct Quarter {
    /// `2027-Q1`.
    pub quarter: String,
    pub end: NaiveDate,
    pub baseline: Point,
    pub plan: Point,
    /// One-off costs so far.
    #[serde(with = "rust_decimal::serde::str")]
    pub one_off_to_date: Decimal,
    /// Spend avoided so far (baseline minus plan, day by day).
    #[serde(with = "rust_decimal::serde::str")]
    pub saved_to_date: Decimal,
    /// kgCO2e avoided so far (central).
    pub co2e_avoided_kg: f64,
}

#[derive(Debug, Serialize)]
pub struct Payback {
    /// The day savings to date first cover the one-off costs to date.
    pub date: NaiveDate,
    /// Months from the first one-off cost.
    pub months: f64,
    /// Reached only by carrying the final run-rate on past the roadmap's end.
    pub after_roadmap: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    pub kind: &'static str,
    pub phase: String,
    pub date: NaiveDate,
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub currency: String,
    /// The assessed period the run-rates are taken from.
    pub period: String,
    pub baseline: Point,
    pub phases: Vec<PhaseOut>,
    pub actions: Vec<ActionOut>,
    pub trajectory: Vec<Quarter>,
    #[serde(with = "rust_decimal::serde::str")]
    pub one_off_total: Decimal,
    /// The run-rate when every action is done.
    pub at_end: Point,
    #[serde(with = "rust_decimal::serde::str")]
    pub annual_saving: Decimal,
    pub co2e_reduction_kg: Range,
    pub payback: Option<Payback>,
    pub warnings: Vec<Warning>,
    /// How the numbers were made, in words.
    pub assumptions: Vec<String>,
}

/// The roadmaps the model declares: (name, title, spec), in name order.
pub fn declared(model: &Model) -> Vec<(String, String, &RoadmapSpec)> {
    model
        .nodes_of(Kind::Roadmap)
        .into_iter()
        .filter_map(|i| {
            let n = model.node(i);
            match &n.spec {
                Some(Spec::Roadmap(r)) => Some((n.name.clone(), n.display_name().to_string(), r)),
                _ => None,
            }
        })
        .collect()
}

/// The estate part-way through a roadmap.
struct State<'a> {
    base: &'a Baseline<'a>,
    model: Model,
    /// Systems gone (retired or consolidated away) and when.
    gone: BTreeMap<String, NaiveDate>,
    /// Systems whose old delivery a SaaS replaced: their charges stop.
    replaced: BTreeSet<String>,
    /// Resources whose charges stop (removed, or migrated at a new run cost).
    stopped: BTreeSet<String>,
    /// Rightsized resources: their charges scale by this.
    scaled: BTreeMap<String, f64>,
    /// Run costs actions added: the systems they serve, annual cost.
    added: Vec<(Vec<String>, Decimal)>,
    /// SaaS replacements: supplier id, annual cost (spend-based carbon).
    saas: Vec<(Vec<String>, String, Decimal)>,
    /// Annual embodied kgCO2e device lifetime changes add (negative: save), bound by bound.
    devices: Range,
    warnings: Vec<Warning>,
    assumptions: BTreeSet<String>,
    /// Phase and date of the action being applied.
    phase: String,
    date: NaiveDate,
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
    fn new(base: &'a Baseline<'a>) -> State<'a> {
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

    fn warn(&mut self, kind: &'static str, subject: &str, message: String) {
        self.warnings.push(Warning {
            kind,
            phase: self.phase.clone(),
            date: self.date,
            subject: subject.to_string(),
            message,
        });
    }

    fn name(&self, id: &str) -> String {
        self.model
            .get(id)
            .map(|i| self.model.node(i).display_name().to_string())
            .unwrap_or_else(|| id.to_string())
    }

    /// The spend ledger of the changed estate (per period, like the baseline's):
    /// by system (shared charges split evenly among the live sharers), by
    /// resource, and the totals. Other breakdowns are the baseline's.
    fn ledger(&self) -> Ledger {
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
                        self.users(r).into_iter().next()
                    })
                    .unwrap_or_else(|| a.system.clone())
            };
            *l.by_system.entry(system).or_default() += now;
            l.allocated += now;
            *l.allocations.entry(a.clone()).or_default() += now;
        }
        for (r, c) in l.by_resource.iter_mut() {
            if self.stopped.contains(r) {
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
        let ended = |s: &String| self.gone.contains_key(s) || self.replaced.contains(s);
        let stopped = if a.resource.is_empty() {
            a.sharers.iter().all(ended)
        } else {
            self.stopped.contains(&a.resource)
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
    fn point(&self) -> (Point, carbon::Estimate) {
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
                item.system = Some(s.clone());
                item.supplier = Some(supplier.clone());
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

    /// The systems a resource serves: those running on it (directly or
    /// through what runs on it) and those declaring a dependency on it.
    fn users(&self, r: NodeIndex) -> BTreeSet<String> {
        let mut users = self.model.rollup(r).systems;
        for d in self
            .model
            .neighbours(r, Direction::Incoming, &[EdgeKind::DependsOn])
        {
            if self.model.node(d).kind == Kind::System {
                users.insert(self.model.node(d).id.clone());
            }
        }
        users
    }

    /// Resources only the given systems use: what they run on (and what that
    /// runs on) and the resources they depend on.
    fn exclusive(&mut self, systems: &[NodeIndex]) -> Vec<NodeIndex> {
        let ids: HashSet<String> = systems
            .iter()
            .map(|i| self.model.node(*i).id.clone())
            .collect();
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = systems.to_vec();
        let mut on_shared_host = false;
        while let Some(n) = stack.pop() {
            let kinds: &[EdgeKind] = if self.model.node(n).kind == Kind::System {
                &[EdgeKind::RunsOn, EdgeKind::DependsOn]
            } else {
                &[EdgeKind::RunsOn]
            };
            for m in self.model.neighbours(n, Direction::Outgoing, kinds) {
                if self.model.node(m).kind != Kind::Resource || !seen.insert(m) {
                    continue;
                }
                if self.users(m).iter().all(|s| ids.contains(s)) {
                    found.push(m);
                    stack.push(m);
                } else if self.model.node(n).kind == Kind::Resource {
                    on_shared_host = true;
                }
            }
        }
        if on_shared_host {
            self.assumptions.insert(
                "A virtual machine that goes frees its share of a host only when the host goes (all its guests leave, or its site closes); until then the host's energy is shared among the guests left.".into(),
            );
        }
        found
    }

    /// Resources some of the systems share with live systems outside them.
    fn shared(&self, systems: &[NodeIndex]) -> Vec<(String, Vec<String>)> {
        let ids: HashSet<&str> = systems
            .iter()
            .map(|i| self.model.node(*i).id.as_str())
            .collect();
        let mut out = Vec::new();
        for &s in systems {
            for m in self
                .model
                .neighbours(s, Direction::Outgoing, &[EdgeKind::RunsOn])
            {
                if self.model.node(m).kind != Kind::Resource {
                    continue;
                }
                let others: Vec<String> = self
                    .model
                    .rollup(m)
                    .systems
                    .into_iter()
                    .filter(|o| !ids.contains(o.as_str()))
                    .collect();
                if !others.is_empty() {
                    out.push((self.model.node(m).id.clone(), others));
                }
            }
        }
        out
    }

    /// Remove systems with their exclusive resources, the integrations they
    /// are an end of, and the contracts that cover only them.
    fn remove_systems(&mut self, systems: &[NodeIndex]) {
        let resources = self.exclusive(systems);
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        let mut doomed: Vec<NodeIndex> = Vec::new();
        for &s in systems {
            for e in self.model.graph.edges_directed(s, Direction::Incoming) {
                let src = e.source();
                if e.weight().kind == EdgeKind::IntegratesWith
                    && self.model.node(src).kind == Kind::Integration
                {
                    doomed.push(src);
                }
            }
            for c in self
                .model
                .neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy])
            {
                let covered = self
                    .model
                    .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy]);
                if covered.iter().all(|x| ids.contains(x)) {
                    doomed.push(c);
                }
            }
        }
        for r in &resources {
            self.stopped.insert(self.model.node(*r).id.clone());
        }
        for &s in systems {
            self.gone.insert(self.model.node(s).id.clone(), self.date);
        }
        doomed.sort();
        doomed.dedup();
        for n in doomed
            .into_iter()
            .chain(resources)
            .chain(systems.iter().copied())
        {
            self.model.remove(n);
        }
    }

    /// Live systems that depend on or integrate with these, from outside them.
    fn check_dependents(&mut self, systems: &[NodeIndex], verb: &str) {
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        for &s in systems {
            let sid = self.model.node(s).id.clone();
            let sname = self.model.node(s).display_name().to_string();
            let mut dependents = Vec::new();
            let mut partners = BTreeSet::new();
            for e in self.model.graph.edges_directed(s, Direction::Incoming) {
                let src = e.source();
                if ids.contains(&src) || self.model.node(src).kind != Kind::System {
                    continue;
                }
                match e.weight().kind {
                    EdgeKind::DependsOn => {
                        dependents.push(self.model.node(src).display_name().to_string())
                    }
                    EdgeKind::IntegratesWith => {
                        partners.insert(self.model.node(src).display_name().to_string());
                    }
                    _ => {}
                }
            }
            for e in self.model.graph.edges_directed(s, Direction::Outgoing) {
                let dst = e.target();
                if e.weight().kind == EdgeKind::IntegratesWith
                    && !ids.contains(&dst)
                    && self.model.node(dst).kind == Kind::System
                {
                    partners.insert(self.model.node(dst).display_name().to_string());
                }
            }
            dependents.sort();
            dependents.dedup();
            if !dependents.is_empty() {
                self.warn(
                    "strands-dependent",
                    &sid,
                    format!(
                        "{verb} {sname} strands {} that depend{} on it: {}",
                        plural(dependents.len(), "system"),
                        if dependents.len() == 1 { "s" } else { "" },
                        dependents.join(", ")
                    ),
                );
            }
            for d in &dependents {
                partners.remove(d);
            }
            if !partners.is_empty() {
                let list: Vec<String> = partners.into_iter().collect();
                self.warn(
                    "broken-integration",
                    &sid,
                    format!(
                        "{verb} {sname} ends its integrations with {}",
                        list.join(", ")
                    ),
                );
            }
        }
    }

    /// Whether a system is in service on the current date.
    fn in_service(&self, idx: NodeIndex) -> Result<(), String> {
        let n = self.model.node(idx);
        if let Some(Spec::System(s)) = &n.spec
            && let Some(l) = &s.lifecycle
        {
            match l.phase {
                Phase::Plan | Phase::PhaseIn => match &l.start {
                    Some(d) if d.value.0 <= self.date => {}
                    Some(d) => return Err(format!("goes live on {}", d.value.0)),
                    None => return Err("is still being planned, with no go-live date".into()),
                },
                Phase::Retired => return Err("is retired".into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// Capabilities left with no system in service, or whose only other
    /// system is not live yet, when these systems go.
    fn check_capabilities(&mut self, systems: &[NodeIndex], verb: &str) {
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        let mut caps: BTreeSet<NodeIndex> = BTreeSet::new();
        for &s in systems {
            caps.extend(
                self.model
                    .neighbours(s, Direction::Outgoing, &[EdgeKind::Supports]),
            );
        }
        for c in caps {
            let others: Vec<NodeIndex> = self
                .model
                .neighbours(c, Direction::Incoming, &[EdgeKind::Supports])
                .into_iter()
                .filter(|o| !ids.contains(o) && self.model.node(*o).kind == Kind::System)
                .collect();
            let (ready, pending): (Vec<NodeIndex>, Vec<NodeIndex>) =
                others.iter().partition(|o| self.in_service(**o).is_ok());
            if !ready.is_empty() {
                continue;
            }
            let cap = self.model.node(c).display_name().to_string();
            let names: Vec<String> = systems
                .iter()
                .map(|s| self.model.node(*s).display_name().to_string())
                .collect();
            let subject = self.model.node(c).id.clone();
            match pending.first() {
                Some(p) => {
                    let why = self.in_service(*p).err().unwrap_or_default();
                    let msg = format!(
                        "{verb} {} before its replacement for {cap} is live: {} {why}",
                        names.join(", "),
                        self.model.node(*p).display_name()
                    );
                    self.warn("before-replacement", &subject, msg);
                }
                None => self.warn(
                    "capability-gap",
                    &subject,
                    format!("{verb} {} leaves {cap} with no system", names.join(", ")),
                ),
            }
        }
    }

    /// Systems named by the action, still present; warns about those gone.
    fn systems_of(&mut self, a: &Action) -> Vec<NodeIndex> {
        let mut v = Vec::new();
        for r in &a.systems {
            let id = r.value.id();
            match self.model.get(&id) {
                Some(i) => v.push(i),
                None => {
                    let when = self
                        .gone
                        .get(&id)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    self.warn(
                        "already-gone",
                        &id,
                        format!("{id} was already retired or consolidated on {when}"),
                    );
                }
            }
        }
        v
    }

    fn apply(&mut self, a: &Action) -> String {
        match a.action.value {
            ActionKind::Retire => {
                let systems = self.systems_of(a);
                self.check_dependents(&systems, "retiring");
                self.check_capabilities(&systems, "retiring");
                self.remove_systems(&systems);
                let resources: Vec<NodeIndex> = a
                    .resources
                    .iter()
                    .filter_map(|r| self.model.get(&r.value.id()))
                    .collect();
                for r in resources {
                    self.stopped.insert(self.model.node(r).id.clone());
                    self.model.remove(r);
                }
                String::new()
            }
            ActionKind::Consolidate => {
                let Some(into_ref) = &a.into else {
                    return String::new();
                };
                let into_id = into_ref.value.id();
                let Some(into) = self.model.get(&into_id) else {
                    let when = self
                        .gone
                        .get(&into_id)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    self.warn(
                        "before-replacement",
                        &into_id,
                        format!("consolidates into {into_id}, which is already gone ({when})"),
                    );
                    return format!("into {into_id}");
                };
                let systems: Vec<NodeIndex> = self
                    .systems_of(a)
                    .into_iter()
                    .filter(|s| *s != into)
                    .collect();
                if let Err(why) = self.in_service(into) {
                    let msg = format!(
                        "consolidates into {}, which {why}",
                        self.model.node(into).display_name()
                    );
                    self.warn("before-replacement", &into_id, msg);
                }
                for &s in &systems {
                    self.repoint(s, into);
                }
                self.remove_systems(&systems);
                if let Some(c) = &a.annual_cost {
                    self.added.push((vec![into_id.clone()], c.0));
                }
                format!("into {}", self.name(&into_id))
            }
            ActionKind::Replace => {
                let systems = self.systems_of(a);
                let supplier = a
                    .supplier
                    .as_ref()
                    .map(|s| s.value.id())
                    .unwrap_or_default();
                self.check_residency_supplier(&systems, &supplier);
                let resources = self.exclusive(&systems);
                for r in &resources {
                    self.stopped.insert(self.model.node(*r).id.clone());
                }
                let ids: Vec<String> = systems
                    .iter()
                    .map(|s| self.model.node(*s).id.clone())
                    .collect();
                // Contracts covering only these systems end with the old delivery.
                let mut ended = Vec::new();
                for &s in &systems {
                    for c in self
                        .model
                        .neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy])
                    {
                        let covered =
                            self.model
                                .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy]);
                        if covered.iter().all(|x| systems.contains(x)) {
                            ended.push(c);
                        }
                    }
                }
                ended.sort();
                ended.dedup();
                for n in ended.into_iter().chain(resources) {
                    self.model.remove(n);
                }
                let sup_idx = self.model.get(&supplier);
                for &s in &systems {
                    let old: Vec<_> = self
                        .model
                        .graph
                        .edges_directed(s, Direction::Outgoing)
                        .filter(|e| e.weight().kind == EdgeKind::SuppliedBy)
                        .map(|e| e.id())
                        .collect();
                    for e in old {
                        self.model.graph.remove_edge(e);
                    }
                    if let Some(t) = sup_idx {
                        add_edge(&mut self.model, s, t, EdgeKind::SuppliedBy, None);
                    }
                    if let Some(Spec::System(sys)) = &mut self.model.graph[s].spec {
                        sys.hosting = Some(Hosting::Saas);
                        sys.supplier = a.supplier.clone();
                        sys.contract = None;
                        sys.disposition = Some(Disposition::Repurchase);
                    }
                }
                self.replaced.extend(ids.iter().cloned());
                if let Some(c) = &a.annual_cost {
                    self.added.push((ids.clone(), c.0));
                    self.saas.push((ids, supplier.clone(), c.0));
                } else {
                    self.assumptions.insert(
                        "A replacement with no `annual_cost` adds no run cost or carbon.".into(),
                    );
                }
                format!("with {}", self.name(&supplier))
            }
            ActionKind::Migrate => {
                let systems = self.systems_of(a);
                let to = a.to.clone().unwrap_or_default();
                self.migrate(&systems, a.annual_cost.as_ref().map(|m| m.0), &to)
            }
            ActionKind::Rightsize => {
                let Some(new_type) = &a.instance_type else {
                    return String::new();
                };
                for r in &a.resources {
                    let id = r.value.id();
                    let Some(idx) = self.model.get(&id) else {
                        continue;
                    };
                    let (provider, old) = match &self.model.node(idx).spec {
                        Some(Spec::Resource(rs)) => (rs.provider, rs.instance_type.clone()),
                        _ => continue,
                    };
                    let vcpus =
                        |t: &str| instance(self.base.factors, provider, t).and_then(|i| i.vcpus);
                    match (old.as_deref().and_then(vcpus), vcpus(new_type)) {
                        (Some(o), Some(n)) if o > 0.0 => {
                            *self.scaled.entry(id.clone()).or_insert(1.0) *= n / o;
                        }
                        _ => {
                            let msg = format!(
                                "{id}: `{}` → `{new_type}`: a type the {} instance table does not know; its spend is left as it was",
                                old.as_deref().unwrap_or("(none)"),
                                provider.as_str()
                            );
                            self.warn("unknown-instance-type", &id, msg);
                        }
                    }
                    if let Some(Spec::Resource(rs)) = &mut self.model.graph[idx].spec {
                        rs.instance_type = Some(new_type.clone());
                    }
                }
                self.assumptions.insert(
                    "A rightsized resource's charges scale with its vCPUs (list prices within a family do).".into(),
                );
                format!("to {new_type}")
            }
            ActionKind::Site => self.site(a),
            ActionKind::Devices => {
                let Some(new) = &a.lifetime else {
                    return String::new();
                };
                for f in &a.fleets {
                    let Some(idx) = self.model.get(&f.value.id()) else {
                        continue;
                    };
                    let Some(Spec::DeviceFleet(d)) = &self.model.node(idx).spec else {
                        continue;
                    };
                    let factor = self.base.factors.devices.get(&d.category);
                    let old = match (&d.lifetime, factor) {
                        (Some(l), _) => l.years(),
                        (None, Some(f)) => f.lifetime_years,
                        (None, None) => continue,
                    };
                    let embodied = match (d.embodied_co2e_kg, factor) {
                        (Some(kg), _) => Range::exact(kg),
                        (None, Some(f)) => f.embodied_kgco2e,
                        (None, None) => continue,
                    };
                    let (count, new_years) = (f64::from(d.count), new.years());
                    // Bound by bound: the same factor moves baseline and plan.
                    if old > 0.0 && new_years > 0.0 {
                        let k = count * (1.0 / new_years - 1.0 / old);
                        self.devices += embodied.scale(k);
                    }
                    // The model keeps the old lifetime: the period's
                    // amortisation would count a fleet past its old life again.
                }
                self.assumptions.insert(
                    "A device lifetime change counts at steady state: a fleet replaced every N years embodies its footprint ÷ N a year.".into(),
                );
                format!("lifetime {new}")
            }
        }
    }

    /// Move a system's incoming and outgoing relations to the survivor.
    fn repoint(&mut self, from: NodeIndex, to: NodeIndex) {
        let mut add: Vec<(NodeIndex, NodeIndex, EdgeKind, Option<String>)> = Vec::new();
        let mut drop_integrations = Vec::new();
        for e in self.model.graph.edges_directed(from, Direction::Incoming) {
            let src = e.source();
            let k = e.weight().kind;
            let src_kind = self.model.node(src).kind;
            match k {
                EdgeKind::DependsOn | EdgeKind::IntegratesWith if src != to => {
                    // An integration between the two becomes internal.
                    if src_kind == Kind::Integration
                        && self
                            .model
                            .neighbours(src, Direction::Outgoing, &[EdgeKind::IntegratesWith])
                            .contains(&to)
                    {
                        drop_integrations.push(src);
                        continue;
                    }
                    add.push((src, to, k, e.weight().label.clone()));
                }
                _ => {}
            }
        }
        for e in self.model.graph.edges_directed(from, Direction::Outgoing) {
            let dst = e.target();
            let k = e.weight().kind;
            // Its own infrastructure goes with it; relations to systems,
            // capabilities and information move to the survivor.
            if matches!(
                k,
                EdgeKind::DependsOn
                    | EdgeKind::IntegratesWith
                    | EdgeKind::Supports
                    | EdgeKind::Holds
            ) && dst != to
                && self.model.node(dst).kind != Kind::Resource
            {
                add.push((to, dst, k, e.weight().label.clone()));
            }
        }
        for (a, b, k, label) in add {
            add_edge(&mut self.model, a, b, k, label);
        }
        let (from_id, to_id) = (
            self.model.node(from).id.clone(),
            self.model.node(to).id.clone(),
        );
        for i in self.model.nodes_of(Kind::Integration) {
            if let Some(Spec::Integration(s)) = &mut self.model.graph[i].spec {
                for end in [&mut s.from, &mut s.to] {
                    if end.value.id() == from_id
                        && let Ok(r) = Ref::parse(&to_id)
                    {
                        *end = spanned(r);
                    }
                }
            }
        }
        drop_integrations.sort();
        drop_integrations.dedup();
        for i in drop_integrations {
            self.model.remove(i);
        }
    }

    fn check_residency_supplier(&mut self, systems: &[NodeIndex], supplier: &str) {
        let country = self
            .model
            .get(supplier)
            .and_then(|i| match &self.model.node(i).spec {
                Some(Spec::Supplier(s)) => s.country.as_ref().map(|c| c.value.clone()),
                _ => None,
            });
        let Some(country) = country else { return };
        for &s in systems {
            if let Some(loc) = data_location(&self.model, s)
                && !same_place(&loc, &country, "")
            {
                let n = self.model.node(s);
                let msg = format!(
                    "{} must keep its data in {loc}; its replacement {} is based in {country}",
                    n.display_name(),
                    self.name(supplier)
                );
                let id = n.id.clone();
                self.warn("data-residency", &id, msg);
            }
        }
    }

    fn migrate(
        &mut self,
        systems: &[NodeIndex],
        annual_cost: Option<Decimal>,
        to: &MigrationTarget,
    ) -> String {
        let target = [
            to.provider.map(|p| p.as_str().to_string()),
            to.region.clone(),
            to.instance_family.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        // Residency: the target region's country against each system's data location.
        if let (Some(p), Some(region)) = (to.provider, &to.region) {
            match crate::model::regions::lookup(p.as_str(), region) {
                Some(info) => {
                    for &s in systems {
                        if let Some(loc) = data_location(&self.model, s)
                            && !same_place(&loc, &info.country, &info.jurisdiction)
                        {
                            let n = self.model.node(s);
                            let msg = format!(
                                "{} must keep its data in {loc}; {} {region} is in {} ({})",
                                n.display_name(),
                                p.as_str(),
                                info.country,
                                info.location
                            );
                            let id = n.id.clone();
                            self.warn("data-residency", &id, msg);
                        }
                    }
                }
                None => {
                    let msg = format!(
                        "{} region `{region}` is not in the region table",
                        p.as_str()
                    );
                    self.warn("unknown-region", region, msg);
                }
            }
        }
        for (r, others) in self.shared(systems) {
            let names: Vec<String> = others.iter().map(|o| self.name(o)).collect();
            self.warn(
                "shared-resource",
                &r,
                format!(
                    "{r} is shared with {}; it stays where it is",
                    names.join(", ")
                ),
            );
        }
        let resources = self.exclusive(systems);
        let mut moved = Vec::new();
        for r in resources {
            let id = self.model.node(r).id.clone();
            // A host whose guests move is switched off, not moved.
            let has_guests = self
                .model
                .neighbours(r, Direction::Incoming, &[EdgeKind::RunsOn])
                .iter()
                .any(|g| self.model.node(*g).kind == Kind::Resource);
            if has_guests {
                self.stopped.insert(id);
                continue;
            }
            moved.push((r, id));
        }
        let mut removed_hosts: Vec<NodeIndex> = Vec::new();
        for (r, id) in &moved {
            let Some(Spec::Resource(rs)) = self.model.graph[*r].spec.clone() else {
                continue;
            };
            let mut rs = rs;
            let provider = to.provider.unwrap_or(rs.provider);
            let vcpus = rs.vcpus.map(f64::from).or_else(|| {
                rs.cpu
                    .as_ref()
                    .map(|c| f64::from(c.sockets * c.threads.unwrap_or(c.cores * 2)))
            });
            let vcpus = vcpus.or_else(|| {
                rs.instance_type
                    .as_deref()
                    .and_then(|t| instance(self.base.factors, rs.provider, t))
                    .and_then(|i| i.vcpus)
            });
            if let Some(family) = &to.instance_family
                && matches!(
                    rs.resource_type,
                    crate::inventory::kinds::ResourceType::Compute
                        | crate::inventory::kinds::ResourceType::Database
                )
            {
                match pick(
                    self.base.factors,
                    provider,
                    family,
                    vcpus.unwrap_or(2.0),
                    rs.memory_gb,
                ) {
                    Some(t) => rs.instance_type = Some(t),
                    None => {
                        let msg = format!(
                            "no `{family}` type in the {} instance table fits {id} ({} vCPUs); its type is left as it was",
                            provider.as_str(),
                            vcpus.unwrap_or(0.0)
                        );
                        self.warn("unknown-instance-type", id, msg);
                    }
                }
            }
            rs.provider = provider;
            if let Some(region) = &to.region {
                rs.region = Some(spanned(region.clone()));
            }
            rs.site = None;
            rs.host = None;
            rs.cpu = None;
            rs.drives.clear();
            rs.power = None;
            rs.measured_w = None;
            rs.rated_w = None;
            if rs.vcpus.is_none() {
                rs.vcpus = vcpus.map(|v| v as u32);
            }
            let region = rs.region.as_ref().map(|r| r.value.clone());
            self.model.graph[*r].spec = Some(Spec::Resource(rs));
            let old: Vec<_> = self
                .model
                .graph
                .edges_directed(*r, Direction::Outgoing)
                .filter(|e| matches!(e.weight().kind, EdgeKind::HostedIn | EdgeKind::RunsOn))
                .map(|e| (e.id(), e.target(), e.weight().kind))
                .collect();
            for (e, host, k) in old {
                self.model.graph.remove_edge(e);
                if k == EdgeKind::RunsOn {
                    removed_hosts.push(host);
                }
            }
            if let (Some(region), false) = (region, provider == Provider::OnPrem) {
                let ri = crate::model::build::region_node(&mut self.model, provider, &region);
                add_edge(&mut self.model, *r, ri, EdgeKind::HostedIn, None);
            }
            if annual_cost.is_some() {
                self.stopped.insert(id.clone());
            }
        }
        for &s in systems {
            if let Some(Spec::System(sys)) = &mut self.model.graph[s].spec {
                if to.provider.is_some_and(|p| p != Provider::OnPrem) {
                    sys.hosting = Some(Hosting::Cloud);
                }
                if let Some(st) = to.strategy {
                    sys.disposition = Some(st);
                }
            }
        }
        let ids: Vec<String> = systems
            .iter()
            .map(|s| self.model.node(*s).id.clone())
            .collect();
        match annual_cost {
            Some(c) => self.added.push((ids, c)),
            None => {
                self.assumptions.insert(
                    "A migration with no `annual_cost` keeps its resources' charges as they were (like-for-like); on-premises resources have none of their own.".into(),
                );
            }
        }
        let strategy = to
            .strategy
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(String::from))
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        format!("to {target}{strategy}")
    }

    fn site(&mut self, a: &Action) -> String {
        let Some(site_ref) = &a.site else {
            return String::new();
        };
        let id = site_ref.value.id();
        let Some(idx) = self.model.get(&id) else {
            return String::new();
        };
        let mut what = Vec::new();
        if let Some(Spec::Site(s)) = &mut self.model.graph[idx].spec {
            if let Some(p) = a.pue {
                s.pue = Some(spanned(p));
                what.push(format!("PUE {p}"));
            }
            if let Some(r) = a.renewable_share {
                s.renewable_share = Some(spanned(r));
                what.push(format!("renewable share {r}"));
            }
        }
        if a.close == Some(true) {
            let into = a.into.as_ref().and_then(|r| self.model.get(&r.value.id()));
            let hosted = self
                .model
                .neighbours(idx, Direction::Incoming, &[EdgeKind::HostedIn]);
            let mut stranded: BTreeSet<String> = BTreeSet::new();
            let mut left = 0;
            for r in hosted {
                let kind = self.model.node(r).kind;
                if kind == Kind::DeviceFleet {
                    continue;
                }
                if let Some(dest) = into {
                    let old: Vec<_> = self
                        .model
                        .graph
                        .edges_connecting(r, idx)
                        .map(|e| e.id())
                        .collect();
                    for e in old {
                        self.model.graph.remove_edge(e);
                    }
                    add_edge(&mut self.model, r, dest, EdgeKind::HostedIn, None);
                    if let Some(Spec::Resource(rs)) = &mut self.model.graph[r].spec {
                        rs.site = a.into.clone();
                    }
                    continue;
                }
                let users = self.model.rollup(r).systems;
                if users.is_empty() {
                    self.stopped.insert(self.model.node(r).id.clone());
                    self.model.remove(r);
                } else {
                    left += 1;
                    stranded.extend(users);
                }
            }
            match into {
                Some(dest) => what.push(format!(
                    "closed; equipment moved to {}",
                    self.model.node(dest).display_name()
                )),
                None => what.push("closed".into()),
            }
            if !stranded.is_empty() {
                let names: Vec<String> = stranded.iter().map(|s| self.name(s)).collect();
                let site_name = self.model.node(idx).display_name().to_string();
                self.warn(
                    "site-closure",
                    &id,
                    format!(
                        "closing {site_name} leaves {} serving {} still there (kept in the estimate): {}",
                        plural(left, "resource"),
                        plural(names.len(), "live system"),
                        names.join(", ")
                    ),
                );
            }
        }
        what.join(", ")
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn scale(c: Cost, k: f64) -> Cost {
    let k = Decimal::from_f64(k).unwrap_or(Decimal::ONE);
    Cost {
        billed: (c.billed * k).round_dp(2),
        effective: (c.effective * k).round_dp(2),
    }
}

fn add_edge(model: &mut Model, a: NodeIndex, b: NodeIndex, kind: EdgeKind, label: Option<String>) {
    if a == b
        || model
            .graph
            .edges_connecting(a, b)
            .any(|e| e.weight().kind == kind && e.weight().label == label)
    {
        return;
    }
    model.graph.add_edge(a, b, Edge { kind, label });
}

/// A system's declared data location (upper case).
fn data_location(model: &Model, s: NodeIndex) -> Option<String> {
    match &model.node(s).spec {
        Some(Spec::System(sys)) => sys
            .data_location
            .as_ref()
            .map(|d| d.value.trim().to_ascii_uppercase()),
        _ => None,
    }
}

/// Whether a place (`GB`, `UK`, `EU`) admits a country or jurisdiction.
fn same_place(required: &str, country: &str, jurisdiction: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_ascii_uppercase();
        if s == "UK" { "GB".to_string() } else { s }
    };
    let r = norm(required);
    r == norm(country) || (!jurisdiction.is_empty() && r == norm(jurisdiction))
}

/// An instance type in the factor set's table for a provider.
fn instance<'f>(
    factors: &'f FactorSet,
    provider: Provider,
    t: &str,
) -> Option<&'f carbon::factors::Instance> {
    let cloud = factors.cloud.get(&provider)?;
    let t = t.to_ascii_lowercase();
    let alt = t
        .trim_start_matches("db.")
        .trim_start_matches("standard_")
        .replace('_', " ");
    cloud
        .instances
        .get(&t)
        .or_else(|| cloud.instances.get(&alt))
}

/// The smallest type of a family (`m6i`, `Dsv5`) with at least these vCPUs
/// (and memory, when known), in the provider's naming.
fn pick(
    factors: &FactorSet,
    provider: Provider,
    family: &str,
    vcpus: f64,
    memory_gb: Option<f64>,
) -> Option<String> {
    let cloud = factors.cloud.get(&provider)?;
    let fam = family.to_ascii_lowercase().replace([' ', '_'], "");
    let family_of = |key: &str| -> String {
        match provider {
            Provider::Aws => key.split('.').next().unwrap_or("").to_string(),
            // `d4s v5` → `dsv5`: the size's digits go, the version's stay.
            _ => {
                let (size, version) = key.split_once(' ').unwrap_or((key, ""));
                let size: String = size.chars().filter(|c| !c.is_ascii_digit()).collect();
                format!("{size}{}", version.replace(' ', ""))
            }
        }
    };
    let mut best: Option<(&String, f64)> = None;
    for (key, i) in &cloud.instances {
        if family_of(key) != fam {
            continue;
        }
        let (Some(v), m) = (i.vcpus, i.memory_gb) else {
            continue;
        };
        if v < vcpus || memory_gb.is_some_and(|need| m.is_some_and(|m| m < need)) {
            continue;
        }
        if best.is_none_or(|(bk, bv)| v < bv || (v == bv && key < bk)) {
            best = Some((key, v));
        }
    }
    let (key, _) = best?;
    Some(match provider {
        Provider::Azure => {
            let mut c = key.replace(' ', "_");
            if let Some(f) = c.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            format!("Standard_{c}")
        }
        _ => key.clone(),
    })
}

fn quarter_name(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_end(d: NaiveDate) -> NaiveDate {
    let q_last_month = ((d.month() - 1) / 3 + 1) * 3;
    let next = if q_last_month == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), q_last_month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(d)
}

/// Apply a roadmap and measure it.
pub fn run(
    base: &Baseline<'_>,
    name: &str,
    title: &str,
    spec: &RoadmapSpec,
    checker: Option<&Checker<'_>>,
) -> Outcome {
    let mut state = State::new(base);
    let (baseline, base_est) = state.point();
    let base_findings: BTreeSet<(String, String)> = checker
        .map(|c| {
            c(
                base.model.copy(),
                &base_est,
                base.ledger.cloned().unwrap_or_default(),
            )
            .into_iter()
            .map(|f| (f.rule, f.id))
            .collect()
        })
        .unwrap_or_default();
    // Actions in date order (undated ones at their phase's end), stable within a date.
    let mut ordered: Vec<(NaiveDate, usize, &str, &Action)> = Vec::new();
    for (pi, p) in spec.phases.iter().enumerate() {
        for a in &p.actions {
            let d = a.date.as_ref().map_or(p.end.value.0, |d| d.value.0);
            ordered.push((d, pi, &p.name, a));
        }
    }
    ordered.sort_by_key(|(d, pi, _, _)| (*d, *pi));
    let mut actions = Vec::new();
    // Run-rate after each date: (date, point, one-off that day).
    let mut steps: Vec<(NaiveDate, Point, Decimal)> = Vec::new();
    let mut phases: Vec<PhaseOut> = spec
        .phases
        .iter()
        .map(|p| PhaseOut {
            name: p.name.clone(),
            start: p.start.value.0,
            end: p.end.value.0,
            one_off_cost: Decimal::ZERO,
            at_end: baseline,
            new_findings: Vec::new(),
            resolved_findings: 0,
        })
        .collect();
    let mut last = baseline;
    let mut next_phase_end = 0;
    let phase_ends: Vec<(NaiveDate, usize)> = {
        let mut v: Vec<(NaiveDate, usize)> = spec
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| (p.end.value.0, i))
            .collect();
        v.sort();
        v
    };
    let mut policy_warnings: Vec<Warning> = Vec::new();
    let mut close_phases = |state: &State<'_>,
                            upto: Option<NaiveDate>,
                            last: Point,
                            est: Option<&carbon::Estimate>,
                            phases: &mut Vec<PhaseOut>| {
        while next_phase_end < phase_ends.len()
            && upto.is_none_or(|d| phase_ends[next_phase_end].0 < d)
        {
            let pi = phase_ends[next_phase_end].1;
            phases[pi].at_end = last;
            if let Some(c) = checker {
                let owned;
                let est = match est {
                    Some(e) => e,
                    None => {
                        owned = state.point().1;
                        &owned
                    }
                };
                let found = c(state.model.copy(), est, state.ledger());
                let keys: BTreeSet<(String, String)> = found
                    .iter()
                    .map(|f| (f.rule.clone(), f.id.clone()))
                    .collect();
                phases[pi].resolved_findings = base_findings.difference(&keys).count();
                let mut new: Vec<PhaseFinding> = found
                    .into_iter()
                    .filter(|f| !base_findings.contains(&(f.rule.clone(), f.id.clone())))
                    .collect();
                new.sort();
                policy_warnings.extend(
                    new.iter()
                        .filter(|f| matches!(f.severity.as_str(), "high" | "critical"))
                        .map(|f| Warning {
                            kind: "policy",
                            phase: phases[pi].name.clone(),
                            date: phases[pi].end,
                            subject: f.id.clone(),
                            message: format!("breaks `{}` ({}): {}", f.rule, f.severity, f.message),
                        }),
                );
                phases[pi].new_findings = new;
            }
            next_phase_end += 1;
        }
    };
    let mut last_est: Option<carbon::Estimate> = None;
    for (date, pi, phase, a) in ordered {
        close_phases(&state, Some(date), last, last_est.as_ref(), &mut phases);
        state.phase = phase.to_string();
        state.date = date;
        let detail = state.apply(a);
        if let Some(saving) = &a.annual_saving {
            let ids: Vec<String> = a.systems.iter().map(|r| r.value.id()).collect();
            state.added.push((ids, -saving.0));
        }
        let (now, est) = state.point();
        let one_off = a.one_off_cost.as_ref().map_or(Decimal::ZERO, |m| m.0);
        phases[pi].one_off_cost += one_off;
        actions.push(ActionOut {
            phase: phase.to_string(),
            date,
            action: a.action.value.as_str(),
            targets: a
                .systems
                .iter()
                .chain(&a.resources)
                .chain(&a.fleets)
                .chain(a.site.iter())
                .map(|r| r.value.id())
                .collect(),
            detail,
            one_off_cost: one_off,
            spend_delta: now.spend - last.spend,
            co2e_delta_kg: now.co2e_kg.bound_minus(last.co2e_kg),
            note: a.note.clone(),
        });
        match steps.last_mut() {
            Some(s) if s.0 == date => {
                s.1 = now;
                s.2 += one_off;
            }
            _ => steps.push((date, now, one_off)),
        }
        last = now;
        last_est = Some(est);
    }
    close_phases(&state, None, last, last_est.as_ref(), &mut phases);
    let start = spec
        .phases
        .iter()
        .map(|p| p.start.value.0)
        .min()
        .unwrap_or(base.period.end.0);
    let end = spec
        .phases
        .iter()
        .map(|p| p.end.value.0)
        .max()
        .unwrap_or(start);
    let (trajectory, payback) = trajectory(baseline, &steps, start, end);
    let one_off_total: Decimal = phases.iter().map(|p| p.one_off_cost).sum();
    let mut assumptions: Vec<String> = vec![
        format!(
            "Run-rates are a year of the assessed period ({} to {}) with the plan's changes applied; the baseline stays as it is.",
            base.period.start, base.period.end
        ),
        "Carbon is location-based; a change's range is the difference of the lows, centrals and highs (the same factors move together).".into(),
        "An action takes effect on its date; one-off costs fall on that date; an undated action takes effect at its phase's end.".into(),
        "A retired system takes its exclusive resources, its integrations and the contracts that cover only it; a resource or charge it shares with a live system (a shared server, an enterprise agreement) stays.".into(),
    ];
    if base.ledger.is_none() {
        assumptions
            .push("No billing is configured: spend is only the run costs actions add.".into());
    }
    assumptions.extend(state.assumptions.iter().cloned());
    let mut warnings = state.warnings;
    // A finding that persists is warned about at the first phase that breaks it.
    let mut seen = HashSet::new();
    warnings.extend(
        policy_warnings
            .into_iter()
            .filter(|w| seen.insert((w.subject.clone(), w.message.clone()))),
    );
    warnings.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(b.kind)));
    Outcome {
        name: name.to_string(),
        title: title.to_string(),
        description: spec.description.clone(),
        currency: base.currency.to_string(),
        period: format!("{} to {}", base.period.start, base.period.end),
        baseline,
        phases,
        actions,
        trajectory,
        one_off_total,
        at_end: last,
        annual_saving: baseline.spend - last.spend,
        co2e_reduction_kg: baseline.co2e_kg.bound_minus(last.co2e_kg),
        payback,
        warnings,
        assumptions,
    }
}

/// Quarter by quarter from the roadmap's start to its end, and the payback
/// date: savings accrue day by day at the run-rate in force.
fn trajectory(
    baseline: Point,
    steps: &[(NaiveDate, Point, Decimal)],
    start: NaiveDate,
    end: NaiveDate,
) -> (Vec<Quarter>, Option<Payback>) {
    let year = Decimal::from_f64(365.25).unwrap_or(Decimal::ONE);
    let rate_at = |d: NaiveDate| -> Point {
        steps
            .iter()
            .take_while(|s| s.0 <= d)
            .last()
            .map_or(baseline, |s| s.1)
    };
    // Day-by-day accrual between change points.
    let mut saved = Decimal::ZERO;
    let mut avoided = 0.0;
    let mut one_off = Decimal::ZERO;
    let mut payback = None;
    let first_cost = steps.iter().find(|s| !s.2.is_zero()).map(|s| s.0);
    let mut out = Vec::new();
    let mut q_end = quarter_end(start);
    let mut step_i = 0;
    // Costs dated before the start count on the first day.
    while step_i < steps.len() && steps[step_i].0 < start {
        one_off += steps[step_i].2;
        step_i += 1;
    }
    let mut day = start;
    let mut rate = rate_at(day.pred_opt().unwrap_or(day));
    loop {
        // Apply the changes dated today.
        while step_i < steps.len() && steps[step_i].0 <= day {
            one_off += steps[step_i].2;
            rate = steps[step_i].1;
            step_i += 1;
        }
        let daily = (baseline.spend - rate.spend) / year;
        saved += daily;
        avoided += (baseline.co2e_kg.central - rate.co2e_kg.central) / 365.25;
        if payback.is_none() && !one_off.is_zero() && saved >= one_off {
            payback = Some(Payback {
                date: day,
                months: months_between(first_cost.unwrap_or(start), day),
                after_roadmap: false,
            });
        }
        if day == q_end || day == end {
            out.push(Quarter {
                quarter: quarter_name(day),
                end: day,
                baseline,
                plan: rate,
                one_off_to_date: one_off,
                saved_to_date: saved.round_dp(2),
                co2e_avoided_kg: avoided,
            });
            if let Some(n) = day.succ_opt() {
                q_end = quarter_end(n);
            }
        }
        if day >= end {
            break;
        }
        match day.succ_opt() {
            Some(n) => day = n,
            None => break,
        }
    }
    if payback.is_none() && !one_off.is_zero() {
        let annual = baseline.spend - rate.spend;
        if annual > Decimal::ZERO {
            let days = ((one_off - saved) / annual * year)
                .ceil()
                .to_i64()
                .unwrap_or(0);
            let date = end + chrono::Days::new(days.max(0) as u64);
            payback = Some(Payback {
                date,
                months: months_between(first_cost.unwrap_or(start), date),
                after_roadmap: true,
            });
        }
    }
    (out, payback)
}

fn months_between(a: NaiveDate, b: NaiveDate) -> f64 {
    ((b - a).num_days() as f64 / (365.25 / 12.0) * 10.0).round() / 10.0
}

/// Parse `provider:region[:family]` (`aws:eu-west-2:m6i`).
pub fn parse_target(text: &str) -> Result<MigrationTarget, String> {
    let mut parts = text.split(':');
    let (Some(p), Some(region)) = (parts.next(), parts.next()) else {
        return Err(format!(
            "expected PROVIDER:REGION[:FAMILY] (such as aws:eu-west-2:m6i), found `{text}`"
        ));
    };
    let provider = Provider::parse(p)
        .ok_or_else(|| format!("unknown provider `{p}`: aws, azure, gcp or on-prem"))?;
    if crate::model::regions::lookup(provider.as_str(), region).is_none() {
        return Err(format!("{p} has no region `{region}` in the region table"));
    }
    Ok(MigrationTarget {
        provider: Some(provider),
        region: Some(region.to_string()),
        instance_family: parts.next().map(String::from),
        strategy: Some(Disposition::Rehost),
    })
}

/// What migrating each group of systems to a target changes, one group
/// after another (later groups on top of earlier ones): annual spend
/// (charges stay like-for-like, so only what the move switches off) and
/// annual kgCO2e, with the warnings the moves raise.
pub fn migration_deltas(
    base: &Baseline<'_>,
    groups: &[Vec<String>],
    to: &MigrationTarget,
) -> Vec<(Decimal, Range, Vec<Warning>)> {
    let mut state = State::new(base);
    let (mut last, _) = state.point();
    let mut out = Vec::new();
    for g in groups {
        let systems: Vec<NodeIndex> = g.iter().filter_map(|id| state.model.get(id)).collect();
        let before = state.warnings.len();
        state.migrate(&systems, None, to);
        let (now, _) = state.point();
        out.push((
            now.spend - last.spend,
            now.co2e_kg.bound_minus(last.co2e_kg),
            state.warnings[before..].to_vec(),
        ));
        last = now;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::spend::Allocation;
    use crate::diagnostic::Sources;
    use crate::inventory::{Date, Inventory, load::load_text};

    const ESTATE: &str = r#"apiVersion: estate/v1
kind: Supplier
metadata: {name: sw}
spec: {category: software}
---
apiVersion: estate/v1
kind: System
metadata: {name: a}
---
apiVersion: estate/v1
kind: System
metadata: {name: b}
spec: {depends_on: [resource:rs]}
---
apiVersion: estate/v1
kind: System
metadata: {name: x}
spec: {depends_on: [system:dep1]}
---
apiVersion: estate/v1
kind: System
metadata: {name: y}
spec: {depends_on: [system:dep2], lifecycle: {phase: phase-in, start: 2027-09-01}}
---
apiVersion: estate/v1
kind: System
metadata: {name: z}
spec: {depends_on: [system:x]}
---
apiVersion: estate/v1
kind: System
metadata: {name: dep1}
---
apiVersion: estate/v1
kind: System
metadata: {name: dep2}
---
apiVersion: estate/v1
kind: System
metadata: {name: m}
spec: {data_location: GB}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: ra}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, system: system:a}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: rs}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, system: system:a}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: rm}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, utilisation: 0.5, system: system:m}
---
apiVersion: estate/v1
kind: Roadmap
metadata: {name: r}
spec:
  phases:
    - name: p
      start: 2027-01-01
      end: 2027-12-31
      actions:
        - {action: retire, date: 2027-03-31, systems: [system:a], one_off_cost: 100}
        - {action: consolidate, date: 2027-06-30, systems: [system:x], into: system:y}
        - {action: migrate, date: 2027-09-30, systems: [system:m], to: {provider: aws, region: eu-north-1}}
"#;

    fn model() -> Model {
        let mut inv = Inventory::default();
        load_text(
            &mut inv,
            "t.yaml".into(),
            ESTATE.to_string(),
            &mut Vec::new(),
        );
        let (m, ds) = crate::model::build(inv);
        assert_eq!(ds.errors(), 0, "{:?}", ds.items);
        m
    }

    fn factors() -> FactorSet {
        carbon::factors::load("default", None, &mut Sources::default()).expect("shipped set")
    }

    fn year() -> Period {
        Period {
            start: Date::parse("2025-01-01").unwrap(),
            end: Date::parse("2025-12-31").unwrap(),
        }
    }

    fn pounds(p: i64) -> Cost {
        Cost {
            billed: Decimal::from(p),
            effective: Decimal::from(p),
        }
    }

    /// a: its own resource (100) and licence (50); rs, which b depends on,
    /// charged to a (40); a contract shared with b (10 each); 7 unallocated.
    fn ledger() -> Ledger {
        let mut l = Ledger::default();
        let mut put = |sharers: &[&str], resource: &str, system: &str, p: i64| {
            let a = Allocation {
                sharers: sharers.iter().map(|s| s.to_string()).collect(),
                resource: resource.into(),
                system: system.into(),
                supplier: "supplier:sw".into(),
            };
            l.allocations.insert(a, pounds(p));
            *l.by_system.entry(system.to_string()).or_default() += pounds(p);
            l.allocated += pounds(p);
        };
        put(&["system:a"], "resource:ra", "system:a", 100);
        put(&["system:a"], "", "system:a", 50);
        put(&["system:a"], "resource:rs", "system:a", 40);
        put(&["system:a", "system:b"], "", "system:a", 10);
        put(&["system:a", "system:b"], "", "system:b", 10);
        l.unallocated = pounds(7);
        l.total = l.allocated;
        l.total += l.unallocated;
        l
    }

    fn base<'a>(m: &'a Model, f: &'a FactorSet, l: Option<&'a Ledger>) -> Baseline<'a> {
        Baseline {
            model: m,
            factors: f,
            period: year(),
            currency: "GBP",
            ledger: l,
        }
    }

    fn action(model: &Model, i: usize) -> Action {
        declared(model)[0].2.phases[0].actions[i].clone()
    }

    #[test]
    fn a_retirement_removes_exactly_its_own_spend_and_carbon_and_nothing_shared() {
        let (m, f, l) = (model(), factors(), ledger());
        let base = base(&m, &f, Some(&l));
        let mut s = State::new(&base);
        let (before, est) = s.point();
        assert_eq!(before.spend, Decimal::from(217));
        s.apply(&action(&m, 0));
        let (after, _) = s.point();
        // by_system[a] is 200, of which 40 (rs, which b needs) and 10 (shared contract) are shared.
        assert_eq!(before.spend - after.spend, Decimal::from(150));
        let ra = est
            .items
            .iter()
            .find(|i| i.id == "resource:ra")
            .expect("ra estimated")
            .co2e(Basis::Location);
        let drop = before.co2e_kg.bound_minus(after.co2e_kg);
        for (d, r) in [
            (drop.low, ra.low),
            (drop.central, ra.central),
            (drop.high, ra.high),
        ] {
            assert!((d - r).abs() < 1e-9 * r.max(1.0), "{d} vs {r}");
        }
        assert!(
            s.model.get("resource:rs").is_some(),
            "shared resource stays"
        );
        assert!(s.model.get("resource:ra").is_none());
        assert_eq!(
            s.ledger().by_system.get("system:b").map(|c| c.effective),
            Some(Decimal::from(60)),
            "what a shared with b now falls to b"
        );
    }

    #[test]
    fn a_consolidation_keeps_the_survivors_dependencies_and_takes_on_the_others() {
        let (m, f) = (model(), factors());
        let base = base(&m, &f, None);
        let mut s = State::new(&base);
        s.date = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        s.apply(&action(&m, 1));
        let deps = |id: &str| -> Vec<String> {
            let i = s.model.get(id).expect("present");
            let mut v: Vec<String> = s
                .model
                .neighbours(i, Direction::Outgoing, &[EdgeKind::DependsOn])
                .into_iter()
                .map(|n| s.model.node(n).id.clone())
                .collect();
            v.sort();
            v
        };
        assert!(s.model.get("system:x").is_none());
        assert_eq!(deps("system:y"), ["system:dep1", "system:dep2"]);
        assert_eq!(deps("system:z"), ["system:y"]);
        // y goes live after the consolidation date: warned, nothing stranded.
        let kinds: Vec<&str> = s.warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, ["before-replacement"], "{:?}", s.warnings);
        assert!(s.warnings[0].message.contains("goes live on 2027-09-01"));
    }

    #[test]
    fn a_migration_changes_operational_emissions_by_the_ratio_of_grid_factors() {
        let (m, f) = (model(), factors());
        let base = base(&m, &f, None);
        let op = |est: &carbon::Estimate| {
            est.items
                .iter()
                .find(|i| i.id == "resource:rm")
                .expect("rm estimated")
                .operational(Basis::Location)
                .central
        };
        let ctx = carbon::Context::new(&m, &f, year(), "GBP");
        let grid = |r: &str| {
            carbon::cloud::region_grid(&ctx, Provider::Aws, r)
                .expect("grid")
                .generation
                .central
        };
        let mut s = State::new(&base);
        let (_, before) = s.point();
        s.date = NaiveDate::from_ymd_opt(2027, 9, 30).unwrap();
        s.apply(&action(&m, 2));
        // m keeps its data in GB; eu-north-1 is in Sweden.
        assert!(
            s.warnings
                .iter()
                .any(|w| w.kind == "data-residency" && w.message.contains("SE")),
            "{:?}",
            s.warnings
        );
        let (_, after) = s.point();
        let ratio = op(&after) / op(&before);
        let expected = grid("eu-north-1") / grid("eu-west-2");
        assert!(expected < 0.5, "Sweden's grid is cleaner: {expected}");
        assert!((ratio - expected).abs() < 1e-9, "{ratio} vs {expected}");
    }

    #[test]
    fn payback_is_the_day_savings_cover_the_one_off_costs() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let point = |spend: &str| Point {
            spend: spend.parse().unwrap(),
            co2e_kg: Range::ZERO,
        };
        // Saving 365.25 a year is 1.00 a day from 2027-01-01; 10 of one-off costs.
        let steps = [(d("2027-01-01"), point("634.75"), Decimal::from(10))];
        let (q, p) = trajectory(point("1000"), &steps, d("2027-01-01"), d("2027-06-30"));
        let p = p.expect("pays back");
        assert_eq!(p.date, d("2027-01-10"));
        assert!(!p.after_roadmap);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].quarter, "2027-Q1");
        assert_eq!(q[0].saved_to_date, Decimal::from(90));
        assert_eq!(q[1].one_off_to_date, Decimal::from(10));
    }
}
