//! The attribution pass: every distinct line of a [`Tally`], in a fixed
//! order, sent where `lookup` says and booked into its currency's
//! [`Ledger`] — by system (shares that add up exactly), supplier, cost
//! centre, capability, domain, provider and service, or as unallocated
//! with its reason — and into its file's `Balance`. Ledger lines from
//! unknown technology suppliers are gathered as [`Shadow`] candidates.
//! Last, each file and currency is reconciled: allocated + unallocated +
//! detailed elsewhere must equal the input total exactly.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::accumulate::{Key, Line, Tally};
use super::lookup::{Attributor, Outcome};
use super::suppliers::provider_of;
use super::{Allocation, FileSummary, Ledger, NONE, Shadow, Spend, or_none};
use crate::model::Model;
use crate::model::billing::Format;

impl Tally {
    /// Attribute every line to systems through `model` and reconcile.
    pub fn attribute(self, model: &Model) -> Spend {
        let mut spend = Spend {
            warnings: self.warnings,
            files: self.files,
            bad_rows: self.bad_rows,
            ..Spend::default()
        };
        let mut lines = self.lines.into_keys();
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
        lines.sort_by(|a, b| {
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
        for (key, line) in lines {
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
            let supplier = book(ledger, &key, &line, format, &outcome);
            if outcome.systems.is_empty() {
                balance.unallocated += line.cost;
                book_unallocated(ledger, &key, &line, format, outcome, &mut shadow);
            } else {
                balance.allocated += line.cost;
                share(ledger, &attributor, &line, supplier, &outcome);
            }
        }
        reconcile(&mut spend.files);
        spend.shadow = shadow.into_values().collect();
        spend
            .shadow
            .sort_by(|a, b| b.total.cmp(&a.total).then(a.supplier.cmp(&b.supplier)));
        spend
    }
}

/// Book a line's total, supplier, provider, service and resource; returns
/// the supplier it is booked under.
fn book(ledger: &mut Ledger, key: &Key, line: &Line, format: Format, outcome: &Outcome) -> String {
    ledger.total += line.cost;
    let supplier = outcome
        .supplier
        .clone()
        .unwrap_or_else(|| unknown_supplier(key));
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
    supplier
}

/// Book a line no system takes, under its reason, and note a shadow-IT candidate.
fn book_unallocated(
    ledger: &mut Ledger,
    key: &Key,
    line: &Line,
    format: Format,
    outcome: Outcome,
    shadow: &mut BTreeMap<(String, String), Shadow>,
) {
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
        .entry(outcome.cost_centre.clone().unwrap_or_else(|| NONE.into()))
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
}

/// Share an allocated line among its systems and book each share by
/// system, allocation, cost centre, domain and capability.
fn share(
    ledger: &mut Ledger,
    attributor: &Attributor<'_>,
    line: &Line,
    supplier: String,
    outcome: &Outcome,
) {
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
            .unwrap_or_else(|| NONE.into());
        *ledger.by_cost_centre.entry(cc).or_default() += share;
        *ledger
            .by_domain
            .entry(facts.domain.clone().unwrap_or_else(|| NONE.into()))
            .or_default() += share;
        let caps = if facts.capabilities.is_empty() {
            vec![NONE.to_string()]
        } else {
            facts.capabilities.clone()
        };
        for (cap, s) in caps.iter().zip(share.split(caps.len())) {
            *ledger.by_capability.entry(cap.clone()).or_default() += s;
        }
    }
}

/// Check every file's totals per currency: allocated + unallocated +
/// detailed elsewhere == input, exactly.
fn reconcile(files: &mut [FileSummary]) {
    for f in files {
        for b in f.by_currency.values_mut() {
            let mut sum = b.allocated;
            sum += b.unallocated;
            sum += b.detailed_elsewhere;
            b.balanced = sum == b.input;
        }
    }
}

/// The supplier a line is booked under when the inventory has none for it.
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
