//! `estate plan terraform` as a terminal table and as Markdown for a pull
//! request comment: each resource change's carbon and cost a month, the
//! total, and the changes to types Estate does not map.

use rust_decimal::Decimal;

use super::site::co2;
use super::table;
use crate::plan::terraform::PlanDelta;

fn kg(v: f64) -> String {
    let s = co2(v);
    if v > 0.05 { format!("+{s}") } else { s }
}

fn money(currency: &str, d: Option<Decimal>) -> String {
    d.map_or_else(|| "–".into(), |d| super::money(currency, d, 2, true))
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
    let mut t = table(&[
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
