//! `estate show ID`: one node with its attributes and relations.

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde_json::{Value, json};

use crate::model::Model;

/// A node asked for by id or name that is not there, or not only one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no node `{text}`{hint}")]
    NoNode { text: String, hint: String },
    #[error("`{text}` names {} nodes: {}; give the id", ids.len(), ids.join(", "))]
    Ambiguous { text: String, ids: Vec<String> },
}

/// Find a node by id, or by a name that only one node has.
pub fn find(model: &Model, text: &str) -> Result<NodeIndex, FindError> {
    if let Some(i) = model.get(text) {
        return Ok(i);
    }
    if let Some(i) = model.get(&text.to_ascii_lowercase()) {
        return Ok(i);
    }
    let matches: Vec<NodeIndex> = model
        .graph
        .node_indices()
        .filter(|i| model.node(*i).name == text)
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => {
            // Compare names within the kind asked for, so the shared `system:` prefix does not dominate.
            let (prefix, name) = text.split_once(':').unwrap_or(("", text));
            let names = model.ids().filter_map(|id| {
                id.split_once(':')
                    .filter(|(k, _)| prefix.is_empty() || *k == prefix)
                    .map(|(_, n)| n)
            });
            let names: Vec<&str> = names.collect();
            // A near miss, else a name holding every word typed (`gis-corporate` → `corporate-gis`).
            let words: Vec<&str> = name.split('-').filter(|w| !w.is_empty()).collect();
            let suggestion = crate::inventory::scalar::did_you_mean(name, names.iter().copied())
                .or_else(|| {
                    names
                        .iter()
                        .copied()
                        .filter(|n| words.iter().all(|w| n.contains(w)))
                        .min_by_key(|n| n.len())
                });
            let hint = suggestion
                .map(|s| {
                    if prefix.is_empty() {
                        format!("; did you mean `{s}`?")
                    } else {
                        format!("; did you mean `{prefix}:{s}`?")
                    }
                })
                .unwrap_or_default();
            Err(FindError::NoNode {
                text: text.into(),
                hint,
            })
        }
        many => Err(FindError::Ambiguous {
            text: text.into(),
            ids: many.iter().map(|i| model.node(*i).id.to_string()).collect(),
        }),
    }
}

fn relations(model: &Model, idx: NodeIndex, dir: Direction) -> Vec<Value> {
    let mut v: Vec<(String, String, Option<String>)> = model
        .graph
        .edges_directed(idx, dir)
        .map(|e| {
            let other = if dir == Direction::Outgoing {
                e.target()
            } else {
                e.source()
            };
            (
                e.weight().kind.as_str().to_string(),
                model.node(other).id.to_string(),
                e.weight().label.clone(),
            )
        })
        .collect();
    v.sort();
    let key = if dir == Direction::Outgoing {
        "to"
    } else {
        "from"
    };
    v.into_iter()
        .map(|(kind, other, label)| {
            let mut j = json!({ "edge": kind, key: other });
            if let Some(l) = label {
                j["label"] = l.into();
            }
            j
        })
        .collect()
}

pub fn to_json(model: &Model, idx: NodeIndex) -> Value {
    let n = model.node(idx);
    json!({
        "id": n.id,
        "kind": n.kind,
        "name": n.name,
        "title": n.title,
        "description": n.description,
        "source": n.provenance.source,
        "declared_at": n.provenance.loc.map(|l| model.sources.describe(l)),
        "tags": n.tags,
        "labels": n.labels,
        "annotations": n.annotations,
        "attributes": n.attributes(),
        "rollup": model.rollup(idx),
        "outgoing": relations(model, idx, Direction::Outgoing),
        "incoming": relations(model, idx, Direction::Incoming),
    })
}

/// Flatten a JSON value into `path: value` lines.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            out.push((prefix.to_string(), parts.join(", ")));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

pub fn render_table(model: &Model, idx: NodeIndex) -> String {
    let j = to_json(model, idx);
    let n = model.node(idx);
    let mut out = format!("{} ({})\n", n.display_name(), n.id);
    if let Some(d) = &n.description {
        out.push_str(&format!("{d}\n"));
    }
    if let Some(at) = j["declared_at"].as_str() {
        out.push_str(&format!("declared at {at}\n"));
    }
    out.push('\n');
    let mut rows = Vec::new();
    for key in ["tags", "labels", "attributes", "rollup"] {
        flatten(
            if key == "attributes" { "" } else { key },
            &j[key],
            &mut rows,
        );
    }
    let mut t = super::table(&["Attribute", "Value"]);
    for (k, v) in rows.into_iter().filter(|(_, v)| !v.is_empty()) {
        t.add_row(vec![k, v]);
    }
    out.push_str(&format!("{t}\n\n"));
    for (title, key, other) in [
        ("Outgoing", "outgoing", "to"),
        ("Incoming", "incoming", "from"),
    ] {
        let items = j[key].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            continue;
        }
        let mut t = super::table(&[title, if other == "to" { "To" } else { "From" }, "Label"]);
        for e in items {
            t.add_row(vec![
                e["edge"].as_str().unwrap_or_default().to_string(),
                e[other].as_str().unwrap_or_default().to_string(),
                e["label"].as_str().unwrap_or_default().to_string(),
            ]);
        }
        out.push_str(&format!("{t}\n\n"));
    }
    out
}
