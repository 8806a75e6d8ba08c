//! Contracts: renewals and notice dates coming up, spend against contract
//! value, and how concentrated spend is on a few suppliers.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use petgraph::Direction;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Ledger;
use crate::inventory::kinds::Renewal;
use crate::inventory::{Kind, Spec};
use crate::model::Period;
use crate::model::{EdgeKind, Model};

#[derive(Clone, Debug, Serialize)]
pub struct Upcoming {
    pub contract: String,
    pub supplier: String,
    pub end: String,
    /// The last day to give notice (end − notice period), when a notice period is recorded.
    pub notice_by: Option<String>,
    pub days_to_end: i64,
    pub days_to_notice: Option<i64>,
    /// `expired`, `notice passed`, `notice due`, `ending`.
    pub status: &'static str,
    pub renewal: Option<Renewal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub annual_value: Option<Decimal>,
    pub currency: String,
    pub systems: Vec<String>,
}

/// Contracts that end, or whose notice date falls, within `within` days of `today` (and those already expired).
pub fn upcoming(model: &Model, today: NaiveDate, within: i64, currency: &str) -> Vec<Upcoming> {
    let mut v = Vec::new();
    for idx in model.nodes_of(Kind::Contract) {
        let node = model.node(idx);
        let Some(Spec::Contract(c)) = &node.spec else {
            continue;
        };
        let end = c.end.value.0;
        let notice_by = c.notice_period.map(|p| p.before(end));
        let days_to_end = (end - today).num_days();
        let days_to_notice = notice_by.map(|n| (n - today).num_days());
        let status = if days_to_end < 0 {
            "expired"
        } else if days_to_notice.is_some_and(|d| d < 0) {
            "notice passed"
        } else if days_to_notice.is_some_and(|d| d <= within) {
            "notice due"
        } else if days_to_end <= within {
            "ending"
        } else {
            continue;
        };
        let systems = model
            .neighbours(idx, Direction::Incoming, &[EdgeKind::CoveredBy])
            .into_iter()
            .map(|n| model.node(n).id.to_string())
            .collect();
        v.push(Upcoming {
            contract: node.id.to_string(),
            supplier: c.supplier.value.id(),
            end: end.to_string(),
            notice_by: notice_by.map(|d| d.to_string()),
            days_to_end,
            days_to_notice,
            status,
            renewal: c.renewal,
            annual_value: c.annual_value.map(|m| m.0),
            currency: c
                .currency
                .as_ref()
                .map_or(currency.to_string(), |c| c.value.clone()),
            systems,
        });
    }
    v.sort_by_key(|u| {
        (
            u.days_to_notice.unwrap_or(u.days_to_end).min(u.days_to_end),
            u.contract.clone(),
        )
    });
    v
}

#[derive(Clone, Debug, Serialize)]
pub struct AgainstValue {
    pub supplier: String,
    pub currency: String,
    /// Contracted value falling in the period (annual value × the share of the period covered).
    #[serde(with = "rust_decimal::serde::str")]
    pub contracted: Decimal,
    /// Spend with the supplier in the period (billed).
    #[serde(with = "rust_decimal::serde::str")]
    pub spend: Decimal,
    pub over: bool,
}

/// Spend with each contracted supplier against the contracts' value in the period.
pub fn against_value(
    model: &Model,
    period: Period,
    currency: &str,
    ledger: &Ledger,
) -> Vec<AgainstValue> {
    let mut contracted: BTreeMap<String, Decimal> = BTreeMap::new();
    let period_days = Decimal::from((period.end.0 - period.start.0).num_days() + 1);
    for idx in model.nodes_of(Kind::Contract) {
        let Some(Spec::Contract(c)) = &model.node(idx).spec else {
            continue;
        };
        if c.currency.as_ref().is_some_and(|cur| cur.value != currency) {
            continue;
        }
        let start = c.start.value.0.max(period.start.0);
        let end = c.end.value.0.min(period.end.0);
        if end < start {
            continue;
        }
        let covered = Decimal::from((end - start).num_days() + 1);
        let term_days = Decimal::from((c.end.value.0 - c.start.value.0).num_days() + 1);
        let annual = c
            .annual_value
            .map(|m| m.0)
            .unwrap_or_else(|| c.value.0 * Decimal::from(365) / term_days.max(Decimal::ONE));
        let in_period = (annual * covered / Decimal::from(365))
            .min(annual * period_days / Decimal::from(365))
            .round_dp(2);
        *contracted.entry(c.supplier.value.id()).or_default() += in_period;
    }
    contracted
        .into_iter()
        .map(|(supplier, value)| {
            let spend = ledger
                .by_supplier
                .get(&supplier)
                .map_or(Decimal::ZERO, |c| c.billed);
            AgainstValue {
                over: spend > value,
                supplier,
                currency: currency.to_string(),
                contracted: value,
                spend,
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct Concentration {
    pub supplier: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub spend: Decimal,
    /// Share of all spend in the currency, percent (2 dp).
    #[serde(with = "rust_decimal::serde::str")]
    pub share_pct: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub cumulative_pct: Decimal,
}

/// Suppliers by spend, with their share of the total and the running share.
pub fn concentration(ledger: &Ledger) -> Vec<Concentration> {
    let total = ledger.total.billed;
    let mut v: Vec<(&String, Decimal)> = ledger
        .by_supplier
        .iter()
        .map(|(s, c)| (s, c.billed))
        .filter(|(_, d)| !d.is_zero())
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut running = Decimal::ZERO;
    v.into_iter()
        .map(|(s, d)| {
            running = super::exact_add(running, d).unwrap_or(running);
            let pct = |x: Decimal| super::percent(x, total).round_dp(2);
            Concentration {
                supplier: s.clone(),
                spend: d,
                share_pct: pct(d),
                cumulative_pct: pct(running),
            }
        })
        .collect()
}
