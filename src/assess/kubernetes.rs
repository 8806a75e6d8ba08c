//! Kubernetes allocation: each node's emissions and cost split across the
//! pods running on it, OpenCost-style, with what no pod takes shown as the
//! node's idle capacity, then rolled up to workload, namespace and system.
//!
//! A pod's CPU weight is max(request, usage) and likewise its memory (usage
//! from metrics-server where it was read, else the request alone). Shares
//! are weights over the node's capacity — or over the pods' total when they
//! ask for more than the node has. A node's emissions are split into a CPU
//! and a memory part by its own estimate's compute and memory energy (half
//! and half when the estimate has no such split; embodied follows the same
//! split), its cost by OpenCost's default prices (USD 0.031611 per vCPU-hour,
//! 0.004237 per GiB-hour) for its size. Money is rounded to the penny per
//! pod and idle takes the remainder, so every node reconciles exactly.
//!
//! Pods map to systems by `app.kubernetes.io/part-of`, then
//! `app.kubernetes.io/name` (when a system of that id exists), then the
//! Mapping rules (cluster, namespace, workload name, labels as tags); idle
//! capacity goes to the system that runs the node (the cluster's owner).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::carbon::Range;
use crate::model::collected::kubernetes::{Cluster, Pod};

/// What a node costs and emits over the period, and how to split it.
#[derive(Clone, Debug, Serialize)]
pub struct NodeFootprint {
    pub node: String,
    /// The model resource it is (its VM), when known.
    pub resource: Option<String>,
    pub co2e_kg: Range,
    /// The CPU part of its energy (0–1).
    pub cpu_energy_share: f64,
    pub cost: Option<Decimal>,
    /// The CPU part of its cost (0–1).
    pub cpu_cost_share: Decimal,
    /// Who owns its idle capacity.
    pub owner: Option<String>,
}

/// One pod's (or a node's idle) share.
#[derive(Clone, Debug, Serialize)]
pub struct Share {
    pub namespace: String,
    pub name: String,
    pub node: String,
    /// (kind, name).
    pub workload: (String, String),
    pub system: Option<String>,
    /// CPU weight (millicores) and memory weight (bytes): max(request, usage).
    pub cpu_weight_milli: u64,
    pub memory_weight_bytes: u64,
    pub cpu_share: f64,
    pub memory_share: f64,
    pub co2e_kg: Range,
    pub cost: Option<Decimal>,
    /// Which of request and usage set each weight.
    pub by: String,
}

/// A roll-up line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Total {
    pub key: String,
    pub pods: usize,
    pub co2e_kg: Range,
    pub cost: Option<Decimal>,
}

#[derive(Debug, Default, Serialize)]
pub struct Allocation {
    pub cluster: String,
    pub nodes: Vec<NodeFootprint>,
    pub pods: Vec<Share>,
    /// Per node: what no pod takes, with its owner as `system`.
    pub idle: Vec<Share>,
    pub by_workload: Vec<Total>,
    pub by_namespace: Vec<Total>,
    pub by_system: Vec<Total>,
    /// Running pods on nodes not in the cluster's node list (not allocated).
    pub unplaced: Vec<String>,
    pub usage_measured: bool,
}

/// OpenCost's default on-demand prices: per vCPU-hour and per GiB-hour.
pub const OPENCOST_CPU_HOUR: Decimal = Decimal::from_parts(31611, 0, 0, false, 6);
pub const OPENCOST_GIB_HOUR: Decimal = Decimal::from_parts(4237, 0, 0, false, 6);

/// The CPU part of a node's cost at OpenCost's default prices.
pub fn cpu_cost_share(cpu_milli: u64, memory_bytes: u64) -> Decimal {
    let cpu = OPENCOST_CPU_HOUR * Decimal::from(cpu_milli) / Decimal::from(1000);
    let mem = OPENCOST_GIB_HOUR * Decimal::from(memory_bytes) / Decimal::from(1u64 << 30);
    if cpu + mem == Decimal::ZERO {
        Decimal::new(5, 1)
    } else {
        cpu / (cpu + mem)
    }
}

/// A weight and what set it (`request` or `usage`).
type Weight = (u64, &'static str);

fn weight(request: u64, usage: Option<u64>) -> Weight {
    match usage {
        Some(u) if u > request => (u, "usage"),
        _ => (request, "request"),
    }
}

/// Split each node's footprint across its running pods; `system` maps a pod
/// to its system.
pub fn allocate(
    cluster: &Cluster,
    nodes: Vec<NodeFootprint>,
    system: impl Fn(&Pod) -> Option<String>,
) -> Allocation {
    let mut a = Allocation {
        cluster: cluster.name.clone(),
        usage_measured: cluster.usage,
        ..Allocation::default()
    };
    for fp in &nodes {
        let Some(node) = cluster.nodes.iter().find(|n| n.name == fp.node) else {
            continue;
        };
        let pods: Vec<&Pod> = cluster
            .pods
            .iter()
            .filter(|p| p.phase == "Running" && p.node.as_deref() == Some(node.name.as_str()))
            .collect();
        let weights: Vec<(Weight, Weight)> = pods
            .iter()
            .map(|p| {
                (
                    weight(p.cpu_request_milli, p.cpu_usage_milli),
                    weight(p.memory_request_bytes, p.memory_usage_bytes),
                )
            })
            .collect();
        let cpu_den = node
            .cpu_milli
            .max(weights.iter().map(|w| w.0.0).sum())
            .max(1);
        let mem_den = node
            .memory_bytes
            .max(weights.iter().map(|w| w.1.0).sum())
            .max(1);
        let mut cost_left = fp.cost;
        let mut co2e_left = fp.co2e_kg;
        let (mut cpu_left, mut mem_left) = (1.0_f64, 1.0_f64);
        for (p, ((cw, cby), (mw, mby))) in pods.iter().zip(&weights) {
            let cs = *cw as f64 / cpu_den as f64;
            let ms = *mw as f64 / mem_den as f64;
            let f = fp.cpu_energy_share;
            let co2e = fp.co2e_kg.scale(f * cs + (1.0 - f) * ms);
            let cost = fp.cost.map(|c| {
                let share = fp.cpu_cost_share * Decimal::from(*cw) / Decimal::from(cpu_den)
                    + (Decimal::ONE - fp.cpu_cost_share) * Decimal::from(*mw)
                        / Decimal::from(mem_den);
                (c * share).round_dp(2)
            });
            if let (Some(left), Some(c)) = (&mut cost_left, cost) {
                *left -= c;
            }
            co2e_left = co2e_left.bound_minus(co2e);
            cpu_left -= cs;
            mem_left -= ms;
            a.pods.push(Share {
                namespace: p.namespace.clone(),
                name: p.name.clone(),
                node: node.name.clone(),
                workload: p.workload.clone(),
                system: system(p),
                cpu_weight_milli: *cw,
                memory_weight_bytes: *mw,
                cpu_share: cs,
                memory_share: ms,
                co2e_kg: co2e,
                cost,
                by: format!("cpu {cby}, memory {mby}"),
            });
        }
        a.idle.push(Share {
            namespace: String::new(),
            name: "(idle)".into(),
            node: node.name.clone(),
            workload: ("Idle".into(), node.name.clone()),
            system: fp.owner.clone(),
            cpu_weight_milli: 0,
            memory_weight_bytes: 0,
            cpu_share: cpu_left.max(0.0),
            memory_share: mem_left.max(0.0),
            co2e_kg: co2e_left,
            cost: cost_left,
            by: "capacity no pod takes".into(),
        });
    }
    let known: std::collections::HashSet<&str> = nodes.iter().map(|n| n.node.as_str()).collect();
    a.unplaced = cluster
        .pods
        .iter()
        .filter(|p| p.phase == "Running" && !p.node.as_deref().is_some_and(|n| known.contains(n)))
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .collect();
    let roll = |key: &dyn Fn(&Share) -> String, with_idle: bool| -> Vec<Total> {
        let mut m: BTreeMap<String, Total> = BTreeMap::new();
        let all = a.pods.iter().chain(a.idle.iter().filter(|_| with_idle));
        for s in all {
            let k = key(s);
            let t = m.entry(k.clone()).or_insert_with(|| Total {
                key: k,
                pods: 0,
                co2e_kg: Range::ZERO,
                cost: Some(Decimal::ZERO),
            });
            if s.name != "(idle)" {
                t.pods += 1;
            }
            t.co2e_kg += s.co2e_kg;
            t.cost = match (t.cost, s.cost) {
                (Some(x), Some(y)) => Some(x + y),
                _ => None,
            };
        }
        let mut v: Vec<Total> = m.into_values().collect();
        v.sort_by(|x, y| y.co2e_kg.central.total_cmp(&x.co2e_kg.central));
        v
    };
    a.by_workload = roll(
        &|s| format!("{}/{}/{}", s.namespace, s.workload.0, s.workload.1),
        false,
    );
    a.by_namespace = roll(&|s| s.namespace.clone(), false);
    a.by_system = roll(
        &|s| {
            s.system
                .clone()
                .unwrap_or_else(|| "(no system: no label or Mapping rule)".into())
        },
        true,
    );
    a.nodes = nodes;
    a
}

/// Each node's footprint from the assessed estate: its VM's carbon item, and
/// its cost — the VM's own billed spend, else its node group's (or
/// cluster's) shared among the instances found, else this estate's billed
/// rate for its instance type over the period.
pub fn footprints(
    model: &crate::model::Model,
    est: &super::carbon::Estimate,
    ledger: Option<&super::spend::Ledger>,
    rates: &std::collections::HashMap<String, Decimal>,
    hours: f64,
    cluster: &Cluster,
) -> Vec<NodeFootprint> {
    use crate::model::EdgeKind;
    use petgraph::visit::EdgeRef;
    let items: std::collections::HashMap<&str, &super::carbon::Item> =
        est.items.iter().map(|i| (i.id.as_str(), i)).collect();
    // The resource each of this cluster's nodes is, found once (apply annotated them).
    let key = format!("{}/", cluster.name);
    let by_node: std::collections::HashMap<&str, petgraph::stable_graph::NodeIndex> = model
        .nodes_of(crate::inventory::Kind::Resource)
        .into_iter()
        .filter_map(|i| {
            let v = model.node(i).annotations.get("kubernetes/node")?;
            Some((v.strip_prefix(&key)?, i))
        })
        .collect();
    cluster
        .nodes
        .iter()
        .map(|n| {
            let idx = by_node.get(n.name.as_str()).copied();
            let resource = idx.map(|i| model.node(i).id.clone());
            let item = resource.as_deref().and_then(|r| items.get(r));
            let co2e = item.map_or(Range::ZERO, |i| i.co2e(super::carbon::Basis::Location));
            let parts = item.map(|i| (i.energy_parts.compute, i.energy_parts.memory));
            let cpu_energy_share = match parts {
                Some((c, m)) if c + m > 0.0 => c / (c + m),
                _ => 0.5,
            };
            let own = resource
                .as_deref()
                .and_then(|r| ledger?.by_resource.get(r))
                .map(|c| c.effective);
            // A node group's (or cluster's) spend, shared by its instances.
            let group = idx.and_then(|i| {
                let g = model
                    .graph
                    .edges_directed(i, petgraph::Direction::Incoming)
                    .find(|e| {
                        e.weight().kind == EdgeKind::RunsOn
                            && e.weight().label.as_deref() == Some("node-group")
                    })?
                    .source();
                let members = model
                    .graph
                    .edges_directed(g, petgraph::Direction::Outgoing)
                    .filter(|e| e.weight().label.as_deref() == Some("node-group"))
                    .count();
                let spent = ledger?
                    .by_resource
                    .get(model.node(g).id.as_str())?
                    .effective;
                Some(spent / Decimal::from(members.max(1)))
            });
            let by_rate = n
                .instance_type
                .as_ref()
                .and_then(|t| rates.get(&t.to_ascii_lowercase()))
                .and_then(|r| Some(*r * Decimal::from_f64_retain(hours)?));
            NodeFootprint {
                node: n.name.clone(),
                resource: resource.map(String::from),
                co2e_kg: co2e,
                cpu_energy_share,
                cost: own.or(group).or(by_rate).map(|c| c.round_dp(2)),
                cpu_cost_share: cpu_cost_share(n.cpu_milli, n.memory_bytes),
                owner: idx
                    .and_then(|i| super::carbon::system_of(model, i))
                    .map(String::from),
            }
        })
        .collect()
}

/// A pod's system: its `app.kubernetes.io/part-of` or `name` label when a
/// system of that id exists, else the Mapping rules.
pub fn pod_system(
    model: &crate::model::Model,
    mapper: &crate::model::mapping::Mapper,
    cluster: &Cluster,
    provider: Option<crate::inventory::kinds::Provider>,
    p: &Pod,
) -> Option<String> {
    for label in ["app.kubernetes.io/part-of", "app.kubernetes.io/name"] {
        if let Some(v) = p.labels.get(label) {
            let id = format!("system:{v}");
            if model.get(&id).is_some() {
                return Some(id);
            }
        }
    }
    let tags: Vec<(String, String)> = p
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let facts = crate::model::mapping::Subject {
        provider,
        account: "",
        region: "",
        resource_group: "",
        namespace: &p.namespace,
        cluster: &cluster.name,
        name: &p.workload.1,
        tags: &tags,
    };
    mapper
        .systems(&facts)
        .and_then(|(s, _)| s.first().map(|(id, _)| id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::collected::kubernetes::Node;

    fn pod(name: &str, req: (u64, u64), usage: Option<(u64, u64)>, system: &str) -> Pod {
        Pod {
            namespace: "apps".into(),
            name: name.into(),
            node: Some("n1".into()),
            phase: "Running".into(),
            workload: ("Deployment".into(), name.into()),
            labels: [("app.kubernetes.io/part-of".to_string(), system.to_string())].into(),
            cpu_request_milli: req.0,
            memory_request_bytes: req.1 << 30,
            cpu_usage_milli: usage.map(|u| u.0),
            memory_usage_bytes: usage.map(|u| u.1 << 29),
        }
    }

    /// Worked by hand: a node of 2 CPUs and 8 GiB emitting 100 kg (60 % of
    /// its energy CPU) and costing £80.00 (half CPU).
    /// - A asks 0.5 CPU / 1 GiB, uses 0.8 CPU / 0.5 GiB → weights 0.8 (usage), 1 GiB (request):
    ///   shares 0.4 and 0.125 → 0.6×0.4×100 + 0.4×0.125×100 = 24 + 5 = 29 kg;
    ///   £40×0.4 + £40×0.125 = 16 + 5 = £21.00.
    /// - B asks 0.25 CPU / 2 GiB, uses 0.1 / 0.5 → weights 0.25, 2 GiB (requests):
    ///   shares 0.125, 0.25 → 7.5 + 10 = 17.5 kg; £5 + £10 = £15.00.
    /// - Idle: 100 − 46.5 = 53.5 kg and £44.00, owned by the platform team's system.
    #[test]
    fn a_pod_takes_its_share_by_the_larger_of_request_and_usage_and_idle_is_the_rest() {
        let cluster = Cluster {
            name: "c".into(),
            nodes: vec![Node {
                name: "n1".into(),
                cpu_milli: 2000,
                memory_bytes: 8 << 30,
                ..Node::default()
            }],
            pods: vec![
                pod("a", (500, 1), Some((800, 1)), "alpha"),
                pod("b", (250, 2), Some((100, 1)), "beta"),
            ],
            usage: true,
            ..Cluster::default()
        };
        let fp = NodeFootprint {
            node: "n1".into(),
            resource: None,
            co2e_kg: Range::new(80.0, 100.0, 130.0),
            cpu_energy_share: 0.6,
            cost: Some(Decimal::new(8000, 2)),
            cpu_cost_share: Decimal::new(5, 1),
            owner: Some("system:platform".into()),
        };
        let a = allocate(&cluster, vec![fp], |p| {
            p.labels
                .get("app.kubernetes.io/part-of")
                .map(|s| format!("system:{s}"))
        });
        let by = |n: &str| a.pods.iter().find(|s| s.name == n).unwrap();
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
        assert!(close(by("a").co2e_kg.central, 29.0));
        assert!(close(by("a").co2e_kg.low, 29.0 * 0.8));
        assert!(close(by("a").co2e_kg.high, 29.0 * 1.3));
        assert_eq!(by("a").by, "cpu usage, memory request");
        assert_eq!(by("a").cost, Some(Decimal::new(2100, 2)));
        assert!(close(by("b").co2e_kg.central, 17.5));
        assert_eq!(by("b").by, "cpu request, memory request");
        assert_eq!(by("b").cost, Some(Decimal::new(1500, 2)));
        let idle = &a.idle[0];
        assert!(close(idle.co2e_kg.central, 53.5));
        assert_eq!(idle.cost, Some(Decimal::new(4400, 2)));
        assert_eq!(idle.system.as_deref(), Some("system:platform"));
        assert!(close(idle.cpu_share, 0.475) && close(idle.memory_share, 0.625));
        // Roll-up to system: alpha, beta, and the owner's idle; money reconciles exactly.
        let sys = |k: &str| a.by_system.iter().find(|t| t.key == k).unwrap();
        assert!(close(sys("system:alpha").co2e_kg.central, 29.0));
        assert!(close(sys("system:platform").co2e_kg.central, 53.5));
        let total: Decimal = a.by_system.iter().filter_map(|t| t.cost).sum();
        assert_eq!(total, Decimal::new(8000, 2));
    }

    #[test]
    fn pods_asking_more_than_the_node_has_share_it_all_with_no_idle() {
        let cluster = Cluster {
            name: "c".into(),
            nodes: vec![Node {
                name: "n1".into(),
                cpu_milli: 1000,
                memory_bytes: 1 << 30,
                ..Node::default()
            }],
            pods: vec![
                pod("a", (1000, 1), None, "alpha"),
                pod("b", (1000, 1), None, "beta"),
            ],
            ..Cluster::default()
        };
        let fp = NodeFootprint {
            node: "n1".into(),
            resource: None,
            co2e_kg: Range::exact(10.0),
            cpu_energy_share: 0.5,
            cost: Some(Decimal::new(1001, 2)),
            cpu_cost_share: Decimal::new(5, 1),
            owner: None,
        };
        let a = allocate(&cluster, vec![fp], |_| None);
        assert!((a.pods[0].co2e_kg.central - 5.0).abs() < 1e-9);
        assert!(a.idle[0].co2e_kg.central.abs() < 1e-9);
        // £10.01 in halves: 5.00 (rounded) each, the odd penny stays visible as idle.
        let sum: Decimal =
            a.pods.iter().filter_map(|p| p.cost).sum::<Decimal>() + a.idle[0].cost.unwrap();
        assert_eq!(sum, Decimal::new(1001, 2));
    }

    #[test]
    fn opencost_prices_split_an_m6g_large_about_two_thirds_cpu() {
        let s = cpu_cost_share(2000, 8 << 30);
        // 0.063222 / (0.063222 + 0.033896)
        assert_eq!(s.round_dp(4), Decimal::new(6510, 4));
    }
}
