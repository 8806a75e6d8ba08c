//! On-prem infrastructure: servers, the VMs on them, storage arrays and
//! network devices, in the estate's own server rooms or in colocation.
//!
//! A server's average draw is its measured power where known (`measured_w`,
//! or a Prometheus exporter via a collector), else `idle + u × (max − idle)`
//! from its declared `power`, else from a spec model of its CPU cores,
//! memory and drives (common/onprem.yaml). Facility energy = draw × hours ×
//! the site's PUE; emissions = kWh × the site country's grid factor for the
//! period's year (market-based: × (1 − renewable share)). A VM takes its
//! host's energy and embodied emissions in proportion to its vCPUs over the
//! host's threads; what no VM takes stays with the host as idle capacity.
//! Storage and network devices: rated power × a load factor. Servers carry
//! embodied emissions amortised over their lifetime.
//!
//! Owned server rooms and datacentres are scope 2, category `data-centre`
//! (network devices: `network`); colocation is scope 3, `hosting`.

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use super::{Category, Context, Estimate, Grid, Item, NotEstimated, Quality, Range, Scope};
use crate::inventory::kinds::{
    Provider, ResourceSpec, ResourceType, SiteSpec, SiteType, StorageClass,
};
use crate::inventory::{Kind, Spec};

/// Where a resource is: its site's id, spec, PUE and grid.
struct Place<'a> {
    site: Option<(&'a str, &'a SiteSpec)>,
    pue: Range,
    grid: Result<Grid, String>,
}

fn place<'a>(
    ctx: &'a Context<'_>,
    r: &'a ResourceSpec,
    host: Option<&'a ResourceSpec>,
) -> Place<'a> {
    let site_ref = r.site.as_ref().or(host.and_then(|h| h.site.as_ref()));
    let site = site_ref.and_then(|s| {
        let idx = ctx.model.get(&s.value.id())?;
        let node = ctx.model.node(idx);
        match &node.spec {
            Some(Spec::Site(spec)) => Some((node.id.as_str(), spec)),
            _ => None,
        }
    });
    let onprem = &ctx.factors.onprem;
    let (pue, country, renewable) = match site {
        Some((_, s)) => (
            s.pue
                .as_ref()
                .map_or(onprem.default_pue, |p| Range::exact(p.value)),
            s.country.value.as_str(),
            s.renewable_share.as_ref().map_or(0.0, |r| r.value),
        ),
        None => (onprem.default_pue, "GB", 0.0),
    };
    let grid = ctx
        .zone_grid(country, renewable)
        .ok_or_else(|| format!("no grid factor for country `{country}`"));
    Place { site, pue, grid }
}

fn category(site: Option<&SiteSpec>, network: bool) -> (Category, Scope) {
    let colo = site.is_some_and(|s| matches!(s.site_type, SiteType::Colocation));
    match (colo, network) {
        (true, _) => (Category::Hosting, Scope::Three),
        (false, true) => (Category::Network, Scope::Two),
        (false, false) => (Category::DataCentre, Scope::Two),
    }
}

pub fn estimate(ctx: &Context<'_>, est: &mut Estimate) {
    let resources: Vec<(NodeIndex, &ResourceSpec)> = super::declared(ctx.model, Kind::Resource)
        .filter_map(|i| match &ctx.model.node(i).spec {
            Some(Spec::Resource(r)) if r.provider == Provider::OnPrem => Some((i, r.as_ref())),
            _ => None,
        })
        .collect();
    // VMs by host id.
    let mut vms: HashMap<String, Vec<(NodeIndex, &ResourceSpec)>> = HashMap::new();
    for (i, r) in &resources {
        if let Some(h) = &r.host {
            vms.entry(h.value.id()).or_default().push((*i, r));
        }
    }
    for (idx, r) in &resources {
        let id = &ctx.model.node(*idx).id;
        if r.host.is_some() {
            // Estimated as part of its host, below; a host that is not on-prem or missing is reported.
            let host_ok = r.host.as_ref().and_then(|h| ctx.model.get(&h.value.id())).is_some_and(|h| {
                matches!(&ctx.model.node(h).spec, Some(Spec::Resource(hr)) if hr.provider == Provider::OnPrem)
            });
            if !host_ok {
                est.not_estimated.push(NotEstimated {
                    id: id.clone(),
                    reason: "its `host` is not an on-prem resource".into(),
                });
            }
            continue;
        }
        let guests = vms.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        match physical(ctx, id, r) {
            Ok(mut item) => {
                item.system = super::system_of(ctx.model, *idx).filter(|_| guests.is_empty());
                // Where measured figures came from (a collector), said with the item.
                if let Some(by) = ctx
                    .model
                    .node(*idx)
                    .annotations
                    .get("estate.io/measured-by")
                {
                    let what = if r.measured_w.is_some() {
                        "measured power and utilisation"
                    } else {
                        "measured utilisation"
                    };
                    item.notes.push(format!("{what} from {by}").into());
                }
                // A spec a collector derived (a Kubernetes node's capacity), said with the item.
                if let Some(from) = ctx.model.node(*idx).annotations.get("estate.io/spec-from") {
                    item.notes.push(format!("spec from {from}").into());
                }
                split_among_guests(ctx, item, r, guests, est);
            }
            Err(mut reason) => {
                if let Some(from) = ctx.model.node(*idx).annotations.get("estate.io/spec-from") {
                    reason = format!("{reason}; spec from {from}");
                }
                for (g, _) in guests {
                    est.not_estimated.push(NotEstimated {
                        id: ctx.model.node(*g).id.clone(),
                        reason: format!("its host `{id}` cannot be estimated: {reason}"),
                    });
                }
                est.not_estimated.push(NotEstimated {
                    id: id.clone(),
                    reason,
                });
            }
        }
    }
}

/// A physical device: server, storage array, network device, appliance.
fn physical(ctx: &Context<'_>, id: &str, r: &ResourceSpec) -> Result<Item, String> {
    let f = &ctx.factors.onprem;
    let place = place(ctx, r, None);
    let grid = place.grid.clone()?;
    let network = r.resource_type == ResourceType::Network;
    let (cat, scope) = category(place.site.map(|s| s.1), network);
    let count = r.count.as_ref().map_or(1.0, |c| f64::from(c.value));
    let hours = r.hours.as_ref().map_or(ctx.hours, |h| h.value) * count;
    let onprem_set = ctx.factors.set_of("onprem.yaml").to_string();
    let utilisation = |item: &mut Item| match &r.utilisation {
        Some(u) => {
            let s = ctx.factors.measured_utilisation_spread;
            Range::new((u.value - s).max(0.0), u.value, (u.value + s).min(1.0))
        }
        None => {
            item.notes.push(
                format!(
                    "utilisation not measured: {:.0} % assumed",
                    f.default_utilisation.central * 100.0
                )
                .into(),
            );
            f.default_utilisation
        }
    };
    let mut item;
    let watts = if let Some(w) = r.measured_w {
        item = Item::new(id, cat, scope, "measured-power", Quality::Measured);
        Range::plus_minus(w, ctx.factors.measured_utilisation_spread)
    } else if let Some(p) = &r.power {
        item = Item::new(id, cat, scope, "power-model", Quality::Modelled);
        let u = utilisation(&mut item);
        u.map(|u| p.idle_w + u * (p.max_w - p.idle_w))
    } else if let Some(cpu) = &r.cpu {
        item = Item::new(id, cat, scope, "spec-model", Quality::Modelled);
        item.cite(format!("{onprem_set}/onprem/server"));
        let cores = f64::from(cpu.sockets * cpu.cores);
        let memory = r.memory_gb.unwrap_or(0.0);
        let mut drives = Range::ZERO;
        for d in &r.drives {
            let w = match d.drive_type {
                StorageClass::Ssd => f.ssd_w,
                StorageClass::Hdd | StorageClass::Archive => f.hdd_w,
            };
            drives += w.scale(f64::from(d.count));
        }
        let fixed = f.memory_w_per_gb.scale(memory) + drives;
        let idle = f.idle_w_per_core.scale(cores) + fixed;
        let max = f.max_w_per_core.scale(cores) + fixed;
        let u = utilisation(&mut item);
        // idle + u × (max − idle), bound by bound (max − idle ≥ 0 at each bound).
        Range::new(
            idle.low + u.low * (max.low - idle.low).max(0.0),
            idle.central + u.central * (max.central - idle.central),
            idle.high + u.high * (max.high - idle.high).max(0.0),
        )
    } else if let Some(w) = r.rated_w {
        item = Item::new(id, cat, scope, "rated-power", Quality::Modelled);
        item.cite(format!("{onprem_set}/onprem/rated_power_load_factor"));
        f.rated_power_load_factor.scale(w)
    } else {
        return Err("no power data: declare `measured_w`, `power: {idle_w, max_w}`, `cpu` (with memory and drives) or `rated_w`".into());
    };
    item.site = place.site.map(|s| s.0.into());
    item.factors.extend(grid.factor_ids.iter().cloned());
    if let Some((site, spec)) = place.site
        && spec.pue.is_some()
    {
        item.cite(format!("inventory/{site}/pue"));
    } else {
        item.cite(format!("{onprem_set}/onprem/default_pue"));
    }
    let kwh = (watts * place.pue).scale(hours / 1000.0);
    item.add_electricity(kwh, &grid);
    // Servers' embodied emissions, amortised.
    if matches!(
        r.resource_type,
        ResourceType::Compute | ResourceType::Database
    ) && (r.cpu.is_some() || r.power.is_some() || r.measured_w.is_some())
    {
        item.embodied_co2e_kg += f
            .embodied_kgco2e
            .scale(ctx.years / f.lifetime_years * count);
        item.cite(format!("{onprem_set}/onprem/server/embodied"));
    } else {
        item.notes
            .push("embodied emissions not estimated for this device type".into());
    }
    Ok(item)
}

/// Give each VM its host's share by vCPU; the host keeps the rest as idle capacity.
fn split_among_guests(
    ctx: &Context<'_>,
    host: Item,
    r: &ResourceSpec,
    guests: &[(NodeIndex, &ResourceSpec)],
    est: &mut Estimate,
) {
    if guests.is_empty() {
        est.items.push(host);
        return;
    }
    let threads = r
        .cpu
        .as_ref()
        .map(|c| f64::from(c.sockets) * f64::from(c.threads.unwrap_or(c.cores * 2)))
        .or(r.vcpus.map(f64::from));
    let wanted: f64 = guests
        .iter()
        .map(|(_, g)| f64::from(g.vcpus.unwrap_or(0)))
        .sum();
    // Over-committed hosts are shared by vCPU among the guests alone.
    let capacity = threads.unwrap_or(wanted).max(wanted);
    let mut given = 0.0;
    for (g, spec) in guests {
        let node = ctx.model.node(*g);
        let Some(v) = spec.vcpus.filter(|v| *v > 0) else {
            est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason: "a VM with no `vcpus`: its share of the host is unknown".into(),
            });
            continue;
        };
        let share = f64::from(v) / capacity;
        given += share;
        let mut item = host.scaled(share);
        item.id = node.id.clone();
        item.method = "host-share";
        item.system = super::system_of(ctx.model, *g);
        item.notes = vec![
            format!(
                "{:.1} % of host `{}` ({v} of {capacity} vCPUs)",
                share * 100.0,
                host.id
            )
            .into(),
        ];
        est.items.push(item);
    }
    let mut rest = host.scaled((1.0 - given).max(0.0));
    rest.notes.push(
        format!(
            "idle capacity: {:.1} % of the host is allocated to no VM",
            (1.0 - given).max(0.0) * 100.0
        )
        .into(),
    );
    est.items.push(rest);
}
