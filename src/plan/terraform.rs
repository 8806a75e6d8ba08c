//! `estate plan terraform PLAN.json`: what a Terraform plan (`terraform show
//! -json plan.out`) does to monthly carbon and, where this estate's own
//! billing prices the instance type, monthly cost — resource by resource,
//! like a cost estimate on a pull request.
//!
//! Each resource change is mapped as state is (`collect::terraform::map`),
//! before and after; each side is estimated by the carbon engine on its own
//! (a model of one resource) for the assessed period and scaled to a month.
//! Prices are the effective cost per instance-hour the billing shows for
//! resources of that type in the inventory: the rates this organisation
//! actually pays, not a list price. Changes of types Estate does not map are
//! counted and listed.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::Serialize;
use serde_json::Value;

use crate::assess::carbon::{self, Basis, FactorSet, Range};
use crate::assess::spend::Ledger;
use crate::collect::terraform::map;
use crate::inventory::kinds::{ResourceSpec, spanned};
use crate::inventory::{Kind, Spec};
use crate::model::{Model, Node};
use crate::settings::Period;

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
        let (Some(t), Some(cost)) = (&r.instance_type, l.by_resource.get(&n.id)) else {
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

/// One resource estimated alone: kgCO2e a month, or why not.
fn monthly(
    spec: &ResourceSpec,
    factors: &FactorSet,
    period: Period,
    currency: &str,
) -> Result<Range, String> {
    let mut m = Model::default();
    m.add_node(Node::resource(
        "resource:planned".into(),
        "planned".into(),
        spec.clone(),
        "plan",
    ));
    let ctx = carbon::Context::new(&m, factors, period, currency);
    let est = carbon::estimate(&ctx);
    if let Some(n) = est.not_estimated.first() {
        return Err(n.reason.clone());
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

/// Read a plan and price it.
pub fn assess(
    path: &Path,
    factors: &FactorSet,
    period: Period,
    currency: &str,
    rates: &HashMap<String, Decimal>,
) -> Result<PlanDelta, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    let Some(changes) = v.get("resource_changes").and_then(Value::as_array) else {
        return Err(format!(
            "{}:1:1: expected a Terraform plan in JSON (`terraform show -json plan.out`) with `resource_changes`",
            path.display()
        ));
    };
    // The AWS provider's region, for resources whose own region is not known yet.
    let default_region = v
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(String::from);
    let mut out = PlanDelta {
        plan: path.display().to_string(),
        currency: currency.to_string(),
        changes: Vec::new(),
        co2e_delta_kg: Range::ZERO,
        cost_delta: Decimal::ZERO,
        priced: 0,
        mapped: 0,
        unmapped_types: BTreeMap::new(),
        unchanged: 0,
        rates: rates
            .iter()
            .map(|(k, v)| (k.clone(), v.round_dp(4).to_string()))
            .collect(),
    };
    for c in changes {
        let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
        if s("mode") != "managed" {
            continue;
        }
        let actions: Vec<&str> = c
            .pointer("/change/actions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let action = match actions.as_slice() {
            ["create"] => "create",
            ["delete"] => "delete",
            ["update"] => "update",
            [_, _] => "replace",
            _ => {
                out.unchanged += 1;
                continue;
            }
        };
        let (ty, address) = (s("type"), s("address"));
        let side = |key: &str| -> Option<ResourceSpec> {
            let attrs = c.pointer(&format!("/change/{key}"))?;
            if attrs.is_null() {
                return None;
            }
            let mut attrs = attrs.clone();
            if let Some(o) = attrs.as_object_mut()
                && !o.contains_key("arn")
                && !o.contains_key("id")
            {
                o.insert("id".into(), Value::from(address));
            }
            let mut spec = map(ty, &attrs)?.spec;
            if spec.region.is_none()
                && let Some(r) = &default_region
            {
                spec.region = Some(spanned(r.clone()));
            }
            Some(spec)
        };
        let (before, after) = (side("before"), side("after"));
        if before.is_none() && after.is_none() {
            *out.unmapped_types.entry(ty.to_string()).or_default() += 1;
            continue;
        }
        out.mapped += 1;
        let mut notes = Vec::new();
        let mut est = |spec: &Option<ResourceSpec>| match spec {
            None => Range::ZERO,
            Some(sp) => monthly(sp, factors, period, currency).unwrap_or_else(|why| {
                notes.push(why);
                Range::ZERO
            }),
        };
        let (cb, ca) = (est(&before), est(&after));
        let cost = |spec: &Option<ResourceSpec>| match spec {
            None => Some(Decimal::ZERO),
            Some(sp) => monthly_cost(sp, rates),
        };
        let cost_delta = match (cost(&before), cost(&after)) {
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
            address: address.to_string(),
            action: action.to_string(),
            resource_type: ty.to_string(),
            before: before.as_ref().map(describe),
            after: after.as_ref().map(describe),
            co2e_before_kg: cb,
            co2e_after_kg: ca,
            co2e_delta_kg: delta,
            cost_delta,
            notes,
        });
    }
    Ok(out)
}

fn kg(v: f64) -> String {
    let s = crate::report::site::co2(v);
    if v > 0.05 { format!("+{s}") } else { s }
}

fn money(currency: &str, d: Option<Decimal>) -> String {
    d.map_or_else(
        || "–".into(),
        |d| crate::report::money(currency, d, 2, true),
    )
}

fn headline(p: &PlanDelta) -> String {
    format!(
        "{} a month ({} to {}), {} a month for the {} of {} changes priced at this estate's billed rates",
        kg(p.co2e_delta_kg.central),
        kg(p.co2e_delta_kg.low),
        kg(p.co2e_delta_kg.high),
        money(&p.currency, Some(p.cost_delta)),
        p.priced,
        p.mapped
    )
}

fn left_out(p: &PlanDelta) -> Option<String> {
    (!p.unmapped_types.is_empty()).then(|| {
        format!(
            "{} change(s) to types Estate does not map: {}",
            p.unmapped_types.values().sum::<usize>(),
            p.unmapped_types
                .iter()
                .map(|(k, v)| format!("{k} ×{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

pub fn render_table(p: &PlanDelta) -> String {
    let mut t = crate::report::table(&[
        "Resource",
        "Change",
        "Before",
        "After",
        "kgCO2e/month",
        "Cost/month",
        "Notes",
    ]);
    for c in &p.changes {
        t.add_row(vec![
            c.address.clone(),
            c.action.clone(),
            c.before.clone().unwrap_or_default(),
            c.after.clone().unwrap_or_default(),
            kg(c.co2e_delta_kg.central),
            money(&p.currency, c.cost_delta),
            c.notes.join("; "),
        ]);
    }
    let mut out = format!("{t}\nTotal: {}\n", headline(p));
    if let Some(l) = left_out(p) {
        out.push_str(&format!("{l}\n"));
    }
    out
}

pub fn render_markdown(p: &PlanDelta) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from("### Carbon and cost of this plan\n\n");
    out.push_str(&format!("**{}**\n\n", headline(p)));
    out.push_str("| Resource | Change | Before | After | kgCO2e/month | Cost/month |\n|---|---|---|---|---:|---:|\n");
    for c in &p.changes {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            cell(&c.address),
            c.action,
            cell(c.before.as_deref().unwrap_or("")),
            cell(c.after.as_deref().unwrap_or("")),
            kg(c.co2e_delta_kg.central),
            money(&p.currency, c.cost_delta)
        ));
    }
    if let Some(l) = left_out(p) {
        out.push_str(&format!("\n{l}\n"));
    }
    out.push_str("\n<sub>Location-based carbon by Estate's engine for the assessed period's grid factors; costs at the effective hourly rates this estate's billing shows for each instance type.</sub>\n");
    out
}
