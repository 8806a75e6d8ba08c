//! The estate over time: `estate snapshot` stores the assessed estate — its
//! nodes and edges, spend and carbon per system, policy findings — as a
//! versioned, gzip-compressed JSON file under out/snapshots/; `estate diff A B`
//! compares two: systems and resources added, removed and changed, and the
//! spend, carbon and findings deltas, by domain. The report's trends come
//! from the newest snapshot.
//!
//! The schema version is inside the file. A reader accepts every version up
//! to its own and refuses newer ones with a clear message.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use petgraph::Direction;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assess::carbon::{Basis, Estimate, rollup};
use crate::assess::policy::Outcome;
use crate::assess::spend::Spend;
use crate::inventory::Kind;
use crate::model::{EdgeKind, Model};

/// The schema this build writes (and the newest it reads).
pub const SCHEMA: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: u32,
    pub estate: String,
    /// The date the snapshot describes (`--as-of`, default today).
    pub taken: String,
    pub period: (String, String),
    pub currency: String,
    pub nodes: Vec<SnapNode>,
    /// (from, edge kind, to).
    pub edges: Vec<(String, String, String)>,
    /// Effective spend per system in the estate's currency; `total` is the ledger's.
    pub spend: BTreeMap<String, Decimal>,
    pub spend_total: Option<Decimal>,
    /// Central kgCO2e per system; `carbon_total` is (low, central, high).
    pub carbon: BTreeMap<String, f64>,
    pub carbon_total: (f64, f64, f64),
    pub findings: Vec<SnapFinding>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SnapNode {
    pub id: String,
    pub kind: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub attributes: serde_json::Value,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SnapFinding {
    pub rule: String,
    pub id: String,
    pub severity: String,
}

/// Which estate a snapshot is of, and when.
pub struct About<'a> {
    pub name: &'a str,
    pub taken: chrono::NaiveDate,
    pub period: crate::model::Period,
    pub currency: &'a str,
}

/// Build a snapshot of an assessed estate.
pub fn take(
    model: &Model,
    about: About<'_>,
    carbon: &Estimate,
    spend: Option<&Spend>,
    findings: Option<&Outcome>,
) -> Snapshot {
    let About {
        name,
        taken,
        period,
        currency,
    } = about;
    let domain_of = |i| {
        model
            .neighbours(i, Direction::Outgoing, &[EdgeKind::PartOf])
            .into_iter()
            .find(|d| model.node(*d).kind == Kind::Domain)
            .map(|d| model.node(d).id.to_string())
    };
    let mut nodes: Vec<SnapNode> = model
        .graph
        .node_indices()
        .map(|i| {
            let n = model.node(i);
            SnapNode {
                id: n.id.to_string(),
                kind: n.kind.as_str().to_string(),
                title: n.display_name().to_string(),
                domain: (n.kind == Kind::System).then(|| domain_of(i)).flatten(),
                attributes: n.attributes(),
            }
        })
        .collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut edges: Vec<(String, String, String)> = (&model.graph)
        .edge_references()
        .map(|e| {
            (
                model.node(e.source()).id.to_string(),
                e.weight().kind.as_str().to_string(),
                model.node(e.target()).id.to_string(),
            )
        })
        .collect();
    edges.sort();
    let ledger = spend.and_then(|s| s.currencies.get(currency));
    let carbon_by: BTreeMap<String, f64> = rollup::by_system(carbon)
        .into_iter()
        .map(|(k, v)| (k.into(), v))
        .collect();
    let t = rollup::totals(carbon, Basis::Location).co2e_kg;
    let mut f: Vec<SnapFinding> = findings
        .map(|o| {
            o.findings
                .iter()
                .map(|x| SnapFinding {
                    rule: x.rule.clone(),
                    id: x.id.to_string(),
                    severity: x.severity.as_str().to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    f.sort();
    Snapshot {
        schema: SCHEMA,
        estate: name.to_string(),
        taken: taken.to_string(),
        period: (period.start.to_string(), period.end.to_string()),
        currency: currency.to_string(),
        nodes,
        edges,
        spend: ledger
            .map(|l| {
                l.by_system
                    .iter()
                    .map(|(k, c)| (k.clone(), c.effective))
                    .collect()
            })
            .unwrap_or_default(),
        spend_total: ledger.map(|l| l.total.effective),
        carbon: carbon_by,
        carbon_total: (t.low, t.central, t.high),
        findings: f,
    }
}

/// Write `snapshot` to `dir/TAKEN.json.gz` (atomically); the path written.
pub fn write(snapshot: &Snapshot, dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("{}.json.gz", snapshot.taken));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    serde_json::to_writer(&mut gz, snapshot)?;
    gz.flush()?;
    let bytes = gz.finish()?;
    crate::output::write_atomic(&path, &bytes)?;
    Ok(path)
}

/// A snapshot that cannot be read; each names the file and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read `{0}`: {1}")]
    Io(String, std::io::Error),
    #[error("`{0}` is not a readable gzip file: {1}")]
    Gzip(String, std::io::Error),
    #[error("`{0}` is not UTF-8 JSON")]
    NotUtf8(String),
    #[error("{file}:{}:{}: {error}", error.line(), error.column().max(1))]
    Json {
        file: String,
        error: serde_json::Error,
    },
    #[error("`{0}` is not an estate snapshot (no `schema` field)")]
    NoSchema(String),
    #[error("`{0}` has schema {1}; this estate reads schemas up to {SCHEMA}: upgrade estate")]
    Newer(String, u64),
    #[error("`{0}`: {1}")]
    Shape(String, serde_json::Error),
}

/// Read a snapshot (gzip or plain JSON); errors name the file and what is wrong.
pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
    let file = || path.display().to_string();
    let raw = std::fs::read(path).map_err(|e| SnapshotError::Io(file(), e))?;
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_string(&mut s)
            .map_err(|e| SnapshotError::Gzip(file(), e))?;
        s
    } else {
        String::from_utf8(raw).map_err(|_| SnapshotError::NotUtf8(file()))?
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| SnapshotError::Json {
            file: file(),
            error,
        })?;
    let schema = v
        .get("schema")
        .and_then(|s| s.as_u64())
        .ok_or_else(|| SnapshotError::NoSchema(file()))?;
    if schema > u64::from(SCHEMA) {
        return Err(SnapshotError::Newer(file(), schema));
    }
    serde_json::from_value(v).map_err(|e| SnapshotError::Shape(file(), e))
}

/// The snapshots under `dir`, oldest first.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// What changed between two snapshots.
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub from: String,
    pub to: String,
    pub added: Vec<Change>,
    pub removed: Vec<Change>,
    pub changed: Vec<Change>,
    pub spend: Delta,
    pub carbon: Delta,
    pub findings: Delta,
    /// Per domain: spend and carbon deltas.
    pub by_domain: Vec<DomainDelta>,
    pub new_findings: Vec<SnapFinding>,
    pub resolved_findings: Vec<SnapFinding>,
}

#[derive(Debug, Default, Serialize)]
pub struct Change {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// Attributes that differ (for `changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Delta {
    pub from: f64,
    pub to: f64,
    pub change: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct DomainDelta {
    pub domain: String,
    pub spend_change: Decimal,
    pub carbon_change_kg: f64,
}

fn delta(a: f64, b: f64) -> Delta {
    Delta {
        from: a,
        to: b,
        change: b - a,
    }
}

/// Compare `a` (earlier) with `b` (later): systems and resources only.
pub fn diff(a: &Snapshot, b: &Snapshot) -> Diff {
    use rust_decimal::prelude::ToPrimitive;
    let tracked = |n: &&SnapNode| n.kind == "System" || n.kind == "Resource";
    let am: BTreeMap<&str, &SnapNode> = a
        .nodes
        .iter()
        .filter(tracked)
        .map(|n| (n.id.as_str(), n))
        .collect();
    let bm: BTreeMap<&str, &SnapNode> = b
        .nodes
        .iter()
        .filter(tracked)
        .map(|n| (n.id.as_str(), n))
        .collect();
    let change = |n: &SnapNode, fields: Vec<String>| Change {
        id: n.id.to_string(),
        kind: n.kind.clone(),
        title: n.title.clone(),
        fields,
    };
    let mut d = Diff {
        from: a.taken.clone(),
        to: b.taken.clone(),
        ..Default::default()
    };
    for (id, n) in &bm {
        match am.get(id) {
            None => d.added.push(change(n, Vec::new())),
            Some(old) if old.attributes != n.attributes || old.title != n.title => {
                let (oa, na) = (old.attributes.as_object(), n.attributes.as_object());
                let keys: BTreeSet<&String> = oa
                    .into_iter()
                    .flat_map(|m| m.keys())
                    .chain(na.into_iter().flat_map(|m| m.keys()))
                    .collect();
                let mut fields: Vec<String> = keys
                    .into_iter()
                    .filter(|k| oa.and_then(|m| m.get(*k)) != na.and_then(|m| m.get(*k)))
                    .cloned()
                    .collect();
                if old.title != n.title {
                    fields.insert(0, "title".into());
                }
                d.changed.push(change(n, fields));
            }
            Some(_) => {}
        }
    }
    for (id, n) in &am {
        if !bm.contains_key(id) {
            d.removed.push(change(n, Vec::new()));
        }
    }
    let f = |x: Option<Decimal>| x.and_then(|v| v.to_f64()).unwrap_or(0.0);
    d.spend = delta(f(a.spend_total), f(b.spend_total));
    d.carbon = delta(a.carbon_total.1, b.carbon_total.1);
    d.findings = delta(a.findings.len() as f64, b.findings.len() as f64);
    let (af, bf): (BTreeSet<&SnapFinding>, BTreeSet<&SnapFinding>) =
        (a.findings.iter().collect(), b.findings.iter().collect());
    d.new_findings = bf.difference(&af).map(|x| (*x).clone()).collect();
    d.resolved_findings = af.difference(&bf).map(|x| (*x).clone()).collect();
    // By domain: each system's deltas, under its domain in the later snapshot (else the earlier).
    let mut domains: BTreeMap<String, (Decimal, f64)> = BTreeMap::new();
    let systems: BTreeSet<&str> = am
        .keys()
        .chain(bm.keys())
        .copied()
        .filter(|id| id.starts_with("system:"))
        .collect();
    for s in systems {
        let dom = bm
            .get(s)
            .or_else(|| am.get(s))
            .and_then(|n| n.domain.clone())
            .unwrap_or_else(|| "(none)".into());
        let e = domains.entry(dom).or_default();
        e.0 += b.spend.get(s).copied().unwrap_or_default()
            - a.spend.get(s).copied().unwrap_or_default();
        e.1 += b.carbon.get(s).copied().unwrap_or_default()
            - a.carbon.get(s).copied().unwrap_or_default();
    }
    d.by_domain = domains
        .into_iter()
        .filter(|(_, (s, c))| !s.is_zero() || c.abs() > 1e-9)
        .map(|(domain, (s, c))| DomainDelta {
            domain,
            spend_change: s,
            carbon_change_kg: c,
        })
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, attrs: serde_json::Value) -> SnapNode {
        SnapNode {
            id: id.into(),
            kind: if id.starts_with("system:") {
                "System"
            } else {
                "Resource"
            }
            .into(),
            title: id.into(),
            domain: Some("domain:d".into()),
            attributes: attrs,
        }
    }

    fn snap(taken: &str, nodes: Vec<SnapNode>, spend: &[(&str, i64)]) -> Snapshot {
        Snapshot {
            schema: SCHEMA,
            estate: "e".into(),
            taken: taken.into(),
            period: ("2025-01-01".into(), "2025-12-31".into()),
            currency: "GBP".into(),
            nodes,
            edges: Vec::new(),
            spend: spend
                .iter()
                .map(|(k, v)| (k.to_string(), Decimal::from(*v)))
                .collect(),
            spend_total: Some(spend.iter().map(|(_, v)| Decimal::from(*v)).sum()),
            carbon: BTreeMap::new(),
            carbon_total: (0.0, 0.0, 0.0),
            findings: Vec::new(),
        }
    }

    #[test]
    fn added_removed_changed_and_domain_deltas() {
        let a = snap(
            "2026-01-01",
            vec![
                node("system:a", serde_json::json!({"owner": "team:x"})),
                node("system:gone", serde_json::json!({})),
            ],
            &[("system:a", 100), ("system:gone", 50)],
        );
        let b = snap(
            "2026-02-01",
            vec![
                node("system:a", serde_json::json!({"owner": "team:y"})),
                node("system:new", serde_json::json!({})),
            ],
            &[("system:a", 120), ("system:new", 10)],
        );
        let d = diff(&a, &b);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.removed[0].id, "system:gone");
        assert_eq!(d.changed[0].fields, vec!["owner".to_string()]);
        assert_eq!(d.spend.change, -20.0);
        assert_eq!(d.by_domain[0].spend_change, Decimal::from(-20));
    }

    #[test]
    fn round_trip_and_newer_schemas_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = snap(
            "2026-01-01",
            vec![node("system:a", serde_json::json!({}))],
            &[],
        );
        let p = write(&s, dir.path()).unwrap();
        let back = read(&p).unwrap();
        assert_eq!(back.nodes, s.nodes);
        let newer = dir.path().join("newer.json");
        std::fs::write(&newer, r#"{"schema": 99}"#).unwrap();
        assert!(read(&newer).unwrap_err().to_string().contains("upgrade"));
        std::fs::write(&newer, "{ nope").unwrap();
        assert!(
            read(&newer)
                .unwrap_err()
                .to_string()
                .contains("newer.json:1:3")
        );
    }
}
