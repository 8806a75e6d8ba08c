//! Roadmaps (roadmap.html, only when the inventory declares any): each
//! roadmap's headline (spend and carbon at the start and end, saving, one-off
//! cost, payback), its timeline, spend and carbon trajectories as charts,
//! and its phases, actions, quarters, warnings and new findings as tables;
//! with more than one, a side-by-side comparison.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

use crate::plan::roadmap::{Point, Projection, Quarter};
use crate::report::site::format::{Fmt, co2, file_name, range_text, thousands};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, classed, num};
use crate::report::svg;

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let i = sh.i;
    if i.roadmaps.is_empty() {
        return None;
    }
    let (list, rtables) = roadmaps(i.roadmaps, i.currency, &sh.f);
    c.insert("roadmaps", &list);
    let mut tables = Vec::new();
    if i.roadmaps.len() > 1 {
        let cmp = comparison(i.roadmaps, i.currency);
        c.insert("comparison", &cmp);
        tables.push(cmp);
    }
    tables.extend(rtables);
    Some(tables)
}

/// Each roadmap's headline, charts and tables (also exported as CSV).
fn roadmaps(all: &[Projection], currency: &str, f: &Fmt) -> (Vec<Value>, Vec<Table>) {
    let mut list = Vec::new();
    let mut tables = Vec::new();
    let money = |d: Decimal| crate::report::money(currency, d, 0, false);
    let signed = |d: Decimal| crate::report::money(currency, d, 0, true);
    for o in all {
        let key = file_name(&o.name);
        let labels: Vec<String> = o.trajectory.iter().map(|q| q.quarter.clone()).collect();
        // Baseline (dashed) and plan over the quarters, each with an optional band.
        type Bounds = dyn Fn(&Point) -> (f64, f64);
        let pair = |value: &dyn Fn(&Point) -> f64, band: Option<&Bounds>, plan_name: &str| {
            [(true, "Baseline"), (false, plan_name)].map(|(is_base, name)| {
                let pick = |q: &Quarter| if is_base { q.baseline } else { q.plan };
                svg::Series {
                    name: name.into(),
                    values: o.trajectory.iter().map(|q| value(&pick(q))).collect(),
                    band: band.map(|b| o.trajectory.iter().map(|q| b(&pick(q))).collect()),
                    dashed: is_base,
                }
            })
        };
        let spend_chart = svg::lines(
            &format!("{}: spend a year, baseline and plan", o.title),
            &labels,
            &pair(&|p| p.spend.to_f64().unwrap_or(0.0), None, "Plan"),
            false,
            &|v| f.money(v),
        );
        let carbon_chart = svg::lines(
            &format!(
                "{}: tCO2e a year, baseline and plan with their ranges",
                o.title
            ),
            &labels,
            &pair(
                &|p| p.co2e_kg.central,
                Some(&|p| (p.co2e_kg.low, p.co2e_kg.high)),
                "Plan (low–high band)",
            ),
            false,
            &co2,
        );
        let phases: Vec<(String, chrono::NaiveDate, chrono::NaiveDate)> = o
            .phases
            .iter()
            .map(|p| (p.name.clone(), p.start, p.end))
            .collect();
        let marks: Vec<(chrono::NaiveDate, String)> = o
            .actions
            .iter()
            .map(|a| (a.date, format!("{} {}", a.action, a.targets.join(", "))))
            .collect();
        let timeline = svg::timeline(&format!("{}: phases and actions", o.title), &phases, &marks);
        let mut pt = Table::new(
            &format!("roadmap-{key}-phases"),
            "Phases",
            &[
                "Phase",
                "From",
                "To",
                "One-off",
                "Spend a year at end",
                "CO2e a year at end",
                "New policy findings",
            ],
            &[false, false, false, true, true, true, true],
        );
        for p in &o.phases {
            pt.rows.push(vec![
                cell(p.name.clone()),
                cell(p.start.to_string()),
                cell(p.end.to_string()),
                num(
                    money(p.one_off_cost),
                    p.one_off_cost.to_f64().unwrap_or(0.0),
                ),
                num(
                    money(p.at_end.spend),
                    p.at_end.spend.to_f64().unwrap_or(0.0),
                ),
                num(range_text(p.at_end.co2e_kg), p.at_end.co2e_kg.central),
                num(
                    p.new_findings.len().to_string(),
                    p.new_findings.len() as f64,
                ),
            ]);
        }
        let mut at = Table::new(
            &format!("roadmap-{key}-actions"),
            "Actions",
            &[
                "#",
                "Date",
                "Phase",
                "Action",
                "Targets",
                "Detail",
                "One-off",
                "Spend a year",
                "kgCO2e a year",
                "Note",
            ],
            &[
                true, false, false, false, false, false, true, true, true, false,
            ],
        );
        for (n, a) in o.actions.iter().enumerate() {
            at.rows.push(vec![
                num((n + 1).to_string(), (n + 1) as f64),
                cell(a.date.to_string()),
                cell(a.phase.clone()),
                cell(a.action),
                cell(a.targets.join(", ")),
                cell(a.detail.clone()),
                num(
                    money(a.one_off_cost),
                    a.one_off_cost.to_f64().unwrap_or(0.0),
                ),
                num(signed(a.spend_delta), a.spend_delta.to_f64().unwrap_or(0.0)),
                num(
                    thousands(a.co2e_delta_kg.central, 0),
                    a.co2e_delta_kg.central,
                ),
                cell(a.note.clone().unwrap_or_default()),
            ]);
        }
        let mut tt = Table::new(
            &format!("roadmap-{key}-trajectory"),
            "Trajectory by quarter",
            &[
                "Quarter",
                "Spend a year (plan)",
                "tCO2e a year (plan)",
                "Low",
                "High",
                "One-off to date",
                "Saved to date",
                "CO2e avoided",
            ],
            &[false, true, true, true, true, true, true, true],
        );
        for q in &o.trajectory {
            tt.rows.push(vec![
                cell(q.quarter.clone()),
                num(money(q.plan.spend), q.plan.spend.to_f64().unwrap_or(0.0)),
                num(co2(q.plan.co2e_kg.central), q.plan.co2e_kg.central),
                num(co2(q.plan.co2e_kg.low), q.plan.co2e_kg.low),
                num(co2(q.plan.co2e_kg.high), q.plan.co2e_kg.high),
                num(
                    money(q.one_off_to_date),
                    q.one_off_to_date.to_f64().unwrap_or(0.0),
                ),
                num(
                    signed(q.saved_to_date),
                    q.saved_to_date.to_f64().unwrap_or(0.0),
                ),
                num(co2(q.co2e_avoided_kg), q.co2e_avoided_kg),
            ]);
        }
        let mut wt = Table::new(
            &format!("roadmap-{key}-warnings"),
            "Warnings",
            &["Date", "Phase", "Kind", "Warning"],
            &[false; 4],
        );
        for w in &o.warnings {
            wt.rows.push(vec![
                cell(w.date.to_string()),
                cell(w.phase.clone()),
                cell(w.kind),
                cell(w.message.clone()),
            ]);
        }
        let mut ft = Table::new(
            &format!("roadmap-{key}-findings"),
            "Policies each phase's end state breaks (not broken at the baseline)",
            &["Phase", "Severity", "Rule", "Node", "Finding"],
            &[false; 5],
        );
        for p in &o.phases {
            for fd in &p.new_findings {
                ft.rows.push(vec![
                    cell(p.name.clone()),
                    classed(
                        fd.severity.as_str().to_string(),
                        format!("sev-{}", fd.severity.as_str()),
                    ),
                    cell(fd.rule.clone()),
                    cell(fd.id.clone()),
                    cell(fd.message.clone()),
                ]);
            }
        }
        let payback = match &o.payback {
            Some(p) if p.after_roadmap => format!(
                "{} ({} months; after the roadmap, at its final run-rate)",
                p.date, p.months
            ),
            Some(p) => format!("{} ({} months)", p.date, p.months),
            None if o.one_off_total.is_zero() => "no one-off costs".into(),
            None => "never".into(),
        };
        list.push(json!({
            "name": o.name,
            "title": o.title,
            "description": o.description,
            "period": o.period,
            "baseline_spend": money(o.baseline.spend),
            "end_spend": money(o.at_end.spend),
            "saving": signed(-o.annual_saving),
            "one_off": money(o.one_off_total),
            "payback": payback,
            "baseline_co2e": range_text(o.baseline.co2e_kg),
            "end_co2e": range_text(o.at_end.co2e_kg),
            "reduction": co2(o.co2e_reduction_kg.central),
            "timeline": timeline,
            "spend_chart": spend_chart,
            "carbon_chart": carbon_chart,
            "phases": pt,
            "actions": at,
            "trajectory": tt,
            "warnings": wt,
            "findings": ft,
            "assumptions": o.assumptions,
        }));
        tables.extend([pt, at, tt, wt, ft]);
    }
    (list, tables)
}

/// Roadmaps side by side.
fn comparison(all: &[Projection], currency: &str) -> Table {
    let money = |d: Decimal| crate::report::money(currency, d, 0, false);
    let mut cols = vec!["".to_string()];
    cols.extend(all.iter().map(|o| o.title.clone()));
    let cols_ref: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut numeric = vec![false];
    numeric.extend(all.iter().map(|_| true));
    let mut t = Table::new(
        "roadmap-comparison",
        "Roadmaps side by side",
        &cols_ref,
        &numeric,
    );
    let each = |f: &dyn Fn(&Projection) -> String| -> Vec<String> { all.iter().map(f).collect() };
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("One-off costs", each(&|o| money(o.one_off_total))),
        ("Spend a year when done", each(&|o| money(o.at_end.spend))),
        ("Saving a year", each(&|o| money(o.annual_saving))),
        (
            "Payback",
            each(&|o| {
                o.payback
                    .as_ref()
                    .map(|p| p.date.to_string())
                    .unwrap_or_else(|| "never".into())
            }),
        ),
        (
            "tCO2e a year when done",
            each(&|o| range_text(o.at_end.co2e_kg)),
        ),
        (
            "Carbon reduction a year",
            each(&|o| co2(o.co2e_reduction_kg.central)),
        ),
        ("Warnings", each(&|o| o.warnings.len().to_string())),
    ];
    for (label, values) in rows {
        let mut r = vec![cell(label)];
        r.extend(values.into_iter().map(cell));
        t.rows.push(r);
    }
    t
}
