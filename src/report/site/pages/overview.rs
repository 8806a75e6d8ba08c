//! The overview (index.html): the headline figures every page shares, spend
//! and carbon by domain as charts, and the largest savings the policy
//! findings point at.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::assess::carbon::Basis;
use crate::assess::carbon::rollup::{self, By};
use crate::assess::policy::Finding;
use crate::report::site::format::{co2, node_link, thousands};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, num};
use crate::report::svg::{self, Bar};

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let f = &sh.f;
    let carbon_domain: Vec<Bar> = {
        let mut v: Vec<Bar> = rollup::breakdown(sh.model, sh.i.carbon, Basis::Location, By::Domain)
            .into_iter()
            .map(|(id, r)| Bar {
                label: if id == rollup::UNATTRIBUTED {
                    "Not attributed to a system".into()
                } else {
                    sh.title_of(&id)
                },
                value: r.central,
                range: Some((r.low, r.high)),
                href: None,
            })
            .collect();
        v.sort_by(|a, b| b.value.total_cmp(&a.value));
        v
    };
    let top = top_savings(sh);
    c.insert(
        "chart_spend_domain",
        &svg::bars("Spend by domain", &sh.spend_domain, &|v| f.money(v)),
    );
    c.insert(
        "chart_carbon_domain",
        &svg::bars(
            "Carbon by domain (central, with low–high range)",
            &carbon_domain,
            &co2,
        ),
    );
    c.insert("top_savings", &top);
    Some(vec![top])
}

/// The ten largest savings (money, then kgCO2e), at most three per rule.
fn top_savings(sh: &Shared<'_>) -> Table {
    let f = &sh.f;
    let mut savings: Vec<&Finding> = sh
        .outcome
        .findings
        .iter()
        .filter(|x| {
            x.savings
                .as_ref()
                .is_some_and(|s| s.amount > Decimal::ZERO || s.co2e_kg > 0.0)
        })
        .collect();
    let saved = |x: &Finding| {
        x.savings
            .as_ref()
            .map_or((Decimal::ZERO, 0.0), |s| (s.amount, s.co2e_kg))
    };
    savings.sort_by(|a, b| {
        let (sa, sb) = (saved(a), saved(b));
        sb.0.cmp(&sa.0).then(sb.1.total_cmp(&sa.1))
    });
    let mut top = Table::new(
        "top-savings",
        "The ten largest savings the policy findings point at (per year; at most three per rule)",
        &["Finding", "Node", "Money", "kgCO2e", "Rule"],
        &[false, false, true, true, false],
    );
    let mut per_rule: HashMap<&str, usize> = HashMap::new();
    let varied: Vec<&&Finding> = savings
        .iter()
        .filter(|x| {
            let n = per_rule.entry(x.rule.as_str()).or_default();
            *n += 1;
            *n <= 3
        })
        .collect();
    for x in varied.into_iter().take(10) {
        let (amount, kg) = saved(x);
        top.rows.push(vec![
            cell(x.message.clone()),
            node_link(sh.model, &x.id, ""),
            num(f.money_dec(amount), amount.to_f64().unwrap_or(0.0)),
            num(thousands(kg, 0), kg),
            cell(x.rule.clone()),
        ]);
    }
    top
}
