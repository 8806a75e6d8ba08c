//! `site`: a site's PUE or renewable tariff share changes, or it closes —
//! its equipment moved `into` another site, or, with none, what serves no
//! live system removed and the rest kept (with a warning naming the
//! systems still there).

use std::collections::BTreeSet;

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use crate::inventory::kinds::{Action, spanned};
use crate::inventory::{Kind, Spec};
use crate::model::EdgeKind;
use crate::plan::roadmap::checks::plural;
use crate::plan::roadmap::graph::add_edge;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let Some(site_ref) = &a.site else {
        return String::new();
    };
    let id = site_ref.value.id();
    let Some(idx) = state.model.get(&id) else {
        return String::new();
    };
    let mut what = Vec::new();
    if let Some(Spec::Site(s)) = &mut state.model.graph[idx].spec {
        if let Some(p) = a.pue {
            s.pue = Some(spanned(p));
            what.push(format!("PUE {p}"));
        }
        if let Some(r) = a.renewable_share {
            s.renewable_share = Some(spanned(r));
            what.push(format!("renewable share {r}"));
        }
    }
    if a.close == Some(true) {
        let into = a.into.as_ref().and_then(|r| state.model.get(&r.value.id()));
        let hosted = state
            .model
            .neighbours(idx, Direction::Incoming, &[EdgeKind::HostedIn]);
        let mut stranded: BTreeSet<crate::model::NodeId> = BTreeSet::new();
        let mut left = 0;
        for r in hosted {
            let kind = state.model.node(r).kind;
            if kind == Kind::DeviceFleet {
                continue;
            }
            if let Some(dest) = into {
                let old: Vec<_> = state
                    .model
                    .graph
                    .edges_connecting(r, idx)
                    .map(|e| e.id())
                    .collect();
                for e in old {
                    state.model.graph.remove_edge(e);
                }
                add_edge(&mut state.model, r, dest, EdgeKind::HostedIn, None);
                if let Some(Spec::Resource(rs)) = &mut state.model.graph[r].spec {
                    rs.site = a.into.clone();
                }
                continue;
            }
            let users = state.model.rollup(r).systems;
            if users.is_empty() {
                state.stopped.insert(state.model.node(r).id.clone());
                state.model.remove(r);
            } else {
                left += 1;
                stranded.extend(users);
            }
        }
        match into {
            Some(dest) => what.push(format!(
                "closed; equipment moved to {}",
                state.model.node(dest).display_name()
            )),
            None => what.push("closed".into()),
        }
        if !stranded.is_empty() {
            let names: Vec<String> = stranded.iter().map(|s| state.name(s)).collect();
            let site_name = state.model.node(idx).display_name().to_string();
            state.warn(
                "site-closure",
                &id,
                format!(
                    "closing {site_name} leaves {} serving {} still there (kept in the estimate): {}",
                    plural(left, "resource"),
                    plural(names.len(), "live system"),
                    names.join(", ")
                ),
            );
        }
    }
    what.join(", ")
}