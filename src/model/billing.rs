//! Billing data as the later stages see it: a [`Charge`] (one billing row,
//! normalised from whichever file it came from), a [`BadRow`] (a row that
//! could not be used, with its file and line), the [`Format`] a file is in
//! and what reading one file gave ([`FileRead`]).
//!
//! These are plain data, shared by `collect::billing`, which reads files
//! into them, and `assess::spend`, which attributes them; neither side
//! imports the other. Reading, format detection and parsing live in
//! `collect::billing`, never here.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One charge, normalised from either kind of file. Fields borrow from the
/// row being read, so streaming allocates nothing per row.
#[derive(Clone, Copy, Debug, Default)]
pub struct Charge<'a> {
    /// The input file (index into the spend run's files) and its line.
    pub file: usize,
    pub line: u64,
    /// The charge rows this line stands for: 1, or a pre-aggregated line's
    /// `x_RowCount` (see `sql/focus-aggregate.sql`).
    pub rows: u64,
    pub billed: Decimal,
    pub effective: Decimal,
    pub currency: &'a str,
    /// FOCUS ChargeCategory (Usage, Purchase, Tax, Credit, Adjustment), or `Ledger`.
    pub category: &'a str,
    /// The charge's date as ISO `YYYY-MM-DD` (empty when unknown): compared as text.
    pub date: &'a str,
    pub provider: &'a str,
    pub service: &'a str,
    pub service_category: &'a str,
    pub region: &'a str,
    pub resource_id: &'a str,
    pub resource_name: &'a str,
    pub sub_account: &'a str,
    /// The FOCUS Tags JSON object, as written.
    pub tags: &'a str,
    /// Ledger: the supplier as finance names it; FOCUS: the invoice issuer.
    pub supplier: &'a str,
    pub cost_centre: &'a str,
    pub description: &'a str,
    pub invoice: &'a str,
}

/// A row that could not be used, and why.
#[derive(Clone, Debug, Serialize)]
pub struct BadRow {
    pub file: String,
    pub line: u64,
    pub reason: String,
    /// The amount as written, when there was one.
    pub amount_text: Option<String>,
}

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Focus,
    Ledger,
    /// AWS Cost Explorer results (`aws ce get-cost-and-usage` JSON).
    CostExplorer,
    /// Azure Cost Management query results (REST JSON).
    CostManagement,
}

/// What reading one billing file gave, beside the charges themselves.
#[derive(Clone, Debug)]
pub struct FileRead {
    /// The file as shown to people.
    pub path: String,
    pub format: Format,
    /// Charge rows read (a pre-aggregated line counts as the rows it stands for).
    pub rows: u64,
    /// Bytes read from disk.
    pub bytes: u64,
    /// Rows that could not be used.
    pub bad: Vec<BadRow>,
    /// What was assumed while reading (a currency taken from estate.yaml,
    /// say), each a sentence with its count: shown on stderr and in the JSON.
    pub warnings: Vec<String>,
}
