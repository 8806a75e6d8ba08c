//! The estate map (map.html): every domain with its capabilities and the
//! systems supporting each, as lists and as one landscape diagram.

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use serde_json::{Value, json};

use crate::inventory::Kind;
use crate::model::EdgeKind;
use crate::report::diagram;
use crate::report::site::format::system_chip;
use crate::report::site::shared::Shared;
use crate::report::site::table::Table;

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let model = sh.model;
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
            let mut sys: Vec<Value> = model
                .neighbours(cap, Direction::Incoming, &[EdgeKind::Supports])
                .into_iter()
                .filter(|s| model.node(*s).kind == Kind::System)
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
    c.insert("landscape", &diagram::landscape_svg(model));
    c.insert(
        "landscape_limits",
        &json!({"domains": diagram::LANDSCAPE_DOMAINS, "links": diagram::LANDSCAPE_LINKS}),
    );
    Some(Vec::new())
}
