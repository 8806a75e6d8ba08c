//! `estate plan terraform PLAN.json`: what a Terraform plan (`terraform show
//! -json plan.out`) does to monthly carbon and, where this estate's own
//! billing prices the instance type, monthly cost — resource by resource,
//! like a cost estimate on a pull request.
//!
//! The plan comes already read by Terraform's input reader in `collect`:
//! each resource change mapped as state is, before and after. Each side is
//! estimated by the carbon engine on its own (a model of one resource) for
//! the assessed period and scaled to a month. Prices are the effective cost per instance-hour the billing shows for
//! resources of that type in the inventory: the rates this organisation
//! actually pays, not a list price. Changes of types Estate does not map are
//! counted and listed. The report stage renders the result.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::Serialize;

use crate::assess::carbon::{self, Basis, FactorSet, Range};
use crate::assess::spend::Ledger;
use crate::inventory::kinds::ResourceSpec;
use crate::inventory::{Kind, Spec};
use crate::model::Period;
use crate::model::planned::ProposedChanges;
use crate::model::{Model, Node};

#[derive(Debug, Serialize)]
pub struct Change {
    pub address: String,
    /// `create`, `delete`, `update`, `replace`.
    pub action: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Instance type (or size) and region, before and after.
    pub before: Option<String>,
    pub after: Option<String>,
    /// kgCO2e a month, location-based: before, after, change.
    pub co2e_before_kg: Range,
    pub co2e_after_kg: Range,
    pub co2e_delta_kg: Range,
    /// Cost a month where priced: change, and the rate used.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub cost_delta: Option<Decimal>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PlanDelta {
    pub plan: String,
    pub currency: String,
    pub changes: Vec<Change>,
    pub co2e_delta_kg: Range,
    #[serde(with = "rust_decimal::serde::str")]
    pub cost_delta: Decimal,
    /// Changes whose cost could be priced / all that change a resource Estate maps.
    pub priced: usize,
    pub mapped: usize,
    /// Changes to types Estate does not map: type → count.
    pub unmapped_types: BTreeMap<String, usize>,
    /// No-op and read changes skipped.
    pub unchanged: usize,
    /// Effective cost per instance-hour by type, from this estate's billing.
    pub rates: BTreeMap<String, String>,
}

/// Effective cost per instance-hour by instance type: billed spend of the
/// inventory resources of that type over their instance-hours.
pub fn rates(model: &Model, ledger: Option<&Ledger>, period: Period) -> HashMap<String, Decimal> {
    let Some(l) = ledger else {
        return HashMap::new();
    };
    let hours_in_period = ((period.end.0 - period.start.0).num_days() + 1) as f64 * 24.0;
    let mut sums: HashMap<String, (Decimal, f64)> = HashMap::new();
    for idx in model.nodes_of(Kind::Resource) {
        let n = model.node(idx);
        let Some(Spec::Resource(r)) = &n.spec else {
            continue;
        };
        let (Some(t), Some(cost)) = (&r.instance_type, l.by_resource.get(n.id.as_str())) else {
            continue;
        };
        let hours = r.hours.as_ref().map_or(hours_in_period, |h| h.value)
            * r.count.as_ref().map_or(1.0, |c| f64::from(c.value));
        if hours <= 0.0 || cost.effective <= Decimal::ZERO {
            continue;
        }
        let e = sums.entry(t.to_ascii_lowercase()).or_default();
        e.0 += cost.effective;
        e.1 += hours;
    }
    sums.into_iter()
        .filter_map(|(t, (c, h))| Some((t, c / Decimal::from_f64(h)?)))
        .collect()
}

fn describe(spec: &ResourceSpec) -> String {
    [
        spec.instance_type.clone(),
        spec.count.as_ref().map(|c| format!("×{}", c.value)),
        spec.storage.first().map(|s| format!("{} GB", s.size_gb)),
        spec.region.as_ref().map(|r| r.value.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// Why the carbon engine could not estimate a resource: its reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NotEstimated(String);

/// One resource estimated alone: kgCO2e a month, or why not.
fn monthly(
    spec: &ResourceSpec,
    factors: &FactorSet,
    period: Period,
    currency: &str,
) -> Result<Range, NotEstimated> {
    let mut m = Model::default();
    m.add_node(Node::resource(
        "resource:planned",
        "planned".into(),
        spec.clone(),
        "plan",
    ));
    let ctx = carbon::Context::new(&m, factors, period, currency);
    let est = carbon::estimate(&ctx);
    if let Some(n) = est.not_estimated.first() {
        return Err(NotEstimated(n.reason.clone()));
    }
    let months = ctx.years * 12.0;
    Ok(est
        .items
        .iter()
        .fold(Range::ZERO, |a, i| a + i.co2e(Basis::Location))
        .scale(1.0 / months.max(1e-9)))
}

fn monthly_cost(spec: &ResourceSpec, rates: &HashMap<String, Decimal>) -> Option<Decimal> {
    let t = spec.instance_type.as_ref()?.to_ascii_lowercase();
    let rate = rates.get(&t)?;
    let hours = Decimal::from_f64(730.5)?;
    let count = Decimal::from(spec.count.as_ref().map_or(1, |c| c.value));
    Some((rate * hours * count).round_dp(2))
}

/// Price a plan's changes.
pub fn assess(
    plan: &ProposedChanges,
    factors: &FactorSet,
    period: Period,
    currency: &str,
    rates: &HashMap<String, Decimal>,
) -> PlanDelta {
    let mut out = PlanDelta {
        plan: plan.source.clone(),
        currency: currency.to_string(),
        changes: Vec::new(),
        co2e_delta_kg: Range::ZERO,
        cost_delta: Decimal::ZERO,
        priced: 0,
        mapped: 0,
        unmapped_types: BTreeMap::new(),
        unchanged: plan.unchanged,
        rates: rates
            .iter()
            .map(|(k, v)| (k.clone(), v.round_dp(4).to_string()))
            .collect(),
    };
    for c in &plan.changes {
        let (before, after) = (&c.before, &c.after);
        if before.is_none() && after.is_none() {
            *out.unmapped_types
                .entry(c.resource_type.clone())
                .or_default() += 1;
            continue;
        }
        out.mapped += 1;
        let mut notes = Vec::new();
        let mut est = |spec: &Option<ResourceSpec>| match spec {
            None => Range::ZERO,
            Some(sp) => monthly(sp, factors, period, currency).unwrap_or_else(|why| {
                notes.push(why.to_string());
                Range::ZERO
            }),
        };
        let (cb, ca) = (est(before), est(after));
        let cost = |spec: &Option<ResourceSpec>| match spec {
            None => Some(Decimal::ZERO),
            Some(sp) => monthly_cost(sp, rates),
        };
        let cost_delta = match (cost(before), cost(after)) {
            (Some(b), Some(a)) => Some(a - b),
            _ => None,
        };
        if let Some(d) = cost_delta {
            out.priced += 1;
            out.cost_delta += d;
        } else {
            notes.push("not priced: this estate's billing has no rate for the type".into());
        }
        let delta = ca.bound_minus(cb);
        out.co2e_delta_kg += delta;
        out.changes.push(Change {
            address: c.address.clone(),
            action: c.action.to_string(),
            resource_type: c.resource_type.clone(),
            before: before.as_ref().map(describe),
            after: after.as_ref().map(describe),
            co2e_before_kg: cb,
            co2e_after_kg: ca,
            co2e_delta_kg: delta,
            cost_delta,
            notes,
        });
    }
    out
}
