//! `estate graph`: the model (or a neighbourhood of one node) as Graphviz
//! DOT, a Mermaid flowchart, or JSON. Labels are escaped for each format.

use std::collections::{BTreeSet, HashMap};

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde_json::json;

use crate::inventory::Kind;
use crate::model::Model;

/// Which nodes to draw.
pub struct Selection {
    pub nodes: Vec<NodeIndex>,
}

/// Kinds drawn when none are asked for: integrations show as system-to-system
/// edges already, and mappings and roadmaps are configuration.
pub fn default_kinds() -> Vec<Kind> {
    Kind::DECLARABLE
        .into_iter()
        .chain([Kind::Region])
        .filter(|k| !matches!(k, Kind::Integration | Kind::Mapping | Kind::Roadmap))
        .collect()
}

/// Nodes of `kinds`; with a focus, only those within `depth` hops of it (either direction).
pub fn select(model: &Model, kinds: &[Kind], focus: Option<NodeIndex>, depth: usize) -> Selection {
    let allowed = |i: NodeIndex| kinds.contains(&model.node(i).kind);
    let mut nodes: Vec<NodeIndex> = match focus {
        Some(f) => {
            let mut set = BTreeSet::from([f]);
            let mut frontier = vec![f];
            for _ in 0..depth {
                let mut next = Vec::new();
                for n in frontier {
                    for m in model.graph.neighbors_undirected(n) {
                        if allowed(m) && set.insert(m) {
                            next.push(m);
                        }
                    }
                }
                frontier = next;
            }
            set.into_iter().collect()
        }
        None => model.graph.node_indices().filter(|i| allowed(*i)).collect(),
    };
    nodes.sort_by(|a, b| model.node(*a).id.cmp(&model.node(*b).id));
    Selection { nodes }
}

/// Edges between selected nodes: (from, to, kind, label), sorted.
fn edges(
    model: &Model,
    sel: &Selection,
) -> Vec<(NodeIndex, NodeIndex, &'static str, Option<String>)> {
    let chosen: BTreeSet<NodeIndex> = sel.nodes.iter().copied().collect();
    let mut v: Vec<_> = (&model.graph)
        .edge_references()
        .filter(|e| chosen.contains(&e.source()) && chosen.contains(&e.target()))
        .map(|e| {
            (
                e.source(),
                e.target(),
                e.weight().kind.as_str(),
                e.weight().label.clone(),
            )
        })
        .collect();
    v.sort_by(|a, b| {
        (&model.node(a.0).id, &model.node(a.1).id, a.2).cmp(&(
            &model.node(b.0).id,
            &model.node(b.1).id,
            b.2,
        ))
    });
    v
}

fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::System => "#cfe2ff",
        Kind::Domain => "#e2d9f3",
        Kind::Capability => "#d1e7dd",
        Kind::Team => "#fff3cd",
        Kind::Resource | Kind::Region => "#e9ecef",
        Kind::Site => "#dee2e6",
        Kind::Supplier | Kind::Contract => "#f8d7da",
        Kind::Technology => "#ffe5d0",
        Kind::InformationAsset => "#d2f4ea",
        _ => "#ffffff",
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn to_dot(model: &Model, sel: &Selection) -> String {
    let mut out = String::from(
        "digraph estate {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8, color=\"#6c757d\"];\n",
    );
    for &i in &sel.nodes {
        let n = model.node(i);
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\\n({})\", fillcolor=\"{}\"];\n",
            dot_escape(&n.id),
            dot_escape(n.display_name()),
            n.kind.prefix(),
            colour(n.kind)
        ));
    }
    for (a, b, kind, _) in edges(model, sel) {
        out.push_str(&format!(
            "  \"{}\" -> \"{}\" [label=\"{kind}\"];\n",
            dot_escape(&model.node(a).id),
            dot_escape(&model.node(b).id)
        ));
    }
    out.push_str("}\n");
    out
}

/// Mermaid labels go in double quotes; quotes and markup characters become entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn to_mermaid(model: &Model, sel: &Selection) -> String {
    let mut out = String::from("flowchart LR\n");
    let ids: HashMap<NodeIndex, String> = sel
        .nodes
        .iter()
        .enumerate()
        .map(|(k, i)| (*i, format!("n{k}")))
        .collect();
    let mut kinds = BTreeSet::new();
    for &i in &sel.nodes {
        let n = model.node(i);
        kinds.insert(n.kind);
        out.push_str(&format!(
            "  {}[\"{}<br/><small>{}</small>\"]:::{}\n",
            ids[&i],
            mermaid_escape(n.display_name()),
            mermaid_escape(&n.id),
            n.kind.prefix().replace('-', "_")
        ));
    }
    for (a, b, kind, _) in edges(model, sel) {
        out.push_str(&format!("  {} -->|{kind}| {}\n", ids[&a], ids[&b]));
    }
    for k in kinds {
        out.push_str(&format!(
            "  classDef {} fill:{},stroke:#495057\n",
            k.prefix().replace('-', "_"),
            colour(k)
        ));
    }
    out
}

pub fn to_json(model: &Model, sel: &Selection) -> serde_json::Value {
    let nodes: Vec<_> = sel
        .nodes
        .iter()
        .map(|i| {
            let n = model.node(*i);
            json!({ "id": n.id, "kind": n.kind, "name": n.name, "title": n.title })
        })
        .collect();
    let edges: Vec<_> = edges(model, sel)
        .into_iter()
        .map(|(a, b, kind, label)| {
            let mut e = json!({ "from": model.node(a).id, "to": model.node(b).id, "kind": kind });
            if let Some(l) = label {
                e["label"] = l.into();
            }
            e
        })
        .collect();
    json!({ "nodes": nodes, "edges": edges })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(dot_escape("a \"b\" \\ c"), "a \\\"b\\\" \\\\ c");
        assert_eq!(
            mermaid_escape("<script>\"x\"#"),
            "#lt;script#gt;#quot;x#quot;#35;"
        );
    }
}
