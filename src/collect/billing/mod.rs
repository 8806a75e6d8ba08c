//! Billing inputs, read as streams of [`Charge`]s: FOCUS cost and usage
//! exports (`focus`, CSV, and `parquet`), finance ledger / accounts-payable
//! exports (`ledger`), AWS Cost Explorer results (`cost_explorer`) and Azure
//! Cost Management query results (`cost_management`).
//!
//! This module owns everything about billing files: what format a file is
//! in (detected in one place, [`detect`]), reading it row by row in bounded
//! memory (gzip is decompressed on the fly), cutting a large plain file into
//! parts read in parallel, and the progress bar. [`fold`] drives all of
//! that for one input and hands each charge to the caller's accumulator; it
//! knows nothing of what the charges are for (that is `assess::spend`).
//! Amounts are parsed from their text into `Decimal`, never through a float.
//! A row that cannot be used is a [`BadRow`] with its file and line, counted
//! and reported, never silently dropped. The charge types themselves live in
//! `model::billing`, where `assess` can read them too.

pub mod cost_explorer;
pub mod cost_management;
pub mod focus;
mod fold;
pub mod ledger;
pub mod parquet;
mod values;

use std::io::Read;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

pub use crate::model::billing::{BadRow, Charge, FileRead, Format};
pub use fold::{detect, fold};
pub use values::{Currency, Day, ISO_8601, currency, day};

/// Why a billing input could not be read at all (a row that cannot be used
/// is a [`BadRow`] instead, and the run goes on). `path` is the file as shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {error}")]
    Read { path: String, error: std::io::Error },
    /// A CSV file whose header row cannot be read.
    #[error("`{path}`: cannot read the header row: {error}")]
    Header { path: String, error: csv::Error },
    /// A CSV file read as FOCUS without one of the required columns.
    #[error(
        "`{path}`:1: not a FOCUS export: no `{missing}` column, which FOCUS requires{hint} (columns: {columns})"
    )]
    NotFocus {
        path: String,
        missing: &'static str,
        /// What to do about it, with a leading `; `, or empty.
        hint: &'static str,
        /// The file's columns, comma-separated.
        columns: String,
    },
    /// A billing input that is not a regular file (a directory, a FIFO, a device).
    #[error("`{path}`: {what}, not a billing file: give the path of a CSV, Parquet or JSON file")]
    NotAFile { path: String, what: &'static str },
    /// A currency in estate.yaml that is not an ISO 4217 code.
    #[error(
        "`{path}`: currency `{text}` (from estate.yaml) is not an ISO 4217 code (three letters, e.g. GBP)"
    )]
    BadCurrency { path: String, text: String },
    /// Sums that would no longer be exact when a part of a file is added to the rest.
    #[error("`{path}`: {reason}")]
    Sum { path: String, reason: String },
    /// A ledger without a column it needs, under any name tried.
    #[error(
        "`{path}`:1: no {what} column (looked for {looked_for}; the file has {columns}); name it in estate.yaml under `columns: {{ {what}: … }}`"
    )]
    NoLedgerColumn {
        path: String,
        what: &'static str,
        /// The names tried, each in backticks, comma-separated.
        looked_for: String,
        /// The file's columns, each in backticks, comma-separated.
        columns: String,
    },
    /// A file that is not Parquet, or is damaged.
    #[error("`{path}`: not a readable Parquet file: {error}")]
    NotParquet {
        path: String,
        error: ::parquet::errors::ParquetError,
    },
    /// A Parquet file without one of FOCUS's required columns.
    #[error("`{path}`: not a FOCUS export: no `{missing}` column, which FOCUS requires{hint}")]
    NotFocusParquet {
        path: String,
        missing: &'static str,
        /// What to do about it, with a leading `; `, or empty.
        hint: &'static str,
    },
    /// A Parquet file whose columns cannot be projected or rows iterated.
    #[error("`{path}`: {error}")]
    Parquet {
        path: String,
        error: ::parquet::errors::ParquetError,
    },
    /// A file that could not be opened or read whole (missing, too large,
    /// not UTF-8).
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// A JSON result file that is not JSON.
    #[error("{path}:{}:{}: {error}", .error.line(), .error.column().max(1))]
    Json {
        path: String,
        error: serde_json::Error,
    },
    /// A `.json` input that is not `aws ce get-cost-and-usage` output.
    #[error("{path}: not a Cost Explorer result (expected a `ResultsByTime` list)")]
    NotCostExplorer { path: String },
    /// A Cost Management input without its column list.
    #[error("{path}: not a Cost Management query result (expected `properties.columns`)")]
    NotCostManagement { path: String },
    /// Cost Management results without a cost column.
    #[error("{path}: no cost column (Cost, PreTaxCost or CostUSD)")]
    NoCostColumn { path: String },
}

impl Error {
    /// A [`Error::Read`] of `path` (as shown).
    pub fn read(path: &str) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |error| Error::Read {
            path: path.to_string(),
            error,
        }
    }

    /// A [`Error::Header`] of `path` (as shown).
    pub fn header(path: &str) -> impl FnOnce(csv::Error) -> Error + '_ {
        move |error| Error::Header {
            path: path.to_string(),
            error,
        }
    }
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
    /// The currency of every row when the file has no currency column: a
    /// ledger's (else estate.yaml's `currency`, with a warning), or a FOCUS
    /// export's that lacks `BillingCurrency`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Refuse anything but a regular file (or a link to one), as every reader
/// does ([`crate::files`]): a FIFO would block for ever, a device never end,
/// a directory read as nothing.
pub fn regular_file(path: &Path) -> Result<(), Error> {
    let shown = path.display().to_string();
    match crate::files::open_regular(path) {
        Ok(_) => Ok(()),
        Err(crate::files::FileError::NotRegular { what, .. }) => {
            Err(Error::NotAFile { path: shown, what })
        }
        Err(e) => Err(Error::File(e)),
    }
}

/// A reader that notes where every line break passes, so the line a CSV
/// record starts on is exact: the csv reader's own count skips blank lines
/// and is one short on CRLF files, and the position it gives a record is
/// where the previous one ended (before any blank lines and the `\n` of a
/// CRLF). Records are asked for in order, so the offsets kept are only those
/// of the bytes the csv reader holds in its buffer.
#[derive(Debug)]
pub struct Lines<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// `\r` and `\n` bytes not yet passed by a record's start: (offset, is `\n`).
    ahead: std::collections::VecDeque<(u64, bool)>,
    /// Newlines before the last record asked for.
    passed: u64,
}

impl<R> Lines<R> {
    pub fn new(inner: R) -> Lines<R> {
        Lines {
            inner,
            read: 0,
            ahead: Default::default(),
            passed: 0,
        }
    }

    /// Newlines before the record the csv reader placed at byte `at`: those
    /// before `at`, and those of the line breaks it skipped from there to
    /// the record's first byte (`at` never goes back).
    pub fn newlines_before(&mut self, mut at: u64) -> u64 {
        while let Some(&(offset, newline)) = self.ahead.front() {
            if offset > at {
                break;
            }
            if offset == at {
                at += 1;
            }
            self.ahead.pop_front();
            self.passed += u64::from(newline);
        }
        self.passed
    }

    /// Newlines before byte `at`, not asking where a record starts.
    pub fn newlines_up_to(&self, at: u64) -> u64 {
        let ahead = self.ahead.iter().filter(|&&(o, n)| n && o < at).count();
        self.passed + ahead as u64
    }

    /// Newlines in everything read.
    pub fn newlines(&self) -> u64 {
        self.newlines_up_to(u64::MAX)
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let at = self.read;
        self.ahead.extend(
            memchr::memchr2_iter(b'\r', b'\n', &buf[..n]).map(|i| (at + i as u64, buf[i] == b'\n')),
        );
        self.read += n as u64;
        Ok(n)
    }
}

/// The next row of a CSV file: `None` at the end, `Some(None)` for a row
/// that could not be read (recorded in `bad`), else `Some(Some(line))`,
/// the line the row starts on counted from `first` (the stream's first line).
pub fn next_row<R: Read>(
    csv: &mut csv::Reader<Lines<R>>,
    record: &mut csv::ByteRecord,
    first: u64,
    file: &str,
    bad: &mut Vec<BadRow>,
) -> Option<Option<u64>> {
    let line_at = |csv: &mut csv::Reader<Lines<R>>, p: Option<&csv::Position>| {
        let at = p.map_or(csv.position().byte(), csv::Position::byte);
        first + csv.get_mut().newlines_before(at)
    };
    match csv.read_byte_record(record) {
        Ok(false) => None,
        Ok(true) => Some(Some(line_at(csv, record.position()))),
        Err(e) => {
            // A broken quote can swallow the rest of the file; the reader resynchronises at the next record.
            let line = line_at(csv, e.position());
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

/// A CSV reader over a billing file and its header row; `flexible` allows
/// rows of differing lengths. Lines count from 1 ([`next_row`]'s `first`).
pub struct Opened {
    pub csv: csv::Reader<Lines<Box<dyn Read>>>,
    pub headers: csv::StringRecord,
}

pub fn open_csv(
    path: &Path,
    bar: &indicatif::ProgressBar,
    flexible: bool,
) -> Result<Opened, Error> {
    let shown = path.display().to_string();
    let reader = open(path, bar).map_err(Error::read(&shown))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(flexible)
        .from_reader(Lines::new(reader));
    let headers = csv.headers().map_err(Error::header(&shown))?.clone();
    Ok(Opened { csv, headers })
}

/// A JSON result file's text (Cost Explorer, Cost Management), read as
/// every collected export is: a regular file, at most 1 GiB, UTF-8.
fn read_json_text(path: &Path) -> Result<String, Error> {
    Ok(crate::files::read_text(
        path,
        crate::files::EXPORT_LIMIT,
        "a billing result file",
    )?)
}

/// A JSON result file parsed into `T`, which borrows from `text`: money is
/// taken as `&RawValue`, its decimal text as written, never through a float.
/// A key an object repeats is refused, as in every JSON input.
fn parse_json<'a, T: serde::Deserialize<'a>>(text: &'a str, shown: &str) -> Result<T, Error> {
    crate::collect::json::check_unique_keys(text)
        .and_then(|()| serde_json::from_str(text))
        .map_err(|error| Error::Json {
            path: shown.to_string(),
            error,
        })
}

/// A JSON value's text as a CSV cell would hold it: a string unquoted,
/// `null` empty, a number exactly as written (`20.359416562625452`).
fn raw_text(raw: &serde_json::value::RawValue) -> String {
    let t = raw.get();
    match t.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(t).unwrap_or_default(),
        _ if t == "null" => String::new(),
        _ => t.to_string(),
    }
}

/// Lines of a JSON text, found for slices of it taken in order (so the
/// text is scanned once, however many rows it has).
struct JsonLines<'a> {
    text: &'a str,
    at: usize,
    line: u64,
}

impl<'a> JsonLines<'a> {
    fn new(text: &'a str) -> JsonLines<'a> {
        JsonLines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The line `part` (a slice of the text at or after the last one asked) starts on.
    fn of(&mut self, part: &str) -> u64 {
        let to = (part.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len());
        if to < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.at..to]).count() as u64;
        self.at = to;
        self.line
    }
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
