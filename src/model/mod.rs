//! The estate model: one petgraph `StableDiGraph` of every entity and the
//! relations between them, with an index from canonical id to node.
//!
//! `build` turns a loaded inventory into the graph, resolving every reference
//! (a dangling or wrongly-kinded one is an error at its file:line:col) and
//! checking the values a type cannot (ranges, date order, cycles). `query`
//! holds the traversals later stages need. Derived facts, such as a system's
//! TIME quadrant, are computed once here.

pub mod billing;
pub mod build;
pub mod collected;
pub mod endoflife;
mod id;
pub mod mapping;
mod period;
pub mod planned;
pub mod query;
pub mod regions;

use std::collections::HashMap;

use indexmap::IndexMap;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::Serialize;

use crate::diagnostic::{Loc, Sources};
use crate::inventory::{Kind, Spec};

pub use build::build;
pub use id::NodeId;
pub use period::{Period, PeriodError};

/// The kinds of relation between nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    OwnedBy,
    PartOf,
    Supports,
    DependsOn,
    IntegratesWith,
    RunsOn,
    HostedIn,
    SuppliedBy,
    CoveredBy,
    Uses,
    Holds,
    ChargedTo,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 12] = [
        EdgeKind::OwnedBy,
        EdgeKind::PartOf,
        EdgeKind::Supports,
        EdgeKind::DependsOn,
        EdgeKind::IntegratesWith,
        EdgeKind::RunsOn,
        EdgeKind::HostedIn,
        EdgeKind::SuppliedBy,
        EdgeKind::CoveredBy,
        EdgeKind::Uses,
        EdgeKind::Holds,
        EdgeKind::ChargedTo,
    ];

    /// The kind named by its snake_case name (`depends_on`).
    pub fn parse(name: &str) -> Option<EdgeKind> {
        EdgeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::OwnedBy => "owned_by",
            EdgeKind::PartOf => "part_of",
            EdgeKind::Supports => "supports",
            EdgeKind::DependsOn => "depends_on",
            EdgeKind::IntegratesWith => "integrates_with",
            EdgeKind::RunsOn => "runs_on",
            EdgeKind::HostedIn => "hosted_in",
            EdgeKind::SuppliedBy => "supplied_by",
            EdgeKind::CoveredBy => "covered_by",
            EdgeKind::Uses => "uses",
            EdgeKind::Holds => "holds",
            EdgeKind::ChargedTo => "charged_to",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// A qualifier: the integration an `integrates_with` edge comes from,
    /// the role of a `holds` edge (master/copy), the field that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The TIME quadrant of a system, from its functional and technical fit (1..4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Time {
    Tolerate,
    Invest,
    Migrate,
    Eliminate,
}

impl Time {
    pub const ALL: [Time; 4] = [Time::Invest, Time::Tolerate, Time::Migrate, Time::Eliminate];

    /// Fits of 3 or 4 are good. Good on both: invest; technically good only:
    /// tolerate; functionally good only: migrate; neither: eliminate.
    pub fn from_fit(functional: u8, technical: u8) -> Time {
        match (functional >= 3, technical >= 3) {
            (true, true) => Time::Invest,
            (false, true) => Time::Tolerate,
            (true, false) => Time::Migrate,
            (false, false) => Time::Eliminate,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Time::Tolerate => "tolerate",
            Time::Invest => "invest",
            Time::Migrate => "migrate",
            Time::Eliminate => "eliminate",
        }
    }
}

/// Where a node came from.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// `inventory`, `backstage`, `derived`, or a collector's name.
    pub source: String,
    /// Where it is declared.
    pub loc: Option<Loc>,
    /// For declared entities: their file and the lines before their document,
    /// to locate values inside them.
    pub file: Option<u32>,
    pub line_offset: u32,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub id: NodeId,
    pub kind: Kind,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub labels: IndexMap<String, String>,
    pub annotations: IndexMap<String, String>,
    pub provenance: Provenance,
    /// The declared spec; `None` for derived nodes.
    pub spec: Option<Spec>,
    /// Systems only, when both fits are given.
    pub time: Option<Time>,
}

impl Node {
    /// A resource node with nothing but its spec (collected, planned, generated).
    pub fn resource(
        id: impl Into<NodeId>,
        name: String,
        spec: crate::inventory::kinds::ResourceSpec,
        source: &str,
    ) -> Node {
        Node {
            id: id.into(),
            kind: Kind::Resource,
            name,
            title: None,
            description: None,
            tags: Vec::new(),
            labels: IndexMap::new(),
            annotations: IndexMap::new(),
            provenance: Provenance {
                source: source.to_string(),
                ..Provenance::default()
            },
            spec: Some(Spec::Resource(Box::new(spec))),
            time: None,
        }
    }

    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    /// The node's attributes as JSON: its spec plus derived facts.
    pub fn attributes(&self) -> serde_json::Value {
        let mut v = match &self.spec {
            Some(spec) => serde_json::to_value(spec).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Object(Default::default()),
        };
        if let (Some(t), Some(map)) = (self.time, v.as_object_mut()) {
            map.insert("time".into(), t.as_str().into());
        }
        v
    }
}

pub type Graph = StableDiGraph<Node, Edge>;

/// The whole estate as one graph.
#[derive(Debug, Default)]
pub struct Model {
    pub graph: Graph,
    /// Stable id → node; kept in step by [`Model::add_node`] and
    /// [`Model::remove`], the only ways nodes come and go.
    index: HashMap<NodeId, NodeIndex>,
    pub sources: Sources,
}

impl Model {
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        let id = node.id.clone();
        let idx = self.graph.add_node(node);
        self.index.insert(id, idx);
        idx
    }

    /// A copy of the graph and its index (not the sources), to change in a what-if.
    pub fn copy(&self) -> Model {
        Model {
            graph: self.graph.clone(),
            index: self.index.clone(),
            sources: Sources::default(),
        }
    }

    /// Remove a node and its edges.
    pub fn remove(&mut self, idx: NodeIndex) {
        if let Some(n) = self.graph.remove_node(idx) {
            self.index.remove(&n.id);
        }
    }

    /// Every node's stable id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(NodeId::as_str)
    }

    pub fn get(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    pub fn node(&self, idx: NodeIndex) -> &Node {
        &self.graph[idx]
    }

    /// Nodes of one kind, in id order.
    pub fn nodes_of(&self, kind: Kind) -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|i| self.graph[*i].kind == kind)
            .collect();
        v.sort_by(|a, b| self.graph[*a].id.cmp(&self.graph[*b].id));
        v
    }
}
