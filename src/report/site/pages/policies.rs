//! Policies (policies.html, only when policies were checked): the findings
//! grouped by rule, most severe first, each group with its remediation; every
//! finding in one table; the waived findings with who approved them.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

use crate::assess::policy::{Finding, Severity};
use crate::report::site::format::{node_link, thousands};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, classed, num};

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    sh.i.findings?;
    let (model, f, outcome) = (sh.model, &sh.f, sh.outcome);
    let mut groups: BTreeMap<(Reverse<Severity>, String), Vec<&Finding>> = BTreeMap::new();
    for fd in &outcome.findings {
        groups
            .entry((Reverse(fd.severity), fd.rule.clone()))
            .or_default()
            .push(fd);
    }
    let mut tables = Vec::new();
    let mut findings = Table::new(
        "findings",
        "Every finding",
        &["Severity", "Rule", "Node", "Finding", "Money", "kgCO2e"],
        &[false, false, false, false, true, true],
    );
    let mut rule_groups = Vec::new();
    for ((sev, rule), list) in &groups {
        let mut t = Table::new(
            &format!("findings-{rule}"),
            rule,
            &["Node", "Finding", "Money saved", "kgCO2e saved"],
            &[false, false, true, true],
        );
        for fd in list {
            let (m, k) = fd
                .savings
                .as_ref()
                .map(|s| (s.amount, s.co2e_kg))
                .unwrap_or_default();
            let row = vec![
                node_link(model, &fd.id, ""),
                cell(fd.message.clone()),
                num(
                    if m > Decimal::ZERO {
                        f.money_dec(m)
                    } else {
                        String::new()
                    },
                    m.to_f64().unwrap_or(0.0),
                ),
                num(
                    if k > 0.0 {
                        thousands(k, 0)
                    } else {
                        String::new()
                    },
                    k,
                ),
            ];
            let mut full = vec![
                classed(sev.0.as_str(), format!("sev-{}", sev.0.as_str())),
                cell(rule.clone()),
            ];
            full.extend(row.iter().cloned());
            findings.rows.push(full);
            t.rows.push(row);
        }
        rule_groups.push(json!({"rule": rule, "severity": sev.0.as_str(), "count": list.len(), "remediation": list[0].remediation, "category": list[0].category.as_str(), "table": t}));
        tables.push(t);
    }
    let mut waived = Table::new(
        "waived",
        "Waived findings",
        &["Rule", "Node", "Finding", "Reason", "Approver", "Until"],
        &[false; 6],
    );
    for w in &outcome.waived {
        let note = w.waiver.as_ref();
        waived.rows.push(vec![
            cell(w.rule.clone()),
            node_link(model, &w.id, ""),
            cell(w.message.clone()),
            cell(note.map(|n| n.reason.clone()).unwrap_or_default()),
            cell(note.map(|n| n.approver.clone()).unwrap_or_default()),
            cell(note.map(|n| n.expires.clone()).unwrap_or_default()),
        ]);
    }
    c.insert("groups", &rule_groups);
    c.insert("waived", &waived);
    c.insert("summary", &json!({"rules": outcome.rules, "evaluated": outcome.evaluated, "errors": outcome.errors.len(), "unused_waivers": outcome.unused_waivers}));
    tables.push(findings);
    tables.push(waived);
    Some(tables)
}
