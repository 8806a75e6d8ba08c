//! Collectors: what the estate looks like according to sources outside the
//! inventory. estate.yaml's `sources:` are [`Source`]s; [`read`] turns each
//! into a [`Collection`] without touching the model, and [`apply`] puts them
//! all into it in one place. Live collectors (`aws::live`, `azure::live`,
//! `kubernetes::live`, `prometheus`) call read-only APIs on one runtime
//! ([`runtime`]) and write the exports the offline readers read; `billing`
//! reads cost exports (detection, parts, streaming), `terraform` state and
//! plans, `endoflife` refreshes lifecycle data. What they produce is plain
//! data in `model` (`model::collected`, `model::billing`, `model::planned`).
//!
//! Every collector returns [`Found`] resources under their canonical id (an
//! ARN, a lower-cased Azure resource id); [`merge`] puts them in the model:
//! onto the inventory resource whose `external_id` is that id, onto a node
//! another source already found, or as a new resource attached to systems by
//! the Mapping rules — and one no rule attaches is kept and reported as
//! unmapped, never dropped.

pub mod aws;
pub mod azure;
pub mod billing;
pub mod endoflife;
pub mod json;
pub mod kubernetes;
pub mod numbers;
pub mod paging;
pub mod prometheus;
pub mod register;
pub mod source;
pub mod terraform;

pub use source::{Collection, Read, ReadError, Source, read};

pub use crate::model::collected::{Collected, Drift, Found, Merged};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::inventory::kinds::Provider;
use crate::inventory::{Kind, Spec};
use crate::model::mapping::{Mapper, Subject, azure_resource_group, id_name};
use crate::model::{Edge, EdgeKind, Model, Node};

/// Put every collection into the model, in the order of their stages:
/// found resources merged (onto declared resources, each other, or as new
/// ones attached by the Mapping rules), then Kubernetes nodes joined to the
/// machines they are, then measured utilisation and power onto on-prem
/// hosts. Also returns notes on what attached to nothing or could not be read.
pub fn apply(model: &mut Model, collections: Vec<Collection>) -> (Collected, Vec<String>) {
    let mut out = Collected::default();
    let mut notes = Vec::new();
    let mut found = Vec::new();
    let mut covered = BTreeSet::new();
    let mut later = Vec::new();
    for mut c in collections {
        found.append(&mut c.found);
        covered.extend(std::mem::take(&mut c.covered));
        let path = c.source.path().display().to_string();
        match c.read {
            Read::Terraform(s) => out.states.push((path, s)),
            Read::Aws(e) => out.exports.push((path, e)),
            Read::Azure(e) => out.azure.push((path, e)),
            Read::Register(r) => out.registers.push(r),
            Read::Kubernetes(_) | Read::Prometheus(_) => later.push(c),
        }
    }
    // Nothing collected: no need to index every resource and compile the mapping rules.
    if !found.is_empty() {
        out.merged = merge(model, found, &covered);
    }
    let mut machines = None;
    for c in later {
        let path = c.source.path();
        match c.read {
            Read::Kubernetes(cluster) => {
                let machines = machines.get_or_insert_with(|| kubernetes::Machines::of(model));
                let applied = kubernetes::apply(model, machines, &cluster);
                if let Some(first) = applied.problems.first() {
                    notes.push(format!(
                        "warning: {}: {} object(s) not read right (first: {first}); `estate sources` lists them",
                        path.display(),
                        applied.problems.len()
                    ));
                }
                if let Some((n, list)) = counted(&applied.other_kinds) {
                    notes.push(format!(
                        "note: {}: {n} object(s) of kinds Estate does not read were left out: {list}",
                        path.display(),
                    ));
                }
                out.kubernetes.push(applied);
                out.clusters.push(cluster);
            }
            Read::Prometheus(p) => {
                let applied = prometheus::apply(model, &p, path);
                if !applied.unmatched.is_empty() {
                    notes.push(format!(
                        "note: {}: {} host(s) match no on-prem resource by name; `estate sources` lists them",
                        path.display(),
                        applied.unmatched.len()
                    ));
                }
                out.prometheus.push(applied);
            }
            _ => {}
        }
    }
    if !out.merged.unmapped.is_empty() {
        notes.push(format!(
            "note: {} collected resource(s) attach to no system (no Mapping rule matches); `estate sources` lists them",
            out.merged.unmapped.len()
        ));
    }
    (out, notes)
}

/// Counts by kind or type as `(total, "A ×2, B ×1")`; `None` when empty.
pub fn counted(by: &BTreeMap<String, usize>) -> Option<(usize, String)> {
    let list: Vec<String> = by.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    (!list.is_empty()).then(|| (by.values().sum(), list.join(", ")))
}

/// The one async runtime a live collector runs on (async lives only in
/// collect). rustls is linked with two crypto providers (the AWS SDK's
/// aws-lc, kube's ring): the process default is named once, here.
#[cfg(feature = "live")]
pub fn runtime() -> Result<tokio::runtime::Runtime, LiveError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)
}

/// Why a live collector could not start or could not keep what it fetched.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Write what a live collector fetched, pretty-printed, atomically.
pub fn write_json(path: &std::path::Path, v: &serde_json::Value) -> Result<(), LiveError> {
    let text = serde_json::to_string_pretty(v)?;
    crate::output::write_atomic(path, text.as_bytes()).map_err(|source| LiveError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// A JSON object of strings (tags, labels) as pairs; a non-string value is empty.
pub fn string_map<M: FromIterator<(String, String)> + Default>(v: Option<&serde_json::Value>) -> M {
    v.and_then(serde_json::Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The service part of an ARN (`ec2`, `rds`, `s3`), empty for other ids.
pub fn arn_service(id: &str) -> &str {
    if id.starts_with("arn:") {
        id.split(':').nth(2).unwrap_or("")
    } else {
        ""
    }
}

/// Put found resources into the model. `covered` is the (account, region,
/// service) a live source read (region `global` for buckets): a Terraform
/// resource there that no live source found is reported gone, and counted
/// as not running.
pub fn merge(
    model: &mut Model,
    found: Vec<Found>,
    covered: &BTreeSet<(String, String, String)>,
) -> Merged {
    let mut m = Merged::default();
    let mapper = Mapper::new(model);
    let mut by_external: HashMap<String, petgraph::stable_graph::NodeIndex> = HashMap::new();
    // Declared resources with no external_id match by provider and name.
    let mut by_name: HashMap<(Provider, String), petgraph::stable_graph::NodeIndex> =
        HashMap::new();
    for idx in model.nodes_of(Kind::Resource) {
        if let Some(Spec::Resource(r)) = &model.node(idx).spec {
            match &r.external_id {
                Some(e) => {
                    by_external.insert(e.to_ascii_lowercase(), idx);
                }
                None => {
                    by_name.insert((r.provider, model.node(idx).name.clone()), idx);
                }
            }
        }
    }
    // (runs on, what it runs on, why): machine → volume, node group → instance.
    let mut attachments: Vec<(String, String, &str)> = Vec::new();
    // Canonical id → (sources, (account, region), id as found).
    type Seen = (BTreeSet<String>, (String, String), String);
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for f in found {
        *m.by_source.entry(f.source.clone()).or_default() += 1;
        if let Some(machine) = &f.attached_to {
            attachments.push((machine.clone(), f.id.clone(), "attached"));
        }
        if let Some(group) = &f.member_of {
            let why = if arn_service(group) == "rds" {
                "cluster-member"
            } else {
                "node-group"
            };
            attachments.push((group.clone(), f.id.clone(), why));
        }
        let key = f.id.to_ascii_lowercase();
        let place = (
            f.spec.account.clone().unwrap_or_default(),
            f.spec
                .region
                .as_ref()
                .map_or_else(|| "global".to_string(), |r| r.value.clone()),
        );
        let (sources, _, _) = seen
            .entry(key.clone())
            .or_insert_with(|| (BTreeSet::new(), place, f.id.clone()));
        let first = sources.is_empty();
        sources.insert(f.source.clone());
        let declared = by_external.get(&key).copied().or_else(|| {
            let idx = by_name
                .get(&(f.spec.provider, f.name.clone()))
                .or_else(|| by_name.get(&(f.spec.provider, id_name(&f.id).to_string())))
                .copied()?;
            // Matched by name: the declared resource takes the canonical id.
            if let Some(Spec::Resource(r)) = &mut model.graph[idx].spec {
                r.external_id = Some(f.id.clone());
            }
            by_external.insert(key.clone(), idx);
            Some(idx)
        });
        if let Some(idx) = declared {
            if first {
                m.declared += 1;
            } else {
                m.seen_twice += 1;
            }
            note_source(&mut model.graph[idx], &f);
            continue;
        }
        if let Some(idx) = model.get(&f.id) {
            m.seen_twice += 1;
            note_source(&mut model.graph[idx], &f);
            continue;
        }
        let tags: Vec<(String, String)> = f
            .spec
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let region = f.spec.region.as_ref().map(|r| r.value.clone());
        let facts = Subject {
            provider: Some(f.spec.provider),
            account: f.spec.account.as_deref().unwrap_or(""),
            region: region.as_deref().unwrap_or(""),
            resource_group: azure_resource_group(&f.id),
            namespace: "",
            cluster: "",
            name: &f.name,
            tags: &tags,
        };
        let systems: Vec<String> = mapper
            .systems(&facts)
            .map(|(s, _)| s.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default();
        let provider = f.spec.provider;
        let mut annotations = f.annotations.clone();
        annotations.insert("estate.io/found-by".to_string(), f.source.clone());
        annotations.insert("estate.io/found-at".to_string(), f.origin.clone());
        let mut node = Node::resource(f.id.clone(), f.name.clone(), f.spec, &f.source);
        node.annotations = annotations;
        let idx = model.add_node(node);
        m.added += 1;
        if let (Some(region), false) = (region, provider == Provider::OnPrem) {
            let r = crate::model::build::region_node(model, provider, &region);
            model.graph.add_edge(
                idx,
                r,
                Edge {
                    kind: EdgeKind::HostedIn,
                    label: None,
                },
            );
        }
        if systems.is_empty() {
            m.unmapped.push(f.id);
        }
        for s in systems {
            if let Some(si) = model.get(&s) {
                model.graph.add_edge(
                    si,
                    idx,
                    Edge {
                        kind: EdgeKind::RunsOn,
                        label: Some("mapping".into()),
                    },
                );
            }
        }
    }
    // A machine runs on the volumes attached to it, a node group on its
    // instances: they roll up to its systems.
    let node_of = |model: &Model, id: &str| {
        by_external
            .get(&id.to_ascii_lowercase())
            .copied()
            .or_else(|| model.get(id))
            .or_else(|| {
                by_name
                    .get(&(Provider::Aws, id_name(id).to_string()))
                    .copied()
            })
    };
    let mut members: BTreeMap<petgraph::stable_graph::NodeIndex, usize> = BTreeMap::new();
    for (machine, part, why) in attachments {
        let (Some(a), Some(b)) = (node_of(model, &machine), node_of(model, &part)) else {
            continue;
        };
        if why != "attached" {
            *members.entry(a).or_default() += 1;
        }
        if !model
            .graph
            .edges_connecting(a, b)
            .any(|e| e.weight().kind == EdgeKind::RunsOn)
        {
            model.graph.add_edge(
                a,
                b,
                Edge {
                    kind: EdgeKind::RunsOn,
                    label: Some(why.into()),
                },
            );
            m.unmapped.retain(|u| !u.eq_ignore_ascii_case(&part));
        }
    }
    // A group whose instances were found: they are its capacity, so its own
    // (type × desired size) is not counted a second time.
    for (group, n) in members {
        let node = &mut model.graph[group];
        if let Some(Spec::Resource(r)) = &mut node.spec
            && r.instance_type.is_some()
        {
            let desired = r.count.as_ref().map_or(1, |c| c.value);
            r.count = Some(crate::inventory::kinds::spanned(0));
            node.annotations.insert(
                "estate.io/capacity".into(),
                format!("counted on its {n} instance(s) found live (desired size {desired})"),
            );
            m.groups_with_instances += 1;
        }
    }
    let live: Vec<&String> = m.by_source.keys().filter(|s| *s != "terraform").collect();
    if m.by_source.contains_key("terraform") && !live.is_empty() {
        let mut d = Drift::default();
        for (sources, place, id) in seen.values() {
            let tf = sources.contains("terraform");
            match (tf, sources.len() > 1) {
                (true, true) => d.managed += 1,
                (false, _) => d.unmanaged.push(id.clone()),
                (true, false) => {
                    let service = arn_service(id).to_string();
                    let here = (place.0.clone(), place.1.clone(), service.clone());
                    let global = (place.0.clone(), "global".to_string(), service);
                    if covered.contains(&here) || covered.contains(&global) {
                        d.gone.push(id.clone());
                    }
                }
            }
        }
        for id in &d.gone {
            if let Some(idx) = model.get(id) {
                let n = &mut model.graph[idx];
                n.annotations.insert(
                    "estate.io/drift".into(),
                    "in Terraform state, not found live".into(),
                );
                if n.provenance.source == "terraform"
                    && let Some(Spec::Resource(r)) = &mut n.spec
                {
                    // Not running, and its volumes gone with it (storage
                    // counts the whole period, running hours or not).
                    r.hours = Some(crate::inventory::kinds::spanned(0.0));
                    r.storage.clear();
                }
            }
        }
        m.drift = Some(d);
    }
    m
}

/// Record on a node that a source found it too.
fn note_source(node: &mut Node, f: &Found) {
    for (k, v) in &f.annotations {
        node.annotations
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
    let e = node
        .annotations
        .entry("estate.io/found-by".to_string())
        .or_default();
    if !e.split(", ").any(|s| s == f.source) {
        if !e.is_empty() {
            e.push_str(", ");
        }
        e.push_str(&f.source);
    }
}
