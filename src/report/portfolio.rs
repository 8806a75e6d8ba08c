//! `estate plan portfolio` as terminal tables: the retirement and the
//! consolidation candidates, with the spend and carbon their systems carry.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::site::{co2, thousands};
use super::table;
use crate::plan::portfolio::Portfolio;

/// The portfolio as terminal tables.
pub fn render_table(p: &Portfolio) -> String {
    let money = |d: Decimal| thousands(d.to_f64().unwrap_or(0.0), 0);
    let mut out = String::new();
    let mut t = table(&["Retire", "Why", "Spend", "Carbon", "Live dependents"]);
    for r in &p.retire {
        t.add_row(vec![
            r.title.clone(),
            r.why.join("; "),
            money(r.spend),
            co2(r.co2e_kg),
            r.dependents.join(", "),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    let mut t = table(&[
        "Consolidate capability",
        "Keep",
        "Retire",
        "Spend",
        "Carbon",
    ]);
    for c in &p.consolidate {
        t.add_row(vec![
            c.title.clone(),
            c.keep.clone(),
            c.retire.join(", "),
            money(c.spend),
            co2(c.co2e_kg),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    out.push_str(&format!(
        "{} retirement and {} consolidation candidates; their systems' spend is {} {} a year and {}CO2e (gross, each system counted once)\n",
        p.retire.len(),
        p.consolidate.len(),
        p.currency,
        money(p.freed_spend),
        co2(p.freed_co2e_kg)
    ));
    out
}
