//! Spend: every charge from billing exports and finance ledgers attributed to
//! a system (and through it to a supplier, cost centre, capability and
//! domain), reconciled exactly.
//!
//! Charges come in from `collect::billing` (this module never opens a file:
//! `pipeline::spend` hands each input's charges to an [`Accumulator`]).
//! Identical lines (same file, currency, resource, account, service,
//! supplier, cost centre, category) are summed first, into a [`Tally`], so
//! attribution runs once per distinct line, not once per row. A cloud charge
//! attaches to a resource by id (the inventory's `external_id`, or the
//! resource's name as the last part of the id), then to its system through
//! the graph; failing that, the Mapping rules decide (tags, account, region,
//! resource group, name). A ledger line attaches to the Supplier whose name,
//! title or alias it carries, then to the systems that supplier supplies
//! (shared evenly, to the smallest unit, remainder to the first, so shares
//! add up exactly). Whatever attaches to no system is **unallocated**,
//! broken down by provider, account and service — never dropped. Ledger
//! lines from technology vendors the inventory does not know are **shadow
//! IT** candidates.
//!
//! Invariant, checked for every input file and currency, for billed and
//! effective cost: allocated + unallocated == input total, exactly (Decimal).
//!
//! The rooms: this file holds the result types; `accumulate` sums charges
//! into distinct lines while they stream; `attribute` books each line into
//! the per-currency ledgers and reconciles; `lookup` decides where one line
//! goes; `suppliers` recognises suppliers and shadow IT on ledger lines;
//! `contracts` reads renewals and contract value against spend.

mod accumulate;
mod attribute;
pub mod contracts;
mod lookup;
mod suppliers;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::billing::{BadRow, Format};
pub use accumulate::{Accumulator, Tally, Window};
pub use suppliers::normalise_supplier;

/// Billed and effective cost together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cost {
    #[serde(with = "rust_decimal::serde::str")]
    pub billed: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub effective: Decimal,
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, o: Cost) {
        self.billed += o.billed;
        self.effective += o.effective;
    }
}

/// `a + b` when it is exact, else `None`. rust_decimal rounds a sum that
/// needs more than its 96-bit mantissa at the larger scale (1e19 plus an
/// amount with 10 decimal places) and panics when it overflows; money sums
/// must do neither, so the sum is done here in `i128` and refused unless it
/// fits.
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let up = |d: Decimal| {
        10i128
            .checked_pow(scale - d.scale())
            .and_then(|p| d.mantissa().checked_mul(p))
    };
    let sum = up(a)?.checked_add(up(b)?)?;
    Decimal::try_from_i128_with_scale(sum, scale).ok()
}

/// `part` as a percentage of `whole`, without overflow (zero when `whole` is).
pub fn percent(part: Decimal, whole: Decimal) -> Decimal {
    let hundred = Decimal::ONE_HUNDRED;
    part.checked_mul(hundred)
        .and_then(|p| p.checked_div(whole))
        .or_else(|| part.checked_div(whole).and_then(|r| r.checked_mul(hundred)))
        .unwrap_or_default()
}

impl Cost {
    /// Both amounts' magnitudes.
    pub fn abs(self) -> Cost {
        Cost {
            billed: self.billed.abs(),
            effective: self.effective.abs(),
        }
    }

    /// `self + o`, exactly, or `None` (see [`exact_add`]).
    pub fn exact_add(self, o: Cost) -> Option<Cost> {
        Some(Cost {
            billed: exact_add(self.billed, o.billed)?,
            effective: exact_add(self.effective, o.effective)?,
        })
    }

    /// Split into `n` equal shares that add up exactly.
    pub fn split(self, n: usize) -> Vec<Cost> {
        self.split_weighted(&vec![1.0; n.max(1)])
    }

    /// Split by weights into shares that add up exactly: each share is
    /// truncated to the amount's own decimal places (at least 2); the
    /// remainder goes to the first share.
    pub fn split_weighted(self, weights: &[f64]) -> Vec<Cost> {
        if weights.len() <= 1 {
            return vec![self];
        }
        let total: f64 = weights.iter().sum();
        let fractions: Vec<Decimal> = weights
            .iter()
            .map(|w| Decimal::from_f64_retain(w / total).unwrap_or_default())
            .collect();
        let part = |d: Decimal| -> Vec<Decimal> {
            let scale = d.scale().max(2);
            let mut shares: Vec<Decimal> = fractions
                .iter()
                .map(|f| {
                    (d * f).round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::ToZero)
                })
                .collect();
            let rest: Decimal = shares[1..].iter().sum();
            shares[0] = d - rest;
            shares
        };
        part(self.billed)
            .into_iter()
            .zip(part(self.effective))
            .map(|(billed, effective)| Cost { billed, effective })
            .collect()
    }
}

/// One input file's totals in one currency.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Balance {
    pub rows: u64,
    pub input: Cost,
    pub allocated: Cost,
    pub unallocated: Cost,
    /// Ledger invoices whose detail is in a billing export of the same run (not counted twice).
    pub detailed_elsewhere: Cost,
    pub balanced: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub format: Format,
    pub rows: u64,
    pub bad_rows: usize,
    pub bytes: u64,
    /// Rows dated outside the period: read, not counted, reported here.
    pub outside_period_rows: u64,
    pub outside_period: BTreeMap<String, Cost>,
    /// Rows with no date: counted in the period (nothing says otherwise), reported here.
    pub undated_rows: u64,
    pub undated: BTreeMap<String, Cost>,
    pub by_currency: BTreeMap<String, Balance>,
    /// What was assumed while reading the file (see `FileRead::warnings`).
    pub warnings: Vec<String>,
}

/// A technology supplier on the ledger that the inventory does not know.
#[derive(Clone, Debug, Serialize)]
pub struct Shadow {
    pub supplier: String,
    pub currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub lines: u64,
    pub cost_centres: Vec<String>,
    pub why: String,
}

/// Spend in one currency, by every breakdown.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ledger {
    /// Distinct spend: allocated + unallocated (invoices detailed in a billing export are not counted twice).
    pub total: Cost,
    /// Cloud invoices on the ledger whose detail comes from a billing export, by supplier.
    pub detailed_elsewhere: BTreeMap<String, Cost>,
    pub allocated: Cost,
    pub unallocated: Cost,
    pub by_system: BTreeMap<String, Cost>,
    pub by_supplier: BTreeMap<String, Cost>,
    pub by_cost_centre: BTreeMap<String, Cost>,
    pub by_capability: BTreeMap<String, Cost>,
    pub by_domain: BTreeMap<String, Cost>,
    pub by_provider: BTreeMap<String, Cost>,
    pub by_service: BTreeMap<String, Cost>,
    /// Billing-export spend by inventory resource (lines matched by resource id); not in the JSON contract.
    #[serde(skip)]
    pub by_resource: BTreeMap<String, Cost>,
    /// Unallocated billing-export spend by provider name, lower case (policies read it).
    #[serde(skip)]
    pub unallocated_by_provider: BTreeMap<String, Cost>,
    /// Unallocated spend by `provider / account / service` (or `supplier`) and reason.
    pub unallocated_by: BTreeMap<String, Cost>,
    /// Allocated spend, share by share: what a roadmap takes away when
    /// systems go (a resource's charge stays while any system it serves is live).
    #[serde(skip)]
    pub allocations: BTreeMap<Allocation, Cost>,
}

/// One system's share of the charges for one resource (or none) from one supplier.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Allocation {
    /// Every system the charges were shared among, sorted.
    pub sharers: Vec<String>,
    /// The inventory resource charged for; empty for a ledger or mapped line.
    pub resource: String,
    pub system: String,
    pub supplier: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Spend {
    /// About the inputs as a whole (a file listed twice, read once).
    pub warnings: Vec<String>,
    pub files: Vec<FileSummary>,
    pub bad_rows: Vec<BadRow>,
    pub currencies: BTreeMap<String, Ledger>,
    pub shadow: Vec<Shadow>,
}

impl Spend {
    pub fn balanced(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.by_currency.values().all(|b| b.balanced))
    }
}

/// The key a breakdown (by cost centre, domain, capability, provider) books
/// under when the charge has no value for it; shown as "none" in tables and
/// reports, and kept as this key in JSON.
pub const NONE: &str = "(none)";

/// A breakdown's name for an empty value.
fn or_none(s: &str) -> String {
    if s.is_empty() {
        NONE.into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up_exactly() {
        let c = Cost {
            billed: Decimal::new(100, 2),
            effective: Decimal::new(1, 10),
        };
        let parts = c.split(3);
        assert_eq!(parts.iter().map(|p| p.billed).sum::<Decimal>(), c.billed);
        assert_eq!(
            parts.iter().map(|p| p.effective).sum::<Decimal>(),
            c.effective
        );
        assert_eq!(parts[1].billed, Decimal::new(33, 2));
        assert_eq!(parts[0].billed, Decimal::new(34, 2));
    }

    #[test]
    fn weighted_splits_add_up_exactly() {
        let c = Cost {
            billed: "100.01".parse().unwrap(),
            effective: "7.0000000001".parse().unwrap(),
        };
        let parts = c.split_weighted(&[60.0, 40.0, 1.0]);
        assert_eq!(parts.iter().map(|p| p.billed).sum::<Decimal>(), c.billed);
        assert_eq!(
            parts.iter().map(|p| p.effective).sum::<Decimal>(),
            c.effective
        );
        assert_eq!(parts[1].billed, "39.60".parse::<Decimal>().unwrap());
    }

    #[test]
    fn sums_are_exact_or_refused() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            exact_add(d("1.10"), d("0.0000000001")),
            Some(d("1.1000000001"))
        );
        assert_eq!(exact_add(d("-0.00"), d("0")), Some(Decimal::ZERO));
        // rust_decimal would round this sum (and lose the 1e-10); it is refused instead.
        assert_eq!(
            exact_add(d("10000000000000000000"), d("0.0000000001")),
            None
        );
        let big = d("50000000000000000000000000000");
        assert_eq!(
            exact_add(big, big),
            None,
            "overflow is refused, not a panic"
        );
        assert_eq!(exact_add(big, -big), Some(Decimal::ZERO));
        assert_eq!(percent(d("1"), d("4")), d("25"));
        assert_eq!(
            percent(big, d("0.5")),
            Decimal::ZERO,
            "overflow gives zero, not a panic"
        );
        assert_eq!(percent(big, big), d("100"));
    }
}
