//! `estate plan waves` as a terminal table: each wave's systems, the groups
//! that move together, their spend and carbon, the bridges to other waves,
//! and, with a target, what migrating each wave there changes.

use rust_decimal::prelude::ToPrimitive;

use super::site::{co2, thousands};
use super::table;
use crate::plan::waves::Waves;

/// The waves as a terminal table.
pub fn render_table(w: &Waves, currency: &str) -> String {
    let migrated = w.waves.iter().any(|x| x.if_migrated.is_some());
    let mut header = vec![
        "Wave",
        "Systems",
        "Move together",
        "Spend",
        "Carbon",
        "Bridges to other waves",
    ];
    if migrated {
        header.extend(["Migrated: spend/yr", "Migrated: CO2e/yr"]);
    }
    let mut t = table(&header);
    for x in &w.waves {
        let mut row = vec![
            x.number.to_string(),
            x.systems.join(", "),
            x.groups
                .iter()
                .map(|g| format!("[{}]", g.join(", ")))
                .collect::<Vec<_>>()
                .join(" "),
            format!(
                "{currency} {}",
                thousands(x.spend.to_f64().unwrap_or(0.0), 0)
            ),
            co2(x.co2e_kg),
            x.bridges
                .iter()
                .map(|b| format!("{} → {} (wave {}, {})", b.from, b.to, b.other_wave, b.via))
                .collect::<Vec<_>>()
                .join("; "),
        ];
        if let Some(m) = &x.if_migrated {
            row.push(format!(
                "{currency} {}",
                thousands(m.spend_delta.to_f64().unwrap_or(0.0), 0)
            ));
            row.push(format!(
                "{} ({} to {})",
                co2(m.co2e_delta_kg.central),
                co2(m.co2e_delta_kg.low),
                co2(m.co2e_delta_kg.high)
            ));
        }
        t.add_row(row);
    }
    let warnings: Vec<String> = w
        .waves
        .iter()
        .filter_map(|x| x.if_migrated.as_ref().map(|m| (x.number, m)))
        .flat_map(|(n, m)| m.warnings.iter().map(move |s| format!("wave {n}: {s}")))
        .collect();
    let mut t = format!("{t}");
    if !warnings.is_empty() {
        t.push_str(&format!("\nWarnings:\n- {}", warnings.join("\n- ")));
    }
    format!(
        "{t}\n{} systems in {} waves of at most {}, {}\n",
        w.systems,
        w.waves.len(),
        w.max_per_wave,
        w.order
    )
}
