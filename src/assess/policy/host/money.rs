//! Spend functions: what a node cost in the period, contracted values,
//! unallocated billing spend and shadow IT. Money is kept as `Decimal` and
//! becomes a CEL double only when an expression reads it.

use std::sync::Arc;

use cel::Value;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Facts;
use super::registry::{FREE, R};
use super::value::map;
use crate::inventory::{Kind, Spec};

/// A node's spend in the period, in the estate's currency.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spent {
    pub billed: Decimal,
    pub effective: Decimal,
}

/// Money as CEL sees it: a double (0.0 when out of range).
fn number(d: Decimal) -> Value {
    Value::Float(d.to_f64().unwrap_or(0.0))
}

impl Facts {
    /// Take in the spend result (the estate's currency only).
    pub fn add_spend(&mut self, s: &crate::assess::spend::Spend) {
        let Some(l) = s.currencies.get(&self.currency) else {
            return;
        };
        for m in [
            &l.by_system,
            &l.by_supplier,
            &l.by_capability,
            &l.by_domain,
            &l.by_cost_centre,
            &l.by_resource,
        ] {
            for (k, c) in m {
                let e = self.spend.entry(k.clone()).or_default();
                e.billed += c.billed;
                e.effective += c.effective;
            }
        }
        self.total_spend = l.total.effective;
        for (provider, c) in &l.unallocated_by_provider {
            *self.unallocated.entry(provider.clone()).or_default() += c.effective;
            *self.unallocated.entry(String::new()).or_default() += c.effective;
        }
        self.shadow = s.shadow.clone();
    }

    /// Contracted annual values per supplier, for contracts in force on some day of the period.
    pub fn add_contracts(&mut self, period: crate::model::Period) {
        for idx in self.model.nodes_of(Kind::Contract) {
            let n = &self.model.graph[idx];
            let Some(Spec::Contract(c)) = &n.spec else {
                continue;
            };
            if c.end.value < period.start || c.start.value > period.end {
                continue;
            }
            let annual = match &c.annual_value {
                Some(a) => a.0,
                None => {
                    // The value spread over the contract's years, at least one.
                    let days = (c.end.value.0 - c.start.value.0).num_days();
                    let years = (Decimal::from(days) / Decimal::new(36525, 2)).max(Decimal::ONE);
                    c.value.0 / years
                }
            };
            *self.contracted.entry(c.supplier.value.id()).or_default() += annual;
        }
    }
}

/// `spend(n)`: `{billed, effective, currency}`; a contract gives its supplier's.
pub(super) fn spend(f: &Facts, id: &str) -> Value {
    let mut id = id.to_string();
    if let Some(i) = f.model.get(&id)
        && let Some(Spec::Contract(c)) = &f.model.graph[i].spec
    {
        id = c.supplier.value.id();
    }
    let s = f.spend.get(&id).copied().unwrap_or_default();
    map([
        ("billed", number(s.billed)),
        ("effective", number(s.effective)),
        ("currency", Value::from(f.currency.clone())),
    ])
}

/// `contracted(supplier)`.
pub(super) fn contracted(f: &Facts, id: &str) -> Value {
    number(f.contracted.get(id).copied().unwrap_or_default())
}

/// `total_spend()`.
pub(super) fn total_spend(
    ctx: &mut cel::Context<'static, 'static>,
    name: &'static str,
    f: &Arc<Facts>,
) {
    let f = f.clone();
    ctx.add_function(name, move || -> R { Ok(number(f.total_spend)) })
        .expect(FREE);
}

/// `unallocated('provider')`.
pub(super) fn unallocated(
    ctx: &mut cel::Context<'static, 'static>,
    name: &'static str,
    f: &Arc<Facts>,
) {
    let f = f.clone();
    ctx.add_function(name, move |p: Arc<String>| -> R {
        Ok(number(
            f.unallocated
                .get(&p.to_ascii_lowercase())
                .copied()
                .unwrap_or_default(),
        ))
    })
    .expect(FREE);
}

/// `shadow_it()`: `[{supplier, amount, currency, why}]`.
pub(super) fn shadow_it(
    ctx: &mut cel::Context<'static, 'static>,
    name: &'static str,
    f: &Arc<Facts>,
) {
    let f = f.clone();
    ctx.add_function(name, move || -> R {
        Ok(Value::List(Arc::new(
            f.shadow
                .iter()
                .map(|sh| {
                    map([
                        ("supplier", Value::from(sh.supplier.clone())),
                        ("amount", number(sh.total)),
                        ("currency", Value::from(sh.currency.clone())),
                        ("why", Value::from(sh.why.clone())),
                    ])
                })
                .collect(),
        )))
    })
    .expect(FREE);
}
