//! Graph functions: what a node depends on, what depends on it, where it is
//! hosted, who owns and supplies it, and the nodes along any edge kind.
//! The traversals are methods on [`Facts`] (policy code and tests call them
//! too); the host-function bodies registered in [`super::FUNCTIONS`] are the
//! thin `fn`s below them.

use cel::common::types::{CelMap, CelString};
use cel::common::value::Val;
use cel::{ExecutionError, FunctionContext, Value};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;

use super::Facts;
use super::registry::{Ret, str_arg};
use crate::inventory::{Kind, Spec};
use crate::model::EdgeKind;

impl Facts {
    /// Resources a system runs on (directly and through hosts), or a resource's own chain,
    /// then their sites and regions.
    pub fn hosting(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = Vec::new();
        let mut stack = vec![idx];
        while let Some(n) = stack.pop() {
            let mut next = self.neighbours(
                n,
                Direction::Outgoing,
                EdgeKind::RunsOn,
                Some(Kind::Resource),
            );
            next.extend(self.neighbours(n, Direction::Outgoing, EdgeKind::HostedIn, None));
            if self.model.graph[n].kind == Kind::System {
                next.extend(self.neighbours(
                    n,
                    Direction::Outgoing,
                    EdgeKind::DependsOn,
                    Some(Kind::Resource),
                ));
            }
            for m in next {
                if m != idx && !out.contains(&m) {
                    out.push(m);
                    stack.push(m);
                }
            }
        }
        out
    }

    pub fn countries(&self, idx: NodeIndex) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !c.is_empty() && !v.iter().any(|x| x == c) {
                v.push(c.to_string());
            }
        };
        let node = &self.model.graph[idx];
        if let Some(Spec::System(s)) = &node.spec
            && let Some(loc) = &s.data_location
        {
            add(&loc.value);
        }
        for h in std::iter::once(idx).chain(self.hosting(idx)) {
            let n = &self.model.graph[h];
            match (&n.spec, n.kind) {
                (Some(Spec::Site(s)), _) => add(&s.country.value),
                (_, Kind::Region) => {
                    if let Some(c) = n.labels.get("country") {
                        add(c);
                    }
                }
                _ => {}
            }
        }
        v.sort();
        v
    }

    pub fn technologies(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut v = self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::Uses,
            Some(Kind::Technology),
        );
        if self.model.graph[idx].kind == Kind::System {
            for h in self.hosting(idx) {
                for t in self.neighbours(
                    h,
                    Direction::Outgoing,
                    EdgeKind::Uses,
                    Some(Kind::Technology),
                ) {
                    if !v.contains(&t) {
                        v.push(t);
                    }
                }
            }
        }
        v.sort_by(|a, b| self.model.graph[*a].id.cmp(&self.model.graph[*b].id));
        v
    }

    pub fn systems(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let node = &self.model.graph[idx];
        let edge = match node.kind {
            Kind::Capability => EdgeKind::Supports,
            Kind::Supplier => EdgeKind::SuppliedBy,
            Kind::InformationAsset => EdgeKind::Holds,
            Kind::Technology => EdgeKind::Uses,
            Kind::Team => EdgeKind::OwnedBy,
            Kind::Domain => EdgeKind::PartOf,
            Kind::Contract => EdgeKind::CoveredBy,
            Kind::CostCentre => EdgeKind::ChargedTo,
            Kind::Resource => {
                let r = self.model.rollup(idx);
                return r.systems.iter().filter_map(|s| self.model.get(s)).collect();
            }
            _ => return Vec::new(),
        };
        let mut v = self.neighbours(idx, Direction::Incoming, edge, Some(Kind::System));
        if node.kind == Kind::Supplier {
            // Systems whose contracts are with this supplier.
            for c in self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::SuppliedBy,
                Some(Kind::Contract),
            ) {
                for s in self.neighbours(
                    c,
                    Direction::Incoming,
                    EdgeKind::CoveredBy,
                    Some(Kind::System),
                ) {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
            }
        }
        if node.kind == Kind::Technology {
            for r in self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::Uses,
                Some(Kind::Resource),
            ) {
                for s in self.systems(r) {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
            }
        }
        v.sort_by(|a, b| self.model.graph[*a].id.cmp(&self.model.graph[*b].id));
        v
    }

    pub fn suppliers(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut v = self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::SuppliedBy,
            Some(Kind::Supplier),
        );
        for c in self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::CoveredBy,
            Some(Kind::Contract),
        ) {
            for s in self.neighbours(
                c,
                Direction::Outgoing,
                EdgeKind::SuppliedBy,
                Some(Kind::Supplier),
            ) {
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        }
        v
    }

    pub fn contracts(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        match self.model.graph[idx].kind {
            Kind::Supplier => self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::SuppliedBy,
                Some(Kind::Contract),
            ),
            _ => self.neighbours(
                idx,
                Direction::Outgoing,
                EdgeKind::CoveredBy,
                Some(Kind::Contract),
            ),
        }
    }
}

/// `node(id)`: the node with that id, or null.
pub(super) fn node(f: &Facts, ftx: &FunctionContext) -> Result<Ret, ExecutionError> {
    let id = str_arg(ftx, 0, "node")?;
    Ok(Ret::Node(f.model.get(&id)))
}

/// `nodes(kind)`: every node of a kind.
pub(super) fn nodes(f: &Facts, ftx: &FunctionContext) -> Result<Ret, ExecutionError> {
    let kind = str_arg(ftx, 0, "nodes")?;
    let Some(k) = Kind::from_name(&kind).or((kind.as_str() == "Region").then_some(Kind::Region))
    else {
        return Err(ExecutionError::function_error(
            "nodes",
            format!("unknown kind `{kind}`"),
        ));
    };
    Ok(Ret::Nodes(f.model.nodes_of(k)))
}

pub(super) fn dependencies(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.model.dependencies(i, false))
}

pub(super) fn all_dependencies(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.model.dependencies(i, true))
}

pub(super) fn dependents(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.model.dependents(i, false))
}

pub(super) fn all_dependents(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.model.dependents(i, true))
}

pub(super) fn hosting(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.hosting(i))
}

pub(super) fn countries(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Value(Value::List(std::sync::Arc::new(
        f.countries(i).into_iter().map(Value::from).collect(),
    )))
}

pub(super) fn capabilities(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.neighbours(
        i,
        Direction::Outgoing,
        EdgeKind::Supports,
        Some(Kind::Capability),
    ))
}

pub(super) fn systems(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.systems(i))
}

pub(super) fn suppliers(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.suppliers(i))
}

pub(super) fn contracts(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.contracts(i))
}

pub(super) fn technologies(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.technologies(i))
}

pub(super) fn integrations(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Nodes(f.neighbours(
        i,
        Direction::Incoming,
        EdgeKind::IntegratesWith,
        Some(Kind::Integration),
    ))
}

pub(super) fn owner(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Node(
        f.neighbours(i, Direction::Outgoing, EdgeKind::OwnedBy, Some(Kind::Team))
            .first()
            .copied(),
    )
}

pub(super) fn outgoing(
    f: &Facts,
    i: NodeIndex,
    ftx: &FunctionContext,
) -> Result<Ret, ExecutionError> {
    edges(f, i, ftx, Direction::Outgoing)
}

pub(super) fn incoming(
    f: &Facts,
    i: NodeIndex,
    ftx: &FunctionContext,
) -> Result<Ret, ExecutionError> {
    edges(f, i, ftx, Direction::Incoming)
}

/// `outgoing(n, 'edge')` / `incoming(n, 'edge')`: the nodes at the other end;
/// a labelled edge's node gets the label as `edge_label`.
fn edges(
    f: &Facts,
    i: NodeIndex,
    ftx: &FunctionContext,
    dir: Direction,
) -> Result<Ret, ExecutionError> {
    use petgraph::visit::EdgeRef;
    let name = if dir == Direction::Outgoing {
        "outgoing"
    } else {
        "incoming"
    };
    let edge = str_arg(ftx, 1, name)?;
    let Some(kind) = EdgeKind::parse(&edge) else {
        return Err(ExecutionError::function_error(
            name,
            format!("unknown edge kind `{edge}`"),
        ));
    };
    let mut out: Vec<Box<dyn Val>> = Vec::new();
    for e in f
        .model
        .graph
        .edges_directed(i, dir)
        .filter(|e| e.weight().kind == kind)
    {
        let other = if dir == Direction::Outgoing {
            e.target()
        } else {
            e.source()
        };
        let node = f.node_val(other);
        match &e.weight().label {
            // A copy of the node's fields with the label added.
            Some(label) => {
                let mut fields = (*node.fields).clone().into_inner();
                fields.insert(
                    cel::common::types::CelMapKey::from("edge_label".to_string()),
                    Box::new(CelString::from(label.clone())),
                );
                out.push(Box::new(CelMap::from(fields)));
            }
            None => out.push(Box::new(node)),
        }
    }
    Ok(Ret::List(out))
}
