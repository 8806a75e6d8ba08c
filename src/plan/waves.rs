//! Migration waves (`estate plan waves`): systems that depend on each other
//! in a cycle (through `depends_on` or integrations) form a strongly
//! connected group and move together; groups are layered along the condensed
//! graph so that what is depended on moves first (or last, with
//! `--dependents-first`), then packed into waves of at most N systems, less
//! critical systems earlier in a layer. Each wave lists its systems, the
//! spend and carbon that move with them, and the links to other waves that
//! must be bridged while the migration is under way.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::Direction;
use petgraph::graph::DiGraph;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::inventory::kinds::{Criticality, Phase};
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model, NodeId};

#[derive(Debug, Default, Serialize)]
pub struct Waves {
    pub order: String,
    pub max_per_wave: usize,
    pub systems: usize,
    pub waves: Vec<Wave>,
}

#[derive(Debug, Default, Serialize)]
pub struct Wave {
    pub number: usize,
    /// Systems that must move together (a strongly connected group of two or more).
    pub groups: Vec<Vec<String>>,
    pub systems: Vec<String>,
    /// Effective spend and central kgCO2e of the systems moving.
    pub spend: Decimal,
    pub co2e_kg: f64,
    /// Links from this wave's systems to systems in other waves.
    pub bridges: Vec<Bridge>,
    /// With a target: what migrating this wave there changes (after the waves before it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_migrated: Option<Migrated>,
}

#[derive(Debug, Serialize)]
pub struct Migrated {
    pub target: String,
    /// Change in annual spend (charges like-for-like; hosts switched off stop).
    #[serde(with = "rust_decimal::serde::str")]
    pub spend_delta: Decimal,
    /// Change in annual kgCO2e, location-based.
    pub co2e_delta_kg: crate::assess::carbon::Range,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Bridge {
    pub from: String,
    pub to: String,
    /// `depends_on`, or the integration's id.
    pub via: String,
    pub other_wave: usize,
}

/// Why a `--systems` selector selects nothing.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("no `{0}` in the estate")]
    NotInEstate(String),
    #[error("`{0}` is not a system, `all`, `domain:…`, `capability:…` or `hosting:…`")]
    NotASystem(String),
    #[error("`{0}` selects no systems")]
    Empty(String),
}

/// Which systems to plan: `all` (every system not retired), `domain:NAME`,
/// `capability:NAME`, `hosting:on-prem|cloud|saas|hybrid`, or system ids,
/// comma-separated (any of them selects).
pub fn select(model: &Model, selector: &str) -> Result<Vec<NodeIndex>, SelectError> {
    let systems: Vec<NodeIndex> = model
        .nodes_of(Kind::System)
        .into_iter()
        .filter(|s| {
            !matches!(&model.node(*s).spec, Some(Spec::System(x)) if x.lifecycle.as_ref().is_some_and(|l| l.phase == Phase::Retired))
        })
        .collect();
    let mut out: Vec<NodeIndex> = Vec::new();
    for part in selector.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let picked: Vec<NodeIndex> = if part == "all" {
            systems.clone()
        } else if let Some(h) = part.strip_prefix("hosting:") {
            systems
                .iter()
                .copied()
                .filter(|s| match &model.node(*s).spec {
                    Some(Spec::System(x)) => x.hosting.is_some_and(|v| {
                        serde_json::to_value(v)
                            .ok()
                            .and_then(|j| j.as_str().map(String::from))
                            .as_deref()
                            == Some(h)
                    }),
                    _ => false,
                })
                .collect()
        } else if part.starts_with("domain:") || part.starts_with("capability:") {
            let Some(target) = model.get(part) else {
                return Err(SelectError::NotInEstate(part.to_string()));
            };
            let edge = if part.starts_with("domain:") {
                EdgeKind::PartOf
            } else {
                EdgeKind::Supports
            };
            systems
                .iter()
                .copied()
                .filter(|s| {
                    model
                        .neighbours(*s, Direction::Outgoing, &[edge])
                        .contains(&target)
                })
                .collect()
        } else {
            match model.get(part) {
                Some(i) if model.node(i).kind == Kind::System => vec![i],
                _ => {
                    return Err(SelectError::NotASystem(part.to_string()));
                }
            }
        };
        for p in picked {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        return Err(SelectError::Empty(selector.to_string()));
    }
    Ok(out)
}

/// Plan the waves for `selected` systems.
pub fn plan(
    model: &Model,
    selected: &[NodeIndex],
    max_per_wave: usize,
    dependents_first: bool,
    spend: &HashMap<String, Decimal>,
    carbon: &HashMap<NodeId, f64>,
) -> Waves {
    let max = max_per_wave.max(1);
    let pos: HashMap<NodeIndex, usize> =
        selected.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // Links between selected systems: (from, to, via), `from` needs `to`.
    let mut links: Vec<(usize, usize, String)> = Vec::new();
    for (i, s) in selected.iter().enumerate() {
        for d in model.neighbours(*s, Direction::Outgoing, &[EdgeKind::DependsOn]) {
            if let Some(&j) = pos.get(&d) {
                links.push((i, j, "depends_on".into()));
            }
        }
    }
    for it in model.nodes_of(Kind::Integration) {
        if let Some(Spec::Integration(x)) = &model.node(it).spec
            && let (Some(a), Some(b)) = (model.get(&x.from.value.id()), model.get(&x.to.value.id()))
            && let (Some(&i), Some(&j)) = (pos.get(&a), pos.get(&b))
            && i != j
        {
            // A consumer needs its provider: data flows from `from` to `to`.
            links.push((j, i, model.node(it).id.to_string()));
        }
    }
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    let idx: Vec<_> = (0..selected.len()).map(|i| g.add_node(i)).collect();
    for (a, b, _) in &links {
        if a != b {
            g.update_edge(idx[*a], idx[*b], ());
        }
    }
    // Strongly connected groups, in reverse topological order: what is
    // depended on comes first.
    let sccs = petgraph::algo::tarjan_scc(&g);
    let mut group_of = vec![0usize; selected.len()];
    for (gi, c) in sccs.iter().enumerate() {
        for n in c {
            group_of[g[*n]] = gi;
        }
    }
    // Layer: a group's layer is one more than the deepest group it needs.
    let mut needs: Vec<HashSet<usize>> = vec![HashSet::new(); sccs.len()];
    for (a, b, _) in &links {
        let (ga, gb) = (group_of[*a], group_of[*b]);
        if ga != gb {
            needs[ga].insert(gb);
        }
    }
    let mut layer = vec![0usize; sccs.len()];
    for gi in 0..sccs.len() {
        // Tarjan's order puts every needed group before its dependent.
        layer[gi] = needs[gi].iter().map(|n| layer[*n] + 1).max().unwrap_or(0);
    }
    if dependents_first {
        let top = layer.iter().copied().max().unwrap_or(0);
        for l in &mut layer {
            *l = top - *l;
        }
    }
    let crit = |i: usize| -> u8 {
        match &model.node(selected[i]).spec {
            Some(Spec::System(x)) => match x.criticality {
                Some(Criticality::Low) => 0,
                Some(Criticality::Medium) | None => 1,
                Some(Criticality::High) => 2,
                Some(Criticality::Critical) => 3,
            },
            _ => 1,
        }
    };
    let mut by_layer: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (gi, l) in layer.iter().enumerate() {
        by_layer.entry(*l).or_default().push(gi);
    }
    let id = |i: usize| model.node(selected[i]).id.to_string();
    let mut waves: Vec<Wave> = Vec::new();
    let mut wave_of = vec![0usize; selected.len()];
    for (_, mut groups) in by_layer {
        groups.sort_by_key(|gi| {
            let members = &sccs[*gi];
            let c = members.iter().map(|n| crit(g[*n])).max().unwrap_or(1);
            (c, std::cmp::Reverse(members.len()), id(g[members[0]]))
        });
        let mut current: Option<Wave> = None;
        for gi in groups {
            let members: Vec<usize> = sccs[gi].iter().map(|n| g[*n]).collect();
            let full = current
                .as_ref()
                .is_some_and(|w| !w.systems.is_empty() && w.systems.len() + members.len() > max);
            if full {
                waves.push(current.take().expect("checked"));
            }
            let w = current.get_or_insert_with(|| Wave {
                number: waves.len() + 1,
                ..Default::default()
            });
            let mut ids: Vec<String> = members.iter().map(|m| id(*m)).collect();
            ids.sort();
            for m in &members {
                wave_of[*m] = w.number;
                w.spend += spend.get(&id(*m)).copied().unwrap_or_default();
                w.co2e_kg += carbon.get(id(*m).as_str()).copied().unwrap_or(0.0);
            }
            if ids.len() > 1 {
                w.groups.push(ids.clone());
            }
            w.systems.extend(ids);
        }
        if let Some(w) = current {
            waves.push(w);
        }
    }
    for (a, b, via) in &links {
        let (wa, wb) = (wave_of[*a], wave_of[*b]);
        if wa != wb {
            waves[wa - 1].bridges.push(Bridge {
                from: id(*a),
                to: id(*b),
                via: via.clone(),
                other_wave: wb,
            });
        }
    }
    for w in &mut waves {
        w.systems.sort();
        w.bridges
            .sort_by(|x, y| (&x.from, &x.to, &x.via).cmp(&(&y.from, &y.to, &y.via)));
    }
    Waves {
        order: if dependents_first {
            "dependents first"
        } else {
            "dependencies first"
        }
        .into(),
        max_per_wave: max,
        systems: selected.len(),
        waves,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("e.yaml"), text).unwrap();
        let (m, ds) = crate::model::build(crate::inventory::load(dir.path()));
        assert_eq!(ds.errors(), 0);
        m
    }

    fn sys(name: &str, deps: &str) -> String {
        format!(
            "---\napiVersion: estate/v1\nkind: System\nmetadata: {{name: {name}}}\nspec: {{depends_on: [{deps}]}}\n"
        )
    }

    #[test]
    fn cycles_move_together_and_dependencies_go_first() {
        // a → b ⇄ c → d; e alone.
        let text = [
            sys("a", "system:b"),
            sys("b", "system:c"),
            sys("c", "system:b, system:d"),
            sys("d", ""),
            sys("e", ""),
        ]
        .concat();
        let m = model(&text);
        let sel = select(&m, "all").unwrap();
        let w = plan(&m, &sel, 10, false, &HashMap::new(), &HashMap::new());
        let wave = |s: &str| {
            w.waves
                .iter()
                .find(|x| x.systems.iter().any(|y| y == s))
                .unwrap()
                .number
        };
        assert_eq!(wave("system:b"), wave("system:c"));
        assert!(wave("system:d") < wave("system:b"));
        assert!(wave("system:b") < wave("system:a"));
        assert_eq!(wave("system:e"), wave("system:d"));
        let bc = w.waves.iter().find(|x| !x.groups.is_empty()).unwrap();
        assert_eq!(
            bc.groups[0],
            vec!["system:b".to_string(), "system:c".to_string()]
        );
        // Every link across waves is listed as a bridge.
        let bridges: usize = w.waves.iter().map(|x| x.bridges.len()).sum();
        assert_eq!(bridges, 2, "a→b and c→d");
        // Reversed order, and a cap that splits a layer.
        let r = plan(&m, &sel, 1, true, &HashMap::new(), &HashMap::new());
        let rw = |s: &str| {
            r.waves
                .iter()
                .find(|x| x.systems.iter().any(|y| y == s))
                .unwrap()
                .number
        };
        assert!(rw("system:a") < rw("system:b"));
        assert!(
            r.waves.iter().all(|x| x.systems.len() <= 2),
            "a group of two may exceed the cap"
        );
        assert!(select(&m, "system:nope").is_err());
    }
}
