//! summary.md: the report in Markdown for wikis and pull-request comments —
//! the headline, spend by domain, the largest savings and findings by rule.

use std::collections::BTreeMap;

use serde_json::json;

use crate::report::site::shared::Shared;
use crate::report::site::table::Table;
use crate::report::site::{Error, Writer};

pub(crate) fn write(sh: &Shared<'_>, tables: &[Table], w: &Writer<'_>) -> Result<(), Error> {
    let mut md = sh.base.clone();
    md.insert(
        "domains_spend",
        &sh.spend_domain
            .iter()
            .take(10)
            .map(|b| json!({"label": b.label, "value": sh.f.money(b.value)}))
            .collect::<Vec<_>>(),
    );
    md.insert(
        "top_savings",
        &tables.iter().find(|t| t.name == "top-savings"),
    );
    md.insert(
        "rules",
        &sh.outcome
            .findings
            .iter()
            .fold(BTreeMap::<String, usize>::new(), |mut m, x| {
                *m.entry(x.rule.clone()).or_default() += 1;
                m
            }),
    );
    w.write("summary.md", "summary.md", &md)
}
