//! `migrate`: the systems' exclusive resources move `to` a provider, region
//! and instance family (the smallest type of the family that fits), and are
//! estimated there; a host whose guests move is switched off, a resource
//! shared with other systems stays. With an `annual_cost` the moved
//! resources' charges stop and that is the new run cost; without one they
//! stay like-for-like. Warns about data residency and shared resources.

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rust_decimal::Decimal;

use crate::inventory::kinds::{Action, Hosting, MigrationTarget, Provider, spanned};
use crate::inventory::{Kind, Spec};
use crate::model::EdgeKind;
use crate::plan::roadmap::checks::{data_location, same_place};
use crate::plan::roadmap::graph::add_edge;
use crate::plan::roadmap::instances::{instance, pick};
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let systems = state.systems_of(a);
    let to = a.to.clone().unwrap_or_default();
    migrate(state, &systems, a.annual_cost.as_ref().map(|m| m.0), &to)
}

/// Move the systems' exclusive resources to a target; what it is, in words.
pub(in crate::plan::roadmap) fn migrate(
    state: &mut State<'_>,
    systems: &[NodeIndex],
    annual_cost: Option<Decimal>,
    to: &MigrationTarget,
) -> String {
    let target = [
        to.provider.map(|p| p.as_str().to_string()),
        to.region.clone(),
        to.instance_family.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    // Residency: the target region's country against each system's data location.
    if let (Some(p), Some(region)) = (to.provider, &to.region) {
        match crate::model::regions::lookup(p.as_str(), region) {
            Some(info) => {
                for &s in systems {
                    if let Some(loc) = data_location(&state.model, s)
                        && !same_place(&loc, &info.country, &info.jurisdiction)
                    {
                        let n = state.model.node(s);
                        let msg = format!(
                            "{} must keep its data in {loc}; {} {region} is in {} ({})",
                            n.display_name(),
                            p.as_str(),
                            info.country,
                            info.location
                        );
                        let id = n.id.clone();
                        state.warn("data-residency", &id, msg);
                    }
                }
            }
            None => {
                let msg = format!(
                    "{} region `{region}` is not in the region table",
                    p.as_str()
                );
                state.warn("unknown-region", region, msg);
            }
        }
    }
    for (r, others) in state.shared(systems) {
        let names: Vec<String> = others.iter().map(|o| state.name(o)).collect();
        state.warn(
            "shared-resource",
            &r,
            format!(
                "{r} is shared with {}; it stays where it is",
                names.join(", ")
            ),
        );
    }
    let resources = state.exclusive(systems);
    let mut moved = Vec::new();
    for r in resources {
        let id = state.model.node(r).id.clone();
        // A host whose guests move is switched off, not moved.
        let has_guests = state
            .model
            .neighbours(r, Direction::Incoming, &[EdgeKind::RunsOn])
            .iter()
            .any(|g| state.model.node(*g).kind == Kind::Resource);
        if has_guests {
            state.stopped.insert(id);
            continue;
        }
        moved.push((r, id));
    }
    let mut removed_hosts: Vec<NodeIndex> = Vec::new();
    for (r, id) in &moved {
        let Some(Spec::Resource(rs)) = state.model.graph[*r].spec.clone() else {
            continue;
        };
        let mut rs = rs;
        let provider = to.provider.unwrap_or(rs.provider);
        let vcpus = rs.vcpus.map(f64::from).or_else(|| {
            rs.cpu
                .as_ref()
                .map(|c| f64::from(c.sockets * c.threads.unwrap_or(c.cores * 2)))
        });
        let vcpus = vcpus.or_else(|| {
            rs.instance_type
                .as_deref()
                .and_then(|t| instance(state.base.factors, rs.provider, t))
                .and_then(|i| i.vcpus)
        });
        if let Some(family) = &to.instance_family
            && matches!(
                rs.resource_type,
                crate::inventory::kinds::ResourceType::Compute
                    | crate::inventory::kinds::ResourceType::Database
            )
        {
            match pick(
                state.base.factors,
                provider,
                family,
                vcpus.unwrap_or(2.0),
                rs.memory_gb,
            ) {
                Some(t) => rs.instance_type = Some(t),
                None => {
                    let msg = format!(
                        "no `{family}` type in the {} instance table fits {id} ({} vCPUs); its type is left as it was",
                        provider.as_str(),
                        vcpus.unwrap_or(0.0)
                    );
                    state.warn("unknown-instance-type", id, msg);
                }
            }
        }
        rs.provider = provider;
        if let Some(region) = &to.region {
            rs.region = Some(spanned(region.clone()));
        }
        rs.site = None;
        rs.host = None;
        rs.cpu = None;
        rs.drives.clear();
        rs.power = None;
        rs.measured_w = None;
        rs.rated_w = None;
        if rs.vcpus.is_none() {
            rs.vcpus = vcpus.map(|v| v as u32);
        }
        let region = rs.region.as_ref().map(|r| r.value.clone());
        state.model.graph[*r].spec = Some(Spec::Resource(rs));
        let old: Vec<_> = state
            .model
            .graph
            .edges_directed(*r, Direction::Outgoing)
            .filter(|e| matches!(e.weight().kind, EdgeKind::HostedIn | EdgeKind::RunsOn))
            .map(|e| (e.id(), e.target(), e.weight().kind))
            .collect();
        for (e, host, k) in old {
            state.model.graph.remove_edge(e);
            if k == EdgeKind::RunsOn {
                removed_hosts.push(host);
            }
        }
        if let (Some(region), false) = (region, provider == Provider::OnPrem) {
            let ri = crate::model::build::region_node(&mut state.model, provider, &region);
            add_edge(&mut state.model, *r, ri, EdgeKind::HostedIn, None);
        }
        if annual_cost.is_some() {
            state.stopped.insert(id.clone());
        }
    }
    for &s in systems {
        if let Some(Spec::System(sys)) = &mut state.model.graph[s].spec {
            if to.provider.is_some_and(|p| p != Provider::OnPrem) {
                sys.hosting = Some(Hosting::Cloud);
            }
            if let Some(st) = to.strategy {
                sys.disposition = Some(st);
            }
        }
    }
    let ids: Vec<String> = systems
        .iter()
        .map(|s| state.model.node(*s).id.to_string())
        .collect();
    match annual_cost {
        Some(c) => state.added.push((ids, c)),
        None => {
            state.assumptions.insert(
                "A migration with no `annual_cost` keeps its resources' charges as they were (like-for-like); on-premises resources have none of their own.".into(),
            );
        }
    }
    let strategy = to
        .strategy
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(String::from))
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    format!("to {target}{strategy}")
}