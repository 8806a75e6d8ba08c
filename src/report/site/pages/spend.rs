//! Spend (spend.html, only with spend data): the totals and the
//! reconciliation, the ledger's breakdowns (supplier, cost centre,
//! capability, domain, provider, service, system, unallocated), the top
//! suppliers and domains as charts, shadow IT and the contracts.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

use crate::assess::spend::{Cost, Ledger};
use crate::inventory::{Kind, Spec};
use crate::report::site::format::{enum_text, node_link, thousands};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, num};
use crate::report::svg::{self, Bar};

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let (Some(sp), Some(l)) = (sh.i.spend, sh.ledger) else {
        return None;
    };
    let (i, f) = (sh.i, &sh.f);
    let spend_tables = vec![
        breakdown(
            sh,
            l,
            "spend-by-supplier",
            "By supplier",
            &l.by_supplier,
            false,
        ),
        breakdown(
            sh,
            l,
            "spend-by-cost-centre",
            "By cost centre",
            &l.by_cost_centre,
            false,
        ),
        breakdown(
            sh,
            l,
            "spend-by-capability",
            "By capability",
            &l.by_capability,
            false,
        ),
        breakdown(sh, l, "spend-by-domain", "By domain", &l.by_domain, false),
        breakdown(
            sh,
            l,
            "spend-by-provider",
            "By provider (billing exports; the ledger as one line)",
            &l.by_provider,
            false,
        ),
        breakdown(
            sh,
            l,
            "spend-by-service",
            "By cloud service",
            &l.by_service,
            false,
        ),
        breakdown(sh, l, "spend-by-system", "By system", &l.by_system, true),
        breakdown(
            sh,
            l,
            "spend-unallocated",
            "Unallocated, by reason",
            &l.unallocated_by,
            false,
        ),
    ];
    let supplier_bars: Vec<Bar> = {
        let mut v: Vec<(&String, &Cost)> = l.by_supplier.iter().collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.1.effective));
        v.into_iter()
            .take(15)
            .map(|(k, v)| Bar {
                label: name_of(sh, k),
                value: v.effective.to_f64().unwrap_or(0.0),
                ..Default::default()
            })
            .collect()
    };
    c.insert(
        "chart_suppliers",
        &svg::bars("Top suppliers by effective spend", &supplier_bars, &|v| {
            f.money(v)
        }),
    );
    c.insert(
        "chart_domains",
        &svg::treemap("Spend by domain", &sh.spend_domain, &|v| f.money(v)),
    );
    let mut shadow = Table::new(
        "shadow-it",
        "Shadow IT: technology suppliers on the ledger the inventory does not know",
        &["Supplier", "Amount", "Lines", "Cost centres", "Why"],
        &[false, true, true, false, false],
    );
    for s in &sp.shadow {
        shadow.rows.push(vec![
            cell(s.supplier.clone()),
            num(
                format!(
                    "{} {}",
                    s.currency,
                    thousands(s.total.to_f64().unwrap_or(0.0), 2)
                ),
                s.total.to_f64().unwrap_or(0.0),
            ),
            num(s.lines.to_string(), s.lines as f64),
            cell(s.cost_centres.join(", ")),
            cell(s.why.clone()),
        ]);
    }
    let contracts = contracts(sh);
    let rec = crate::report::spend::to_json(sp, i.period, i.currency);
    c.insert("reconciliation", &rec["reconciliation"]);
    c.insert("totals", &json!({
        "billed": f.money_dec(l.total.billed),
        "effective": f.money_dec(l.total.effective),
        "allocated": f.money_dec(l.allocated.effective),
        "unallocated": f.money_dec(l.unallocated.effective),
        "bad_rows": sp.bad_rows.len(),
        "files": sp.files.iter().map(|x| x.path.clone()).collect::<Vec<_>>(),
        "other_currencies": sp.currencies.keys().filter(|k| k.as_str() != i.currency).cloned().collect::<Vec<_>>(),
    }));
    c.insert("tables", &spend_tables);
    c.insert("shadow", &shadow);
    c.insert("contracts", &contracts);
    let mut tables = spend_tables;
    tables.push(shadow);
    tables.push(contracts);
    Some(tables)
}

/// A node's title when the model has it, else the key as the ledger wrote it.
fn name_of(sh: &Shared<'_>, k: &str) -> String {
    if sh.model.get(k).is_some() {
        sh.title_of(k)
    } else {
        k.to_string()
    }
}

/// One of the ledger's breakdowns, largest first, with each line's share.
fn breakdown(
    sh: &Shared<'_>,
    l: &Ledger,
    name: &str,
    caption: &str,
    m: &BTreeMap<String, Cost>,
    links: bool,
) -> Table {
    let f = &sh.f;
    let mut t = Table::new(
        name,
        caption,
        &["", "Billed", "Effective", "Share"],
        &[false, true, true, true],
    );
    let total = l
        .total
        .effective
        .to_f64()
        .unwrap_or(0.0)
        .max(f64::MIN_POSITIVE);
    let mut rows: Vec<(&String, &Cost)> = m.iter().collect();
    rows.sort_by_key(|b| std::cmp::Reverse(b.1.effective));
    for (k, v) in rows {
        let e = v.effective.to_f64().unwrap_or(0.0);
        t.rows.push(vec![
            if links {
                node_link(sh.model, k, "")
            } else {
                cell(name_of(sh, k))
            },
            num(f.money_dec(v.billed), v.billed.to_f64().unwrap_or(0.0)),
            num(f.money_dec(v.effective), e),
            num(format!("{:.1}%", e / total * 100.0), e / total * 100.0),
        ]);
    }
    t
}

/// Every contract: value, term, notice date, renewal and decision, by end date.
fn contracts(sh: &Shared<'_>) -> Table {
    let (model, f) = (sh.model, &sh.f);
    let mut contracts = Table::new(
        "contracts",
        "Contracts: value, term and notice",
        &[
            "Contract",
            "Supplier",
            "Annual value",
            "Start",
            "End",
            "Notice by",
            "Renewal",
            "Decision",
        ],
        &[false, false, true, false, false, false, false, false],
    );
    for ci in model.nodes_of(Kind::Contract) {
        if let Some(Spec::Contract(ct)) = &model.node(ci).spec {
            let annual = ct.annual_value.as_ref().map(|m| m.0).unwrap_or(ct.value.0);
            let notice = ct
                .notice_period
                .map(|d| d.before(ct.end.value.0).to_string())
                .unwrap_or_else(|| "—".into());
            contracts.rows.push(vec![
                cell(sh.title(ci)),
                cell(sh.title_of(&ct.supplier.value.id())),
                num(f.money_dec(annual), annual.to_f64().unwrap_or(0.0)),
                cell(ct.start.value.to_string()),
                cell(ct.end.value.to_string()),
                cell(notice),
                cell(
                    ct.renewal
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
                cell(
                    ct.decision
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
            ]);
        }
    }
    contracts.rows.sort_by(|a, b| a[4].text.cmp(&b[4].text));
    contracts
}
