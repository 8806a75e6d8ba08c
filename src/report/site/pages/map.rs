//! The estate map (map.html): every domain with its capabilities and the
//! systems supporting each, as lists and as one landscape diagram. An estate
//! with more than [`MAP_CHIPS`] system entries shows each capability's count
//! of systems by TIME quadrant instead of the systems themselves, and one
//! with more than [`MAP_CAPABILITIES`] capabilities each domain's counts, so
//! the page stays one a browser opens (the systems list and csv/systems.csv
//! hold every system).

use std::collections::{BTreeMap, HashMap};

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use serde_json::{Value, json};

use crate::inventory::Kind;
use crate::model::EdgeKind;
use crate::report::diagram;
use crate::report::site::format::system_chip;
use crate::report::site::shared::Shared;
use crate::report::site::table::Table;

/// The most system entries (a system once per capability it supports) the
/// map lists one by one.
pub const MAP_CHIPS: usize = 5_000;

/// The most capabilities the map lists; beyond, each domain gives its
/// number of capabilities and of systems by TIME quadrant.
pub const MAP_CAPABILITIES: usize = 10_000;

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let model = sh.model;
    let all_caps = model.nodes_of(Kind::Capability);
    // Each capability's systems, looked up once: counted here, listed below.
    let supported: HashMap<NodeIndex, Vec<NodeIndex>> = all_caps
        .iter()
        .map(|cap| (*cap, supporting(model, *cap)))
        .collect();
    let chips: usize = supported.values().map(Vec::len).sum();
    let summarised = chips > MAP_CHIPS;
    let by_domain = summarised && all_caps.len() > MAP_CAPABILITIES;
    let by_title = |a: &Value, b: &Value| a["title"].as_str().cmp(&b["title"].as_str());
    let mut domains = Vec::new();
    for d in model.nodes_of(Kind::Domain) {
        let caps: Vec<NodeIndex> = model
            .neighbours(d, Direction::Incoming, &[EdgeKind::PartOf])
            .into_iter()
            .filter(|c| model.node(*c).kind == Kind::Capability)
            .collect();
        let mut cap_list = Vec::new();
        let mut in_domain: Vec<NodeIndex> = Vec::new();
        for cap in &caps {
            let systems = supported.get(cap).cloned().unwrap_or_default();
            if by_domain {
                in_domain.extend(systems);
            } else if summarised {
                cap_list.push(json!({"id": model.node(*cap).id, "title": sh.title(*cap), "count": systems.len(), "by_time": by_time(model, &systems)}));
            } else {
                let mut sys: Vec<Value> = systems
                    .into_iter()
                    .map(|s| system_chip(model, s, ""))
                    .collect();
                sys.sort_by(by_title);
                cap_list.push(
                    json!({"id": model.node(*cap).id, "title": sh.title(*cap), "systems": sys}),
                );
            }
        }
        cap_list.sort_by(by_title);
        let mut domain =
            json!({"id": model.node(d).id, "title": sh.title(d), "capabilities": cap_list});
        if by_domain {
            in_domain.sort();
            in_domain.dedup();
            domain["capability_count"] = json!(caps.len());
            domain["count"] = json!(in_domain.len());
            domain["by_time"] = json!(by_time(model, &in_domain));
        }
        domains.push(domain);
    }
    domains.sort_by(by_title);
    c.insert("domains", &domains);
    c.insert(
        "map_summarised",
        &summarised.then(|| {
            json!({"entries": chips, "limit": MAP_CHIPS, "capabilities": all_caps.len(), "capability_limit": MAP_CAPABILITIES, "by_domain": by_domain})
        }),
    );
    c.insert("landscape", &diagram::landscape_svg(model));
    c.insert(
        "landscape_limits",
        &json!({"domains": diagram::LANDSCAPE_DOMAINS, "links": diagram::LANDSCAPE_LINKS}),
    );
    Some(Vec::new())
}

/// How many of `systems` are in each TIME quadrant (`none` without fit scores).
fn by_time<'m>(model: &'m crate::model::Model, systems: &[NodeIndex]) -> BTreeMap<&'m str, usize> {
    let mut out: BTreeMap<&str, usize> = BTreeMap::new();
    for s in systems {
        *out.entry(model.node(*s).time.map_or("none", |t| t.as_str()))
            .or_default() += 1;
    }
    out
}

/// The systems supporting a capability.
fn supporting(model: &crate::model::Model, cap: NodeIndex) -> Vec<NodeIndex> {
    model
        .neighbours(cap, Direction::Incoming, &[EdgeKind::Supports])
        .into_iter()
        .filter(|s| model.node(*s).kind == Kind::System)
        .collect()
}
