//! Traversals over the estate graph that later stages share: dependencies
//! and dependents (direct or transitive), the shortest dependency path,
//! strongly connected groups, and the roll-up of a node to the systems,
//! domains, capabilities and cost centres it belongs to.
//!
//! "Dependency" means `depends_on` and `runs_on` edges: a system depends on
//! what it names in `depends_on` and on the resources it runs on; a VM
//! depends on its host. Integrations are a separate relation
//! (`integrates_with`), included where a caller asks.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{EdgeKind, Model, NodeId};
use crate::inventory::Kind;

/// The edges followed for dependency questions.
pub const DEPENDENCY: &[EdgeKind] = &[EdgeKind::DependsOn, EdgeKind::RunsOn];
/// Dependencies plus system-to-system integrations.
pub const COUPLING: &[EdgeKind] = &[
    EdgeKind::DependsOn,
    EdgeKind::RunsOn,
    EdgeKind::IntegratesWith,
];

impl Model {
    /// Neighbours of `idx` along `edges` in `dir`, in id order, without repeats.
    pub fn neighbours(&self, idx: NodeIndex, dir: Direction, edges: &[EdgeKind]) -> Vec<NodeIndex> {
        let mut seen = HashSet::new();
        let mut v: Vec<NodeIndex> = self
            .graph
            .edges_directed(idx, dir)
            .filter(|e| edges.contains(&e.weight().kind))
            .map(|e| {
                if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                }
            })
            .filter(|n| *n != idx && seen.insert(*n))
            .collect();
        v.sort_by(|a, b| self.graph[*a].id.cmp(&self.graph[*b].id));
        v
    }

    /// Nodes reachable from `idx` along `edges` in `dir`, with their distance,
    /// breadth first, up to `depth` hops (all when `None`).
    pub fn reachable(
        &self,
        idx: NodeIndex,
        dir: Direction,
        edges: &[EdgeKind],
        depth: Option<usize>,
    ) -> Vec<(NodeIndex, usize)> {
        let mut out = Vec::new();
        let mut seen = HashSet::from([idx]);
        let mut queue = VecDeque::from([(idx, 0usize)]);
        while let Some((n, d)) = queue.pop_front() {
            if depth.is_some_and(|max| d >= max) {
                continue;
            }
            for m in self.neighbours(n, dir, edges) {
                if seen.insert(m) {
                    out.push((m, d + 1));
                    queue.push_back((m, d + 1));
                }
            }
        }
        out
    }

    /// What `idx` depends on: directly (`transitive == false`) or all the way down.
    pub fn dependencies(&self, idx: NodeIndex, transitive: bool) -> Vec<NodeIndex> {
        let depth = (!transitive).then_some(1);
        self.reachable(idx, Direction::Outgoing, DEPENDENCY, depth)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    /// What depends on `idx`: directly or transitively.
    pub fn dependents(&self, idx: NodeIndex, transitive: bool) -> Vec<NodeIndex> {
        let depth = (!transitive).then_some(1);
        self.reachable(idx, Direction::Incoming, DEPENDENCY, depth)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    /// The shortest chain of dependencies from `from` to `to` (both included), if any.
    pub fn dependency_path(&self, from: NodeIndex, to: NodeIndex) -> Option<Vec<NodeIndex>> {
        let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = HashSet::from([from]);
        while let Some(n) = queue.pop_front() {
            if n == to {
                let mut path = vec![to];
                let mut cur = to;
                while let Some(p) = prev.get(&cur) {
                    path.push(*p);
                    cur = *p;
                }
                path.reverse();
                return Some(path);
            }
            for m in self.neighbours(n, Direction::Outgoing, DEPENDENCY) {
                if seen.insert(m) {
                    prev.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
        None
    }

    /// Groups of systems that depend on each other in a cycle (along `edges`,
    /// between systems only): each group must move together. Singletons are left out.
    pub fn strongly_connected_systems(&self, edges: &[EdgeKind]) -> Vec<Vec<NodeIndex>> {
        let filtered = petgraph::visit::EdgeFiltered::from_fn(&self.graph, |e| {
            edges.contains(&e.weight().kind)
                && self.graph[e.source()].kind == Kind::System
                && self.graph[e.target()].kind == Kind::System
        });
        let mut groups: Vec<Vec<NodeIndex>> = petgraph::algo::tarjan_scc(&filtered)
            .into_iter()
            .filter(|g| g.len() > 1)
            .map(|mut g| {
                g.sort_by(|a, b| self.graph[*a].id.cmp(&self.graph[*b].id));
                g
            })
            .collect();
        groups.sort_by(|a, b| self.graph[a[0]].id.cmp(&self.graph[b[0]].id));
        groups
    }

    /// What a node rolls up to: its systems (a system is its own; a resource
    /// belongs to the systems that run on it or on what runs on it), and their
    /// domains, capabilities and cost centres.
    /// The systems a node belongs to: itself, a resource's systems (those
    /// running on it, directly or through VMs on it), an integration's ends.
    /// What [`Model::rollup`] starts from, without the rest of the roll-up.
    pub fn systems_of(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        match self.graph[idx].kind {
            Kind::System => vec![idx],
            Kind::Resource => {
                let mut found = Vec::new();
                let mut stack = vec![idx];
                let mut seen = HashSet::from([idx]);
                while let Some(n) = stack.pop() {
                    for m in self.neighbours(n, Direction::Incoming, &[EdgeKind::RunsOn]) {
                        if seen.insert(m) {
                            if self.graph[m].kind == Kind::System {
                                found.push(m);
                            } else {
                                stack.push(m);
                            }
                        }
                    }
                }
                found
            }
            Kind::Integration => {
                self.neighbours(idx, Direction::Outgoing, &[EdgeKind::IntegratesWith])
            }
            _ => Vec::new(),
        }
    }

    pub fn rollup(&self, idx: NodeIndex) -> Rollup {
        let mut r = Rollup::default();
        let systems = self.systems_of(idx);
        let out = |n: NodeIndex, e: EdgeKind, k: Kind| -> Vec<NodeIndex> {
            self.neighbours(n, Direction::Outgoing, &[e])
                .into_iter()
                .filter(|m| self.graph[*m].kind == k)
                .collect()
        };
        let ids = |v: Vec<NodeIndex>| v.into_iter().map(|n| self.graph[n].id.clone());
        r.cost_centres
            .extend(ids(out(idx, EdgeKind::ChargedTo, Kind::CostCentre)));
        for s in systems {
            r.systems.insert(self.graph[s].id.clone());
            r.domains
                .extend(ids(out(s, EdgeKind::PartOf, Kind::Domain)));
            r.capabilities
                .extend(ids(out(s, EdgeKind::Supports, Kind::Capability)));
            r.cost_centres
                .extend(ids(out(s, EdgeKind::ChargedTo, Kind::CostCentre)));
            if let Some(owner) = out(s, EdgeKind::OwnedBy, Kind::Team).first() {
                r.owners.insert(self.graph[*owner].id.clone());
            }
        }
        r
    }
}

/// What a node belongs to, as ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rollup {
    pub systems: BTreeSet<NodeId>,
    pub domains: BTreeSet<NodeId>,
    pub capabilities: BTreeSet<NodeId>,
    pub cost_centres: BTreeSet<NodeId>,
    pub owners: BTreeSet<NodeId>,
}

#[cfg(test)]
mod tests {
    use crate::inventory::{Inventory, load::load_text};
    use crate::model::build;

    fn model(text: &str) -> crate::model::Model {
        let mut inv = Inventory::default();
        load_text(&mut inv, "t.yaml".into(), text.to_string(), &mut Vec::new());
        let (m, ds) = build(inv);
        assert_eq!(ds.errors(), 0, "{:?}", ds.items);
        m
    }

    fn sys(name: &str, deps: &str, extra: &str) -> String {
        format!(
            "apiVersion: estate/v1\nkind: System\nmetadata: {{name: {name}}}\nspec: {{depends_on: [{deps}]{extra}}}\n---\n"
        )
    }

    #[test]
    fn dependencies_paths_and_cycles() {
        let text = [
            sys("a", "system:b", ", domain: domain:d, capabilities: [capability:c], cost_centre: cost-centre:cc"),
            sys("b", "system:c", ""),
            sys("c", "system:b, resource:vm", ""),
            sys("e", "", ""),
            "apiVersion: estate/v1\nkind: Resource\nmetadata: {name: vm}\nspec: {type: compute, provider: on-prem, host: resource:host, system: system:e}\n---\n".into(),
            "apiVersion: estate/v1\nkind: Resource\nmetadata: {name: host}\nspec: {type: compute, provider: on-prem}\n---\n".into(),
            "apiVersion: estate/v1\nkind: Domain\nmetadata: {name: d}\n---\napiVersion: estate/v1\nkind: Capability\nmetadata: {name: c}\n---\napiVersion: estate/v1\nkind: CostCentre\nmetadata: {name: cc}\nspec: {code: CC1}\n".into(),
        ]
        .concat();
        let m = model(&text);
        let id = |s: &str| m.get(s).unwrap();
        let names = |v: Vec<petgraph::stable_graph::NodeIndex>| {
            v.into_iter()
                .map(|n| m.node(n).id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(m.dependencies(id("system:a"), false)),
            vec!["system:b"]
        );
        assert_eq!(
            names(m.dependencies(id("system:a"), true)),
            vec!["system:b", "system:c", "resource:vm", "resource:host"]
        );
        assert_eq!(
            names(m.dependents(id("resource:host"), true)),
            vec![
                "resource:vm",
                "system:c",
                "system:e",
                "system:b",
                "system:a"
            ]
        );
        assert_eq!(
            names(
                m.dependency_path(id("system:a"), id("resource:host"))
                    .unwrap()
            ),
            vec![
                "system:a",
                "system:b",
                "system:c",
                "resource:vm",
                "resource:host"
            ]
        );
        assert!(m.dependency_path(id("system:e"), id("system:a")).is_none());
        let groups: Vec<Vec<String>> = m
            .strongly_connected_systems(super::DEPENDENCY)
            .into_iter()
            .map(names)
            .collect();
        assert_eq!(
            groups,
            vec![vec!["system:b".to_string(), "system:c".to_string()]]
        );
        let r = m.rollup(id("resource:host"));
        assert_eq!(
            r.systems.iter().cloned().collect::<Vec<_>>(),
            vec!["system:e"]
        );
        let r = m.rollup(id("system:a"));
        assert_eq!(
            r.domains.iter().cloned().collect::<Vec<_>>(),
            vec!["domain:d"]
        );
        assert_eq!(
            r.capabilities.iter().cloned().collect::<Vec<_>>(),
            vec!["capability:c"]
        );
        assert_eq!(
            r.cost_centres.iter().cloned().collect::<Vec<_>>(),
            vec!["cost-centre:cc"]
        );
    }
}
