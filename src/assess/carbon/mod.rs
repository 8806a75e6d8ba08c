//! The carbon engine: energy and emissions of every resource, device fleet
//! and service in the estate, each with low/central/high, its method, its
//! GHG scope and category, and the ids of the factors it used.
//!
//! Methods, one file each:
//! - `cloud`: Cloud Carbon Footprint's method for AWS, Azure and GCP
//!   resources (compute, memory, storage, embodied);
//! - `onprem`: servers from measured power or a spec model × the site's PUE;
//!   VMs take their host's share by vCPU; storage and network by rated power;
//! - `devices`: end-user device fleets, embodied amortised over lifetime plus
//!   use-phase electricity;
//! - `services`: SaaS and services from contract spend (the lowest-quality
//!   method), or the supplier's own reported figure.
//!
//! Ranges: every input is a [`Range`]; each bound is computed from the same
//! bound of every input (see `range`). Where the ranges come from: unknown
//! utilisation spans the set's `unknown_utilisation` (default 10–90 %),
//! measured utilisation ± `measured_utilisation_spread` (default 5 points);
//! an unknown CPU microarchitecture spans the lowest and highest watts of
//! the provider's known ones; a grid factor from another year than the
//! period widens by `grid_vintage_spread_per_year` per year; device, server
//! and spend factors carry the low/high their sources give.
//!
//! Nothing is dropped: whatever cannot be estimated is listed in
//! `not_estimated` with the reason. Totals and breakdowns of an estimate
//! are computed in `rollup`, and only there.

pub mod cloud;
pub mod devices;
pub mod factors;
pub mod onprem;
pub mod range;
pub mod rollup;
pub mod services;

use std::sync::Arc;

use serde::Serialize;

pub use factors::FactorSet;
pub use range::Range;
pub use rollup::by_system;

use crate::model::Period;
use crate::model::{Model, NodeId};

/// Which electricity emissions to show: grid average, or after contractual instruments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    #[default]
    Location,
    Market,
}

/// Categories of UK public sector ICT footprint reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    EndUserDevices,
    Print,
    Network,
    DataCentre,
    Hosting,
    Cloud,
    SaasServices,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::EndUserDevices => "end-user-devices",
            Category::Print => "print",
            Category::Network => "network",
            Category::DataCentre => "data-centre",
            Category::Hosting => "hosting",
            Category::Cloud => "cloud",
            Category::SaasServices => "saas-services",
        }
    }
}

/// GHG Protocol scope of an item's operational emissions (embodied and
/// transmission losses are always scope 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Scope {
    #[serde(rename = "2")]
    Two,
    #[serde(rename = "3")]
    Three,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Two => "2",
            Scope::Three => "3",
        }
    }
}

/// How good the activity data behind an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quality {
    Measured,
    Modelled,
    SupplierReported,
    SpendBased,
}

/// One estimated thing.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub id: NodeId,
    pub system: Option<NodeId>,
    pub category: Category,
    pub scope: Scope,
    pub method: &'static str,
    pub quality: Quality,
    pub site: Option<NodeId>,
    pub supplier: Option<NodeId>,
    /// IT plus facility energy (PUE applied).
    pub energy_kwh: Range,
    /// Grid electricity emissions, location-based.
    pub operational_co2e_kg: Range,
    /// The same after renewable tariffs (market-based).
    pub operational_market_co2e_kg: Range,
    /// Transmission and distribution losses of that electricity (scope 3).
    pub td_co2e_kg: Range,
    pub embodied_co2e_kg: Range,
    /// Central energy by component, kWh with PUE.
    pub energy_parts: Parts,
    /// Ids of the factors used (shared strings: many items cite the same factor).
    pub factors: Vec<Arc<str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Arc<str>>,
}

impl Item {
    pub fn new(
        id: &str,
        category: Category,
        scope: Scope,
        method: &'static str,
        quality: Quality,
    ) -> Item {
        Item {
            id: id.into(),
            system: None,
            category,
            scope,
            method,
            quality,
            site: None,
            supplier: None,
            energy_kwh: Range::ZERO,
            operational_co2e_kg: Range::ZERO,
            operational_market_co2e_kg: Range::ZERO,
            td_co2e_kg: Range::ZERO,
            embodied_co2e_kg: Range::ZERO,
            energy_parts: Default::default(),
            factors: Vec::with_capacity(8),
            notes: Vec::new(),
        }
    }

    pub fn operational(&self, basis: Basis) -> Range {
        match basis {
            Basis::Location => self.operational_co2e_kg,
            Basis::Market => self.operational_market_co2e_kg,
        }
    }

    /// Everything the item emits on a basis: operational + T&D + embodied.
    pub fn co2e(&self, basis: Basis) -> Range {
        self.operational(basis) + self.td_co2e_kg + self.embodied_co2e_kg
    }

    /// Share this item: the same item scaled by `k` (used to split a host among its VMs).
    pub fn scaled(&self, k: f64) -> Item {
        let mut i = self.clone();
        i.energy_kwh = i.energy_kwh.scale(k);
        i.operational_co2e_kg = i.operational_co2e_kg.scale(k);
        i.operational_market_co2e_kg = i.operational_market_co2e_kg.scale(k);
        i.td_co2e_kg = i.td_co2e_kg.scale(k);
        i.embodied_co2e_kg = i.embodied_co2e_kg.scale(k);
        i.energy_parts = Parts {
            compute: i.energy_parts.compute * k,
            memory: i.energy_parts.memory * k,
            storage: i.energy_parts.storage * k,
            network: i.energy_parts.network * k,
        };
        i
    }

    /// Record that a factor was used (once).
    pub fn cite(&mut self, id: impl Into<Arc<str>>) {
        let id = id.into();
        if !self.factors.contains(&id) {
            self.factors.push(id);
        }
    }

    /// Add electricity: kWh (facility), with the grid factor (location),
    /// the renewable share for market-based, and the T&D factor.
    pub fn add_electricity(&mut self, kwh: Range, grid: &Grid) {
        self.energy_kwh += kwh;
        let op = kwh * grid.generation;
        self.operational_co2e_kg += op;
        self.operational_market_co2e_kg += op.scale(1.0 - grid.renewable_share);
        self.td_co2e_kg += kwh * grid.td;
    }
}

/// Central energy of a cloud resource by component, kWh (PUE included).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Parts {
    pub compute: f64,
    pub memory: f64,
    pub storage: f64,
    pub network: f64,
}

/// The grid an item draws from, resolved for the period.
#[derive(Clone, Debug)]
pub struct Grid {
    pub generation: Range,
    pub td: Range,
    pub renewable_share: f64,
    pub factor_ids: Vec<Arc<str>>,
}

/// Something in the estate that could not be estimated, and why.
#[derive(Clone, Debug, Serialize)]
pub struct NotEstimated {
    pub id: NodeId,
    pub reason: String,
}

/// The whole estimate.
#[derive(Debug, Serialize)]
pub struct Estimate {
    pub factor_set: String,
    pub items: Vec<Item>,
    pub not_estimated: Vec<NotEstimated>,
}

/// What the estimate is for.
pub struct Context<'a> {
    pub model: &'a Model,
    pub factors: &'a FactorSet,
    pub period: Period,
    /// Hours in the period.
    pub hours: f64,
    /// The period in years (days / 365.25).
    pub years: f64,
    /// The calendar year with most days in the period: the grid factors' year.
    pub year: i32,
    /// The estate's currency.
    pub currency: &'a str,
}

impl<'a> Context<'a> {
    pub fn new(
        model: &'a Model,
        factors: &'a FactorSet,
        period: Period,
        currency: &'a str,
    ) -> Context<'a> {
        use chrono::Datelike;
        let days = (period.end.0 - period.start.0).num_days() as f64 + 1.0;
        let mut by_year: std::collections::BTreeMap<i32, i64> = Default::default();
        let mut d = period.start.0;
        while d <= period.end.0 {
            let year_end = chrono::NaiveDate::from_ymd_opt(d.year(), 12, 31).expect("valid");
            let end = year_end.min(period.end.0);
            *by_year.entry(d.year()).or_default() += (end - d).num_days() + 1;
            d = end + chrono::Days::new(1);
        }
        let year = by_year
            .iter()
            .max_by_key(|(y, n)| (**n, -**y))
            .map(|(y, _)| *y)
            .unwrap_or(period.start.0.year());
        Context {
            model,
            factors,
            period,
            hours: days * 24.0,
            years: days / 365.25,
            year,
            currency,
        }
    }

    /// The grid of a country zone (`GB`) for the period's year, if the set has one.
    pub fn zone_grid(&self, zone: &str, renewable_share: f64) -> Option<Grid> {
        let (g, gap) = self.factors.grid_for(zone, self.year)?;
        let widen = self.factors.grid_vintage_spread_per_year * f64::from(gap);
        let set = self.factors.set_of("grid.yaml");
        Some(Grid {
            generation: Range::plus_minus(g.generation, widen),
            td: Range::plus_minus(g.td, widen),
            renewable_share,
            factor_ids: vec![format!("{set}/grid/{}/{}", g.zone, g.year).into()],
        })
    }
}

/// Estimate every resource, fleet and service in the model.
pub fn estimate(ctx: &Context<'_>) -> Estimate {
    let mut est = Estimate {
        factor_set: ctx.factors.name.clone(),
        items: Vec::new(),
        not_estimated: Vec::new(),
    };
    cloud::estimate(ctx, &mut est);
    onprem::estimate(ctx, &mut est);
    devices::estimate(ctx, &mut est);
    services::estimate(ctx, &mut est);
    est
}

/// The system a resource serves: the first found running on it, directly or
/// through what runs on it (a VM on a host).
pub fn system_of(model: &Model, idx: petgraph::stable_graph::NodeIndex) -> Option<NodeId> {
    use petgraph::visit::EdgeRef;
    let runs_on = |n| {
        model
            .graph
            .edges_directed(n, petgraph::Direction::Incoming)
            .filter(|e| e.weight().kind == crate::model::EdgeKind::RunsOn)
    };
    // Most resources have their system directly, or nothing at all.
    let mut direct = runs_on(idx).peekable();
    direct.peek()?;
    if let Some(e) =
        runs_on(idx).find(|e| model.node(e.source()).kind == crate::inventory::Kind::System)
    {
        return Some(model.node(e.source()).id.clone());
    }
    let mut stack = vec![idx];
    let mut seen = vec![idx];
    while let Some(n) = stack.pop() {
        for e in model.graph.edges_directed(n, petgraph::Direction::Incoming) {
            if e.weight().kind != crate::model::EdgeKind::RunsOn || seen.contains(&e.source()) {
                continue;
            }
            let src = model.node(e.source());
            if src.kind == crate::inventory::Kind::System {
                return Some(src.id.clone());
            }
            seen.push(e.source());
            stack.push(e.source());
        }
    }
    None
}

/// Nodes of a kind in the order they were declared (files in path order).
pub fn declared(
    model: &Model,
    kind: crate::inventory::Kind,
) -> impl Iterator<Item = petgraph::stable_graph::NodeIndex> + '_ {
    model
        .graph
        .node_indices()
        .filter(move |i| model.node(*i).kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Sources;
    use crate::inventory::{Date, Inventory, load::load_text};

    fn model(yaml: &str) -> Model {
        let mut inv = Inventory::default();
        load_text(&mut inv, "t.yaml".into(), yaml.to_string(), &mut Vec::new());
        let (m, ds) = crate::model::build(inv);
        assert_eq!(ds.errors(), 0, "{:?}", ds.items);
        m
    }

    fn year_2025() -> Period {
        Period {
            start: Date::parse("2025-01-01").unwrap(),
            end: Date::parse("2025-12-31").unwrap(),
        }
    }

    fn run(set: &str, yaml: &str) -> Estimate {
        let factors =
            factors::load(set, None, &mut Sources::default()).expect("built-in set loads");
        let m = model(yaml);
        let ctx = Context::new(&m, &factors, year_2025(), "GBP");
        estimate(&ctx)
    }

    fn item<'a>(e: &'a Estimate, id: &str) -> &'a Item {
        e.items
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("no item {id}: {:?}", e.not_estimated))
    }

    const DOC: &str = "apiVersion: estate/v1\n";

    #[test]
    fn ccf_compute_matches_the_hand_calculation() {
        // m5.large (Skylake 0.65–4.26 W/vCPU), 720 h, 50 %: 2 × 720 × (0.65 + 0.5 × 3.61) / 1000 × 1.135.
        let e = run(
            "ccf",
            &format!(
                "{DOC}kind: Resource\nmetadata: {{name: a}}\nspec: {{type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, hours: 720}}\n"
            ),
        );
        let a = item(&e, "resource:a");
        assert!(
            (a.energy_parts.compute - 4.012452).abs() < 1e-9,
            "{:?}",
            a.energy_parts
        );
        assert_eq!(a.scope, Scope::Three);
        assert_eq!(a.category, Category::Cloud);
        assert!(
            a.factors.iter().any(|f| &**f == "ccf/pue/aws"),
            "{:?}",
            a.factors
        );
        assert!(a.co2e(Basis::Location).is_ordered());
    }

    #[test]
    fn a_stopped_instance_s_volumes_count_the_whole_period() {
        // Issue 20 item 10: `hours` are running hours; a volume exists (and is
        // billed) while its machine is stopped. 100 GB SSD, replication 1,
        // 2025 (8,760 h): 100 × 8760 / 1000 × 1.2 Wh/TB-h × PUE 1.135 / 1000.
        let yaml = |hours: &str| {
            format!(
                "{DOC}kind: Resource\nmetadata: {{name: a}}\nspec: {{type: compute, provider: aws, region: eu-west-2, instance_type: m5.large{hours}, storage: [{{class: ssd, size_gb: 100, replication: 1}}]}}\n"
            )
        };
        for hours in [", hours: 0", ", hours: 720", ""] {
            let e = run("ccf", &yaml(hours));
            let a = item(&e, "resource:a");
            assert!(
                (a.energy_parts.storage - 1.193112).abs() < 1e-9,
                "{hours}: {:?}",
                a.energy_parts
            );
            if hours == ", hours: 0" {
                assert_eq!(a.energy_parts.compute, 0.0);
                assert!(
                    a.co2e(Basis::Location).central > 0.0,
                    "its disk still emits"
                );
            }
        }
    }

    #[test]
    fn measured_utilisation_narrows_the_range() {
        let yaml = |u: &str| {
            format!(
                "{DOC}kind: Resource\nmetadata: {{name: a}}\nspec: {{type: compute, provider: aws, region: eu-west-2, instance_type: m5.large{u}}}\n"
            )
        };
        let default = run("default", &yaml(""));
        let measured = run("default", &yaml(", utilisation: 0.5"));
        let (d, m) = (
            item(&default, "resource:a").energy_kwh,
            item(&measured, "resource:a").energy_kwh,
        );
        assert!((d.central - m.central).abs() < 1e-9, "same central at 50 %");
        assert!(
            m.spread() < d.spread() / 4.0,
            "measured {m:?} vs default {d:?}"
        );
        assert_eq!(item(&measured, "resource:a").quality, Quality::Measured);
    }

    #[test]
    fn the_default_set_puts_uk_regions_on_the_uk_grid_and_shares_embodied_by_vcpu() {
        let yaml = format!(
            "{DOC}kind: Resource\nmetadata: {{name: a}}\nspec: {{type: compute, provider: aws, region: eu-west-2, instance_type: m5.large}}\n"
        );
        let ccf = run("ccf", &yaml);
        let def = run("default", &yaml);
        let (c, d) = (item(&ccf, "resource:a"), item(&def, "resource:a"));
        assert!(
            d.factors
                .iter()
                .any(|f| f.starts_with("common/grid/GB/2025")),
            "{:?}",
            d.factors
        );
        assert!(
            c.factors.iter().any(|f| &**f == "ccf/grid/aws:eu-west-2"),
            "{:?}",
            c.factors
        );
        // Methodology embodied = code embodied × the instance's vCPUs (2 for m5.large).
        assert!((d.embodied_co2e_kg.central / c.embodied_co2e_kg.central - 2.0).abs() < 1e-9);
    }

    #[test]
    fn azure_sql_vcores_are_estimated_as_ccf_does() {
        // 4 vCores × 720 h × (0.74 + 0.5 × (3.54 − 0.74)) W / 1000 × PUE 1.185 × replication 3.
        let e = run(
            "ccf",
            &format!(
                "{DOC}kind: Resource\nmetadata: {{name: db}}\nspec: {{type: database, provider: azure, region: uksouth, instance_type: GP_Gen5_4, hours: 720}}\n"
            ),
        );
        let db = item(&e, "resource:db");
        let want = 4.0 * 720.0 * (0.74 + 0.5 * (3.54 - 0.74)) / 1000.0 * 1.185 * 3.0;
        assert!(
            (db.energy_parts.compute - want).abs() < 1e-9,
            "{} vs {want}",
            db.energy_parts.compute
        );
        assert!(
            db.energy_kwh.low < db.energy_kwh.central && db.energy_kwh.central < db.energy_kwh.high
        );
    }

    #[test]
    fn unknown_instance_types_are_listed_not_dropped() {
        let e = run(
            "default",
            &format!(
                "{DOC}kind: Resource\nmetadata: {{name: a}}\nspec: {{type: compute, provider: aws, region: eu-west-2, instance_type: zz9.huge}}\n"
            ),
        );
        assert!(e.items.is_empty());
        assert!(
            e.not_estimated[0]
                .reason
                .contains("unknown aws instance type `zz9.huge`"),
            "{:?}",
            e.not_estimated
        );
    }

    #[test]
    fn vms_share_their_host_by_vcpu_and_the_rest_is_idle() {
        let yaml = format!(
            "{DOC}kind: Site\nmetadata: {{name: dc}}\nspec: {{type: server-room, country: GB, pue: 2.0}}\n---\n{DOC}kind: Resource\nmetadata: {{name: host}}\nspec: {{type: compute, provider: on-prem, site: site:dc, cpu: {{sockets: 2, cores: 10, threads: 20}}, power: {{idle_w: 100, max_w: 300}}, utilisation: 0.5}}\n---\n{DOC}kind: Resource\nmetadata: {{name: vm1}}\nspec: {{type: compute, provider: on-prem, host: resource:host, vcpus: 10}}\n---\n{DOC}kind: Resource\nmetadata: {{name: vm2}}\nspec: {{type: compute, provider: on-prem, host: resource:host, vcpus: 20}}\n"
        );
        let e = run("default", &yaml);
        let host = item(&e, "resource:host");
        let (v1, v2) = (item(&e, "resource:vm1"), item(&e, "resource:vm2"));
        // 200 W × 8760 h × PUE 2 = 3504 kWh, split 10/40, 20/40 and 10/40 idle.
        let total = host.energy_kwh.central + v1.energy_kwh.central + v2.energy_kwh.central;
        assert!((total - 3504.0).abs() < 1e-6, "{total}");
        assert!((v1.energy_kwh.central - 876.0).abs() < 1e-6);
        assert!((v2.energy_kwh.central - 1752.0).abs() < 1e-6);
        assert!(
            host.notes
                .iter()
                .any(|n| n.contains("idle capacity: 25.0 %")),
            "{:?}",
            host.notes
        );
        assert_eq!(v1.scope, Scope::Two);
        assert_eq!(v1.category, Category::DataCentre);
    }

    #[test]
    fn renewable_tariffs_lower_market_based_only() {
        let yaml = format!(
            "{DOC}kind: Site\nmetadata: {{name: colo}}\nspec: {{type: colocation, country: GB, pue: 1.5, renewable_share: 1.0}}\n---\n{DOC}kind: Resource\nmetadata: {{name: sw}}\nspec: {{type: network, provider: on-prem, site: site:colo, rated_w: 100}}\n"
        );
        let e = run("default", &yaml);
        let sw = item(&e, "resource:sw");
        assert!(sw.operational_co2e_kg.central > 0.0);
        assert_eq!(sw.operational_market_co2e_kg.central, 0.0);
        assert_eq!(sw.category, Category::Hosting);
        assert_eq!(sw.scope, Scope::Three);
    }

    #[test]
    fn device_embodied_is_amortised_only_within_lifetime() {
        let fleet = |year: u32| {
            format!(
                "{DOC}kind: DeviceFleet\nmetadata: {{name: f}}\nspec: {{category: laptop, model: L, count: 100, purchase_year: {year}, lifetime: 4y, embodied_co2e_kg: 300, use_kwh_per_year: 20}}\n"
            )
        };
        let new = run("default", &fleet(2024));
        let old = run("default", &fleet(2019));
        // 100 × 300 kg / 4 years × 1 year.
        assert!(
            (item(&new, "device-fleet:f").embodied_co2e_kg.central - 7500.0 * 365.0 / 365.25).abs()
                < 1e-6
        );
        assert_eq!(item(&old, "device-fleet:f").embodied_co2e_kg.central, 0.0);
        // Use: 100 × 20 kWh.
        assert!(
            (item(&old, "device-fleet:f").energy_kwh.central - 2000.0 * 365.0 / 365.25).abs()
                < 1e-6
        );
    }

    #[test]
    fn spend_based_services_skip_what_activity_covers() {
        let yaml = format!(
            "{DOC}kind: Supplier\nmetadata: {{name: s}}\nspec: {{category: saas}}\n---\n{DOC}kind: Supplier\nmetadata: {{name: aws}}\nspec: {{category: cloud}}\n---\n{DOC}kind: Contract\nmetadata: {{name: c}}\nspec: {{supplier: supplier:s, value: 30000, annual_value: 10000, start: 2024-07-01, end: 2027-06-30}}\n---\n{DOC}kind: Contract\nmetadata: {{name: k}}\nspec: {{supplier: supplier:aws, value: 1000, start: 2025-01-01, end: 2025-12-31}}\n---\n{DOC}kind: System\nmetadata: {{name: a}}\nspec: {{contract: contract:c}}\n"
        );
        let e = run("default", &yaml);
        let c = item(&e, "contract:c");
        assert_eq!(c.quality, Quality::SpendBased);
        assert_eq!(c.system.as_deref(), Some("system:a"));
        assert!(c.notes[0].starts_with("9993.16 GBP"), "{:?}", c.notes);
        assert!(
            e.not_estimated
                .iter()
                .any(|n| n.id == "contract:k" && n.reason.starts_with("cloud supplier"))
        );
    }
}
