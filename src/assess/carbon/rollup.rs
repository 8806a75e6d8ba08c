//! Roll-ups of a carbon estimate: its totals, and its emissions summed by
//! system, capability, domain, category, GHG scope, site, supplier, method
//! quality or node. This is the one place they are computed: `estate
//! carbon`, the report site, snapshots and the policy facts all read them
//! from here, so a total means the same thing wherever it is shown.
//!
//! Sums run over the items in the estimate's order, so the same estimate
//! always gives the same figures to the last bit. Roll-ups by something a
//! system points at (capability, domain) share an item evenly among its
//! system's targets, so every breakdown still adds up to the total; an item
//! with nothing to attribute it to is keyed [`UNATTRIBUTED`].

use std::collections::{BTreeMap, HashMap};

use super::{Basis, Estimate, Item, Quality, Range};
use crate::inventory::Kind;
use crate::model::{EdgeKind, Model, NodeId};

/// What a breakdown groups by (`estate carbon --by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    #[default]
    Category,
    System,
    Capability,
    Domain,
    Scope,
    Site,
    Supplier,
}

/// The key of emissions nothing is attributed to (no system, site or supplier).
pub const UNATTRIBUTED: &str = "(unattributed)";

/// Emissions and energy summed over some items.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    /// kgCO2e on the basis asked for: operational + T&D + embodied.
    pub co2e_kg: Range,
    /// kWh, facility energy included.
    pub energy_kwh: Range,
}

impl Totals {
    fn add(&mut self, item: &Item, basis: Basis) {
        self.co2e_kg += item.co2e(basis);
        self.energy_kwh += item.energy_kwh;
    }
}

/// The whole estimate's emissions and energy.
pub fn totals(est: &Estimate, basis: Basis) -> Totals {
    let mut t = Totals::default();
    for i in &est.items {
        t.add(i, basis);
    }
    t
}

/// The emissions of some items (a system's, say).
pub fn sum<'a>(items: impl IntoIterator<Item = &'a Item>, basis: Basis) -> Range {
    items.into_iter().map(|i| i.co2e(basis)).sum()
}

/// The items serving each system, in the estimate's order (items that
/// serve no system are left out).
pub fn items_by_system(est: &Estimate) -> HashMap<&str, Vec<&Item>> {
    let mut m: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in &est.items {
        if let Some(s) = &it.system {
            m.entry(s.as_str()).or_default().push(it);
        }
    }
    m
}

/// Central location-based kgCO2e per system (items that serve no system are left out).
pub fn by_system(est: &Estimate) -> HashMap<NodeId, f64> {
    let mut m = HashMap::new();
    for it in &est.items {
        if let Some(s) = &it.system {
            *m.entry(s.clone()).or_default() += it.co2e(Basis::Location).central;
        }
    }
    m
}

/// Emissions and energy per node an item names: the item itself, its
/// system, its site and its supplier (each counted once per item). What
/// policy rules read as a node's carbon.
pub fn by_node(est: &Estimate, basis: Basis) -> HashMap<NodeId, Totals> {
    let mut m: HashMap<NodeId, Totals> = HashMap::new();
    for i in &est.items {
        let keys = [
            Some(&i.id),
            i.system.as_ref(),
            i.site.as_ref(),
            i.supplier.as_ref(),
        ];
        let mut seen: Vec<&NodeId> = Vec::with_capacity(4);
        for k in keys.into_iter().flatten() {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
            m.entry(k.clone()).or_default().add(i, basis);
        }
    }
    m
}

/// Emissions by method quality, named as in JSON (`measured`, `spend-based` …), in name order.
pub fn by_quality(est: &Estimate, basis: Basis) -> Vec<(String, Range)> {
    let mut m: BTreeMap<Quality, Range> = BTreeMap::new();
    for i in &est.items {
        *m.entry(i.quality).or_default() += i.co2e(basis);
    }
    let mut v: Vec<(String, Range)> = m.into_iter().map(|(q, r)| (quality_name(q), r)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// A quality as JSON names it.
fn quality_name(q: Quality) -> String {
    serde_json::to_value(q)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The breakdown of total emissions by `by`, largest first (by scope: in scope order).
pub fn breakdown(model: &Model, est: &Estimate, basis: Basis, by: By) -> Vec<(String, Range)> {
    let co2e = |i: &Item| i.co2e(basis);
    match by {
        By::Category => group(&est.items, |i| one(Some(i.category.as_str())), co2e),
        By::System => group(&est.items, |i| one(i.system.as_deref()), co2e),
        By::Capability => group(
            &est.items,
            |i| {
                shares_of(
                    model,
                    i.system.as_deref(),
                    EdgeKind::Supports,
                    Kind::Capability,
                )
            },
            co2e,
        ),
        By::Domain => group(
            &est.items,
            |i| shares_of(model, i.system.as_deref(), EdgeKind::PartOf, Kind::Domain),
            co2e,
        ),
        By::Site => group(&est.items, |i| one(i.site.as_deref()), co2e),
        By::Supplier => group(&est.items, |i| one(i.supplier.as_deref()), co2e),
        By::Scope => by_scope(est, basis),
    }
}

/// Sum of `f` over items, grouped by `key`: a key may take several shares of one item.
fn group(
    items: &[Item],
    key: impl Fn(&Item) -> Vec<(String, f64)>,
    f: impl Fn(&Item) -> Range,
) -> Vec<(String, Range)> {
    let mut m: BTreeMap<String, Range> = BTreeMap::new();
    for i in items {
        let v = f(i);
        for (k, share) in key(i) {
            *m.entry(k).or_default() += v.scale(share);
        }
    }
    let mut v: Vec<(String, Range)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.central.total_cmp(&a.1.central).then(a.0.cmp(&b.0)));
    v
}

fn one(k: Option<&str>) -> Vec<(String, f64)> {
    vec![(k.unwrap_or(UNATTRIBUTED).to_string(), 1.0)]
}

/// Nodes a system points at with `edge` of `kind`, shared evenly (so totals still add up).
fn shares_of(
    model: &Model,
    system: Option<&str>,
    edge: EdgeKind,
    kind: Kind,
) -> Vec<(String, f64)> {
    let targets: Vec<String> = system
        .and_then(|s| model.get(s))
        .map(|i| {
            model
                .neighbours(i, petgraph::Direction::Outgoing, &[edge])
                .into_iter()
                .filter(|n| model.node(*n).kind == kind)
                .map(|n| model.node(n).id.to_string())
                .collect()
        })
        .unwrap_or_default();
    if targets.is_empty() {
        return one(None);
    }
    let share = 1.0 / targets.len() as f64;
    targets.into_iter().map(|t| (t, share)).collect()
}

/// Operational emissions in the item's scope; T&D and embodied in scope 3.
fn by_scope(est: &Estimate, basis: Basis) -> Vec<(String, Range)> {
    let mut m: BTreeMap<String, Range> = BTreeMap::new();
    for i in &est.items {
        *m.entry(i.scope.as_str().into()).or_default() += i.operational(basis);
        *m.entry("3".into()).or_default() += i.td_co2e_kg + i.embodied_co2e_kg;
    }
    m.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::carbon::{Category, Scope};

    fn item(id: &str, system: Option<&str>, site: Option<&str>, kg: f64) -> Item {
        let mut i = Item::new(id, Category::Hosting, Scope::Two, "test", Quality::Modelled);
        i.system = system.map(NodeId::from);
        i.site = site.map(NodeId::from);
        i.operational_co2e_kg = Range::new(kg * 0.5, kg, kg * 2.0);
        i.energy_kwh = Range::exact(kg * 10.0);
        i
    }

    fn estimate(items: Vec<Item>) -> Estimate {
        Estimate {
            factor_set: "test".into(),
            items,
            not_estimated: Vec::new(),
        }
    }

    #[test]
    fn totals_system_and_node_roll_ups_agree() {
        let est = estimate(vec![
            item("resource:a", Some("system:s"), Some("site:dc"), 10.0),
            item("resource:b", Some("system:s"), None, 5.0),
            item("resource:c", None, Some("site:dc"), 1.0),
        ]);
        let t = totals(&est, Basis::Location);
        assert_eq!(t.co2e_kg.central, 16.0);
        assert_eq!(t.energy_kwh.central, 160.0);
        assert_eq!(by_system(&est)["system:s"], 15.0);
        let items = items_by_system(&est);
        assert_eq!(
            sum(items["system:s"].iter().copied(), Basis::Location).high,
            30.0
        );
        let nodes = by_node(&est, Basis::Location);
        assert_eq!(nodes["site:dc"].co2e_kg.central, 11.0);
        assert_eq!(nodes["resource:b"].energy_kwh.central, 50.0);
        assert_eq!(
            breakdown(
                &crate::model::Model::default(),
                &est,
                Basis::Location,
                By::System
            )[1],
            ("(unattributed)".to_string(), Range::new(0.5, 1.0, 2.0))
        );
        assert_eq!(by_quality(&est, Basis::Location)[0].0, "modelled");
    }
}
