//! The warnings actions raise about what they break: dependents stranded,
//! integrations ended, capabilities left with no system in service (or only
//! one not live yet), systems named that are already gone, and data kept
//! outside the place a system must keep it.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::state::State;
use crate::inventory::kinds::{Action, Phase};
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model};

/// Why a system is not in service on a date.
#[derive(Debug, thiserror::Error)]
pub(super) enum NotInService {
    #[error("goes live on {0}")]
    GoesLive(NaiveDate),
    #[error("is still being planned, with no go-live date")]
    NoGoLive,
    #[error("is retired")]
    Retired,
}

impl State<'_> {
    /// Live systems that depend on or integrate with these, from outside them.
    pub(super) fn check_dependents(&mut self, systems: &[NodeIndex], verb: &str) {
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        for &s in systems {
            let sid = self.model.node(s).id.clone();
            let sname = self.model.node(s).display_name().to_string();
            let mut dependents = Vec::new();
            let mut partners = BTreeSet::new();
            for e in self.model.graph.edges_directed(s, Direction::Incoming) {
                let src = e.source();
                if ids.contains(&src) || self.model.node(src).kind != Kind::System {
                    continue;
                }
                match e.weight().kind {
                    EdgeKind::DependsOn => {
                        dependents.push(self.model.node(src).display_name().to_string())
                    }
                    EdgeKind::IntegratesWith => {
                        partners.insert(self.model.node(src).display_name().to_string());
                    }
                    _ => {}
                }
            }
            for e in self.model.graph.edges_directed(s, Direction::Outgoing) {
                let dst = e.target();
                if e.weight().kind == EdgeKind::IntegratesWith
                    && !ids.contains(&dst)
                    && self.model.node(dst).kind == Kind::System
                {
                    partners.insert(self.model.node(dst).display_name().to_string());
                }
            }
            dependents.sort();
            dependents.dedup();
            if !dependents.is_empty() {
                self.warn(
                    "strands-dependent",
                    &sid,
                    format!(
                        "{verb} {sname} strands {} that depend{} on it: {}",
                        plural(dependents.len(), "system"),
                        if dependents.len() == 1 { "s" } else { "" },
                        dependents.join(", ")
                    ),
                );
            }
            for d in &dependents {
                partners.remove(d);
            }
            if !partners.is_empty() {
                let list: Vec<String> = partners.into_iter().collect();
                self.warn(
                    "broken-integration",
                    &sid,
                    format!(
                        "{verb} {sname} ends its integrations with {}",
                        list.join(", ")
                    ),
                );
            }
        }
    }

    /// Whether a system is in service on the current date.
    pub(super) fn in_service(&self, idx: NodeIndex) -> Result<(), NotInService> {
        let n = self.model.node(idx);
        if let Some(Spec::System(s)) = &n.spec
            && let Some(l) = &s.lifecycle
        {
            match l.phase {
                Phase::Plan | Phase::PhaseIn => match &l.start {
                    Some(d) if d.value.0 <= self.date => {}
                    Some(d) => return Err(NotInService::GoesLive(d.value.0)),
                    None => return Err(NotInService::NoGoLive),
                },
                Phase::Retired => return Err(NotInService::Retired),
                _ => {}
            }
        }
        Ok(())
    }

    /// Capabilities left with no system in service, or whose only other
    /// system is not live yet, when these systems go.
    pub(super) fn check_capabilities(&mut self, systems: &[NodeIndex], verb: &str) {
        let ids: HashSet<NodeIndex> = systems.iter().copied().collect();
        let mut caps: BTreeSet<NodeIndex> = BTreeSet::new();
        for &s in systems {
            caps.extend(
                self.model
                    .neighbours(s, Direction::Outgoing, &[EdgeKind::Supports]),
            );
        }
        for c in caps {
            let others: Vec<NodeIndex> = self
                .model
                .neighbours(c, Direction::Incoming, &[EdgeKind::Supports])
                .into_iter()
                .filter(|o| !ids.contains(o) && self.model.node(*o).kind == Kind::System)
                .collect();
            let (ready, pending): (Vec<NodeIndex>, Vec<NodeIndex>) =
                others.iter().partition(|o| self.in_service(**o).is_ok());
            if !ready.is_empty() {
                continue;
            }
            let cap = self.model.node(c).display_name().to_string();
            let names: Vec<String> = systems
                .iter()
                .map(|s| self.model.node(*s).display_name().to_string())
                .collect();
            let subject = self.model.node(c).id.clone();
            match pending.first() {
                Some(p) => {
                    let why = self
                        .in_service(*p)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default();
                    let msg = format!(
                        "{verb} {} before its replacement for {cap} is live: {} {why}",
                        names.join(", "),
                        self.model.node(*p).display_name()
                    );
                    self.warn("before-replacement", &subject, msg);
                }
                None => self.warn(
                    "capability-gap",
                    &subject,
                    format!("{verb} {} leaves {cap} with no system", names.join(", ")),
                ),
            }
        }
    }

    /// Systems named by the action, still present; warns about those gone.
    pub(super) fn systems_of(&mut self, a: &Action) -> Vec<NodeIndex> {
        let mut v = Vec::new();
        for r in &a.systems {
            let id = r.value.id();
            match self.model.get(&id) {
                Some(i) => v.push(i),
                None => {
                    let when = self
                        .gone
                        .get(id.as_str())
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    self.warn(
                        "already-gone",
                        &id,
                        format!("{id} was already retired or consolidated on {when}"),
                    );
                }
            }
        }
        v
    }
}

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A system's declared data location (upper case).
pub(super) fn data_location(model: &Model, s: NodeIndex) -> Option<String> {
    match &model.node(s).spec {
        Some(Spec::System(sys)) => sys
            .data_location
            .as_ref()
            .map(|d| d.value.trim().to_ascii_uppercase()),
        _ => None,
    }
}

/// Whether a place (`GB`, `UK`, `EU`) admits a country or jurisdiction.
pub(super) fn same_place(required: &str, country: &str, jurisdiction: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_ascii_uppercase();
        if s == "UK" { "GB".to_string() } else { s }
    };
    let r = norm(required);
    r == norm(country) || (!jurisdiction.is_empty() && r == norm(jurisdiction))
}
