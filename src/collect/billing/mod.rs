//! Billing inputs, read as streams of [`Charge`]s: FOCUS cost and usage
//! exports (`focus`) and finance ledger / accounts-payable exports (`ledger`).
//!
//! Files are read row by row in bounded memory (gzip is decompressed on the
//! fly); amounts are parsed from their text into `Decimal`, never through a
//! float. A row that cannot be used is a [`BadRow`] with its file and line,
//! counted and reported, never silently dropped.

pub mod focus;
pub mod ledger;

use std::io::Read;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One charge, normalised from either kind of file.
#[derive(Clone, Debug, Default)]
pub struct Charge {
    /// The input file (index into the spend run's files) and its line.
    pub file: usize,
    pub line: u64,
    pub billed: Decimal,
    pub effective: Decimal,
    pub currency: String,
    /// FOCUS ChargeCategory (Usage, Purchase, Tax, Credit, Adjustment), or `Ledger`.
    pub category: String,
    pub date: Option<chrono::NaiveDate>,
    pub provider: String,
    pub service: String,
    pub service_category: String,
    pub region: String,
    pub resource_id: String,
    pub resource_name: String,
    pub sub_account: String,
    /// The FOCUS Tags JSON object, as written.
    pub tags: String,
    /// Ledger: the supplier as finance names it; FOCUS: the invoice issuer.
    pub supplier: String,
    pub cost_centre: String,
    pub description: String,
    pub invoice: String,
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
#[serde(rename_all = "lowercase")]
pub enum Format {
    Focus,
    Ledger,
}

/// A billing input as estate.yaml or `--billing` names it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The file (CSV, optionally `.gz`), relative to the estate directory.
    pub path: std::path::PathBuf,
    /// `focus` or `ledger`; detected from the header when absent.
    #[serde(default)]
    pub format: Option<Format>,
    /// Ledger column names.
    #[serde(default)]
    pub columns: Option<ledger::Columns>,
    /// Ledger date format (chrono syntax, e.g. `%d/%m/%Y`); common UK and ISO forms are tried when absent.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Ledger currency when the file has no currency column.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The next row of a CSV file: `None` at the end, `Some(None)` for a row
/// that could not be read (recorded in `bad`), else `Some(Some(line))`.
pub fn next_row<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    file: &str,
    bad: &mut Vec<BadRow>,
) -> Option<Option<u64>> {
    let before = csv.position().line() + 1;
    match csv.read_record(record) {
        Ok(false) => None,
        Ok(true) => Some(Some(record.position().map_or(before, |p| p.line()))),
        Err(e) => {
            // A broken quote can swallow the rest of the file; the reader resynchronises at the next record.
            let line = e.position().map_or(before, |p| p.line());
            bad.push(BadRow {
                file: file.to_string(),
                line,
                reason: format!("unreadable row: {e}"),
                amount_text: None,
            });
            Some(None)
        }
    }
}

/// Open a file for streaming, decompressing `.gz`.
pub fn open(path: &Path) -> std::io::Result<Box<dyn Read>> {
    let f = std::fs::File::open(path)?;
    let r = std::io::BufReader::with_capacity(1 << 20, f);
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(r)))
    } else {
        Ok(Box::new(r))
    }
}

/// Whether a header row is a FOCUS export's.
pub fn is_focus(headers: &csv::StringRecord) -> bool {
    headers.iter().any(|h| h == "BilledCost") && headers.iter().any(|h| h == "BillingCurrency")
}

/// Parse a plain decimal as FOCUS writes money (`-12.3400000000`).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    t.parse::<Decimal>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_amounts_are_exact() {
        assert_eq!(
            parse_decimal("71.5423187500").unwrap().to_string(),
            "71.5423187500"
        );
        assert_eq!(parse_decimal("-0.00").unwrap(), Decimal::ZERO);
        assert!(parse_decimal("1e3").is_none());
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal("12,00").is_none());
    }
}
