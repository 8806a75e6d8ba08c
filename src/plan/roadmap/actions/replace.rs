//! `replace` (with SaaS): the systems stay, now delivered by a `supplier` as
//! SaaS. Their exclusive resources and the contracts covering only them
//! end, and their old charges stop; the `annual_cost` is the new run cost,
//! with spend-based carbon by the supplier's category. Warns when the
//! supplier's country breaks a system's data location.

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::inventory::Spec;
use crate::inventory::kinds::{Action, Disposition, Hosting};
use crate::model::EdgeKind;
use crate::plan::roadmap::checks::{data_location, same_place};
use crate::plan::roadmap::graph::add_edge;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let systems = state.systems_of(a);
    let supplier = a
        .supplier
        .as_ref()
        .map(|s| s.value.id())
        .unwrap_or_default();
    check_residency_supplier(state, &systems, &supplier);
    let resources = state.exclusive(&systems);
    for r in &resources {
        state.stopped.insert(state.model.node(*r).id.clone());
    }
    let ids: Vec<String> = systems
        .iter()
        .map(|s| state.model.node(*s).id.to_string())
        .collect();
    // Contracts covering only these systems end with the old delivery.
    let mut ended = Vec::new();
    for &s in &systems {
        for c in state
            .model
            .neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy])
        {
            let covered =
                state.model
                    .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy]);
            if covered.iter().all(|x| systems.contains(x)) {
                ended.push(c);
            }
        }
    }
    ended.sort();
    ended.dedup();
    for n in ended.into_iter().chain(resources) {
        state.model.remove(n);
    }
    let sup_idx = state.model.get(&supplier);
    for &s in &systems {
        let old: Vec<_> = state
            .model
            .graph
            .edges_directed(s, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::SuppliedBy)
            .map(|e| e.id())
            .collect();
        for e in old {
            state.model.graph.remove_edge(e);
        }
        if let Some(t) = sup_idx {
            add_edge(&mut state.model, s, t, EdgeKind::SuppliedBy, None);
        }
        if let Some(Spec::System(sys)) = &mut state.model.graph[s].spec {
            sys.hosting = Some(Hosting::Saas);
            sys.supplier = a.supplier.clone();
            sys.contract = None;
            sys.disposition = Some(Disposition::Repurchase);
        }
    }
    state.replaced.extend(ids.iter().cloned());
    if let Some(c) = &a.annual_cost {
        state.added.push((ids.clone(), c.0));
        state.saas.push((ids, supplier.clone(), c.0));
    } else {
        state.assumptions.insert(
            "A replacement with no `annual_cost` adds no run cost or carbon.".into(),
        );
    }
    format!("with {}", state.name(&supplier))
}

fn check_residency_supplier(state: &mut State<'_>, systems: &[NodeIndex], supplier: &str) {
    let country = state
        .model
        .get(supplier)
        .and_then(|i| match &state.model.node(i).spec {
            Some(Spec::Supplier(s)) => s.country.as_ref().map(|c| c.value.clone()),
            _ => None,
        });
    let Some(country) = country else { return };
    for &s in systems {
        if let Some(loc) = data_location(&state.model, s)
            && !same_place(&loc, &country, "")
        {
            let n = state.model.node(s);
            let msg = format!(
                "{} must keep its data in {loc}; its replacement {} is based in {country}",
                n.display_name(),
                state.name(supplier)
            );
            let id = n.id.clone();
            state.warn("data-residency", &id, msg);
        }
    }
}