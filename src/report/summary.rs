//! `estate summary`: counts by kind, and systems by domain, lifecycle,
//! hosting and TIME quadrant.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use petgraph::Direction;
use serde::Serialize;

use crate::inventory::kinds::Phase;
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model, Time};

#[derive(Debug, Serialize)]
pub struct Summary {
    pub name: String,
    pub nodes: usize,
    pub edges: usize,
    /// Entities by kind (derived regions included).
    pub counts: IndexMap<String, usize>,
    pub systems: Systems,
}

#[derive(Debug, Serialize)]
pub struct Systems {
    pub total: usize,
    /// Systems by domain id (`(none)` when unset), most first.
    pub by_domain: Vec<Count>,
    pub by_lifecycle: Vec<Count>,
    pub by_hosting: Vec<Count>,
    pub by_time: Vec<Count>,
    /// Systems with no owning team.
    pub unowned: usize,
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub key: String,
    pub title: String,
    pub systems: usize,
}

const NONE: &str = "(none)";

pub fn summarise(model: &Model, name: &str) -> Summary {
    let mut counts = IndexMap::new();
    for kind in Kind::DECLARABLE.into_iter().chain([Kind::Region]) {
        counts.insert(kind.as_str().to_string(), model.nodes_of(kind).len());
    }
    let systems = model.nodes_of(Kind::System);
    let mut by_domain: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_lifecycle: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_hosting: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_time: BTreeMap<String, usize> = BTreeMap::new();
    let mut unowned = 0;
    for &s in &systems {
        let node = model.node(s);
        let Some(Spec::System(spec)) = &node.spec else {
            continue;
        };
        let domain = model
            .neighbours(s, Direction::Outgoing, &[EdgeKind::PartOf])
            .into_iter()
            .find(|d| model.node(*d).kind == Kind::Domain)
            .map(|d| model.node(d).id.to_string())
            .unwrap_or_else(|| NONE.into());
        *by_domain.entry(domain).or_default() += 1;
        let phase = spec.lifecycle.as_ref().map_or(NONE, |l| l.phase.as_str());
        *by_lifecycle.entry(phase.into()).or_default() += 1;
        *by_hosting
            .entry(spec.hosting.map_or(NONE, |h| h.as_str()).into())
            .or_default() += 1;
        *by_time
            .entry(node.time.map_or(NONE, Time::as_str).into())
            .or_default() += 1;
        if spec.owner.is_none() {
            unowned += 1;
        }
    }
    let title = |key: &str| {
        model
            .get(key)
            .map(|i| model.node(i).display_name().to_string())
            .unwrap_or_else(|| key.to_string())
    };
    let mut domains: Vec<Count> = by_domain
        .into_iter()
        .map(|(key, systems)| Count {
            title: title(&key),
            key,
            systems,
        })
        .collect();
    domains.sort_by(|a, b| b.systems.cmp(&a.systems).then(a.key.cmp(&b.key)));
    // Fixed orders for the enumerations, so tables read the same every time.
    let ordered = |map: BTreeMap<String, usize>, order: &[&str]| -> Vec<Count> {
        let mut v: Vec<Count> = order
            .iter()
            .chain(std::iter::once(&NONE))
            .filter_map(|k| {
                map.get(*k).map(|n| Count {
                    key: k.to_string(),
                    title: k.to_string(),
                    systems: *n,
                })
            })
            .collect();
        v.extend(
            map.iter()
                .filter(|(k, _)| !order.contains(&k.as_str()) && k.as_str() != NONE)
                .map(|(k, n)| Count {
                    key: k.clone(),
                    title: k.clone(),
                    systems: *n,
                }),
        );
        v
    };
    Summary {
        name: name.to_string(),
        nodes: model.graph.node_count(),
        edges: model.graph.edge_count(),
        counts,
        systems: Systems {
            total: systems.len(),
            by_domain: domains,
            by_lifecycle: ordered(by_lifecycle, &Phase::ALL.map(Phase::as_str)),
            by_hosting: ordered(by_hosting, &["on-prem", "cloud", "hybrid", "saas"]),
            by_time: ordered(by_time, &Time::ALL.map(Time::as_str)),
            unowned,
        },
    }
}

/// The summary as terminal tables.
pub fn render_table(s: &Summary) -> String {
    let mut out = format!(
        "{}: {} systems, {} nodes, {} relations\n\n",
        s.name, s.systems.total, s.nodes, s.edges
    );
    let mut kinds = super::table(&["Kind", "Count"]);
    for (k, n) in s.counts.iter().filter(|(_, n)| **n > 0) {
        kinds.add_row(vec![k.clone(), n.to_string()]);
    }
    out.push_str(&format!("{kinds}\n\n"));
    let mut domains = super::table(&["Domain", "Systems"]);
    for c in &s.systems.by_domain {
        domains.add_row(vec![c.title.clone(), c.systems.to_string()]);
    }
    out.push_str(&format!("{domains}\n\n"));
    for (title, counts) in [
        ("Lifecycle", &s.systems.by_lifecycle),
        ("Hosting", &s.systems.by_hosting),
        ("TIME quadrant", &s.systems.by_time),
    ] {
        let mut t = super::table(&[title, "Systems"]);
        for c in counts {
            t.add_row(vec![c.title.clone(), c.systems.to_string()]);
        }
        out.push_str(&format!("{t}\n\n"));
    }
    out.push_str(&format!("Systems with no owner: {}\n", s.systems.unowned));
    out
}
