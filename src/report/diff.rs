//! `estate diff A B` as terminal tables.

use crate::plan::snapshot::Diff;

/// The diff as tables: totals, by domain, then what was added, removed and changed.
pub fn render_table(d: &Diff, currency: &str) -> String {
    let mut out = format!("From {} to {}\n", d.from, d.to);
    let mut t = super::table(&["", "From", "To", "Change"]);
    let row = |name: &str, x: &crate::plan::snapshot::Delta, dec: usize| {
        vec![
            name.to_string(),
            super::site::thousands(x.from, dec),
            super::site::thousands(x.to, dec),
            format!(
                "{}{}",
                if x.change > 0.0 { "+" } else { "" },
                super::site::thousands(x.change, dec)
            ),
        ]
    };
    t.add_row(row(&format!("Spend ({currency}, effective)"), &d.spend, 2));
    t.add_row(row("Carbon (kgCO2e, central)", &d.carbon, 0));
    t.add_row(row("Findings", &d.findings, 0));
    out.push_str(&format!("{t}\n"));
    if !d.by_domain.is_empty() {
        let mut t = super::table(&["Domain", "Spend change", "kgCO2e change"]);
        for x in &d.by_domain {
            t.add_row(vec![
                x.domain.clone(),
                x.spend_change.to_string(),
                super::site::thousands(x.carbon_change_kg, 0),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    let mut t = super::table(&["Change", "Kind", "Id", "Title", "Fields"]);
    for (what, list) in [
        ("added", &d.added),
        ("removed", &d.removed),
        ("changed", &d.changed),
    ] {
        for c in list {
            t.add_row(vec![
                what.to_string(),
                c.kind.clone(),
                c.id.clone(),
                c.title.clone(),
                c.fields.join(", "),
            ]);
        }
    }
    out.push_str(&format!("{t}\n"));
    out.push_str(&format!(
        "{} added, {} removed, {} changed; {} new finding(s), {} resolved\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.new_findings.len(),
        d.resolved_findings.len()
    ));
    out
}
