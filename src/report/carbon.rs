//! `estate carbon`: the estimate as tables, the JSON contract of DESIGN.md,
//! or CSV of every item. The totals and breakdowns (by system, capability,
//! domain, category, scope, site, supplier, quality) it shows are computed
//! in `assess::carbon::rollup`; this module only lays them out.

use serde_json::{Value, json};

use serde::Serialize;

use crate::assess::carbon::rollup::{self, UNATTRIBUTED, breakdown};
use crate::assess::carbon::{Basis, Category, Estimate, Range};
use crate::model::Period;
use crate::model::{Model, NodeId};

/// Breakdowns `--by` accepts.
pub use crate::assess::carbon::rollup::By;

fn range_json(r: Range) -> Value {
    json!({ "low": round(r.low), "central": round(r.central), "high": round(r.high) })
}

/// Round to 6 significant decimals for output (computation keeps full precision).
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub fn to_json(model: &Model, est: &Estimate, period: Period, basis: Basis) -> Value {
    serde_json::to_value(json_of(model, est, period, basis)).unwrap_or(Value::Null)
}

/// A range rounded for output.
#[derive(Serialize)]
struct Rounded {
    low: f64,
    central: f64,
    high: f64,
}

fn rounded(r: Range) -> Rounded {
    Rounded {
        low: round(r.low),
        central: round(r.central),
        high: round(r.high),
    }
}

/// One item as the JSON contract writes it (borrowed: an estate's items
/// are written without building a second tree of them).
#[derive(Serialize)]
struct ItemJson<'a> {
    id: &'a str,
    system: &'a Option<NodeId>,
    category: Category,
    scope: crate::assess::carbon::Scope,
    method: &'a str,
    quality: crate::assess::carbon::Quality,
    site: &'a Option<NodeId>,
    supplier: &'a Option<NodeId>,
    energy_kwh: Rounded,
    operational_co2e_kg: Rounded,
    td_co2e_kg: Rounded,
    embodied_co2e_kg: Rounded,
    co2e_kg: Rounded,
    energy_parts_kwh: &'a crate::assess::carbon::Parts,
    factors: &'a [std::sync::Arc<str>],
    notes: &'a [std::sync::Arc<str>],
}

/// The carbon JSON: totals and breakdowns, then every item.
#[derive(Serialize)]
pub struct Json<'a> {
    #[serde(flatten)]
    head: serde_json::Map<String, Value>,
    items: Vec<ItemJson<'a>>,
    not_estimated: Value,
}

/// [`to_json`] as a value to serialise directly.
pub fn json_of<'a>(model: &Model, est: &'a Estimate, period: Period, basis: Basis) -> Json<'a> {
    let rollup::Totals {
        co2e_kg: co2e,
        energy_kwh: kwh,
    } = rollup::totals(est, basis);
    let rows = |by: By, key: &str| -> Vec<Value> {
        breakdown(model, est, basis, by)
            .into_iter()
            .map(|(k, r)| json!({ key: if k == UNATTRIBUTED { Value::Null } else { Value::String(k) }, "co2e_kg": range_json(r) }))
            .collect()
    };
    let items = est
        .items
        .iter()
        .map(|i| ItemJson {
            id: &i.id,
            system: &i.system,
            category: i.category,
            scope: i.scope,
            method: i.method,
            quality: i.quality,
            site: &i.site,
            supplier: &i.supplier,
            energy_kwh: rounded(i.energy_kwh),
            operational_co2e_kg: rounded(i.operational(basis)),
            td_co2e_kg: rounded(i.td_co2e_kg),
            embodied_co2e_kg: rounded(i.embodied_co2e_kg),
            co2e_kg: rounded(i.co2e(basis)),
            energy_parts_kwh: &i.energy_parts,
            factors: &i.factors,
            notes: &i.notes,
        })
        .collect();
    let head = json!({
        "period": { "start": period.start.to_string(), "end": period.end.to_string() },
        "basis": basis,
        "factor_set": est.factor_set,
        "totals": { "co2e_kg": range_json(co2e), "energy_kwh": range_json(kwh) },
        "by_system": rows(By::System, "id"),
        "by_category": rows(By::Category, "category"),
        "by_scope": rows(By::Scope, "scope"),
        "by_capability": rows(By::Capability, "id"),
        "by_domain": rows(By::Domain, "id"),
        "by_site": rows(By::Site, "id"),
        "by_supplier": rows(By::Supplier, "id"),
        "by_quality": rollup::by_quality(est, basis).into_iter().map(|(k, r)| json!({ "quality": k, "co2e_kg": range_json(r) })).collect::<Vec<_>>(),
    });
    let Value::Object(head) = head else {
        unreachable!("json! of an object is an object")
    };
    Json {
        head,
        items,
        not_estimated: json!({ "count": est.not_estimated.len(), "items": est.not_estimated }),
    }
}

fn kg(x: f64) -> String {
    if x >= 1000.0 {
        format!("{:.2} t", x / 1000.0)
    } else {
        format!("{x:.1} kg")
    }
}

pub fn render_table(model: &Model, est: &Estimate, period: Period, basis: Basis, by: By) -> String {
    let rollup::Totals {
        co2e_kg: co2e,
        energy_kwh: kwh,
    } = rollup::totals(est, basis);
    let mut out = format!(
        "Carbon {} to {} ({:?}-based, factor set `{}`): {} CO2e (range {} to {}), {:.0} kWh\n\n",
        period.start,
        period.end,
        basis,
        est.factor_set,
        kg(co2e.central),
        kg(co2e.low),
        kg(co2e.high),
        kwh.central
    )
    .replace("Location-based", "location-based")
    .replace("Market-based", "market-based");
    let title = format!("{by:?}");
    let mut t = super::table(&[&title, "Low", "Central", "High", "Share"]);
    for (k, r) in breakdown(model, est, basis, by) {
        let share = if co2e.central > 0.0 {
            r.central / co2e.central * 100.0
        } else {
            0.0
        };
        let label = model
            .get(&k)
            .map(|i| model.node(i).display_name().to_string())
            .unwrap_or(k);
        t.add_row(vec![
            label,
            kg(r.low),
            kg(r.central),
            kg(r.high),
            format!("{share:.1} %"),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out.push_str(&format!(
        "{} items estimated; {} not estimated (`--format json` lists them with reasons)\n",
        est.items.len(),
        est.not_estimated.len()
    ));
    out
}

pub fn to_csv(est: &Estimate, basis: Basis) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "system",
        "category",
        "scope",
        "method",
        "quality",
        "site",
        "supplier",
        "energy_kwh_low",
        "energy_kwh",
        "energy_kwh_high",
        "co2e_kg_low",
        "co2e_kg",
        "co2e_kg_high",
        "operational_co2e_kg",
        "td_co2e_kg",
        "embodied_co2e_kg",
        "factors",
    ])?;
    for i in &est.items {
        let c = i.co2e(basis);
        let text = |s: &str| super::csv_text(s).into_owned();
        w.write_record([
            text(&i.id),
            text(i.system.as_deref().unwrap_or_default()),
            i.category.as_str().into(),
            i.scope.as_str().into(),
            i.method.into(),
            serde_json::to_value(i.quality)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            text(i.site.as_deref().unwrap_or_default()),
            text(i.supplier.as_deref().unwrap_or_default()),
            round(i.energy_kwh.low).to_string(),
            round(i.energy_kwh.central).to_string(),
            round(i.energy_kwh.high).to_string(),
            round(c.low).to_string(),
            round(c.central).to_string(),
            round(c.high).to_string(),
            round(i.operational(basis).central).to_string(),
            round(i.td_co2e_kg.central).to_string(),
            round(i.embodied_co2e_kg.central).to_string(),
            text(&i.factors.join(" ")),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?).unwrap_or_default())
}
