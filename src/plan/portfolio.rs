//! Application rationalisation (`estate plan portfolio`): the systems to
//! retire and the capabilities to consolidate, each with the spend and carbon
//! it would free and the live systems that depend on it; and cost and carbon
//! per user of every system.
//!
//! A system is a **retirement candidate** when its TIME quadrant is
//! `eliminate`, its recorded disposition is `retire`, or it is in `phase-out`.
//! A capability is a **consolidation candidate** when at least `min_systems`
//! active systems serve it: the system with the best fit (functional +
//! technical, then the most users) is kept and the others' spend and carbon
//! are the gross saving (before migration costs and the kept system's growth).

use std::collections::BTreeMap;

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::assess::carbon::Estimate;
use crate::assess::spend::Spend;
use crate::inventory::kinds::{Disposition, Phase};
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model, Time};

#[derive(Debug, Default, Serialize)]
pub struct Portfolio {
    pub currency: String,
    pub retire: Vec<Retire>,
    pub consolidate: Vec<Consolidate>,
    pub per_user: Vec<PerUser>,
    /// Totals freed if every candidate were acted on (a system counted once).
    pub freed_spend: Decimal,
    pub freed_co2e_kg: f64,
}

#[derive(Debug, Serialize)]
pub struct Retire {
    pub id: String,
    pub title: String,
    pub why: Vec<String>,
    pub spend: Decimal,
    pub co2e_kg: f64,
    /// Active or phase-in systems that depend on it: they must move first.
    pub dependents: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Consolidate {
    pub capability: String,
    pub title: String,
    pub keep: String,
    pub retire: Vec<String>,
    pub spend: Decimal,
    pub co2e_kg: f64,
}

#[derive(Debug, Serialize)]
pub struct PerUser {
    pub id: String,
    pub users: u32,
    pub spend_per_user: Decimal,
    pub co2e_kg_per_user: f64,
}

fn phase(model: &Model, i: NodeIndex) -> Option<Phase> {
    match &model.node(i).spec {
        Some(Spec::System(s)) => s.lifecycle.as_ref().map(|l| l.phase),
        _ => None,
    }
}

fn live(model: &Model, i: NodeIndex) -> bool {
    matches!(phase(model, i), Some(Phase::Active | Phase::PhaseIn) | None)
}

/// The portfolio view of an assessed estate.
pub fn assess(
    model: &Model,
    carbon: &Estimate,
    spend: Option<&Spend>,
    currency: &str,
    min_systems: usize,
) -> Portfolio {
    let ledger = spend.and_then(|s| s.currencies.get(currency));
    let spend_of = |id: &str| -> Decimal {
        ledger
            .and_then(|l| l.by_system.get(id))
            .map(|c| c.effective)
            .unwrap_or_default()
    };
    let co2 = crate::assess::carbon::by_system(carbon);
    let co2_of = |id: &str| co2.get(id).copied().unwrap_or(0.0);
    let title = |i: NodeIndex| model.node(i).display_name().to_string();
    let mut p = Portfolio {
        currency: currency.to_string(),
        ..Default::default()
    };
    // By id, so the float sum is the same on every run.
    let mut freed: BTreeMap<String, (Decimal, f64)> = BTreeMap::new();
    for s in model.nodes_of(Kind::System) {
        let n = model.node(s);
        let Some(Spec::System(spec)) = &n.spec else {
            continue;
        };
        let ph = phase(model, s);
        if ph == Some(Phase::Retired) {
            continue;
        }
        let mut why = Vec::new();
        if n.time == Some(Time::Eliminate) {
            why.push("TIME quadrant eliminate (low functional and technical fit)".to_string());
        }
        if spec.disposition == Some(Disposition::Retire) {
            why.push("recorded disposition: retire".to_string());
        }
        if ph == Some(Phase::PhaseOut) {
            why.push("lifecycle: phase-out".to_string());
        }
        if !why.is_empty() {
            let mut dependents: Vec<String> = model
                .dependents(s, false)
                .into_iter()
                .filter(|d| model.node(*d).kind == Kind::System && live(model, *d))
                .map(|d| model.node(d).id.to_string())
                .collect();
            dependents.sort();
            freed.insert(n.id.to_string(), (spend_of(&n.id), co2_of(&n.id)));
            p.retire.push(Retire {
                id: n.id.to_string(),
                title: title(s),
                why,
                spend: spend_of(&n.id),
                co2e_kg: co2_of(&n.id),
                dependents,
            });
        }
        if let Some(u) = spec.users.filter(|u| *u > 0) {
            p.per_user.push(PerUser {
                id: n.id.to_string(),
                users: u,
                spend_per_user: (spend_of(&n.id) / Decimal::from(u)).round_dp(2),
                co2e_kg_per_user: co2_of(&n.id) / f64::from(u),
            });
        }
    }
    for c in model.nodes_of(Kind::Capability) {
        let mut active: Vec<NodeIndex> = model
            .neighbours(c, Direction::Incoming, &[EdgeKind::Supports])
            .into_iter()
            .filter(|s| {
                model.node(*s).kind == Kind::System && phase(model, *s) == Some(Phase::Active)
            })
            .collect();
        if active.len() < min_systems.max(2) {
            continue;
        }
        let score = |s: &NodeIndex| -> (u8, u32) {
            match &model.node(*s).spec {
                Some(Spec::System(x)) => (
                    x.functional_fit.as_ref().map_or(0, |f| f.value)
                        + x.technical_fit.as_ref().map_or(0, |f| f.value),
                    x.users.unwrap_or(0),
                ),
                _ => (0, 0),
            }
        };
        active.sort_by(|a, b| {
            score(b)
                .cmp(&score(a))
                .then(model.node(*a).id.cmp(&model.node(*b).id))
        });
        let keep = active[0];
        let others: Vec<String> = active[1..]
            .iter()
            .map(|s| model.node(*s).id.to_string())
            .collect();
        let spend: Decimal = others.iter().map(|id| spend_of(id)).sum();
        let co2e: f64 = others.iter().map(|id| co2_of(id)).sum();
        for id in &others {
            freed.insert(id.clone(), (spend_of(id), co2_of(id)));
        }
        p.consolidate.push(Consolidate {
            capability: model.node(c).id.to_string(),
            title: title(c),
            keep: model.node(keep).id.to_string(),
            retire: others,
            spend,
            co2e_kg: co2e,
        });
    }
    p.retire
        .sort_by(|a, b| b.spend.cmp(&a.spend).then(a.id.cmp(&b.id)));
    p.consolidate
        .sort_by(|a, b| b.spend.cmp(&a.spend).then(a.capability.cmp(&b.capability)));
    p.per_user.sort_by(|a, b| {
        b.spend_per_user
            .cmp(&a.spend_per_user)
            .then(a.id.cmp(&b.id))
    });
    p.freed_spend = freed.values().map(|v| v.0).sum();
    p.freed_co2e_kg = freed.values().map(|v| v.1).sum();
    p
}
