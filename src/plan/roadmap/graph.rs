//! Changes to the copied model that several actions share: which systems a
//! resource serves, the resources only some systems use (and those they
//! share), removing systems with what goes with them, and adding an edge
//! once.

use std::collections::{BTreeSet, HashSet};

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::state::State;
use crate::inventory::Kind;
use crate::model::{Edge, EdgeKind, Model, NodeId};

impl State<'_> {
    /// The systems a resource serves: those running on it (directly or
    /// through what runs on it) and those declaring a dependency on it.
    pub(super) fn users(&self, r: NodeIndex) -> BTreeSet<NodeId> {
        let mut users = self.model.rollup(r).systems;
        for d in self
            .model
            .neighbours(r, Direction::Incoming, &[EdgeKind::DependsOn])
        {
            if self.model.node(d).kind == Kind::System {
                users.insert(self.model.node(d).id.clone());
            }
        }
        users
    }

    /// Resources only the given systems use: what they run on (and what that
    /// runs on) and the resources they depend on.
    pub(super) fn exclusive(&mut self, systems: &[NodeIndex]) -> Vec<NodeIndex> {
        let ids: HashSet<NodeId> = systems
            .iter()
            .map(|i| self.model.node(*i).id.clone())
            .collect();
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = systems.to_vec();
        let mut on_shared_host = false;
        while let Some(n) = stack.pop() {
            let kinds: &[EdgeKind] = if self.model.node(n).kind == Kind::System {
                &[EdgeKind::RunsOn, EdgeKind::DependsOn]
            } else {
                &[EdgeKind::RunsOn]
            };
            for m in self.model.neighbours(n, Direction::Outgoing, kinds) {
                if self.model.node(m).kind != Kind::Resource || !seen.insert(m) {
                    continue;
                }
                if self.users(m).iter().all(|s| ids.contains(s)) {
                    found.push(m);
                    stack.push(m);
                } else if self.model.node(n).kind == Kind::Resource {
                    on_shared_host = true;
                }
            }
        }
        if on_shared_host {
            self.assumptions.insert(
                "A virtual machine that goes frees its share of a host only when the host goes (all its guests leave, or its site closes); until then the host's energy is shared among the guests left.".into(),
            );
        }
        found
    }

    /// Resources some of the systems share with live systems outside them.
    pub(super) fn shared(&self, systems: &[NodeIndex]) -> Vec<(NodeId, Vec<NodeId>)> {
        let ids: HashSet<&str> = systems
            .iter()
            .map(|i| self.model.node(*i).id.as_str())
            .collect();
        let mut out = Vec::new();
        for &s in systems {
            for m in self
                .model
                .neighbours(s, Direction::Outgoing, &[EdgeKind::RunsOn])
            {
                if self.model.node(m).kind != Kind::Resource {
                    continue;
                }
                let others: Vec<NodeId> = self
                    .model
                    .rollup(m)
                    .systems
                    .into_iter()
                    .filter(|o| !ids.contains(o.as_str()))
                    .collect();
                if !others.is_empty() {
                    out.push((self.model.node(m).id.clone(), others));
                }
            }
        }
        out
    }

    /// Remove systems with their exclusive resources, the integrations they
    /// are an end of, and the contracts that cover only them.
    pub(super) fn remove_systems(&mut self, systems: &[NodeIndex]) {
        let resources = self.exclusive(systems);
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        let mut doomed: Vec<NodeIndex> = Vec::new();
        for &s in systems {
            for e in self.model.graph.edges_directed(s, Direction::Incoming) {
                let src = e.source();
                if e.weight().kind == EdgeKind::IntegratesWith
                    && self.model.node(src).kind == Kind::Integration
                {
                    doomed.push(src);
                }
            }
            for c in self
                .model
                .neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy])
            {
                let covered = self
                    .model
                    .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy]);
                if covered.iter().all(|x| ids.contains(x)) {
                    doomed.push(c);
                }
            }
        }
        for r in &resources {
            self.stopped.insert(self.model.node(*r).id.clone());
        }
        for &s in systems {
            self.gone.insert(self.model.node(s).id.clone(), self.date);
        }
        doomed.sort();
        doomed.dedup();
        for n in doomed
            .into_iter()
            .chain(resources)
            .chain(systems.iter().copied())
        {
            self.model.remove(n);
        }
    }
}

pub(super) fn add_edge(
    model: &mut Model,
    a: NodeIndex,
    b: NodeIndex,
    kind: EdgeKind,
    label: Option<String>,
) {
    if a == b
        || model
            .graph
            .edges_connecting(a, b)
            .any(|e| e.weight().kind == kind && e.weight().label == label)
    {
        return;
    }
    model.graph.add_edge(a, b, Edge { kind, label });
}
