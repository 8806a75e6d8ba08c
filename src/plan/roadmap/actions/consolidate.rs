//! `consolidate`: the systems merge `into` a survivor, which takes on their
//! dependents, dependencies, integrations, capabilities and information (an
//! integration between them becomes internal); then they go as in a
//! retirement. Any `annual_cost` is the survivor's added run cost. Warns
//! when the survivor is already gone or not yet live.

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::inventory::kinds::{Action, spanned};
use crate::inventory::{Kind, Ref, Spec};
use crate::model::EdgeKind;
use crate::plan::roadmap::graph::add_edge;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let Some(into_ref) = &a.into else {
        return String::new();
    };
    let into_id = into_ref.value.id();
    let Some(into) = state.model.get(&into_id) else {
        let when = state
            .gone
            .get(into_id.as_str())
            .map(|d| d.to_string())
            .unwrap_or_default();
        state.warn(
            "before-replacement",
            &into_id,
            format!("consolidates into {into_id}, which is already gone ({when})"),
        );
        return format!("into {into_id}");
    };
    let systems: Vec<NodeIndex> = state
        .systems_of(a)
        .into_iter()
        .filter(|s| *s != into)
        .collect();
    if let Err(why) = state.in_service(into) {
        let msg = format!(
            "consolidates into {}, which {why}",
            state.model.node(into).display_name()
        );
        state.warn("before-replacement", &into_id, msg);
    }
    for &s in &systems {
        repoint(state, s, into);
    }
    state.remove_systems(&systems);
    if let Some(c) = &a.annual_cost {
        state.added.push((vec![into_id.clone()], c.0));
    }
    format!("into {}", state.name(&into_id))
}

/// Move a system's incoming and outgoing relations to the survivor.
fn repoint(state: &mut State<'_>, from: NodeIndex, to: NodeIndex) {
    let mut add: Vec<(NodeIndex, NodeIndex, EdgeKind, Option<String>)> = Vec::new();
    let mut drop_integrations = Vec::new();
    for e in state.model.graph.edges_directed(from, Direction::Incoming) {
        let src = e.source();
        let k = e.weight().kind;
        let src_kind = state.model.node(src).kind;
        match k {
            EdgeKind::DependsOn | EdgeKind::IntegratesWith if src != to => {
                // An integration between the two becomes internal.
                if src_kind == Kind::Integration
                    && state
                        .model
                        .neighbours(src, Direction::Outgoing, &[EdgeKind::IntegratesWith])
                        .contains(&to)
                {
                    drop_integrations.push(src);
                    continue;
                }
                add.push((src, to, k, e.weight().label.clone()));
            }
            _ => {}
        }
    }
    for e in state.model.graph.edges_directed(from, Direction::Outgoing) {
        let dst = e.target();
        let k = e.weight().kind;
        // Its own infrastructure goes with it; relations to systems,
        // capabilities and information move to the survivor.
        if matches!(
            k,
            EdgeKind::DependsOn
                | EdgeKind::IntegratesWith
                | EdgeKind::Supports
                | EdgeKind::Holds
        ) && dst != to
            && state.model.node(dst).kind != Kind::Resource
        {
            add.push((to, dst, k, e.weight().label.clone()));
        }
    }
    for (a, b, k, label) in add {
        add_edge(&mut state.model, a, b, k, label);
    }
    let (from_id, to_id) = (
        state.model.node(from).id.clone(),
        state.model.node(to).id.clone(),
    );
    for i in state.model.nodes_of(Kind::Integration) {
        if let Some(Spec::Integration(s)) = &mut state.model.graph[i].spec {
            for end in [&mut s.from, &mut s.to] {
                if end.value.id() == from_id
                    && let Ok(r) = Ref::parse(&to_id)
                {
                    *end = spanned(r);
                }
            }
        }
    }
    drop_integrations.sort();
    drop_integrations.dedup();
    for i in drop_integrations {
        state.model.remove(i);
    }
}