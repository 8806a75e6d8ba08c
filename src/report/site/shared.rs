//! What every page of the report reads, worked out once before any page is
//! built: the context all templates share (the estate, the headline
//! figures, the trends since the last snapshot), the money format, the
//! ledger in the estate's currency, and the carbon items and findings
//! indexed by the node they belong to. Everything here is looked up or
//! grouped from what was assessed; the roll-ups themselves come from
//! `assess`.

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

use super::Inputs;
use super::format::{Fmt, co2, symbol, thousands, title, title_of};
use crate::assess::carbon::rollup;
use crate::assess::carbon::{Basis, Item, Range};
use crate::assess::policy::{Finding, Outcome};
use crate::assess::spend::Ledger;
use crate::inventory::Kind;
use crate::model::Model;
use crate::report::svg::Bar;

/// Everything pages share.
pub(crate) struct Shared<'a> {
    pub i: &'a Inputs<'a>,
    pub model: &'a Model,
    pub f: Fmt,
    /// The spend ledger in the estate's currency, when there is spend.
    pub ledger: Option<&'a Ledger>,
    /// The policy findings (none when policies were not checked).
    pub outcome: &'a Outcome,
    /// Carbon items by the system they serve (system pages read them).
    pub carbon_by_system: HashMap<&'a str, Vec<&'a Item>>,
    /// Findings by the node they are about.
    pub findings_by_node: HashMap<&'a str, Vec<&'a Finding>>,
    /// Location-based and market-based totals, kgCO2e.
    pub total_co2: Range,
    pub market_co2: Range,
    /// Every system, in model order.
    pub systems: Vec<NodeIndex>,
    /// Effective spend by domain, largest first (the overview, spend page and summary show it).
    pub spend_domain: Vec<Bar>,
    /// The context every template starts from.
    pub base: tera::Context,
}

impl<'a> Shared<'a> {
    pub fn new(i: &'a Inputs<'a>, outcome: &'a Outcome) -> Shared<'a> {
        let model = i.model;
        let f = Fmt {
            symbol: symbol(i.currency),
        };
        let ledger = i.spend.and_then(|s| s.currencies.get(i.currency));
        let mut findings_by_node: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for fd in &outcome.findings {
            findings_by_node.entry(fd.id.as_str()).or_default().push(fd);
        }
        let mut spend_domain: Vec<Bar> = Vec::new();
        if let Some(l) = ledger {
            for (id, c) in &l.by_domain {
                spend_domain.push(Bar {
                    label: if id == crate::assess::spend::NONE {
                        "No domain".into()
                    } else {
                        title_of(model, id)
                    },
                    value: c.effective.to_f64().unwrap_or(0.0),
                    ..Default::default()
                });
            }
        }
        spend_domain.sort_by(|a, b| b.value.total_cmp(&a.value));
        let mut sh = Shared {
            i,
            model,
            f,
            ledger,
            outcome,
            carbon_by_system: rollup::items_by_system(i.carbon),
            findings_by_node,
            total_co2: rollup::totals(i.carbon, Basis::Location).co2e_kg,
            market_co2: rollup::totals(i.carbon, Basis::Market).co2e_kg,
            systems: model.nodes_of(Kind::System),
            spend_domain,
            base: tera::Context::new(),
        };
        sh.base = sh.base_context();
        sh
    }

    /// A node's title, else its name.
    pub fn title(&self, idx: NodeIndex) -> String {
        title(self.model, idx)
    }

    /// A node's title by id (the id itself when the model does not have it).
    pub fn title_of(&self, id: &str) -> String {
        title_of(self.model, id)
    }

    /// A system's (billed, effective) spend.
    pub fn spend_of(&self, id: &str) -> Option<(Decimal, Decimal)> {
        self.ledger
            .and_then(|l| l.by_system.get(id))
            .map(|c| (c.billed, c.effective))
    }

    /// The estate, the headline figures and, with a previous snapshot, the trends.
    fn base_context(&self) -> tera::Context {
        let (i, f, outcome) = (self.i, &self.f, self.outcome);
        let total_co2 = self.total_co2;
        let systems = &self.systems;
        let spend_total = self.ledger.map(|l| l.total.effective);
        let by_sev = outcome.by_severity();
        let mut base = tera::Context::new();
        base.insert(
            "estate",
            &json!({
                "name": i.name,
                "currency": i.currency,
                "period": {"start": i.period.start.to_string(), "end": i.period.end.to_string()},
                "generated": i.today.to_string(),
                "version": env!("CARGO_PKG_VERSION"),
            }),
        );
        let headline = json!({
            "systems": systems.len(),
            "spend": spend_total.map(|d| f.money(d.to_f64().unwrap_or(0.0))),
            "co2": co2(total_co2.central),
            "co2_range": format!("{} – {}", co2(total_co2.low), co2(total_co2.high)),
            "findings": crate::assess::policy::Severity::ALL
                .iter()
                .filter_map(|s| by_sev.get(s.as_str()).map(|n| json!({"severity": s.as_str(), "count": n})))
                .collect::<Vec<_>>(),
            "findings_total": outcome.findings.len(),
            "has_spend": self.ledger.is_some(),
            "has_findings": i.findings.is_some(),
        });
        base.insert("headline", &headline);
        if let Some(p) = i.previous {
            let signed = |v: f64, text: String| {
                if v > 0.0 {
                    format!("▲ +{text}")
                } else if v < 0.0 {
                    format!("▼ −{}", text.trim_start_matches('-'))
                } else {
                    "no change".to_string()
                }
            };
            let spend_change = spend_total
                .and_then(|d| d.to_f64())
                .zip(p.spend_total.and_then(|d| d.to_f64()))
                .map(|(now, then)| signed(now - then, f.money((now - then).abs())));
            let co2_change = total_co2.central - p.carbon_total.1;
            let findings_change = outcome.findings.len() as f64 - p.findings.len() as f64;
            let systems_change =
                systems.len() as f64 - p.nodes.iter().filter(|n| n.kind == "System").count() as f64;
            base.insert(
                "trend",
                &json!({
                    "since": p.taken,
                    "systems": signed(systems_change, thousands(systems_change.abs(), 0)),
                    "spend": spend_change,
                    "co2": signed(co2_change, co2(co2_change.abs())),
                    "findings": signed(findings_change, thousands(findings_change.abs(), 0)),
                }),
            );
        }
        base
    }
}
