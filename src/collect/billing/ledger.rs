//! Finance ledger and accounts-payable exports (CSV): one row per invoice
//! line, with the supplier as finance names it.
//!
//! Column names come from estate.yaml (`columns:`); when not given, the
//! usual headers are tried (`Supplier Name`/`Supplier`/`Vendor`, `Net
//! Amount`/`Amount`, `Invoice Date`/`Date`, …). Amounts are read as finance
//! systems write them: `1,234.50` (grouped in threes), `(12.00)`, `12.00-`
//! or `12.00 CR` for credits, a leading `£`/`$`/`€`. Dates: the configured
//! format, else `23/04/2026`, `2026-04-23`, `23-04-2026`, `23.04.2026`,
//! `23-Apr-2026`, `23 Apr 2026` (day first: UK usage). Currency: the row's
//! currency column (an ISO 4217 code in any case; anything else makes a bad
//! row), else the input's `currency:`, else the estate's currency — which
//! is a guess, so the rows that took it are counted in a warning.

use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::focus::Stats;
use super::{BadRow, Charge, Currency, Error};

/// The currency of a row that does not name one.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    /// The input's own `currency:` in estate.yaml: said, so no warning.
    Given(Currency),
    /// The estate's currency: assumed, so the rows are counted in a warning.
    Estate(Currency),
}

/// Ledger column names (each optional; the usual names are tried when absent).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub cost_centre: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub invoice: Option<String>,
}

const SUPPLIER: &[&str] = &[
    "Supplier Name",
    "Supplier",
    "Vendor",
    "Vendor Name",
    "Payee",
];
const AMOUNT: &[&str] = &["Net Amount", "Amount", "Net", "Value", "Net Value"];
const CURRENCY: &[&str] = &["Currency", "Currency Code"];
const DATE: &[&str] = &["Invoice Date", "Date", "Posting Date", "Transaction Date"];
const COST_CENTRE: &[&str] = &["Cost Centre", "Cost Center", "Cost Centre Code", "CC"];
const DESCRIPTION: &[&str] = &["Description", "Narrative", "Details", "Line Description"];
const INVOICE: &[&str] = &["Invoice No", "Invoice Number", "Invoice", "Document Number"];

/// Parse an amount as a finance export writes it.
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let mut t = text.trim().to_string();
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].trim().to_string();
    }
    for suffix in ["CR", "cr", "-"] {
        if let Some(s) = t.strip_suffix(suffix) {
            negative = true;
            t = s.trim().to_string();
        }
    }
    if let Some(s) = t.strip_prefix('-') {
        negative = !negative;
        t = s.trim().to_string();
    }
    let t = t.trim_start_matches(['£', '$', '€']).trim();
    if t.is_empty() {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Thousands separators must group in threes: `1,234,567`.
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (groups.len() == 1 || if i == 0 { g.len() <= 3 } else { g.len() == 3 })
    });
    if !grouped_ok {
        return None;
    }
    let plain = if frac.is_empty() {
        groups.concat()
    } else {
        format!("{}.{frac}", groups.concat())
    };
    let d: Decimal = plain.parse().ok()?;
    Some(if negative { -d } else { d })
}

const DATE_FORMATS: &[&str] = &[
    "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d/%m/%y",
];

pub fn parse_date(text: &str, format: Option<&str>) -> Option<chrono::NaiveDate> {
    let t = text.trim();
    match format {
        Some(f) => chrono::NaiveDate::parse_from_str(t, f).ok(),
        None => DATE_FORMATS
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(t, f).ok()),
    }
}

/// Stream every row of a ledger file into `visit`.
pub fn read(
    path: &Path,
    file: usize,
    columns: &Columns,
    date_format: Option<&str>,
    default_currency: Default,
    bar: &indicatif::ProgressBar,
    mut visit: impl FnMut(Charge<'_>),
) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let super::Opened { mut csv, headers } = super::open_csv(path, bar, true)?;
    let find = |configured: &Option<String>,
                usual: &[&str],
                what: &'static str,
                required: bool|
     -> Result<Option<usize>, Error> {
        let names: Vec<&str> = match configured {
            Some(c) => vec![c.as_str()],
            None => usual.to_vec(),
        };
        let found = headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
        if found.is_none() && required {
            return Err(Error::NoLedgerColumn {
                path: shown.clone(),
                what,
                looked_for: names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                columns: headers
                    .iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(found)
    };
    let supplier = find(&columns.supplier, SUPPLIER, "supplier", true)?.unwrap_or(usize::MAX);
    let amount = find(&columns.amount, AMOUNT, "amount", true)?.unwrap_or(usize::MAX);
    let date = find(&columns.date, DATE, "date", true)?.unwrap_or(usize::MAX);
    let currency = find(&columns.currency, CURRENCY, "currency", false)?;
    let cost_centre =
        find(&columns.cost_centre, COST_CENTRE, "cost_centre", false)?.unwrap_or(usize::MAX);
    let description =
        find(&columns.description, DESCRIPTION, "description", false)?.unwrap_or(usize::MAX);
    let invoice = find(&columns.invoice, INVOICE, "invoice", false)?.unwrap_or(usize::MAX);
    let mut stats = Stats::default();
    let mut defaulted = 0u64;
    let mut record = csv::ByteRecord::new();
    while let Some(row) = super::next_row(&mut csv, &mut record, 1, &shown, &mut stats.bad) {
        let Some(line) = row else { continue };
        stats.rows += 1;
        let owned = csv::StringRecord::from_byte_record_lossy(record.clone());
        let get = |i: usize| owned.get(i).unwrap_or("").trim();
        let bad = |reason: String| BadRow {
            file: shown.clone(),
            line,
            reason,
            amount_text: Some(get(amount).to_string()).filter(|s| !s.is_empty()),
        };
        let Some(value) = parse_amount(get(amount)) else {
            let text = get(amount);
            stats.bad.push(bad(if text.is_empty() {
                "no amount".into()
            } else {
                format!("amount `{text}` is not a number such as 1,234.50 or (12.00)")
            }));
            continue;
        };
        let Some(when) = parse_date(get(date), date_format) else {
            stats.bad.push(bad(format!(
                "date `{}` is not a date{}",
                get(date),
                date_format
                    .map(|f| format!(" in the format `{f}`"))
                    .unwrap_or_default()
            )));
            continue;
        };
        let written = currency.map(get).unwrap_or("");
        let cur = match (written, default_currency) {
            ("", Default::Given(c)) => c,
            ("", Default::Estate(c)) => {
                defaulted += 1;
                c
            }
            (text, _) => match super::currency(text) {
                Some(c) => c,
                None => {
                    stats.bad.push(bad(format!(
                        "currency `{text}` is not an ISO 4217 code (three letters, e.g. GBP)"
                    )));
                    continue;
                }
            },
        };
        if get(supplier).is_empty() {
            stats.bad.push(bad("no supplier".into()));
            continue;
        }
        let iso = when.format("%Y-%m-%d").to_string();
        visit(Charge {
            rows: 1,
            file,
            line,
            billed: value,
            effective: value,
            currency: cur.as_str(),
            category: "Ledger",
            date: &iso,
            supplier: get(supplier),
            cost_centre: get(cost_centre),
            description: get(description),
            invoice: get(invoice),
            ..Charge::default()
        });
    }
    stats.bytes = csv.position().byte();
    if let (true, Default::Estate(c)) = (defaulted > 0, default_currency) {
        stats.warnings.push(format!(
            "{defaulted} row(s) name no currency: taken as {} (the estate's currency); say so with `currency:` on this billing input, or add a currency column",
            c.as_str()
        ));
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finance_amounts() {
        let d = |s: &str| parse_amount(s).map(|d| d.to_string());
        assert_eq!(d("1,234.50").as_deref(), Some("1234.50"));
        assert_eq!(d("(12.00)").as_deref(), Some("-12.00"));
        assert_eq!(d("(1,200.00)").as_deref(), Some("-1200.00"));
        assert_eq!(d("12.00-").as_deref(), Some("-12.00"));
        assert_eq!(d("£99.99").as_deref(), Some("99.99"));
        assert_eq!(d("12.00 CR").as_deref(), Some("-12.00"));
        assert_eq!(d("-5").as_deref(), Some("-5"));
        assert_eq!(d("12,34.5x"), None);
        assert_eq!(d("12,34.50"), None);
        assert_eq!(d(""), None);
    }

    #[test]
    fn uk_dates() {
        let d = |s: &str| parse_date(s, None).map(|d| d.to_string());
        assert_eq!(d("23/04/2026").as_deref(), Some("2026-04-23"));
        assert_eq!(d("2026-04-23").as_deref(), Some("2026-04-23"));
        assert_eq!(d("23-Apr-2026").as_deref(), Some("2026-04-23"));
        assert_eq!(d("31/02/2025"), None);
        assert_eq!(
            parse_date("04/23/2026", Some("%m/%d/%Y"))
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-04-23")
        );
    }
}
