//! Charges summed into distinct lines while they stream, before anything
//! is attributed.
//!
//! An [`Accumulator`] takes the charges of one input file (or of one part of
//! a file read in parallel; parts merge in any order to the same result):
//! it keeps the file's input totals per currency apart, as the
//! reconciliation's other side, sets aside rows dated outside the reporting
//! [`Window`], counts undated rows (in the period, reported as undated),
//! and sums every other row into its line, keyed by file,
//! currency, category, provider, service, region, resource, account,
//! supplier, cost centre and (ledgers) description. This runs for every
//! billing row, so it allocates nothing for a row that repeats a known line.
//! A [`Tally`] gathers the files' summaries and lines for `attribute`.
//!
//! Every sum stays exact. Each currency's sum of magnitudes (over every
//! row, file and part) is kept with [`exact_add`](super::exact_add); a row
//! that would take it past what a `Decimal` holds exactly is refused — the
//! reader makes it a bad row at its line — and a part or file that would is
//! an error naming the file. Any sum of those amounts, in any order and
//! grouping (a line, a file's input, a system's share), is then bounded by
//! that magnitude and so exact: allocated + unallocated always equals the
//! input.

use std::collections::BTreeMap;

use super::{Balance, Cost, FileSummary};
use crate::model::Period;
use crate::model::billing::{BadRow, Charge, FileRead, Format};

/// The reporting period as ISO date text, which charge dates are compared with.
#[derive(Clone, Debug)]
pub struct Window {
    start: String,
    end: String,
}

impl Window {
    pub fn new(period: Period) -> Window {
        Window {
            start: period.start.to_string(),
            end: period.end.to_string(),
        }
    }
}

/// Distinct charge lines, summed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) file: usize,
    pub(super) currency: String,
    pub(super) category: String,
    pub(super) provider: String,
    pub(super) service: String,
    pub(super) region: String,
    pub(super) resource_id: String,
    pub(super) resource_name: String,
    pub(super) sub_account: String,
    pub(super) tags: String,
    pub(super) supplier: String,
    pub(super) cost_centre: String,
    pub(super) description: String,
}

#[derive(Default)]
pub(super) struct Line {
    pub(super) cost: Cost,
    pub(super) rows: u64,
}

/// What one reader (a file, or a part of one) has summed.
pub struct Accumulator {
    file_key: String,
    format: Format,
    lines: Lines,
    /// Input totals per currency, kept apart from the lines as the reconciliation's other side.
    inputs: Vec<(String, Balance)>,
    outside_rows: u64,
    outside: BTreeMap<String, Cost>,
    undated_rows: u64,
    undated: BTreeMap<String, Cost>,
    /// Per currency, the sum of every row's magnitudes (see the module doc).
    magnitude: Vec<(String, Cost)>,
}

/// Add `cost`'s magnitude to `currency`'s, exactly, or say why not.
fn add_magnitude(
    magnitudes: &mut Vec<(String, Cost)>,
    currency: &str,
    cost: Cost,
) -> Result<(), String> {
    let slot = match magnitudes.iter().position(|(k, _)| same(k, currency)) {
        Some(p) => p,
        None => {
            magnitudes.push((currency.to_string(), Cost::default()));
            magnitudes.len() - 1
        }
    };
    let m = &mut magnitudes[slot].1;
    match m.exact_add(cost.abs()) {
        Some(sum) => {
            *m = sum;
            Ok(())
        }
        None => Err(format!(
            "{currency} {} cannot be added exactly to the other {currency} amounts (their magnitudes sum to {}): the total would need more than the 28 significant digits Estate adds money in",
            cost.billed,
            m.billed.max(m.effective)
        )),
    }
}

impl Accumulator {
    /// An empty accumulator for input `file`, in `format`.
    pub fn new(file: usize, format: Format) -> Accumulator {
        Accumulator {
            file_key: file.to_string(),
            format,
            lines: Lines::default(),
            inputs: Vec::new(),
            outside_rows: 0,
            outside: BTreeMap::new(),
            undated_rows: 0,
            undated: BTreeMap::new(),
            magnitude: Vec::new(),
        }
    }

    /// Add one charge dated inside the window (ISO dates compare as text);
    /// a charge dated outside it is only counted as such, an undated one is
    /// added and counted as undated. Refused (the reader makes it a bad row)
    /// when it cannot be summed exactly.
    pub fn add(&mut self, c: Charge<'_>, window: &Window) -> Result<(), String> {
        let (start, end) = (window.start.as_str(), window.end.as_str());
        let cost = Cost {
            billed: c.billed,
            effective: c.effective,
        };
        add_magnitude(&mut self.magnitude, c.currency, cost)?;
        if c.date.is_empty() {
            self.undated_rows = self.undated_rows.saturating_add(c.rows);
            *self.undated.entry(c.currency.to_string()).or_default() += cost;
        } else if before(c.date, start) || before(end, c.date) {
            self.outside_rows = self.outside_rows.saturating_add(c.rows);
            *self.outside.entry(c.currency.to_string()).or_default() += cost;
            return Ok(());
        }
        let slot = match self.inputs.iter().position(|(k, _)| same(k, c.currency)) {
            Some(p) => p,
            None => {
                self.inputs
                    .push((c.currency.to_string(), Balance::default()));
                self.inputs.len() - 1
            }
        };
        let b = &mut self.inputs[slot].1;
        b.rows = b.rows.saturating_add(c.rows);
        b.input += cost;
        let description = if self.format == Format::Ledger {
            c.description
        } else {
            ""
        };
        // A resource id identifies the line; its name and tags are the
        // resource's attributes, kept from its latest-dated row (see `Latest`).
        let (name, tags) = if c.resource_id.is_empty() {
            (c.resource_name, c.tags)
        } else {
            ("", "")
        };
        let slot = self.lines.add(
            [
                &self.file_key,
                c.currency,
                c.category,
                c.provider,
                c.service,
                c.region,
                c.resource_id,
                name,
                c.sub_account,
                tags,
                c.supplier,
                c.cost_centre,
                description,
            ],
            cost,
            c.rows,
        );
        if !c.resource_id.is_empty() {
            let attrs = &mut self.lines.attributes[slot];
            attrs.0.offer(c.date, c.resource_name);
            attrs.1.offer(c.date, c.tags);
        }
        Ok(())
    }

    /// Add what another reader of the same file summed; refused when the
    /// sums together could not stay exact (see the module doc).
    pub fn merge(&mut self, other: Accumulator) -> Result<(), String> {
        for (currency, m) in &other.magnitude {
            add_magnitude(&mut self.magnitude, currency, *m)?;
        }
        for (currency, b) in other.inputs {
            match self.inputs.iter_mut().find(|(k, _)| *k == currency) {
                Some((_, mine)) => {
                    mine.rows = mine.rows.saturating_add(b.rows);
                    mine.input += b.input;
                }
                None => self.inputs.push((currency, b)),
            }
        }
        self.outside_rows = self.outside_rows.saturating_add(other.outside_rows);
        for (c, v) in other.outside {
            *self.outside.entry(c).or_default() += v;
        }
        self.undated_rows = self.undated_rows.saturating_add(other.undated_rows);
        for (c, v) in other.undated {
            *self.undated.entry(c).or_default() += v;
        }
        self.lines.merge(other.lines);
        Ok(())
    }
}

/// `a < b` for short ASCII keys (ISO dates), compared inline: this runs for every row.
fn before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x < y;
        }
    }
    a.len() < b.len()
}

/// Equality of short strings (currency codes) without a library call per row.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// A resource's name or tags as its charges give them: the value on its
/// latest-dated row, the greater on the same day. A maximum, so it does not
/// depend on the order rows are read in — parts of a file read in parallel,
/// or the lines of a warehouse's pre-aggregated result, give the same.
#[derive(Debug, Default)]
struct Latest {
    date: String,
    value: String,
}

impl Latest {
    fn offer(&mut self, date: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let later = self.value.is_empty()
            || before(&self.date, date)
            || (self.date == date && before(&self.value, value));
        if later {
            self.date.clear();
            self.date.push_str(date);
            self.value.clear();
            self.value.push_str(value);
        }
    }
}

/// Charge lines summed by key while streaming. The key's fields are joined
/// into one byte string in a reused buffer, so a row that repeats a known
/// line allocates nothing.
#[derive(Default)]
pub(super) struct Lines {
    index: rustc_hash::FxHashMap<Box<[u8]>, usize>,
    lines: Vec<(Box<[u8]>, Line)>,
    /// (resource name, tags) of lines keyed by resource id.
    attributes: Vec<(Latest, Latest)>,
    buffer: Vec<u8>,
}

const SEPARATOR: u8 = 0x1f;

impl Lines {
    /// Add a charge to its line; returns the line's slot.
    fn add(&mut self, fields: [&str; 13], cost: Cost, rows: u64) -> usize {
        self.buffer.clear();
        for (n, f) in fields.iter().enumerate() {
            if n > 0 {
                self.buffer.push(SEPARATOR);
            }
            self.buffer.extend_from_slice(f.as_bytes());
        }
        let slot = match self.index.get(self.buffer.as_slice()) {
            Some(&slot) => slot,
            None => {
                let key: Box<[u8]> = self.buffer.clone().into_boxed_slice();
                self.index.insert(key.clone(), self.lines.len());
                self.lines.push((key, Line::default()));
                self.attributes.push(Default::default());
                self.lines.len() - 1
            }
        };
        let line = &mut self.lines[slot].1;
        line.cost += cost;
        line.rows = line.rows.saturating_add(rows);
        slot
    }

    /// Add another set of lines (from another part or file).
    fn merge(&mut self, other: Lines) {
        for ((key, line), attrs) in other.lines.into_iter().zip(other.attributes) {
            match self.index.get(&key) {
                Some(&slot) => {
                    let mine = &mut self.lines[slot].1;
                    mine.cost += line.cost;
                    mine.rows = mine.rows.saturating_add(line.rows);
                    let a = &mut self.attributes[slot];
                    a.0.offer(&attrs.0.date, &attrs.0.value);
                    a.1.offer(&attrs.1.date, &attrs.1.value);
                }
                None => {
                    self.index.insert(key.clone(), self.lines.len());
                    self.lines.push((key, line));
                    self.attributes.push(attrs);
                }
            }
        }
    }

    /// The lines with their keys decoded.
    pub(super) fn into_keys(self) -> Vec<(Key, Line)> {
        self.lines
            .into_iter()
            .zip(self.attributes)
            .map(
                |((bytes, line), (Latest { value: name, .. }, Latest { value: tags, .. }))| {
                    let text = String::from_utf8_lossy(&bytes);
                    let f: Vec<&str> = text.split(SEPARATOR as char).collect();
                    let g = |i: usize| f.get(i).copied().unwrap_or("").to_string();
                    let mut key = Key {
                        file: g(0).parse().unwrap_or(0),
                        currency: g(1),
                        category: g(2),
                        provider: g(3),
                        service: g(4),
                        region: g(5),
                        resource_id: g(6),
                        resource_name: g(7),
                        sub_account: g(8),
                        tags: g(9),
                        supplier: g(10),
                        cost_centre: g(11),
                        description: g(12),
                    };
                    if !name.is_empty() {
                        key.resource_name = name;
                    }
                    if !tags.is_empty() {
                        key.tags = tags;
                    }
                    (key, line)
                },
            )
            .collect()
    }
}

/// Every input file's summary, the rows that could not be read, and the
/// distinct lines of all the files together: what attribution starts from.
#[derive(Default)]
pub struct Tally {
    pub(super) warnings: Vec<String>,
    pub(super) files: Vec<FileSummary>,
    pub(super) bad_rows: Vec<BadRow>,
    pub(super) lines: Lines,
    /// Per currency, the magnitudes of every file's rows (see the module doc).
    magnitude: Vec<(String, Cost)>,
}

impl Tally {
    /// A warning about the inputs as a whole.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// Add one input file: what reading it gave and what its charges summed
    /// to. Files are added in input order (a charge's `file` is its index
    /// here). Refused, naming the file, when its amounts and the other
    /// files' together could not be summed exactly.
    pub fn add(&mut self, read: FileRead, acc: Accumulator) -> Result<(), String> {
        for (currency, m) in &acc.magnitude {
            add_magnitude(&mut self.magnitude, currency, *m)
                .map_err(|why| format!("with the files before it, {why}"))?;
        }
        self.files.push(FileSummary {
            path: read.path,
            format: read.format,
            rows: read.rows,
            bad_rows: read.bad.len(),
            bytes: read.bytes,
            outside_period_rows: acc.outside_rows,
            outside_period: acc.outside,
            undated_rows: acc.undated_rows,
            undated: acc.undated,
            by_currency: acc.inputs.into_iter().collect(),
            warnings: read.warnings,
        });
        self.lines.merge(acc.lines);
        self.bad_rows.extend(read.bad);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_comparisons_agree_with_str() {
        for (a, b) in [
            ("2025-01-01", "2025-01-02"),
            ("2025-12-31", "2025-12-31"),
            ("2026-01-01", "2025-12-31"),
            ("2025", "2025-01-01"),
        ] {
            assert_eq!(before(a, b), a < b, "{a} {b}");
        }
        assert!(same("GBP", "GBP") && !same("GBP", "EUR") && !same("GB", "GBP"));
    }
}
