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
//!
//! The parts: `state` (the estate part-way through, and its run-rate),
//! `actions/` (one file per action, registered once), `graph` and `checks`
//! (the model changes and warnings actions share), `instances` (instance
//! type tables) and `trajectory` (quarter by quarter, and payback).

mod actions;
mod checks;
mod graph;
mod instances;
mod state;
#[cfg(test)]
mod tests;
mod trajectory;

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::assess::carbon::{self, FactorSet, Range};
use crate::assess::spend::Ledger;
use crate::inventory::kinds::{Action, Disposition, MigrationTarget, Provider, RoadmapSpec};
use crate::inventory::{Kind, Spec};
use crate::model::Model;
use crate::model::Period;
use state::State;
use trajectory::trajectory;

/// Why a migration target given as `provider:region[:family]` is refused.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("expected PROVIDER:REGION[:FAMILY] (such as aws:eu-west-2:m6i), found `{0}`")]
    Shape(String),
    #[error("unknown provider `{0}`: aws, azure, gcp or on-prem")]
    Provider(String),
    #[error("{provider} has no region `{region}` in the region table")]
    Region { provider: String, region: String },
}

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
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PhaseFinding {
    pub severity: crate::assess::policy::Severity,
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

/// What applying one roadmap projects: phases, the spend and carbon trajectory, one-off costs, payback and warnings.
#[derive(Debug, Serialize)]
pub struct Projection {
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

/// Apply a roadmap and measure it.
pub fn run(
    base: &Baseline<'_>,
    name: &str,
    title: &str,
    spec: &RoadmapSpec,
    checker: Option<&Checker<'_>>,
) -> Projection {
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
                // By severity's name, then rule, node and message: the order reports have always shown.
                new.sort_by(|a, b| {
                    (a.severity.as_str(), &a.rule, &a.id, &a.message).cmp(&(
                        b.severity.as_str(),
                        &b.rule,
                        &b.id,
                        &b.message,
                    ))
                });
                policy_warnings.extend(
                    new.iter()
                        .filter(|f| f.severity >= crate::assess::policy::Severity::High)
                        .map(|f| Warning {
                            kind: "policy",
                            phase: phases[pi].name.clone(),
                            date: phases[pi].end,
                            subject: f.id.clone(),
                            message: format!(
                                "breaks `{}` ({}): {}",
                                f.rule,
                                f.severity.as_str(),
                                f.message
                            ),
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
    Projection {
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

/// Parse `provider:region[:family]` (`aws:eu-west-2:m6i`).
pub fn parse_target(text: &str) -> Result<MigrationTarget, TargetError> {
    let mut parts = text.split(':');
    let (Some(p), Some(region)) = (parts.next(), parts.next()) else {
        return Err(TargetError::Shape(text.to_string()));
    };
    let provider = Provider::parse(p).ok_or_else(|| TargetError::Provider(p.to_string()))?;
    if crate::model::regions::lookup(provider.as_str(), region).is_none() {
        return Err(TargetError::Region {
            provider: p.to_string(),
            region: region.to_string(),
        });
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
        actions::migrate::migrate(&mut state, &systems, None, to);
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
