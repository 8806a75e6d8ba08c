//! Billing inputs, read as streams of [`Charge`]s: FOCUS cost and usage
//! exports (`focus`), finance ledger / accounts-payable exports (`ledger`)
//! and AWS Cost Explorer results (`cost_explorer`).
//!
//! Files are read row by row in bounded memory (gzip is decompressed on the
//! fly); amounts are parsed from their text into `Decimal`, never through a
//! float. A row that cannot be used is a [`BadRow`] with its file and line,
//! counted and reported, never silently dropped.

pub mod cost_explorer;
pub mod cost_management;
pub mod focus;
pub mod ledger;
pub mod parquet;

use std::io::Read;
use std::path::Path;

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

/// A billing input as estate.yaml or `--billing` names it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The file (CSV, optionally `.gz`), relative to the estate directory.
    pub path: std::path::PathBuf,
    /// `focus`, `ledger` or `cost-explorer`; detected when absent (`.json`:
    /// Cost Explorer; else from the CSV header).
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

/// The line a CSV record starts on, counted here rather than taken from the
/// csv reader (whose count is one short on CRLF files): each record starts
/// one line after the previous one ended, plus the newlines quoted inside it.
#[derive(Debug)]
pub struct LineCounter {
    next: u64,
}

impl LineCounter {
    /// After the header row.
    pub fn after_header(header: &csv::ByteRecord) -> LineCounter {
        LineCounter {
            next: 2 + embedded_newlines(header),
        }
    }
}

fn embedded_newlines(r: &csv::ByteRecord) -> u64 {
    memchr::memchr_iter(b'\n', r.as_slice()).count() as u64
}

/// The next row of a CSV file: `None` at the end, `Some(None)` for a row
/// that could not be read (recorded in `bad`), else `Some(Some(line))`.
pub fn next_row<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    lines: &mut LineCounter,
    file: &str,
    bad: &mut Vec<BadRow>,
) -> Option<Option<u64>> {
    match csv.read_byte_record(record) {
        Ok(false) => None,
        Ok(true) => {
            let line = lines.next;
            lines.next += 1 + embedded_newlines(record);
            Some(Some(line))
        }
        Err(e) => {
            // A broken quote can swallow the rest of the file; the reader resynchronises at the next record.
            let line = lines.next;
            lines.next = e.position().map_or(lines.next + 1, |p| p.line() + 2);
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

/// A CSV reader over a billing file, its header row, and the line counter
/// for the records after it; `flexible` allows rows of differing lengths.
pub struct Opened {
    pub csv: csv::Reader<Box<dyn Read>>,
    pub headers: csv::StringRecord,
    pub lines: LineCounter,
}

pub fn open_csv(
    path: &Path,
    bar: &indicatif::ProgressBar,
    flexible: bool,
) -> Result<Opened, String> {
    let shown = path.display();
    let reader = open(path, bar).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(flexible)
        .from_reader(reader);
    let header_error = |e: csv::Error| format!("`{shown}`: cannot read the header row: {e}");
    let headers = csv.headers().map_err(header_error)?.clone();
    let lines = LineCounter::after_header(csv.byte_headers().map_err(header_error)?);
    Ok(Opened {
        csv,
        headers,
        lines,
    })
}

/// Open a file for streaming, decompressing `.gz`; `bar` counts the bytes read from disk.
pub fn open(path: &Path, bar: &indicatif::ProgressBar) -> std::io::Result<Box<dyn Read>> {
    let f = bar.wrap_read(std::fs::File::open(path)?);
    let r = std::io::BufReader::with_capacity(1 << 20, f);
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(r)))
    } else {
        Ok(Box::new(r))
    }
}

/// A progress bar over a file's bytes, on stderr when it is a terminal and
/// the file is large enough to wait for; hidden otherwise.
pub fn progress(path: &Path) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len < 16 << 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template(
        "{msg} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(len)
        .with_style(style)
        .with_message(path.display().to_string())
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
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    // Warehouses write some decimals in scientific notation (Spark: `0E-10`);
    // rust_decimal reads both forms exactly.
    if t.bytes().any(|b| b == b'e' || b == b'E') {
        return Decimal::from_scientific(t).ok();
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
        assert_eq!(parse_decimal("1e3"), Some(Decimal::from(1000)));
        assert_eq!(parse_decimal("0E-10"), Some(Decimal::ZERO));
        assert_eq!(parse_decimal("1.25E-2").unwrap().to_string(), "0.0125");
        assert!(parse_decimal("1e").is_none());
        for hostile in ["1e99999999999", "1e-40", "9e40", "e5", "1e+-2", "--1e2"] {
            assert!(parse_decimal(hostile).is_none(), "{hostile}");
        }
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal("12,00").is_none());
    }
}
