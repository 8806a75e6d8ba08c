//! Cloud resources (AWS, Azure, GCP) by Cloud Carbon Footprint's method.
//!
//! Per resource, for `hours` (its running hours; default: the whole period)
//! × `count` — except storage, which exists and is billed per GB-month
//! while its machine is stopped, so a volume counts the whole period:
//! - compute kWh = vCPU-hours × (min + u × (max − min)) W / 1000 × PUE × replication,
//!   with min/max watts per vCPU for the instance's microarchitecture and u the
//!   measured utilisation, else the provider default (CCF: 50 %). AWS burstable
//!   types with no measured utilisation count vCPU-hours × baseline / default,
//!   as CCF's billing path does;
//! - memory kWh = GB-hours above the per-chip baseline × coefficient × PUE;
//! - storage kWh = TB-hours (over the whole period, not the running hours)
//!   × SSD/HDD Wh per TB-hour / 1000 × PUE × replication;
//! - embodied kgCO2e = the family host's embodied × share × hours / lifespan
//!   (share per the set's `embodied_rule`);
//! - emissions = kWh × the region's grid factor (CCF's table, or the country
//!   zone's factor for regions `cloud-regions.yaml` maps).
//!
//! Scope 3 (purchased cloud services), category `cloud`. Functions, container
//! clusters' control planes and network resources need usage data a
//! collector provides; without it they are listed as not estimated.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::factors::{Cloud, EmbodiedRule, Instance};
use super::{Category, Context, Estimate, Grid, Item, NotEstimated, Quality, Range, Scope};
use crate::inventory::Spec;
use crate::inventory::kinds::{Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec};

/// Factor ids, grids and instance rows resolved once per run (not once per
/// resource), then shared read-only by the parallel estimate.
struct Cache<'a> {
    ctx: &'a Context<'a>,
    ids: HashMap<Provider, Ids>,
    grids: HashMap<Provider, HashMap<String, Result<Grid, String>>>,
    instances: HashMap<Provider, HashMap<String, Option<Resolved<'a>>>>,
}

/// An instance row with the ids an estimate cites for it.
#[derive(Clone)]
struct Resolved<'a> {
    id: Arc<str>,
    cpu_id: Arc<str>,
    instance: &'a Instance,
}

/// The ids a provider's estimates cite, and its fixed notes.
struct Ids {
    pue: Arc<str>,
    memory: Arc<str>,
    network: Arc<str>,
    ssd: Arc<str>,
    hdd: Arc<str>,
    replication: HashMap<&'static str, Arc<str>>,
    default_utilisation_note: Arc<str>,
}

const REPLICATION_KEYS: [&str; 6] = [
    "S3",
    "EC2_EBS_VOLUME",
    "DEFAULT",
    "STORAGE_LRS",
    "STORAGE_DISKS",
    "SQL_DB",
];
const CLOUDS: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

impl<'a> Cache<'a> {
    fn new(ctx: &'a Context<'a>) -> Cache<'a> {
        let f = ctx.factors;
        let ids = CLOUDS
            .into_iter()
            .map(|p| {
                let n = p.as_str();
                let storage = f.set_of("storage.yaml");
                let rep = f.set_of("replication-factors.yaml");
                let ids = Ids {
                    pue: format!("{}/pue/{n}", f.set_of("pue.yaml")).into(),
                    memory: format!("{}/memory/{n}", f.set_of("memory.yaml")).into(),
                    network: format!("{}/network/{n}", f.set_of("network.yaml")).into(),
                    ssd: format!("{storage}/storage/{n}/ssd").into(),
                    hdd: format!("{storage}/storage/{n}/hdd").into(),
                    replication: REPLICATION_KEYS
                        .into_iter()
                        .map(|k| (k, format!("{rep}/replication/{n}/{k}").into()))
                        .collect(),
                    default_utilisation_note: format!(
                        "utilisation not measured: {:.0} % assumed",
                        f.cloud[&p].default_utilisation * 100.0
                    )
                    .into(),
                };
                (p, ids)
            })
            .collect();
        Cache {
            ctx,
            ids,
            grids: HashMap::default(),
            instances: HashMap::default(),
        }
    }

    /// Resolve what `r` needs, once per distinct region and instance type.
    fn prepare(&mut self, r: &ResourceSpec) {
        let ctx = self.ctx;
        let p = r.provider;
        if let Some(region) = &r.region {
            let grids = self.grids.entry(p).or_default();
            if !grids.contains_key(region.value.as_str()) {
                grids.insert(region.value.clone(), region_grid(ctx, p, &region.value));
            }
        }
        if let Some(t) = &r.instance_type {
            let instances = self.instances.entry(p).or_default();
            if !instances.contains_key(t.as_str()) {
                let cloud = &ctx.factors.cloud[&p];
                let resolved = lookup(cloud, p, t).map(|(key, instance)| Resolved {
                    id: format!(
                        "{}/instance/{}/{key}",
                        ctx.factors.set_of(&format!("{}-instances.csv", p.as_str())),
                        p.as_str()
                    )
                    .into(),
                    cpu_id: format!(
                        "{}/cpu-power/{}/{}",
                        ctx.factors.set_of("cpu-power.yaml"),
                        p.as_str(),
                        instance.microarchitectures
                    )
                    .into(),
                    instance,
                });
                instances.insert(t.clone(), resolved);
            }
        }
    }

    fn grid(&self, p: Provider, region: &str) -> &Result<Grid, String> {
        &self.grids[&p][region]
    }

    fn instance(&self, p: Provider, t: &str) -> Option<&Resolved<'a>> {
        self.instances
            .get(&p)
            .and_then(|m| m.get(t))
            .and_then(Option::as_ref)
    }
}

pub fn estimate(ctx: &Context<'_>, est: &mut Estimate) {
    use rayon::prelude::*;
    let resources: Vec<(petgraph::stable_graph::NodeIndex, &ResourceSpec)> =
        super::declared(ctx.model, crate::inventory::Kind::Resource)
            .filter_map(|i| match &ctx.model.node(i).spec {
                Some(Spec::Resource(r))
                    if matches!(r.provider, Provider::Aws | Provider::Azure | Provider::Gcp) =>
                {
                    Some((i, r.as_ref()))
                }
                _ => None,
            })
            .collect();
    let mut cache = Cache::new(ctx);
    for (_, r) in &resources {
        cache.prepare(r);
    }
    let cache = &cache;
    // Items straight into their vector (in declaration order), without moving them twice.
    let (mut items, mut failed): (Vec<Item>, Vec<NotEstimated>) =
        resources.par_iter().partition_map(|(idx, r)| {
            let node = ctx.model.node(*idx);
            match resource(cache, &node.id, r) {
                Ok(mut item) => {
                    item.system = super::system_of(ctx.model, *idx);
                    rayon::iter::Either::Left(item)
                }
                Err(reason) => rayon::iter::Either::Right(NotEstimated {
                    id: node.id.clone(),
                    reason,
                }),
            }
        });
    if est.items.is_empty() {
        est.items = items;
    } else {
        est.items.append(&mut items);
    }
    est.not_estimated.append(&mut failed);
}

const UNKNOWN_CPU: &str = "CPU microarchitecture unknown to the factor set: provider average watts, range over known microarchitectures";

/// The grid of a cloud region: the country zone's factor where the set maps
/// the region to one, else the provider's regional factor.
pub fn region_grid(ctx: &Context<'_>, provider: Provider, region: &str) -> Result<Grid, String> {
    let key = format!("{}:{region}", provider.as_str());
    if let Some(zone) = ctx.factors.region_zones.get(&key)
        && let Some(g) = ctx.zone_grid(zone, 0.0)
    {
        return Ok(g);
    }
    let cloud = &ctx.factors.cloud[&provider];
    match cloud.grid.get(region) {
        Some(f) => Ok(Grid {
            generation: Range::exact(*f),
            td: Range::ZERO,
            renewable_share: 0.0,
            factor_ids: vec![
                format!("{}/grid/{key}", ctx.factors.set_of("grid-factors.csv")).into(),
            ],
        }),
        None => Err(format!(
            "no grid factor for {} region `{region}`",
            provider.as_str()
        )),
    }
}

/// The instance table row for a type, with the key it was found under.
fn lookup<'a>(
    cloud: &'a Cloud,
    provider: Provider,
    instance_type: &str,
) -> Option<(String, &'a Instance)> {
    let t = instance_type.to_ascii_lowercase();
    let candidates: Vec<String> = match provider {
        // RDS and ElastiCache classes resolve to the EC2 type.
        Provider::Aws => vec![
            t.clone(),
            t.trim_start_matches("db.")
                .trim_start_matches("cache.")
                .to_string(),
        ],
        // ARM size names (`Standard_D4s_v5`) and meter names (`D4s v5`).
        Provider::Azure => vec![
            t.clone(),
            t.trim_start_matches("standard_").replace('_', " "),
        ],
        _ => vec![t],
    };
    candidates
        .into_iter()
        .find_map(|c| cloud.instances.get(&c).map(|i| (c, i)))
}

fn resource(cache: &Cache<'_>, id: &str, r: &ResourceSpec) -> Result<Item, String> {
    let ctx = cache.ctx;
    let provider = r.provider;
    let cloud = &ctx.factors.cloud[&provider];
    let Some(region) = r.region.as_ref().map(|s| s.value.as_str()) else {
        return Err("cloud resource with no `region`: its grid cannot be located".into());
    };
    let grid = cache
        .grid(provider, region)
        .as_ref()
        .map_err(Clone::clone)?;
    let count = r.count.as_ref().map_or(1.0, |c| f64::from(c.value));
    let hours = r.hours.as_ref().map_or(ctx.hours, |h| h.value) * count;
    let pue = cloud
        .pue_by_region
        .get(region)
        .copied()
        .unwrap_or(cloud.pue);
    let p = provider.as_str();
    let mut item = Item::new(id, Category::Cloud, Scope::Three, "ccf", Quality::Modelled);
    item.factors.push(cache.ids[&provider].pue.clone());
    item.factors.extend(grid.factor_ids.iter().cloned());
    let mut kwh = Range::ZERO;

    let has_instance = matches!(
        r.resource_type,
        ResourceType::Compute | ResourceType::Database | ResourceType::ContainerCluster
    ) && r.instance_type.is_some();
    if has_instance {
        let t = r.instance_type.as_deref().unwrap_or_default();
        match cache.instance(provider, t) {
            Some(resolved) => {
                let inst = resolved.instance;
                item.factors.push(resolved.id.clone());
                item.factors.push(resolved.cpu_id.clone());
                let ids = &cache.ids[&provider];
                kwh += instance(ctx, &mut item, r, inst, cloud, ids, pue, hours);
                if item.energy_parts.memory > 0.0 {
                    item.factors.push(cache.ids[&provider].memory.clone());
                }
            }
            None if provider == Provider::Azure
                && r.resource_type == ResourceType::Database
                && vcore_sku(t).is_some() =>
            {
                kwh += vcores(
                    ctx,
                    &mut item,
                    r,
                    cloud,
                    &cache.ids[&provider],
                    vcore_sku(t).unwrap_or(0),
                    pue,
                    hours,
                );
            }
            None if r.storage.is_empty() => {
                return Err(format!(
                    "unknown {p} instance type `{t}` (not in the factor set's instance table)"
                ));
            }
            None => item
                .notes
                .push(format!("compute not estimated: unknown instance type `{t}`").into()),
        }
    } else if r.storage.is_empty() {
        let what = r.resource_type.as_str();
        return Err(match r.resource_type {
            ResourceType::Compute | ResourceType::Database => {
                format!("{what} resource with no `instance_type`")
            }
            _ => format!(
                "{what} resource: no activity data (usage comes from a collector or billing export)"
            ),
        });
    }
    // A volume exists while its machine is stopped: the period, not the running hours.
    let storage_hours = ctx.hours * count;
    let mut storage = 0.0;
    for s in &r.storage {
        storage += storage_kwh(cache, &mut item, r, s, cloud, pue, storage_hours);
    }
    item.energy_parts.storage = storage;
    kwh += Range::exact(storage);
    if let Some(gb) = r.network_gb.filter(|g| *g > 0.0) {
        // Data sent out of the region: GB × kWh/GB × PUE (no replication).
        item.factors.push(cache.ids[&provider].network.clone());
        item.energy_parts.network = gb * cloud.network_kwh_per_gb * pue;
        kwh += Range::exact(item.energy_parts.network);
    }
    item.add_electricity(kwh, grid);
    Ok(item)
}

/// Compute, memory and embodied of an instance; returns its kWh.
#[allow(clippy::too_many_arguments)]
fn instance(
    ctx: &Context<'_>,
    item: &mut Item,
    r: &ResourceSpec,
    inst: &Instance,
    cloud: &Cloud,
    ids: &Ids,
    pue: f64,
    hours: f64,
) -> Range {
    // Utilisation and vCPU-hours.
    let (u, vcpu_hours) = match &r.utilisation {
        Some(m) => {
            item.quality = Quality::Measured;
            let s = ctx.factors.measured_utilisation_spread;
            let u = Range::new((m.value - s).max(0.0), m.value, (m.value + s).min(1.0));
            (
                u,
                inst.vcpus
                    .unwrap_or(inst.ccf_vcpu_hours_per_hour.unwrap_or(0.0))
                    * hours,
            )
        }
        None => {
            let (lo, hi) = ctx.factors.unknown_utilisation;
            let d = cloud.default_utilisation;
            item.notes.push(ids.default_utilisation_note.clone());
            (
                Range::new(lo.min(d), d, hi.max(d)),
                inst.ccf_vcpu_hours_per_hour.unwrap_or(0.0) * hours,
            )
        }
    };
    // Watts per vCPU at each bound: an unknown microarchitecture spans the provider's known ones.
    let w = if inst.fallback_watts {
        item.notes.push(UNKNOWN_CPU.into());
        unknown_cpu_watts(cloud, (inst.min_watts, inst.max_watts), u)
    } else {
        u.map(|u| watts(inst.min_watts, inst.max_watts, u))
    };
    let compute = w.scale(vcpu_hours / 1000.0 * pue);
    let memory = inst.memory_gb_hours_per_hour * hours * cloud.memory_kwh_per_gb_hour * pue;
    item.energy_parts.compute = compute.central;
    item.energy_parts.memory = memory;
    let per_hour = match ctx.factors.embodied_rule {
        EmbodiedRule::CcfCode => inst.embodied_code_kg_per_hour,
        EmbodiedRule::Methodology => inst.embodied_methodology_kg_per_hour,
    };
    match per_hour {
        Some(k) => item.embodied_co2e_kg += Range::exact(k * hours),
        None => item
            .notes
            .push("no embodied figure for this instance type".into()),
    }
    compute + Range::exact(memory)
}

/// Watts per vCPU at utilisation `u`, linear between idle and full load.
fn watts(min: f64, max: f64, u: f64) -> f64 {
    min + u * (max - min)
}

/// Watts per vCPU when the microarchitecture is unknown: central from the
/// provider average `(min, max)`, low and high over every known microarchitecture.
fn unknown_cpu_watts(cloud: &Cloud, average: (f64, f64), u: Range) -> Range {
    let pairs = cloud
        .microarch_watts
        .iter()
        .chain(std::iter::once(&average));
    let low = pairs
        .clone()
        .map(|(a, b)| watts(*a, *b, u.low))
        .fold(f64::INFINITY, f64::min);
    let high = pairs
        .map(|(a, b)| watts(*a, *b, u.high))
        .fold(0.0, f64::max);
    Range::new(low, watts(average.0, average.1, u.central), high)
}

/// The vCores of an Azure SQL vCore SKU (`GP_Gen5_4`, `BC_Gen5_8`, `HS_Gen5_2`).
fn vcore_sku(t: &str) -> Option<u32> {
    let mut parts = t.split('_');
    let tier = parts.next()?;
    let _hardware = parts.next()?;
    let n: u32 = parts.next()?.parse().ok()?;
    (["GP", "BC", "HS"].contains(&tier.to_ascii_uppercase().as_str())
        && parts.next().is_none()
        && n > 0)
        .then_some(n)
}

/// Azure SQL Database on vCores, as CCF bills it: vCore-hours at the
/// provider's average watts (the hardware is not known per vCore), × PUE ×
/// the `SQL Database` replication factor; no memory or embodied figures.
#[allow(clippy::too_many_arguments)]
fn vcores(
    ctx: &Context<'_>,
    item: &mut Item,
    r: &ResourceSpec,
    cloud: &Cloud,
    ids: &Ids,
    n: u32,
    pue: f64,
    hours: f64,
) -> Range {
    let (min, max) = cloud.fallback_watts;
    let u = match &r.utilisation {
        Some(m) => {
            item.quality = Quality::Measured;
            let s = ctx.factors.measured_utilisation_spread;
            Range::new((m.value - s).max(0.0), m.value, (m.value + s).min(1.0))
        }
        None => {
            item.notes.push(ids.default_utilisation_note.clone());
            let (lo, hi) = ctx.factors.unknown_utilisation;
            let d = cloud.default_utilisation;
            Range::new(lo.min(d), d, hi.max(d))
        }
    };
    let w = unknown_cpu_watts(cloud, (min, max), u);
    let replication = cloud.replication.get("SQL_DB").copied().unwrap_or(1.0);
    item.cite(ids.replication["SQL_DB"].clone());
    item.notes.push(format!("Azure SQL vCore SKU: {n} vCores at the provider's average watts, replication {replication}").into());
    let compute = w.scale(f64::from(n) * hours / 1000.0 * pue * replication);
    item.energy_parts.compute = compute.central;
    compute
}

/// The replication factor CCF applies to a storage volume of this resource.
fn replication(r: &ResourceSpec, cloud: &Cloud) -> (f64, &'static str) {
    let c = |k: &'static str| (cloud.replication.get(k).copied().unwrap_or(1.0), k);
    match (r.provider, r.resource_type) {
        (Provider::Aws, ResourceType::Storage) => c("S3"),
        (Provider::Aws, ResourceType::Compute | ResourceType::ContainerCluster) => {
            c("EC2_EBS_VOLUME")
        }
        (Provider::Aws, ResourceType::Database) => c("DEFAULT"),
        (Provider::Azure, ResourceType::Storage) => c("STORAGE_LRS"),
        (Provider::Azure, ResourceType::Compute | ResourceType::ContainerCluster) => {
            c("STORAGE_DISKS")
        }
        (Provider::Azure, ResourceType::Database) => c("SQL_DB"),
        _ => (1.0, "DEFAULT"),
    }
}

/// TB-hours × Wh per TB-hour / 1000 × PUE × replication.
fn storage_kwh(
    cache: &Cache<'_>,
    item: &mut Item,
    r: &ResourceSpec,
    s: &StorageSpec,
    cloud: &Cloud,
    pue: f64,
    hours: f64,
) -> f64 {
    let (wh_per_tb_hour, id) = match s.class {
        StorageClass::Ssd => (cloud.ssd_wh_per_tb_hour, cache.ids[&r.provider].ssd.clone()),
        StorageClass::Hdd | StorageClass::Archive => {
            (cloud.hdd_wh_per_tb_hour, cache.ids[&r.provider].hdd.clone())
        }
    };
    item.cite(id);
    let rep = match s.replication {
        Some(n) => f64::from(n),
        None => {
            let (rep, key) = replication(r, cloud);
            item.cite(cache.ids[&r.provider].replication[key].clone());
            rep
        }
    };
    s.size_gb * hours / 1000.0 * wh_per_tb_hour * pue * rep / 1000.0
}
