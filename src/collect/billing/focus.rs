//! FOCUS (FinOps Open Cost and Usage Specification) 1.0–1.2 exports, CSV
//! or gzipped CSV, as AWS Data Exports, Azure cost exports and others write
//! them.
//!
//! Columns are found by name, so column order and extra columns (`x_…`) do
//! not matter; extra columns are kept on the row for mapping rules. A CSV
//! file is FOCUS when its header has FOCUS's column names ([`is_focus`], the
//! one place that decides). Required: BilledCost, EffectiveCost,
//! ChargeCategory and BillingCurrency — a file without BillingCurrency (some
//! of the spec's own examples) is refused naming the column, unless its
//! billing input in estate.yaml says `currency:`, which every row then takes
//! (said on stderr). A missing column is never guessed from the estate's
//! currency: a USD export read as GBP would be wrong by the exchange rate.
//! Everything else may be absent or empty (ResourceId is empty for tax,
//! support and commitment purchases).
//!
//! ChargePeriodStart must be ISO 8601 (FOCUS requires it; see
//! `values::day`): a row dated otherwise is a bad row. A row with no date
//! (the column absent or the cell empty) is counted in the period and
//! reported as undated.
//!
//! The result of `sql/focus-aggregate.sql` run in a warehouse — one line
//! per resource, account, service, region, currency and day, with the rows
//! it sums in `x_RowCount` — is a FOCUS file too and is read the same way,
//! giving the same totals as the export it was computed from.

use std::path::Path;

use super::{BadRow, Charge, Currency, Error, parse_decimal};

/// The columns Estate needs, in the order it looks for them.
pub const REQUIRED: [&str; 4] = [
    "BilledCost",
    "EffectiveCost",
    "ChargeCategory",
    "BillingCurrency",
];

/// FOCUS 1.0–1.2's column names (for recognising a FOCUS file).
const FOCUS_COLUMNS: [&str; 57] = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
    "Tags",
];

/// Whether a header is FOCUS's: it has BilledCost or EffectiveCost, or at
/// least three of FOCUS's column names. The one place that decides, for CSV
/// and Parquet alike.
pub fn is_focus<'a>(headers: impl IntoIterator<Item = &'a str>) -> bool {
    let mut known = 0;
    for h in headers {
        if h == "BilledCost" || h == "EffectiveCost" {
            return true;
        }
        known += usize::from(FOCUS_COLUMNS.contains(&h));
    }
    known >= 3
}

/// The first required column `has` lacks, and what to do about it;
/// BillingCurrency is not needed when the input names its currency.
pub fn missing(
    has: impl Fn(&str) -> bool,
    currency: Option<Currency>,
) -> Option<(&'static str, &'static str)> {
    REQUIRED
        .into_iter()
        .filter(|c| !(*c == "BillingCurrency" && currency.is_some()))
        .find(|c| !has(c))
        .map(|c| {
            let hint = if c == "BillingCurrency" {
                "; if every row is in one currency, say which with `currency:` on this billing input in estate.yaml"
            } else {
                ""
            };
            (c, hint)
        })
}

/// A row's ChargePeriodStart as its day: `None` when empty (undated), an
/// error saying FOCUS requires ISO 8601 when it is anything else.
pub fn charge_day(start: &str) -> Result<Option<super::Day>, String> {
    match start.trim() {
        "" => Ok(None),
        text => super::day(text).map(Some).ok_or_else(|| {
            format!(
                "ChargePeriodStart `{start}` is not a date as FOCUS requires it ({})",
                super::ISO_8601
            )
        }),
    }
}

/// A row's BillingCurrency, or the error that makes it a bad row.
pub fn billing_currency(text: &str) -> Result<Currency, String> {
    super::currency(text).ok_or_else(|| {
        format!("BillingCurrency `{text}` is not an ISO 4217 code (three letters, e.g. GBP)")
    })
}

/// The largest `x_RowCount` a pre-aggregated line may stand for.
const MAX_ROW_COUNT: u64 = 1_000_000_000_000;

/// `x_RowCount` as the rows a line stands for: empty is 1.
pub fn row_count(text: &str) -> Result<u64, String> {
    match text.trim() {
        "" => Ok(1),
        t => match t.parse::<u64>() {
            Ok(n) if n <= MAX_ROW_COUNT => Ok(n),
            _ => Err(format!(
                "x_RowCount `{text}` is not a whole number from 0 to {MAX_ROW_COUNT}"
            )),
        },
    }
}

/// Rows read and rows that could not be used.
#[derive(Debug, Default)]
pub struct Stats {
    pub rows: u64,
    pub bad: Vec<BadRow>,
    /// What was assumed, as sentences (see `FileRead::warnings`).
    pub warnings: Vec<String>,
    pub bytes: u64,
    /// Quote characters and lines read (for checking where a part was cut).
    pub quotes: u64,
    pub lines: u64,
}

/// Where each column the reader uses sits (`usize::MAX`: absent).
#[derive(Clone, Debug)]
pub struct Columns {
    billed: usize,
    effective: usize,
    currency: usize,
    category: usize,
    provider: usize,
    issuer: usize,
    service: usize,
    service_category: usize,
    region: usize,
    resource_id: usize,
    resource_name: usize,
    sub_account: usize,
    tags: usize,
    start: usize,
    description: usize,
    cost_centre: usize,
    /// `x_RowCount`: the charge rows a pre-aggregated line stands for.
    count: usize,
    /// The input's currency, for a file without BillingCurrency.
    fixed_currency: Option<Currency>,
}

impl Columns {
    fn of(
        headers: &csv::StringRecord,
        shown: &str,
        currency: Option<Currency>,
    ) -> Result<Columns, Error> {
        let col = |name: &str| headers.iter().position(|h| h == name);
        if let Some((missing, hint)) = missing(|c| col(c).is_some(), currency) {
            return Err(Error::NotFocus {
                path: shown.to_string(),
                missing,
                hint,
                columns: headers.iter().collect::<Vec<_>>().join(", "),
            });
        }
        let idx = |name: &str| col(name).unwrap_or(usize::MAX);
        let provider = col("ProviderName")
            .or(col("ServiceProviderName"))
            .unwrap_or(usize::MAX);
        Ok(Columns {
            billed: idx("BilledCost"),
            effective: idx("EffectiveCost"),
            currency: idx("BillingCurrency"),
            category: idx("ChargeCategory"),
            provider,
            issuer: col("InvoiceIssuerName").unwrap_or(provider),
            service: idx("ServiceName"),
            service_category: idx("ServiceCategory"),
            region: idx("RegionId"),
            resource_id: idx("ResourceId"),
            resource_name: idx("ResourceName"),
            sub_account: idx("SubAccountId"),
            tags: idx("Tags"),
            start: idx("ChargePeriodStart"),
            description: idx("ChargeDescription"),
            cost_centre: col("x_CostCentre").unwrap_or(usize::MAX),
            count: idx("x_RowCount"),
            fixed_currency: currency.filter(|_| col("BillingCurrency").is_none()),
        })
    }

    /// The warning for a file whose rows all take the input's currency.
    fn warnings(&self) -> Vec<String> {
        self.fixed_currency
            .map(|c| {
                format!(
                    "no BillingCurrency column: every row taken as {} (`currency:` on this billing input)",
                    c.as_str()
                )
            })
            .into_iter()
            .collect()
    }
}

/// Stream every row of a FOCUS file (plain or gzipped) into `visit`.
pub fn read(
    path: &Path,
    file: usize,
    currency: Option<Currency>,
    bar: &indicatif::ProgressBar,
    visit: impl FnMut(Charge<'_>),
) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let super::Opened { mut csv, headers } = super::open_csv(path, bar, false)?;
    let cols = Columns::of(&headers, &shown, currency)?;
    let mut stats = rows(&mut csv, 1, &cols, file, &shown, visit);
    stats.bytes = csv.position().byte();
    stats.warnings = cols.warnings();
    Ok(stats)
}

/// A byte range of a plain file, cut after a newline.
#[derive(Clone, Debug)]
pub struct Part {
    pub start: u64,
    pub end: u64,
}

/// The header of a plain FOCUS file, the line its first part starts on, and
/// about `n` parts of its records, to be read each on its own thread.
///
/// Each part is cut after the first newline past an even share of the file.
/// A newline ends a record only outside quotes, which depends on every quote
/// before it; rather than read the file twice to know, the parts are read
/// counting their quotes, and [`settle`] then checks that an even number of
/// quotes precede every cut. If one does not (a quoted newline fell on a
/// cut), the caller reads the file sequentially instead.
pub fn parts(
    path: &Path,
    n: usize,
    currency: Option<Currency>,
) -> Result<(Columns, u64, Vec<Part>), Error> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(Error::read(&shown))?;
    let len = file.metadata().map_err(Error::read(&shown))?.len();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(super::Lines::new(std::io::BufReader::new(file)));
    let headers = csv.headers().map_err(Error::header(&shown))?.clone();
    let cols = Columns::of(&headers, &shown, currency)?;
    let data = csv.position().byte();
    let first_line = 1 + csv.get_ref().newlines_up_to(data);
    let n = n.max(1) as u64;
    let size = (len - data).div_ceil(n).max(1);
    let mut cuts = vec![data];
    for k in 1..n {
        let from = data + k * size;
        if from >= len {
            break;
        }
        let mut cut = None;
        scan(
            path,
            from,
            len,
            &mut |chunk, at| match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    cut = Some(at + i as u64 + 1);
                    false
                }
                None => true,
            },
        )?;
        match cut {
            Some(c) if c > *cuts.last().expect("non-empty") && c < len => cuts.push(c),
            _ => {}
        }
    }
    let parts = cuts
        .iter()
        .enumerate()
        .map(|(i, start)| Part {
            start: *start,
            end: cuts.get(i + 1).copied().unwrap_or(len),
        })
        .collect();
    Ok((cols, first_line, parts))
}

/// Check the parts' cuts (see [`parts`]) and number their bad rows from
/// `first_line`: false when a cut fell inside quotes.
pub fn settle(first_line: u64, stats: &mut [Stats]) -> bool {
    let mut quotes = 0u64;
    let mut line = first_line;
    for (k, s) in stats.iter_mut().enumerate() {
        if k > 0 && quotes % 2 == 1 {
            return false;
        }
        for b in &mut s.bad {
            b.line += line;
        }
        quotes += s.quotes;
        line += s.lines;
    }
    true
}

/// Counts the quote characters that pass through.
struct QuoteCount<R> {
    inner: R,
    quotes: u64,
}

impl<R: std::io::Read> std::io::Read for QuoteCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += memchr::memchr_iter(b'"', &buf[..n]).count() as u64;
        Ok(n)
    }
}

/// Feed the bytes `[start, end)` of a file to `f` in blocks (with each
/// block's offset) until `f` returns false.
fn scan(
    path: &Path,
    start: u64,
    end: u64,
    f: &mut dyn FnMut(&[u8], u64) -> bool,
) -> Result<(), Error> {
    use std::io::{Read, Seek, SeekFrom};
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(Error::read(&shown))?;
    file.seek(SeekFrom::Start(start))
        .map_err(Error::read(&shown))?;
    let mut reader = file.take(end - start);
    let mut buf = vec![0u8; 1 << 20];
    let mut at = start;
    loop {
        let got = reader.read(&mut buf).map_err(Error::read(&shown))?;
        if got == 0 || !f(&buf[..got], at) {
            return Ok(());
        }
        at += got as u64;
    }
}

/// Read the records of one part (see [`parts`]).
pub fn read_part(
    path: &Path,
    file: usize,
    part: &Part,
    cols: &Columns,
    bar: &indicatif::ProgressBar,
    visit: impl FnMut(Charge<'_>),
) -> Result<Stats, Error> {
    use std::io::{Read, Seek, SeekFrom};
    let shown = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(Error::read(&shown))?;
    f.seek(SeekFrom::Start(part.start))
        .map_err(Error::read(&shown))?;
    let counted = QuoteCount {
        inner: bar.wrap_read(f.take(part.end - part.start)),
        quotes: 0,
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, counted);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(super::Lines::new(reader));
    // Lines count from 0 here; `settle` adds where the part starts.
    let mut stats = rows(&mut csv, 0, cols, file, &shown, visit);
    stats.bytes = part.end - part.start;
    stats.warnings = cols.warnings();
    stats.quotes = csv.into_inner().into_inner().into_inner().quotes;
    Ok(stats)
}

fn rows<R: std::io::Read>(
    csv: &mut csv::Reader<super::Lines<R>>,
    first: u64,
    cols: &Columns,
    file: usize,
    shown: &str,
    mut visit: impl FnMut(Charge<'_>),
) -> Stats {
    let mut stats = Stats::default();
    let mut record = csv::ByteRecord::new();
    while let Some(row) = super::next_row(csv, &mut record, first, shown, &mut stats.bad) {
        let Some(line) = row else { continue };
        stats.rows += 1;
        // Validate the row's text once; every field is then a slice of valid UTF-8
        // (fields split at ASCII delimiters).
        let Ok(all) = std::str::from_utf8(record.as_slice()) else {
            stats.bad.push(BadRow {
                file: shown.to_string(),
                line,
                reason: "the row is not UTF-8 text".into(),
                amount_text: None,
            });
            continue;
        };
        let get = |i: usize| match record.range(i) {
            Some(r) => &all[r],
            None => "",
        };
        // EffectiveCost usually equals BilledCost to the letter: parse it once.
        let (billed_text, effective_text) = (get(cols.billed), get(cols.effective));
        let b = parse_decimal(billed_text);
        let e = if effective_text == billed_text {
            b
        } else {
            parse_decimal(effective_text)
        };
        let (Some(b), Some(e)) = (b, e) else {
            let (what, text) = if b.is_none() {
                ("BilledCost", get(cols.billed))
            } else {
                ("EffectiveCost", get(cols.effective))
            };
            stats.bad.push(BadRow {
                file: shown.to_string(),
                line,
                reason: format!("{what} `{text}` is not a decimal number"),
                amount_text: Some(get(cols.billed).to_string()),
            });
            continue;
        };
        let bad = |reason: String| BadRow {
            file: shown.to_string(),
            line,
            reason,
            amount_text: Some(get(cols.billed).to_string()),
        };
        let count = match row_count(get(cols.count)) {
            Ok(n) => n,
            Err(reason) => {
                stats.bad.push(bad(reason));
                continue;
            }
        };
        let cur = match cols.fixed_currency {
            Some(c) => c,
            None => match billing_currency(get(cols.currency)) {
                Ok(c) => c,
                Err(reason) => {
                    stats.bad.push(bad(reason));
                    continue;
                }
            },
        };
        let day = match charge_day(get(cols.start)) {
            Ok(d) => d,
            Err(reason) => {
                stats.bad.push(bad(reason));
                continue;
            }
        };
        // A pre-aggregated line stands for `count` rows of the export.
        stats.rows = stats.rows.saturating_add(count.saturating_sub(1));
        visit(Charge {
            file,
            line,
            rows: count,
            billed: b,
            effective: e,
            currency: cur.as_str(),
            category: get(cols.category),
            date: day.as_ref().map_or("", super::Day::as_str),
            provider: get(cols.provider),
            service: get(cols.service),
            service_category: get(cols.service_category),
            region: get(cols.region),
            resource_id: get(cols.resource_id),
            resource_name: get(cols.resource_name),
            sub_account: get(cols.sub_account),
            tags: get(cols.tags),
            supplier: get(cols.issuer),
            cost_centre: get(cols.cost_centre),
            description: get(cols.description),
            invoice: "",
        });
    }
    stats.lines = csv.get_ref().newlines();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stream_with_quotes_and_bad_amounts_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(
            &p,
            "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ResourceName,ResourceId\n\
             1.10,1.00,GBP,Usage,\"a, \"\"b\"\"\",r1\n\
             x,1,GBP,Usage,c,r2\n\
             -0.10,-0.10,GBP,Credit,\"Café\nline\",\n\
             1.00,x,GBP,Usage,after,\n",
        )
        .unwrap();
        let mut rows: Vec<(String, u64)> = Vec::new();
        let bar = indicatif::ProgressBar::hidden();
        let stats = read(&p, 0, None, &bar, |c| {
            rows.push((c.resource_name.to_string(), c.line))
        })
        .unwrap();
        assert_eq!(stats.rows, 4);
        assert_eq!(stats.bad[1].line, 6, "the line after a quoted newline");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, "a, \"b\"");
        assert_eq!(rows[1].0, "Café\nline");
        assert_eq!(rows[1].1, 4);
        assert_eq!(stats.bad[0].line, 3);
        assert!(stats.bad[0].reason.contains("BilledCost `x`"));
    }

    /// Read a file in `n` parts as the spend engine does, falling back to one sequential read.
    fn by_parts(p: &Path, n: usize) -> (Vec<(String, u64)>, bool) {
        let bar = indicatif::ProgressBar::hidden();
        let (cols, first_line, parts) = parts(p, n, None).unwrap();
        let mut got: Vec<Vec<(String, u64)>> = Vec::new();
        let mut stats = Vec::new();
        for part in &parts {
            let mut rows = Vec::new();
            stats.push(
                read_part(p, 0, part, &cols, &bar, |c| {
                    rows.push((c.resource_name.to_string(), c.line))
                })
                .unwrap(),
            );
            got.push(rows);
        }
        if !settle(first_line, &mut stats) {
            let mut whole = Vec::new();
            read(p, 0, None, &bar, |c| {
                whole.push((c.resource_name.to_string(), c.line))
            })
            .unwrap();
            return (whole, false);
        }
        // Charges carry part-relative lines; bad rows were renumbered by `settle`.
        assert!(
            stats
                .iter()
                .all(|s| s.bad.iter().all(|b| b.line >= first_line))
        );
        (
            got.into_iter()
                .flatten()
                .map(|(name, _)| (name, 0))
                .collect(),
            true,
        )
    }

    #[test]
    fn parts_are_cut_between_records_or_the_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let bar = indicatif::ProgressBar::hidden();
        for quoted_newlines in [false, true] {
            let p = dir.path().join(format!("f{quoted_newlines}.csv"));
            let mut text = String::from(
                "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ResourceName\n",
            );
            for i in 0..2000 {
                // Quoted commas everywhere; quoted newlines in every third row of one file, to mislead a naive cut.
                let name = match (quoted_newlines && i % 3 == 0, i % 2 == 0) {
                    (true, _) => format!("\"n{i},\nx\""),
                    (false, true) => format!("\"n{i}, y\""),
                    _ => format!("n{i}"),
                };
                text.push_str(&format!("{i}.01,{i},GBP,Usage,{name}\n"));
            }
            std::fs::write(&p, &text).unwrap();
            let mut whole: Vec<(String, u64)> = Vec::new();
            read(&p, 0, None, &bar, |c| {
                whole.push((c.resource_name.to_string(), c.line))
            })
            .unwrap();
            assert_eq!(whole.len(), 2000);
            for n in [1, 2, 3, 7, 64] {
                let (got, parallel) = by_parts(&p, n);
                let names = |v: &[(String, u64)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
                assert_eq!(
                    names(&got),
                    names(&whole),
                    "{n} parts, quoted newlines {quoted_newlines}"
                );
                if !quoted_newlines {
                    assert!(parallel, "no quoted newline: the parts are used ({n})");
                }
            }
            if quoted_newlines {
                assert_eq!(
                    whole[1].1, 4,
                    "a quoted newline moves the next record's line"
                );
            }
        }
    }

    #[test]
    fn bad_rows_in_later_parts_keep_their_file_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let mut text = String::from("BilledCost,EffectiveCost,BillingCurrency,ChargeCategory\n");
        for i in 0..1000 {
            text.push_str(if i == 900 {
                "x,1,GBP,Usage\n"
            } else {
                "1,1,GBP,Usage\n"
            });
        }
        std::fs::write(&p, &text).unwrap();
        assert_eq!(
            bad_lines_by_parts(&p),
            vec![902],
            "row 900 of the data is line 902"
        );
    }

    /// The file lines of the bad rows of a file read in 4 parts.
    fn bad_lines_by_parts(p: &Path) -> Vec<u64> {
        let bar = indicatif::ProgressBar::hidden();
        let (cols, first_line, parts) = parts(p, 4, None).unwrap();
        let mut stats: Vec<Stats> = parts
            .iter()
            .map(|part| read_part(p, 0, part, &cols, &bar, |_| {}).unwrap())
            .collect();
        assert!(settle(first_line, &mut stats));
        stats
            .iter()
            .flat_map(|s| s.bad.iter().map(|b| b.line))
            .collect()
    }

    #[test]
    fn bad_rows_after_blank_lines_and_crlf_keep_their_file_line() {
        let dir = tempfile::tempdir().unwrap();
        let bar = indicatif::ProgressBar::hidden();
        for eol in ["\n", "\r\n"] {
            let p = dir.path().join("f.csv");
            let mut text = format!("BilledCost,EffectiveCost,BillingCurrency,ChargeCategory{eol}");
            // Line 2 blank, 3 good, 4–5 blank, 6 bad, then 996 good rows and a bad one.
            text.push_str(&format!(
                "{eol}1,1,GBP,Usage{eol}{eol}{eol}x,1,GBP,Usage{eol}"
            ));
            for _ in 0..996 {
                text.push_str(&format!("1,1,GBP,Usage{eol}"));
            }
            text.push_str(&format!("{eol}y,1,GBP,Usage{eol}"));
            std::fs::write(&p, &text).unwrap();
            let stats = read(&p, 0, None, &bar, |_| {}).unwrap();
            let lines: Vec<u64> = stats.bad.iter().map(|b| b.line).collect();
            assert_eq!(lines, vec![6, 1004], "read whole, {eol:?}");
            assert_eq!(
                bad_lines_by_parts(&p),
                vec![6, 1004],
                "read in parts, {eol:?}"
            );
        }
    }

    #[test]
    fn a_file_without_focus_columns_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        assert!(
            read(&p, 0, None, &indicatif::ProgressBar::hidden(), |_| {})
                .unwrap_err()
                .to_string()
                .contains("no `BilledCost` column")
        );
    }
}
