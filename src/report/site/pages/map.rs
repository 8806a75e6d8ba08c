//! The estate map (map.html): every domain with its capabilities and the
//! systems supporting each, as lists and as one landscape diagram. An estate
//! with more than [`MAP_CHIPS`] system entries shows each capability's count
//! of systems by TIME quadrant instead of the systems themselves, so the
//! page stays one a browser opens (the systems list and csv/systems.csv
//! hold every system).

use std::collections::BTreeMap;

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

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let model = sh.model;
    let chips: usize = model
        .nodes_of(Kind::Capability)
        .into_iter()
        .map(|cap| supporting(model, cap).len())
        .sum();
    let summarised = chips > MAP_CHIPS;
    let by_title = |a: &Value, b: &Value| a["title"].as_str().cmp(&b["title"].as_str());
    let mut domains = Vec::new();
    for d in model.nodes_of(Kind::Domain) {
        let caps: Vec<NodeIndex> = model
            .neighbours(d, Direction::Incoming, &[EdgeKind::PartOf])
            .into_iter()
            .filter(|c| model.node(*c).kind == Kind::Capability)
            .collect();
        let mut cap_list = Vec::new();
        for cap in caps {
            let systems = supporting(model, cap);
            if summarised {
                let mut by_time: BTreeMap<&str, usize> = BTreeMap::new();
                for s in &systems {
                    *by_time
                        .entry(model.node(*s).time.map_or("none", |t| t.as_str()))
                        .or_default() += 1;
                }
                cap_list.push(json!({"id": model.node(cap).id, "title": sh.title(cap), "count": systems.len(), "by_time": by_time}));
                continue;
            }
            let mut sys: Vec<Value> = systems
                .into_iter()
                .map(|s| system_chip(model, s, ""))
                .collect();
            sys.sort_by(by_title);
            cap_list
                .push(json!({"id": model.node(cap).id, "title": sh.title(cap), "systems": sys}));
        }
        cap_list.sort_by(by_title);
        domains
            .push(json!({"id": model.node(d).id, "title": sh.title(d), "capabilities": cap_list}));
    }
    domains.sort_by(by_title);
    c.insert("domains", &domains);
    c.insert(
        "map_summarised",
        &summarised.then(|| json!({"entries": chips, "limit": MAP_CHIPS})),
    );
    c.insert("landscape", &diagram::landscape_svg(model));
    c.insert(
        "landscape_limits",
        &json!({"domains": diagram::LANDSCAPE_DOMAINS, "links": diagram::LANDSCAPE_LINKS}),
    );
    Some(Vec::new())
}

/// The systems supporting a capability.
fn supporting(model: &crate::model::Model, cap: NodeIndex) -> Vec<NodeIndex> {
    model
        .neighbours(cap, Direction::Incoming, &[EdgeKind::Supports])
        .into_iter()
        .filter(|s| model.node(*s).kind == Kind::System)
        .collect()
}
