//! `estate plan roadmap` as terminal tables, Markdown (a PR comment or a
//! board paper), and several roadmaps side by side.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::site::{co2, thousands};
use crate::assess::carbon::Range;
use crate::plan::roadmap::Projection;

fn money(currency: &str, d: Decimal) -> String {
    super::money(currency, d, 0, false)
}

fn signed_money(currency: &str, d: Decimal) -> String {
    super::money(currency, d, 0, true)
}

fn range_t(r: Range) -> String {
    format!(
        "{} ({}–{})",
        co2(r.central),
        thousands(r.low / 1000.0, 1),
        thousands(r.high / 1000.0, 1)
    )
}

fn signed_t(kg: f64) -> String {
    let s = co2(kg);
    if kg > 0.5 { format!("+{s}") } else { s }
}

fn payback(o: &Projection) -> String {
    match &o.payback {
        Some(p) => format!(
            "{} ({} months from the first one-off cost{})",
            p.date,
            p.months,
            if p.after_roadmap {
                ", after the roadmap ends, at its final run-rate"
            } else {
                ""
            }
        ),
        None if o.one_off_total.is_zero() => "no one-off costs".into(),
        None => "never: the plan does not save money to pay them back".into(),
    }
}

fn pct(part: f64, whole: f64) -> String {
    if whole.abs() < 1e-9 {
        "–".into()
    } else {
        format!("{:.1}%", part / whole * 100.0)
    }
}

/// One roadmap: headline, phases, actions, trajectory, warnings, findings.
pub fn render_table(o: &Projection) -> String {
    let c = o.currency.as_str();
    let mut out = format!("Roadmap {} — {}\n", o.name, o.title);
    out.push_str(&format!(
        "Baseline (a year of {}): spend {}, carbon {}\n",
        o.period,
        money(c, o.baseline.spend),
        range_t(o.baseline.co2e_kg)
    ));
    out.push_str(&format!(
        "When done: spend {} ({} a year, {}), carbon {} ({} a year, {})\n",
        money(c, o.at_end.spend),
        signed_money(c, -o.annual_saving),
        pct(
            -o.annual_saving.to_f64().unwrap_or(0.0),
            o.baseline.spend.to_f64().unwrap_or(0.0)
        ),
        range_t(o.at_end.co2e_kg),
        signed_t(-o.co2e_reduction_kg.central),
        pct(-o.co2e_reduction_kg.central, o.baseline.co2e_kg.central),
    ));
    out.push_str(&format!(
        "One-off costs {}; payback {}\n\n",
        money(c, o.one_off_total),
        payback(o)
    ));
    let mut t = super::table(&[
        "Phase",
        "From",
        "To",
        "One-off",
        "Spend at end",
        "CO2e at end",
    ]);
    for p in &o.phases {
        t.add_row(vec![
            p.name.clone(),
            p.start.to_string(),
            p.end.to_string(),
            money(c, p.one_off_cost),
            money(c, p.at_end.spend),
            range_t(p.at_end.co2e_kg),
        ]);
    }
    out.push_str(&format!("{t}\n\n"));
    let mut t = super::table(&[
        "Date", "Action", "Targets", "", "One-off", "Spend/yr", "CO2e/yr",
    ]);
    for a in &o.actions {
        t.add_row(vec![
            a.date.to_string(),
            a.action.to_string(),
            a.targets.join("\n"),
            a.detail.clone(),
            money(c, a.one_off_cost),
            signed_money(c, a.spend_delta),
            signed_t(a.co2e_delta_kg.central),
        ]);
    }
    out.push_str(&format!("{t}\n\n"));
    let mut t = super::table(&[
        "Quarter",
        "Spend/yr baseline",
        "Spend/yr plan",
        "CO2e/yr baseline",
        "CO2e/yr plan (low–high t)",
        "One-off to date",
        "Saved to date",
        "CO2e avoided",
    ]);
    for q in &o.trajectory {
        t.add_row(vec![
            q.quarter.clone(),
            money(c, q.baseline.spend),
            money(c, q.plan.spend),
            co2(q.baseline.co2e_kg.central),
            range_t(q.plan.co2e_kg),
            money(c, q.one_off_to_date),
            money(c, q.saved_to_date),
            co2(q.co2e_avoided_kg),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    if !o.warnings.is_empty() {
        out.push_str(&format!("\nWarnings ({}):\n", o.warnings.len()));
        let mut t = super::table(&["Date", "Phase", "Kind", "Warning"]);
        for w in &o.warnings {
            t.add_row(vec![
                w.date.to_string(),
                w.phase.clone(),
                w.kind.to_string(),
                w.message.clone(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    for p in &o.phases {
        if p.new_findings.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\nPolicies the target state after `{}` breaks ({} new, {} resolved):\n",
            p.name,
            p.new_findings.len(),
            p.resolved_findings
        ));
        let mut t = super::table(&["Severity", "Rule", "Node", "Finding"]);
        for f in &p.new_findings {
            t.add_row(vec![
                f.severity.as_str().to_string(),
                f.rule.clone(),
                f.id.clone(),
                f.message.clone(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    out.push_str("\nAssumptions:\n");
    for a in &o.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// One roadmap as Markdown.
pub fn render_markdown(o: &Projection) -> String {
    let c = o.currency.as_str();
    let mut out = format!("## Roadmap: {}\n\n", md_cell(&o.title));
    if let Some(d) = &o.description {
        out.push_str(&format!("{}\n\n", d.trim()));
    }
    out.push_str("| | Baseline | When done | Change |\n|---|---:|---:|---:|\n");
    out.push_str(&format!(
        "| Spend a year ({c}) | {} | {} | {} ({}) |\n",
        money(c, o.baseline.spend),
        money(c, o.at_end.spend),
        signed_money(c, -o.annual_saving),
        pct(
            -o.annual_saving.to_f64().unwrap_or(0.0),
            o.baseline.spend.to_f64().unwrap_or(0.0)
        )
    ));
    out.push_str(&format!(
        "| Carbon a year (tCO2e, low–high) | {} | {} | {} ({}) |\n\n",
        range_t(o.baseline.co2e_kg),
        range_t(o.at_end.co2e_kg),
        signed_t(-o.co2e_reduction_kg.central),
        pct(-o.co2e_reduction_kg.central, o.baseline.co2e_kg.central)
    ));
    out.push_str(&format!(
        "One-off costs **{}**; payback **{}**.\n\n",
        money(c, o.one_off_total),
        payback(o)
    ));
    out.push_str("### Phases\n\n| Phase | From | To | One-off | Spend at end | CO2e at end |\n|---|---|---|---:|---:|---:|\n");
    for p in &o.phases {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            md_cell(&p.name),
            p.start,
            p.end,
            money(c, p.one_off_cost),
            money(c, p.at_end.spend),
            range_t(p.at_end.co2e_kg)
        ));
    }
    out.push_str("\n### Actions\n\n| Date | Action | Targets | | One-off | Spend/yr | CO2e/yr |\n|---|---|---|---|---:|---:|---:|\n");
    for a in &o.actions {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            a.date,
            a.action,
            md_cell(&a.targets.join(", ")),
            md_cell(&a.detail),
            money(c, a.one_off_cost),
            signed_money(c, a.spend_delta),
            signed_t(a.co2e_delta_kg.central)
        ));
    }
    out.push_str("\n### Trajectory\n\n| Quarter | Spend/yr plan | CO2e/yr plan (low–high t) | One-off to date | Saved to date |\n|---|---:|---:|---:|---:|\n");
    for q in &o.trajectory {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            q.quarter,
            money(c, q.plan.spend),
            range_t(q.plan.co2e_kg),
            money(c, q.one_off_to_date),
            money(c, q.saved_to_date)
        ));
    }
    if !o.warnings.is_empty() {
        out.push_str(&format!("\n### Warnings ({})\n\n", o.warnings.len()));
        for w in &o.warnings {
            out.push_str(&format!(
                "- **{}** {} ({}): {}\n",
                w.kind,
                w.date,
                md_cell(&w.phase),
                md_cell(&w.message)
            ));
        }
    }
    for p in &o.phases {
        if p.new_findings.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n### Policies broken after `{}`\n\n",
            md_cell(&p.name)
        ));
        for f in &p.new_findings {
            out.push_str(&format!(
                "- {} `{}` on `{}`: {}\n",
                f.severity.as_str(),
                f.rule,
                f.id,
                md_cell(&f.message)
            ));
        }
    }
    out.push_str("\n<details><summary>Assumptions</summary>\n\n");
    for a in &o.assumptions {
        out.push_str(&format!("- {a}\n"));
    }
    out.push_str("\n</details>\n");
    out
}

/// Several roadmaps side by side, over the longest one's horizon.
pub fn render_compare(all: &[Projection]) -> String {
    let Some(first) = all.first() else {
        return String::new();
    };
    let c = first.currency.as_str();
    let mut header = vec![String::new()];
    header.extend(all.iter().map(|o| o.name.clone()));
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = super::table(&hdr);
    let row = |label: &str, f: &dyn Fn(&Projection) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(all.iter().map(f));
        r
    };
    t.add_row(row("Title", &|o| o.title.clone()));
    t.add_row(row("Ends", &|o| {
        o.phases
            .iter()
            .map(|p| p.end)
            .max()
            .map(|d| d.to_string())
            .unwrap_or_default()
    }));
    t.add_row(row("Actions", &|o| o.actions.len().to_string()));
    t.add_row(row("One-off costs", &|o| money(c, o.one_off_total)));
    t.add_row(row("Spend a year when done", &|o| money(c, o.at_end.spend)));
    t.add_row(row("Saving a year", &|o| money(c, o.annual_saving)));
    t.add_row(row("Saved by the end (net of one-offs)", &|o| {
        o.trajectory
            .last()
            .map(|q| money(c, q.saved_to_date - q.one_off_to_date))
            .unwrap_or_default()
    }));
    t.add_row(row("Payback", &|o| match &o.payback {
        Some(p) => format!("{} ({} months)", p.date, p.months),
        None => "–".into(),
    }));
    t.add_row(row("Carbon a year when done", &|o| {
        range_t(o.at_end.co2e_kg)
    }));
    t.add_row(row("Carbon reduction", &|o| {
        format!(
            "{} ({})",
            co2(o.co2e_reduction_kg.central),
            pct(o.co2e_reduction_kg.central, o.baseline.co2e_kg.central)
        )
    }));
    t.add_row(row("CO2e avoided by the end", &|o| {
        o.trajectory
            .last()
            .map(|q| co2(q.co2e_avoided_kg))
            .unwrap_or_default()
    }));
    t.add_row(row("Warnings", &|o| o.warnings.len().to_string()));
    t.add_row(row("New policy findings", &|o| {
        o.phases
            .iter()
            .map(|p| p.new_findings.len())
            .sum::<usize>()
            .to_string()
    }));
    format!(
        "Baseline (a year of {}): spend {}, carbon {}\n{t}\n",
        first.period,
        money(c, first.baseline.spend),
        range_t(first.baseline.co2e_kg)
    )
}
