//! Spend: every charge from billing exports and finance ledgers attributed to
//! a system (and through it to a supplier, cost centre, capability and
//! domain), reconciled exactly.
//!
//! Charges stream in from `collect::billing`; identical lines (same file,
//! currency, resource, account, service, supplier, cost centre, category)
//! are summed first, so attribution runs once per distinct line, not once
//! per row. A cloud charge attaches to a resource by id (the inventory's
//! `external_id`, or the resource's name as the last part of the id), then
//! to its system through the graph; failing that, the Mapping rules decide
//! (tags, account, region, resource group, name). A ledger line attaches to
//! the Supplier whose name, title or alias it carries, then to the systems
//! that supplier supplies (shared evenly, to the smallest unit, remainder to
//! the first, so shares add up exactly). Whatever attaches to no system is
//! **unallocated**, broken down by provider, account and service — never
//! dropped. Ledger lines from technology vendors the inventory does not know
//! are **shadow IT** candidates.
//!
//! Invariant, checked for every input file and currency, for billed and
//! effective cost: allocated + unallocated == input total, exactly (Decimal).

pub mod contracts;

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::Direction;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::collect::billing::{self, BadRow, Charge, Format, Input};
use crate::inventory::kinds::{Provider, SupplierCategory};
use crate::inventory::{Kind, Spec};
use crate::model::Period;
use crate::model::mapping::{Facts, Mapper, azure_resource_group, id_name};
use crate::model::{EdgeKind, Model};

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

impl Cost {
    /// Split into `n` shares that add up exactly: each share is truncated to
    /// the amount's own decimal places (at least 2); the remainder goes to the first.
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
    pub by_currency: BTreeMap<String, Balance>,
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

/// Distinct charge lines, summed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    file: usize,
    currency: String,
    category: String,
    provider: String,
    service: String,
    region: String,
    resource_id: String,
    resource_name: String,
    sub_account: String,
    tags: String,
    supplier: String,
    cost_centre: String,
    description: String,
}

#[derive(Default)]
struct Line {
    cost: Cost,
    rows: u64,
}

/// What one reader (a file, or a part of one) has summed.
struct Acc {
    file_key: String,
    format: Format,
    lines: Lines,
    /// Input totals per currency, kept apart from the lines as the reconciliation's other side.
    inputs: Vec<(String, Balance)>,
    outside_rows: u64,
    outside: BTreeMap<String, Cost>,
}

impl Acc {
    fn new(file: usize, format: Format) -> Acc {
        Acc {
            file_key: file.to_string(),
            format,
            lines: Lines::default(),
            inputs: Vec::new(),
            outside_rows: 0,
            outside: BTreeMap::new(),
        }
    }

    /// Add one charge dated inside `(start, end)` (ISO dates compare as text).
    fn visit(&mut self, c: Charge<'_>, (start, end): (&str, &str)) {
        let cost = Cost {
            billed: c.billed,
            effective: c.effective,
        };
        if !c.date.is_empty() && (before(c.date, start) || before(end, c.date)) {
            self.outside_rows += c.rows;
            *self.outside.entry(c.currency.to_string()).or_default() += cost;
            return;
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
        b.rows += c.rows;
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
    }

    fn merge(&mut self, other: Acc) {
        for (currency, b) in other.inputs {
            match self.inputs.iter_mut().find(|(k, _)| *k == currency) {
                Some((_, mine)) => {
                    mine.rows += b.rows;
                    mine.input += b.input;
                }
                None => self.inputs.push((currency, b)),
            }
        }
        self.outside_rows += other.outside_rows;
        for (c, v) in other.outside {
            *self.outside.entry(c).or_default() += v;
        }
        self.lines.merge(other.lines);
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
struct Lines {
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
        line.rows += rows;
        slot
    }

    /// Add another set of lines (from another part or file).
    fn merge(&mut self, other: Lines) {
        for ((key, line), attrs) in other.lines.into_iter().zip(other.attributes) {
            match self.index.get(&key) {
                Some(&slot) => {
                    let mine = &mut self.lines[slot].1;
                    mine.cost += line.cost;
                    mine.rows += line.rows;
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
    fn into_keys(self) -> Vec<(Key, Line)> {
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

/// Read every input and attribute it.
pub fn assess(
    model: &Model,
    inputs: &[(Input, std::path::PathBuf)],
    period: Period,
    currency: &str,
) -> Result<Spend, String> {
    use rayon::prelude::*;
    let mut spend = Spend::default();
    let mut lines = Lines::default();
    let (start, end) = (period.start.to_string(), period.end.to_string());
    for (i, (input, path)) in inputs.iter().enumerate() {
        let format = match input.format {
            Some(f) => f,
            None => detect(path)?,
        };
        let mut summary = FileSummary {
            path: path.display().to_string(),
            format,
            rows: 0,
            bad_rows: 0,
            bytes: 0,
            outside_period_rows: 0,
            outside_period: BTreeMap::new(),
            by_currency: BTreeMap::new(),
        };
        let window = (start.as_str(), end.as_str());
        let bar = billing::progress(path);
        let mut acc = Acc::new(i, format);
        let gz = path.extension().is_some_and(|e| e == "gz");
        let big = std::fs::metadata(path)
            .map(|m| m.len() > 64 << 20)
            .unwrap_or(false);
        let stats = match format {
            // Large plain FOCUS files are read in parts, one per thread, and merged in order.
            Format::Focus if big && !gz && !is_parquet(path) => {
                let (cols, first_line, parts) =
                    billing::focus::parts(path, rayon::current_num_threads())?;
                let results: Vec<(Acc, billing::focus::Stats)> = parts
                    .par_iter()
                    .map(|part| {
                        let mut a = Acc::new(i, format);
                        billing::focus::read_part(path, i, part, &cols, &bar, |c| {
                            a.visit(c, window)
                        })
                        .map(|s| (a, s))
                    })
                    .collect::<Result<_, _>>()?;
                let (accs, mut part_stats): (Vec<Acc>, Vec<billing::focus::Stats>) =
                    results.into_iter().unzip();
                if billing::focus::settle(first_line, &mut part_stats) {
                    let mut stats = billing::focus::Stats::default();
                    for (a, s) in accs.into_iter().zip(part_stats) {
                        acc.merge(a);
                        stats.rows += s.rows;
                        stats.bytes += s.bytes;
                        stats.bad.extend(s.bad);
                    }
                    stats
                } else {
                    // A cut fell inside a quoted field: read the file in one pass instead.
                    tracing::info!(file = %path.display(), "parts cut inside quotes; reading sequentially");
                    bar.set_position(0);
                    billing::focus::read(path, i, &bar, |c| acc.visit(c, window))?
                }
            }
            Format::Focus if is_parquet(path) => {
                billing::parquet::read(path, i, &mut |c| acc.visit(c, window))?
            }
            Format::Focus => billing::focus::read(path, i, &bar, |c| acc.visit(c, window))?,
            Format::CostExplorer => {
                billing::cost_explorer::read(path, i, |c| acc.visit(c, window))?
            }
            Format::CostManagement => {
                billing::cost_management::read(path, i, |c| acc.visit(c, window))?
            }
            Format::Ledger => {
                let columns = input.columns.clone().unwrap_or_default();
                let cur = input.currency.as_deref().unwrap_or(currency);
                billing::ledger::read(
                    path,
                    i,
                    &columns,
                    input.date_format.as_deref(),
                    cur,
                    &bar,
                    |c| acc.visit(c, window),
                )?
            }
        };
        bar.finish_and_clear();
        summary.by_currency = acc.inputs.into_iter().collect();
        summary.outside_period_rows = acc.outside_rows;
        summary.outside_period = acc.outside;
        lines.merge(acc.lines);
        summary.rows = stats.rows;
        summary.bad_rows = stats.bad.len();
        summary.bytes = stats.bytes;
        spend.bad_rows.extend(stats.bad);
        spend.files.push(summary);
    }
    let lines = lines.into_keys();
    let mut attributor = Attributor::new(model);
    // Cloud providers whose charges come from a billing export in this run:
    // their invoices on a ledger are the same money.
    attributor.detailed = lines
        .iter()
        .filter(|(k, _)| spend.files[k.file].format == Format::Focus)
        .filter_map(|(k, _)| provider_of(&k.provider))
        .filter_map(|p| {
            attributor
                .provider_suppliers
                .get(p.as_str())
                .map(|s| (s.clone(), p))
        })
        .collect();
    let mut shadow: BTreeMap<(String, String), Shadow> = BTreeMap::new();
    // Attribute in a fixed order so results do not depend on hashing.
    let mut keys: Vec<(Key, Line)> = lines;
    keys.sort_by(|a, b| {
        (
            a.0.file,
            &a.0.resource_id,
            &a.0.supplier,
            &a.0.category,
            &a.0.currency,
        )
            .cmp(&(
                b.0.file,
                &b.0.resource_id,
                &b.0.supplier,
                &b.0.category,
                &b.0.currency,
            ))
    });
    for (key, line) in keys {
        let ledger = spend.currencies.entry(key.currency.clone()).or_default();
        let format = spend.files[key.file].format;
        let balance = spend.files[key.file]
            .by_currency
            .entry(key.currency.clone())
            .or_default();
        let outcome = attributor.attribute(&key, format);
        if outcome.detailed_elsewhere {
            balance.detailed_elsewhere += line.cost;
            *ledger
                .detailed_elsewhere
                .entry(outcome.supplier.clone().unwrap_or_default())
                .or_default() += line.cost;
            continue;
        }
        ledger.total += line.cost;
        let supplier = outcome
            .supplier
            .clone()
            .unwrap_or_else(|| unknown_supplier(&key));
        *ledger.by_supplier.entry(supplier.clone()).or_default() += line.cost;
        if format == Format::Focus {
            *ledger
                .by_provider
                .entry(or_none(&key.provider))
                .or_default() += line.cost;
            *ledger.by_service.entry(or_none(&key.service)).or_default() += line.cost;
        } else {
            *ledger.by_provider.entry("(ledger)".into()).or_default() += line.cost;
            *ledger.by_service.entry("(ledger)".into()).or_default() += line.cost;
        }
        if let Some(r) = &outcome.resource {
            *ledger.by_resource.entry(r.clone()).or_default() += line.cost;
        }
        if outcome.systems.is_empty() {
            balance.unallocated += line.cost;
            ledger.unallocated += line.cost;
            *ledger
                .unallocated_by
                .entry(outcome.unallocated_as.clone())
                .or_default() += line.cost;
            if format == Format::Focus {
                *ledger
                    .unallocated_by_provider
                    .entry(or_none(&key.provider).to_ascii_lowercase())
                    .or_default() += line.cost;
            }
            *ledger
                .by_cost_centre
                .entry(
                    outcome
                        .cost_centre
                        .clone()
                        .unwrap_or_else(|| "(none)".into()),
                )
                .or_default() += line.cost;
            if let Some(why) = outcome.shadow {
                let s = shadow
                    .entry((key.supplier.clone(), key.currency.clone()))
                    .or_insert_with(|| Shadow {
                        supplier: key.supplier.clone(),
                        currency: key.currency.clone(),
                        total: Decimal::ZERO,
                        lines: 0,
                        cost_centres: Vec::new(),
                        why,
                    });
                s.total += line.cost.billed;
                s.lines += line.rows;
                if !key.cost_centre.is_empty() && !s.cost_centres.contains(&key.cost_centre) {
                    s.cost_centres.push(key.cost_centre.clone());
                }
            }
            continue;
        }
        balance.allocated += line.cost;
        ledger.allocated += line.cost;
        let mut sharers: Vec<String> = outcome.systems.iter().map(|(s, _)| s.clone()).collect();
        sharers.sort();
        sharers.dedup();
        let weights: Vec<f64> = outcome.systems.iter().map(|(_, w)| *w).collect();
        let shares = line.cost.split_weighted(&weights);
        for ((system, _), share) in outcome.systems.iter().zip(shares) {
            *ledger.by_system.entry(system.clone()).or_default() += share;
            *ledger
                .allocations
                .entry(Allocation {
                    sharers: sharers.clone(),
                    resource: outcome.resource.clone().unwrap_or_default(),
                    system: system.clone(),
                    supplier: supplier.clone(),
                })
                .or_default() += share;
            let facts = attributor.system_facts(system);
            let cc = outcome
                .cost_centre
                .clone()
                .or_else(|| facts.cost_centre.clone())
                .unwrap_or_else(|| "(none)".into());
            *ledger.by_cost_centre.entry(cc).or_default() += share;
            *ledger
                .by_domain
                .entry(facts.domain.clone().unwrap_or_else(|| "(none)".into()))
                .or_default() += share;
            let caps = if facts.capabilities.is_empty() {
                vec!["(none)".to_string()]
            } else {
                facts.capabilities.clone()
            };
            for (cap, s) in caps.iter().zip(share.split(caps.len())) {
                *ledger.by_capability.entry(cap.clone()).or_default() += s;
            }
        }
    }
    for f in &mut spend.files {
        for b in f.by_currency.values_mut() {
            let mut sum = b.allocated;
            sum += b.unallocated;
            sum += b.detailed_elsewhere;
            b.balanced = sum == b.input;
        }
    }
    spend.shadow = shadow.into_values().collect();
    spend
        .shadow
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.supplier.cmp(&b.supplier)));
    Ok(spend)
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "(none)".into()
    } else {
        s.to_string()
    }
}

fn unknown_supplier(key: &Key) -> String {
    let name = if key.supplier.is_empty() {
        &key.provider
    } else {
        &key.supplier
    };
    format!(
        "(not in inventory) {}",
        if name.is_empty() { "(unknown)" } else { name }
    )
}

fn is_parquet(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Sniff a file's header for FOCUS columns (Parquet files are FOCUS).
fn detect(path: &std::path::Path) -> Result<Format, String> {
    if is_parquet(path) {
        return Ok(Format::Focus);
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        // Cost Management results name their columns; Cost Explorer's do not.
        let head = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        return Ok(
            if head.contains("\"columns\"") && head.contains("\"rows\"") {
                Format::CostManagement
            } else {
                Format::CostExplorer
            },
        );
    }
    let r = billing::open(path, &indicatif::ProgressBar::hidden())
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(r);
    let headers = csv
        .headers()
        .map_err(|e| format!("`{}`: cannot read the header row: {e}", path.display()))?;
    Ok(if billing::is_focus(headers) {
        Format::Focus
    } else {
        Format::Ledger
    })
}

/// Where a line went.
struct Outcome {
    /// Systems with their weights (shared evenly unless a mapping rule splits by weight).
    systems: Vec<(String, f64)>,
    supplier: Option<String>,
    cost_centre: Option<String>,
    /// The unallocated bucket's name, when no system.
    unallocated_as: String,
    /// Why the line is a shadow-IT candidate, if it is.
    shadow: Option<String>,
    /// A ledger invoice whose detail is in a billing export of this run.
    detailed_elsewhere: bool,
    /// The inventory resource the line's resource id matched.
    resource: Option<String>,
}

#[derive(Default)]
struct SystemFacts {
    domain: Option<String>,
    capabilities: Vec<String>,
    cost_centre: Option<String>,
}

/// Indexes over the model for attribution.
struct Attributor<'a> {
    model: &'a Model,
    mapper: Mapper,
    /// External id (lower case) → resource node id.
    by_external_id: HashMap<String, petgraph::stable_graph::NodeIndex>,
    /// Resource name → node (for ids whose last part is the name).
    by_name: HashMap<String, petgraph::stable_graph::NodeIndex>,
    /// Normalised supplier names and aliases → supplier id.
    suppliers: HashMap<String, String>,
    /// Cloud providers' supplier ids (`aws` → `supplier:amazon-web-services`).
    provider_suppliers: HashMap<&'static str, String>,
    /// Cost centre code → id.
    cost_centres: HashMap<String, String>,
    /// Suppliers whose cloud charges come from a billing export in this run, with the provider.
    detailed: HashMap<String, Provider>,
    systems: HashMap<String, SystemFacts>,
    vendors: HashSet<String>,
}

/// Upper case, letters and digits only, legal suffixes dropped: `Halcyon Software Ltd.` → `HALCYON SOFTWARE`.
pub fn normalise_supplier(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let suffixes = [
        "LTD",
        "LIMITED",
        "PLC",
        "LLP",
        "LLC",
        "INC",
        "UC",
        "CO",
        "UNLIMITED",
        "PTY",
        "GMBH",
        "BV",
        "SA",
        "SARL",
        "CORP",
        "CORPORATION",
        "THE",
        "UK",
        "EMEA",
        "EUROPE",
        "INTERNATIONAL",
        "IRELAND",
        "COM",
    ];
    let mut end = words.len();
    while end > 1 && suffixes.contains(&words[end - 1]) {
        end -= 1;
    }
    let start = usize::from(words.first() == Some(&"THE") && end > 1);
    words[start..end].join(" ")
}

impl<'a> Attributor<'a> {
    fn new(model: &'a Model) -> Attributor<'a> {
        let mut by_external_id = HashMap::new();
        let mut by_name = HashMap::new();
        for idx in model.nodes_of(Kind::Resource) {
            let node = model.node(idx);
            if let Some(Spec::Resource(r)) = &node.spec {
                if let Some(x) = &r.external_id {
                    by_external_id.insert(x.to_ascii_lowercase(), idx);
                }
                by_name.insert(node.name.clone(), idx);
            }
        }
        let mut suppliers = HashMap::new();
        let mut provider_suppliers = HashMap::new();
        for idx in model.nodes_of(Kind::Supplier) {
            let node = model.node(idx);
            let Some(Spec::Supplier(s)) = &node.spec else {
                continue;
            };
            let mut names = vec![node.name.replace('-', " "), node.display_name().to_string()];
            names.extend(s.aliases.iter().cloned());
            for n in names {
                suppliers.insert(normalise_supplier(&n), node.id.clone());
            }
            if s.category == SupplierCategory::Cloud {
                let n =
                    normalise_supplier(node.display_name()) + " " + &node.name.to_ascii_uppercase();
                if n.contains("AMAZON") || n.contains("AWS") {
                    provider_suppliers.insert("aws", node.id.clone());
                } else if n.contains("MICROSOFT") || n.contains("AZURE") {
                    provider_suppliers.insert("azure", node.id.clone());
                } else if n.contains("GOOGLE") || n.contains("GCP") {
                    provider_suppliers.insert("gcp", node.id.clone());
                }
            }
        }
        let mut cost_centres = HashMap::new();
        for idx in model.nodes_of(Kind::CostCentre) {
            let node = model.node(idx);
            if let Some(Spec::CostCentre(c)) = &node.spec {
                cost_centres.insert(c.code.to_ascii_uppercase(), node.id.clone());
            }
        }
        let mut systems = HashMap::new();
        for idx in model.nodes_of(Kind::System) {
            let out = |e: EdgeKind, k: Kind| -> Vec<String> {
                model
                    .neighbours(idx, Direction::Outgoing, &[e])
                    .into_iter()
                    .filter(|n| model.node(*n).kind == k)
                    .map(|n| model.node(n).id.clone())
                    .collect()
            };
            systems.insert(
                model.node(idx).id.clone(),
                SystemFacts {
                    domain: out(EdgeKind::PartOf, Kind::Domain).into_iter().next(),
                    capabilities: out(EdgeKind::Supports, Kind::Capability),
                    cost_centre: out(EdgeKind::ChargedTo, Kind::CostCentre)
                        .into_iter()
                        .next(),
                },
            );
        }
        let vendors = include_str!("vendors.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(normalise_supplier)
            .collect();
        Attributor {
            model,
            mapper: Mapper::new(model),
            by_external_id,
            by_name,
            suppliers,
            provider_suppliers,
            cost_centres,
            detailed: HashMap::new(),
            systems,
            vendors,
        }
    }

    fn system_facts(&self, id: &str) -> &SystemFacts {
        static NONE: std::sync::OnceLock<SystemFacts> = std::sync::OnceLock::new();
        self.systems
            .get(id)
            .unwrap_or_else(|| NONE.get_or_init(SystemFacts::default))
    }

    fn cost_centre(&self, code: &str) -> Option<String> {
        (!code.is_empty()).then(|| {
            self.cost_centres
                .get(&code.to_ascii_uppercase())
                .cloned()
                .unwrap_or_else(|| format!("(not in inventory) {code}"))
        })
    }

    fn attribute(&self, key: &Key, format: Format) -> Outcome {
        match format {
            Format::Focus => self.cloud(key),
            Format::Ledger => self.ledger(key),
            // The same money as a FOCUS export for the provider in this run.
            Format::CostExplorer | Format::CostManagement => {
                let mut o = self.cloud(key);
                let provider = provider_of(&key.provider);
                o.detailed_elsewhere = self.detailed.values().any(|p| Some(*p) == provider);
                o
            }
        }
    }

    fn cloud(&self, key: &Key) -> Outcome {
        let provider = provider_of(&key.provider);
        let supplier = provider
            .and_then(|p| self.provider_suppliers.get(p.as_str()))
            .cloned();
        let cost_centre = self.cost_centre(&key.cost_centre);
        let unallocated_as = |why: &str| {
            format!(
                "{} / {} / {} — {why}",
                or_none(&key.provider),
                or_none(&key.sub_account),
                or_none(&key.service)
            )
        };
        // 1. The resource, by id.
        let node = (!key.resource_id.is_empty())
            .then(|| {
                self.by_external_id
                    .get(&key.resource_id.to_ascii_lowercase())
                    .or_else(|| self.by_name.get(id_name(&key.resource_id)))
            })
            .flatten();
        // The inventory resource the line is for (by id, else by its name), for
        // per-resource spend; attribution below still goes by id, then mapping rules.
        let resource = node
            .or_else(|| self.by_name.get(key.resource_name.as_str()))
            .map(|i| self.model.graph[*i].id.clone());
        let done = |systems: Vec<(String, f64)>, why: &str| Outcome {
            // Only an unallocated line is listed under it: no string per allocated line.
            unallocated_as: if systems.is_empty() {
                unallocated_as(why)
            } else {
                String::new()
            },
            systems,
            supplier: supplier.clone(),
            cost_centre: cost_centre.clone(),
            shadow: None,
            detailed_elsewhere: false,
            resource: resource.clone(),
        };
        if let Some(idx) = node {
            // A resource several systems run on is shared evenly among them.
            let ids: std::collections::BTreeSet<&str> = self
                .model
                .systems_of(*idx)
                .into_iter()
                .map(|s| self.model.graph[s].id.as_str())
                .collect();
            let systems: Vec<(String, f64)> =
                ids.into_iter().map(|s| (s.to_string(), 1.0)).collect();
            if !systems.is_empty() {
                return done(systems, "");
            }
        }
        // 2. Mapping rules.
        let tags: Vec<(String, String)> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&key.tags)
                .map(|m| {
                    m.into_iter()
                        .map(|(k, v)| {
                            (
                                k,
                                v.as_str()
                                    .map(String::from)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
        let name = if key.resource_name.is_empty() {
            id_name(&key.resource_id)
        } else {
            &key.resource_name
        };
        let facts = Facts {
            provider,
            account: &key.sub_account,
            region: &key.region,
            resource_group: azure_resource_group(&key.resource_id),
            namespace: "",
            cluster: "",
            name,
            tags: &tags,
        };
        if let Some((systems, _)) = self.mapper.systems(&facts) {
            return done(systems.to_vec(), "");
        }
        let why = match (key.resource_id.is_empty(), node.is_some()) {
            (true, _) => format!("no resource ({})", or_none(&key.category).to_lowercase()),
            (false, true) => "resource in the inventory serves no system".into(),
            (false, false) => "resource not in the inventory; no mapping rule matches".into(),
        };
        done(Vec::new(), &why)
    }

    fn ledger(&self, key: &Key) -> Outcome {
        let cost_centre = self.cost_centre(&key.cost_centre);
        let normal = normalise_supplier(&key.supplier);
        let Some(supplier) = self.suppliers.get(&normal).cloned() else {
            let tech_words = [
                "SOFTWARE",
                "LICENCE",
                "LICENSE",
                "SUBSCRIPTION",
                "SAAS",
                "CLOUD",
                "HOSTING",
                "DOMAIN",
                "BROADBAND",
                "TELECOM",
                "MOBILE",
                "LAPTOP",
                "IT SUPPORT",
                "APP ",
                "ONLINE",
            ];
            let desc = key.description.to_ascii_uppercase();
            let vendor = self.vendors.contains(&normal)
                || self
                    .vendors
                    .iter()
                    .any(|v| normal.starts_with(&format!("{v} ")));
            let shadow = if vendor {
                Some(format!(
                    "`{}` is a known technology vendor not in the inventory",
                    key.supplier
                ))
            } else {
                tech_words.iter().find(|w| desc.contains(*w)).map(|w| {
                    format!(
                        "the line describes {} and the supplier is not in the inventory",
                        w.trim().to_lowercase()
                    )
                })
            };
            let bucket = if shadow.is_some() {
                "shadow IT (technology supplier not in the inventory)"
            } else {
                "supplier not in the inventory (not technology?)"
            };
            return Outcome {
                systems: Vec::new(),
                supplier: None,
                cost_centre,
                unallocated_as: format!("{} — {bucket}", key.supplier),
                shadow,
                detailed_elsewhere: false,
                resource: None,
            };
        };
        let idx = self.model.get(&supplier);
        let mut systems: Vec<String> = idx
            .map(|i| {
                self.model
                    .neighbours(i, Direction::Incoming, &[EdgeKind::SuppliedBy])
                    .into_iter()
                    .filter(|n| self.model.node(*n).kind == Kind::System)
                    .map(|n| self.model.node(n).id.clone())
                    .collect()
            })
            .unwrap_or_default();
        if systems.is_empty() {
            // Systems covered by the supplier's contracts.
            for c in idx
                .map(|i| {
                    self.model
                        .neighbours(i, Direction::Incoming, &[EdgeKind::SuppliedBy])
                })
                .unwrap_or_default()
            {
                if self.model.node(c).kind == Kind::Contract {
                    systems.extend(
                        self.model
                            .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy])
                            .into_iter()
                            .map(|n| self.model.node(n).id.clone()),
                    );
                }
            }
            systems.sort();
            systems.dedup();
        }
        let unallocated_as = format!("{supplier} — a known supplier that supplies no system");
        Outcome {
            systems: systems.into_iter().map(|s| (s, 1.0)).collect(),
            detailed_elsewhere: self
                .detailed
                .get(&supplier)
                .is_some_and(|p| is_cloud_consumption(*p, &key.supplier, &key.description)),
            supplier: Some(supplier),
            cost_centre,
            unallocated_as,
            shadow: None,
            resource: None,
        }
    }
}

/// Whether a ledger line from a cloud provider's supplier is its cloud bill
/// (which a FOCUS export details) rather than, say, licences: any line
/// invoiced by the provider's cloud entity or describing the cloud service.
fn is_cloud_consumption(p: Provider, supplier: &str, description: &str) -> bool {
    let text = format!("{} {}", supplier, description).to_ascii_lowercase();
    let words: &[&str] = match p {
        Provider::Aws => &[
            "aws",
            "amazon web services",
            "ec2",
            "savings plan",
            "reserved instance",
        ],
        Provider::Azure => &["azure"],
        Provider::Gcp => &["google cloud", "gcp"],
        Provider::OnPrem | Provider::Other => &[],
    };
    words.iter().any(|w| text.contains(w))
}

fn provider_of(name: &str) -> Option<Provider> {
    let n = name.to_ascii_lowercase();
    if n.contains("amazon") || n == "aws" {
        Some(Provider::Aws)
    } else if n.contains("microsoft") || n.contains("azure") {
        Some(Provider::Azure)
    } else if n.contains("google") || n == "gcp" {
        Some(Provider::Gcp)
    } else {
        None
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

    fn model(yaml: &str) -> Model {
        let mut inv = crate::inventory::Inventory::default();
        crate::inventory::load::load_text(
            &mut inv,
            "t.yaml".into(),
            yaml.to_string(),
            &mut Vec::new(),
        );
        let (m, ds) = crate::model::build(inv);
        assert_eq!(ds.errors(), 0, "{:?}", ds.items);
        m
    }

    #[test]
    fn charges_attach_by_id_then_rules_then_supplier_and_the_rest_is_unallocated() {
        let d = "apiVersion: estate/v1\n";
        let m = model(&format!(
            "{d}kind: System\nmetadata: {{name: crm}}\nspec: {{supplier: supplier:halcyon}}\n---\n{d}kind: System\nmetadata: {{name: gis}}\n---\n\
             {d}kind: Supplier\nmetadata: {{name: halcyon, title: Halcyon Software}}\nspec: {{category: saas, aliases: [HALCYON SOFTWARE LTD]}}\n---\n\
             {d}kind: Resource\nmetadata: {{name: vm1}}\nspec: {{type: compute, provider: aws, region: eu-west-2, external_id: \"arn:aws:ec2:eu-west-2:1:instance/i-1\", system: system:crm}}\n---\n\
             {d}kind: Mapping\nmetadata: {{name: m}}\nspec: {{rules: [{{system: system:gis, match: {{tags: {{app: gis}}}}}}]}}\n"
        ));
        let dir = tempfile::tempdir().unwrap();
        let focus = dir.path().join("focus.csv");
        std::fs::write(
            &focus,
            "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ProviderName,ResourceId,Tags,ChargePeriodStart\n\
             10.00,9.00,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-1,,2025-03-01T00:00:00Z\n\
             5.005,5.005,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-2,\"{\"\"app\"\":\"\"gis\"\"}\",2025-03-01T00:00:00Z\n\
             1.10,1.10,GBP,Usage,AWS,arn:aws:ec2:us-east-1:9:instance/i-9,,2025-03-01T00:00:00Z\n\
             2.00,2.00,GBP,Tax,AWS,,,2025-03-01T00:00:00Z\n\
             7.00,7.00,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-1,,2024-03-01T00:00:00Z\n",
        )
        .unwrap();
        let ledger = dir.path().join("ledger.csv");
        std::fs::write(&ledger, "Supplier Name,Net Amount,Invoice Date,Description\nHALCYON SOFTWARE LTD,\"1,000.00\",01/04/2025,support\nZOOM VIDEO COMMUNICATIONS INC,(14.39),02/04/2025,\nCafe Nero,3.20,02/04/2025,coffee\n").unwrap();
        let input = |p: &std::path::Path| {
            (
                Input {
                    path: p.to_path_buf(),
                    format: None,
                    columns: None,
                    date_format: None,
                    currency: None,
                },
                p.to_path_buf(),
            )
        };
        let period = Period {
            start: crate::inventory::Date::parse("2025-01-01").unwrap(),
            end: crate::inventory::Date::parse("2025-12-31").unwrap(),
        };
        let s = assess(&m, &[input(&focus), input(&ledger)], period, "GBP").unwrap();
        assert!(s.balanced());
        let gbp = &s.currencies["GBP"];
        let d = |x: &str| x.parse::<Decimal>().unwrap();
        assert_eq!(gbp.by_system["system:crm"].billed, d("1010.00"));
        assert_eq!(gbp.by_system["system:gis"].billed, d("5.005"));
        assert_eq!(
            gbp.unallocated.billed,
            d("1.10") + d("2.00") + d("-14.39") + d("3.20")
        );
        assert_eq!(
            gbp.total.billed,
            d("1010.00") + d("5.005") + d("1.10") + d("2.00") + d("-14.39") + d("3.20")
        );
        assert_eq!(
            s.files[0].outside_period_rows, 1,
            "the 2024 row is outside the period"
        );
        assert_eq!(s.shadow.len(), 1);
        assert_eq!(s.shadow[0].supplier, "ZOOM VIDEO COMMUNICATIONS INC");
        assert_eq!(s.shadow[0].total, d("-14.39"));
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
    fn supplier_names_normalise() {
        assert_eq!(
            normalise_supplier("Halcyon Software Ltd."),
            "HALCYON SOFTWARE"
        );
        assert_eq!(
            normalise_supplier("HALCYON SOFTWARE LIMITED"),
            "HALCYON SOFTWARE"
        );
        assert_eq!(
            normalise_supplier("Zoom Video Communications, Inc."),
            "ZOOM VIDEO COMMUNICATIONS"
        );
        assert_eq!(normalise_supplier("The Access Group"), "ACCESS GROUP");
    }
}
