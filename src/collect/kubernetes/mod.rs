//! Kubernetes, offline: what `kubectl get nodes,namespaces,pods,deployments,
//! replicasets,statefulsets,daemonsets,jobs,cronjobs,services,ingresses,pvc,pv
//! -A -o json` prints (one `List`, each item with its own `kind`), and
//! beside it, optionally, metrics-server's pod metrics (`NAME.metrics.json`,
//! what `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` prints).
//! `estate collect kubernetes` ([`live`]) writes the same two files from a
//! live cluster.
//!
//! Read: nodes (capacity, allocatable, instance type, region and zone
//! labels, the provider id naming the cloud VM), namespaces, workloads, pods
//! (container requests — the larger of the containers' sum and the largest
//! init container, plus pod overhead — phase, node, and the owner chain up
//! to the workload: Pod → ReplicaSet → Deployment, Pod → Job → CronJob),
//! services, ingresses, claims and volumes, and each pod's measured usage.
//! Quantities are parsed as Kubernetes writes them (`250m`, `1.5`,
//! `123456789n`; `512Mi`, `7947048Ki`, `1G`, `1e9`); one that cannot be
//! parsed is counted with its object, never silently taken as zero.

#[cfg(feature = "live")]
pub mod live;

pub use crate::model::collected::kubernetes::{Applied, Claim, Cluster, Node, Pod, Workload};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// CPU in millicores (rounded up from nanocores): `250m`, `2`, `0.5`, `123456789n`, `15u`.
pub fn cpu_milli(q: &str) -> Option<u64> {
    let q = q.trim();
    let (num, scale) = match q.as_bytes().last()? {
        b'n' => (&q[..q.len() - 1], 1e-6),
        b'u' => (&q[..q.len() - 1], 1e-3),
        b'm' => (&q[..q.len() - 1], 1.0),
        _ => (q, 1000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * scale).ceil() as u64)
}

/// Memory in bytes: `512Mi`, `7947048Ki`, `1G`, `1e9`, `128974848`.
pub fn memory_bytes(q: &str) -> Option<u64> {
    let q = q.trim();
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
        ("m", 1e-3),
    ];
    let (num, scale) = SUFFIXES
        .iter()
        .find_map(|(s, f)| q.strip_suffix(s).map(|n| (n, *f)))
        .unwrap_or((q, 1.0));
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * scale).round() as u64)
}

fn meta<'a>(v: &'a Value, k: &str) -> &'a str {
    v.pointer(&format!("/metadata/{k}"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The controlling owner (kind, name) of an object.
fn controller(v: &Value) -> Option<(String, String)> {
    let refs = v.pointer("/metadata/ownerReferences")?.as_array()?;
    let r = refs
        .iter()
        .find(|r| r["controller"] == true)
        .or_else(|| refs.first())?;
    Some((
        r["kind"].as_str()?.to_string(),
        r["name"].as_str()?.to_string(),
    ))
}

/// Sum a resource list's requests (`resources.requests.cpu`).
fn requests(
    containers: Option<&Value>,
    what: &str,
    parse: fn(&str) -> Option<u64>,
) -> Result<(u64, u64), String> {
    let mut sum = 0;
    let mut max = 0;
    for c in containers.and_then(Value::as_array).into_iter().flatten() {
        if let Some(q) = c.pointer(&format!("/resources/requests/{what}")) {
            let text = q
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| q.to_string());
            let n = parse(&text).ok_or_else(|| {
                format!(
                    "container `{}`: {what} request `{text}` is not a quantity",
                    c["name"].as_str().unwrap_or("?")
                )
            })?;
            sum += n;
            max = max.max(n);
        }
    }
    Ok((sum, max))
}

fn pod_requests(spec: &Value, what: &str, parse: fn(&str) -> Option<u64>) -> Result<u64, String> {
    let (containers, _) = requests(spec.get("containers"), what, parse)?;
    let (_, init) = requests(spec.get("initContainers"), what, parse)?;
    let overhead = match spec
        .pointer(&format!("/overhead/{what}"))
        .and_then(Value::as_str)
    {
        Some(q) => parse(q).ok_or_else(|| format!("overhead {what} `{q}` is not a quantity"))?,
        None => 0,
    };
    Ok(containers.max(init) + overhead)
}

/// The objects a file holds, each with its kind: a typed list as the API
/// returns it (`PodList`, `NodeList`: items carry no `kind` and take the
/// list's), kubectl's `List` (each item names its own), or one object
/// (`kubectl get node NAME -o json`). Anything else is a located error; a
/// `List` item with no `kind` is a counted problem.
fn objects<'a>(
    path: &Path,
    v: &'a Value,
    problems: &mut Vec<String>,
) -> Result<Vec<(&'a str, &'a Value)>, crate::collect::ReadError> {
    let not_k8s = |what: String| {
        crate::collect::ReadError::Content(format!(
            "{}:1:1: {what}; expected what `kubectl get … -o json` prints: a `List` (or `PodList`, `NodeList` …) with `items`, or one object with a `kind`",
            path.display()
        ))
    };
    let kind = v.get("kind").and_then(Value::as_str);
    let Some(items) = v.get("items") else {
        return match kind {
            Some(k) if !k.is_empty() && v.get("metadata").is_some_and(Value::is_object) => {
                Ok(vec![(k, v)])
            }
            Some(k) => Err(not_k8s(format!("`kind: {k}` has no `metadata`"))),
            None => Err(not_k8s("no `items` and no `kind`".into())),
        };
    };
    let Some(items) = items.as_array() else {
        return Err(not_k8s("`items` is not a list".into()));
    };
    // `PodList` → `Pod`; kubectl's plain `List` (or none) gives no kind.
    let implied = kind
        .and_then(|k| k.strip_suffix("List"))
        .filter(|k| !k.is_empty());
    let mut out = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        match it.get("kind").and_then(Value::as_str).or(implied) {
            Some(k) => out.push((k, it)),
            None => problems.push(format!(
                "item {i} (`{}`) of the {}: no `kind`, and the list's kind names none",
                meta(it, "name"),
                kind.unwrap_or("list")
            )),
        }
    }
    Ok(out)
}

/// Read a cluster from what kubectl or the API prints (see [`objects`]) and
/// its `.metrics.json` beside it, if any.
pub fn read(path: &Path, name: &str) -> Result<Cluster, crate::collect::ReadError> {
    let v = crate::collect::source::read_json(path, Some("what `kubectl get … -o json` prints"))?;
    let mut c = Cluster {
        name: name.to_string(),
        path: path.to_path_buf(),
        ..Cluster::default()
    };
    let items = objects(path, &v, &mut c.problems)?;
    if items.is_empty() && c.problems.is_empty() {
        c.problems
            .push("the file holds no objects (an empty list)".into());
    }
    // Owners of ReplicaSets and Jobs, to walk a pod up to its workload.
    let mut owners: HashMap<(String, String, String), (String, String)> = HashMap::new();
    let mut pods = Vec::new();
    for (kind, it) in items {
        let (ns, n) = (meta(it, "namespace"), meta(it, "name"));
        match kind {
            "Node" => {
                let l: BTreeMap<String, String> = super::string_map(it.pointer("/metadata/labels"));
                // A quantity beyond any machine (100,000 CPUs, 1 PiB) is a problem, not a size.
                let q = |path: &str, parse: fn(&str) -> Option<u64>| {
                    let v = it.pointer(path).and_then(Value::as_str).and_then(parse);
                    let max = if path.ends_with("cpu") {
                        100_000_000
                    } else {
                        1 << 50
                    };
                    v.filter(|v| *v <= max)
                };
                let cap_cpu = q("/status/capacity/cpu", cpu_milli);
                let cap_mem = q("/status/capacity/memory", memory_bytes);
                let al_cpu = q("/status/allocatable/cpu", cpu_milli);
                let al_mem = q("/status/allocatable/memory", memory_bytes);
                if cap_cpu.or(al_cpu).is_none() || cap_mem.or(al_mem).is_none() {
                    c.problems
                        .push(format!("node {n}: no readable CPU or memory capacity"));
                }
                c.nodes.push(Node {
                    name: n.to_string(),
                    provider_id: it
                        .pointer("/spec/providerID")
                        .and_then(Value::as_str)
                        .map(String::from),
                    instance_type: l
                        .get("node.kubernetes.io/instance-type")
                        .or_else(|| l.get("beta.kubernetes.io/instance-type"))
                        .cloned(),
                    region: l.get("topology.kubernetes.io/region").cloned(),
                    zone: l.get("topology.kubernetes.io/zone").cloned(),
                    cpu_milli: cap_cpu.or(al_cpu).unwrap_or(0),
                    memory_bytes: cap_mem.or(al_mem).unwrap_or(0),
                    allocatable_cpu_milli: al_cpu.or(cap_cpu).unwrap_or(0),
                    allocatable_memory_bytes: al_mem.or(cap_mem).unwrap_or(0),
                    labels: l,
                });
            }
            "Namespace" => c.namespaces.push(n.to_string()),
            "ReplicaSet" | "Job" => {
                if let Some(o) = controller(it) {
                    owners.insert((ns.to_string(), kind.to_string(), n.to_string()), o);
                }
                if kind == "Job" && controller(it).is_none() {
                    c.workloads.push(workload(it, kind));
                }
            }
            "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob" => {
                c.workloads.push(workload(it, kind));
            }
            "Pod" => pods.push(it),
            "Service" => c.services += 1,
            "Ingress" => c.ingresses += 1,
            "PersistentVolume" => c.volumes += 1,
            "PersistentVolumeClaim" => {
                let q = it
                    .pointer("/status/capacity/storage")
                    .or_else(|| it.pointer("/spec/resources/requests/storage"))
                    .and_then(Value::as_str);
                let bytes = match q.map(memory_bytes) {
                    Some(Some(b)) => b,
                    Some(None) => {
                        c.problems.push(format!(
                            "claim {ns}/{n}: storage `{}` is not a quantity",
                            q.unwrap_or("")
                        ));
                        0
                    }
                    None => 0,
                };
                c.claims.push(Claim {
                    namespace: ns.to_string(),
                    name: n.to_string(),
                    storage_class: it
                        .pointer("/spec/storageClassName")
                        .and_then(Value::as_str)
                        .map(String::from),
                    bytes,
                    volume: it
                        .pointer("/spec/volumeName")
                        .and_then(Value::as_str)
                        .map(String::from),
                });
            }
            other => *c.other_kinds.entry(other.to_string()).or_default() += 1,
        }
    }
    for it in pods {
        let (ns, n) = (meta(it, "namespace"), meta(it, "name"));
        let spec = &it["spec"];
        let (cpu, mem) = match (
            pod_requests(spec, "cpu", cpu_milli),
            pod_requests(spec, "memory", memory_bytes),
        ) {
            (Ok(c), Ok(m)) => (c, m),
            (Err(e), _) | (_, Err(e)) => {
                c.problems.push(format!("pod {ns}/{n}: {e}"));
                continue;
            }
        };
        // Up the owner chain: Pod → ReplicaSet → Deployment; Pod → Job → CronJob.
        let mut w = controller(it).unwrap_or_else(|| ("Pod".into(), n.to_string()));
        while let Some(up) = owners.get(&(ns.to_string(), w.0.clone(), w.1.clone())) {
            w = up.clone();
        }
        if w.0 == "Pod" || w.0 == "ReplicaSet" {
            c.workloads.push(Workload {
                kind: w.0.clone(),
                namespace: ns.to_string(),
                name: w.1.clone(),
                labels: super::string_map(it.pointer("/metadata/labels")),
            });
        }
        c.pods.push(Pod {
            namespace: ns.to_string(),
            name: n.to_string(),
            node: spec["nodeName"].as_str().map(String::from),
            phase: it
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            workload: w,
            labels: super::string_map(it.pointer("/metadata/labels")),
            cpu_request_milli: cpu,
            memory_request_bytes: mem,
            cpu_usage_milli: None,
            memory_usage_bytes: None,
        });
    }
    // metrics-server's usage, from the file beside it.
    let metrics = metrics_path(path);
    if metrics.exists() {
        let m = crate::collect::source::read_json(&metrics, Some("a PodMetricsList"))?;
        apply_usage(&mut c, &m);
    }
    c.workloads
        .sort_by(|a, b| (&a.namespace, &a.kind, &a.name).cmp(&(&b.namespace, &b.kind, &b.name)));
    c.workloads
        .dedup_by(|a, b| a.namespace == b.namespace && a.kind == b.kind && a.name == b.name);
    Ok(c)
}

fn workload(it: &Value, kind: &str) -> Workload {
    Workload {
        kind: kind.to_string(),
        namespace: meta(it, "namespace").to_string(),
        name: meta(it, "name").to_string(),
        labels: super::string_map(it.pointer("/metadata/labels")),
    }
}

/// `NAME.metrics.json` beside `NAME.json`.
pub fn metrics_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.metrics.json"))
}

/// Put a PodMetricsList's usage on the pods.
pub fn apply_usage(c: &mut Cluster, m: &Value) {
    let mut usage: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for it in m["items"].as_array().into_iter().flatten() {
        let key = (
            meta(it, "namespace").to_string(),
            meta(it, "name").to_string(),
        );
        let mut sum = (0, 0);
        for ct in it["containers"].as_array().into_iter().flatten() {
            let cpu = ct.pointer("/usage/cpu").and_then(Value::as_str);
            let mem = ct.pointer("/usage/memory").and_then(Value::as_str);
            match (cpu.and_then(cpu_milli), mem.and_then(memory_bytes)) {
                (Some(a), Some(b)) => {
                    sum.0 += a;
                    sum.1 += b;
                }
                _ => c.problems.push(format!(
                    "usage of pod {}/{}: `{}`/`{}` is not a quantity",
                    key.0,
                    key.1,
                    cpu.unwrap_or(""),
                    mem.unwrap_or("")
                )),
            }
        }
        usage.insert(key, sum);
    }
    c.usage = !usage.is_empty();
    for p in &mut c.pods {
        if let Some((cpu, mem)) = usage.get(&(p.namespace.clone(), p.name.clone())) {
            p.cpu_usage_milli = Some(*cpu);
            p.memory_usage_bytes = Some(*mem);
        }
    }
}

/// The cloud VM a node is: (provider, instance id or lower-cased resource id).
pub fn machine(provider_id: &str) -> Option<(crate::inventory::kinds::Provider, String)> {
    use crate::inventory::kinds::Provider;
    if let Some(rest) = provider_id.strip_prefix("aws://") {
        return Some((Provider::Aws, rest.rsplit('/').next()?.to_string()));
    }
    if let Some(rest) = provider_id.strip_prefix("azure://") {
        return Some((Provider::Azure, rest.to_ascii_lowercase()));
    }
    // `gce://PROJECT/ZONE/NAME`: the instance is known by its name.
    if let Some(rest) = provider_id.strip_prefix("gce://") {
        return Some((Provider::Gcp, rest.rsplit('/').next()?.to_ascii_lowercase()));
    }
    None
}

/// The annotation that says where a resource's spec came from; the carbon
/// engine repeats it with the estimate.
pub const SPEC_FROM: &str = "estate.io/spec-from";

/// A node no cloud VM is, as an on-prem server: its capacity's CPUs taken as
/// cores (one socket), its memory in GB. With no readable CPU capacity it
/// has no `cpu`, and the carbon engine lists it as not estimated.
fn capacity_spec(spec: &mut crate::inventory::kinds::ResourceSpec, n: &Node) {
    if n.cpu_milli > 0 {
        spec.cpu = Some(crate::inventory::kinds::CpuSpec {
            model: None,
            sockets: 1,
            cores: u32::try_from(n.cpu_milli.div_ceil(1000)).unwrap_or(u32::MAX),
            threads: None,
        });
        spec.memory_gb = Some(n.memory_bytes as f64 / f64::from(1u32 << 30));
    }
}

fn capacity_note(n: &Node) -> String {
    let why = match &n.provider_id {
        Some(p) => format!("provider id `{p}` names no AWS, Azure or GCP VM"),
        None => "no provider id".into(),
    };
    if n.cpu_milli == 0 {
        return format!("Kubernetes node ({why}) with no readable CPU capacity");
    }
    format!(
        "Kubernetes node capacity ({why}): {} CPU(s) taken as cores, {:.1} GB memory, no site (default PUE, GB grid)",
        n.cpu_milli.div_ceil(1000),
        n.memory_bytes as f64 / f64::from(1u32 << 30)
    )
}

/// The model's resources by what a node's provider id or name can say:
/// external id, AWS instance id, name (lower case). Built once for all
/// clusters; the nodes [`apply`] adds are added to it.
pub struct Machines(HashMap<String, petgraph::stable_graph::NodeIndex>);

impl Machines {
    pub fn of(model: &crate::model::Model) -> Machines {
        use crate::inventory::{Kind, Spec};
        let mut by_key = HashMap::new();
        for idx in model.nodes_of(Kind::Resource) {
            let n = model.node(idx);
            if let Some(Spec::Resource(r)) = &n.spec
                && let Some(e) = &r.external_id
            {
                let e = e.to_ascii_lowercase();
                if let Some((_, iid)) = e.split_once(":instance/") {
                    by_key.insert(iid.to_string(), idx);
                }
                by_key.insert(e, idx);
            }
            by_key.entry(n.name.to_ascii_lowercase()).or_insert(idx);
        }
        Machines(by_key)
    }
}

/// Join a cluster's nodes to the model: each node is the VM its provider id
/// names (an AWS instance's ARN, an Azure VM's id) or a resource of its
/// name; a node no resource is becomes a new compute resource, mapped to
/// systems by the Mapping rules like any collected resource.
pub fn apply(model: &mut crate::model::Model, machines: &mut Machines, c: &Cluster) -> Applied {
    use crate::inventory::kinds::{Provider, ResourceSpec, ResourceType, spanned};
    use crate::model::{Edge, EdgeKind};
    let by_key = &mut machines.0;
    let mut out = Applied {
        file: c.path.display().to_string(),
        cluster: c.name.clone(),
        pods: c.pods.len(),
        running: c.pods.iter().filter(|p| p.phase == "Running").count(),
        workloads: c.workloads.len(),
        namespaces: c.namespaces.len(),
        services: c.services,
        ingresses: c.ingresses,
        claims: c.claims.len(),
        usage: c.usage,
        other_kinds: c.other_kinds.clone(),
        problems: c.problems.clone(),
        ..Applied::default()
    };
    let mapper = crate::model::mapping::Mapper::new(model);
    for n in &c.nodes {
        let m = n.provider_id.as_deref().and_then(machine);
        let found = m
            .as_ref()
            .and_then(|(_, key)| by_key.get(key))
            .or_else(|| by_key.get(&n.name.to_ascii_lowercase()))
            .copied();
        let idx = match found {
            Some(i) => i,
            None => {
                let provider = m.as_ref().map_or(Provider::OnPrem, |(p, _)| *p);
                let mut spec = ResourceSpec::new(ResourceType::Compute, provider);
                if provider == Provider::OnPrem {
                    // Bare metal, minikube, kind: no cloud VM to price; the
                    // carbon engine's on-prem spec model reads its capacity.
                    capacity_spec(&mut spec, n);
                } else {
                    spec.instance_type = n.instance_type.clone();
                    spec.region = n.region.clone().map(spanned);
                }
                spec.tags = n
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let id = format!("k8s:{}/node/{}", c.name, n.name);
                let tags: Vec<(String, String)> = spec.tags.clone().into_iter().collect();
                let facts = crate::model::mapping::Subject {
                    provider: Some(provider),
                    account: "",
                    region: n.region.as_deref().unwrap_or(""),
                    resource_group: "",
                    namespace: "",
                    cluster: &c.name,
                    name: &n.name,
                    tags: &tags,
                };
                let systems: Vec<String> = mapper
                    .systems(&facts)
                    .map(|(s, _)| s.iter().map(|(id, _)| id.clone()).collect())
                    .unwrap_or_default();
                let mut node =
                    crate::model::Node::resource(id.clone(), n.name.clone(), spec, "kubernetes");
                if provider == Provider::OnPrem {
                    node.annotations.insert(SPEC_FROM.into(), capacity_note(n));
                }
                let i = model.add_node(node);
                if let (Some(region), true) = (&n.region, provider != Provider::OnPrem) {
                    let r = crate::model::build::region_node(model, provider, region);
                    model.graph.add_edge(
                        i,
                        r,
                        Edge {
                            kind: EdgeKind::HostedIn,
                            label: None,
                        },
                    );
                }
                for s in systems {
                    if let Some(si) = model.get(&s) {
                        model.graph.add_edge(
                            si,
                            i,
                            Edge {
                                kind: EdgeKind::RunsOn,
                                label: Some("mapping".into()),
                            },
                        );
                    }
                }
                out.added += 1;
                by_key.entry(n.name.to_ascii_lowercase()).or_insert(i);
                i
            }
        };
        let node = &mut model.graph[idx];
        node.annotations
            .insert("kubernetes/node".into(), format!("{}/{}", c.name, n.name));
        out.nodes.push((n.name.clone(), node.id.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_read_as_kubernetes_writes_them() {
        assert_eq!(cpu_milli("250m"), Some(250));
        assert_eq!(cpu_milli("2"), Some(2000));
        assert_eq!(cpu_milli("0.5"), Some(500));
        assert_eq!(cpu_milli("412503887n"), Some(413));
        assert_eq!(cpu_milli("15u"), Some(1));
        assert_eq!(cpu_milli("lots"), None);
        assert_eq!(memory_bytes("512Mi"), Some(512 << 20));
        assert_eq!(memory_bytes("7947048Ki"), Some(7947048 * 1024));
        assert_eq!(memory_bytes("1G"), Some(1_000_000_000));
        assert_eq!(memory_bytes("1e3"), Some(1000));
        assert_eq!(memory_bytes("128974848"), Some(128974848));
        assert_eq!(memory_bytes("-1Mi"), None);
    }

    #[test]
    fn the_sample_cluster_is_read_with_owners_requests_and_usage() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let c = read(
            &root.join("exports/kubernetes/digital-prod.json"),
            "eks-digital-prod",
        )
        .unwrap();
        assert_eq!(c.nodes.len(), 3);
        assert_eq!(c.nodes[0].instance_type.as_deref(), Some("m6g.large"));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert!(c.usage);
        let running: Vec<&Pod> = c.pods.iter().filter(|p| p.phase == "Running").collect();
        assert_eq!(running.len(), 22);
        let cpu: u64 = running.iter().map(|p| p.cpu_request_milli).sum();
        let mem: u64 = running.iter().map(|p| p.memory_request_bytes).sum();
        assert_eq!((cpu, mem), (2140, 3072 << 20), "the fixture README's sums");
        // A Deployment's pod, through its ReplicaSet; a CronJob's, through its Job.
        assert!(
            c.pods
                .iter()
                .any(|p| p.workload == ("Deployment".into(), "report-it-web".into()))
        );
        assert!(
            c.pods
                .iter()
                .any(|p| p.workload == ("CronJob".into(), "report-it-sync".into()))
        );
    }
}

#[cfg(test)]
mod real_world {
    //! k9s's test fixtures: a real minikube Node and Pod (tests/real-world/kubernetes/PROVENANCE.md).
    use super::*;

    fn real(name: &str) -> Value {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/real-world/kubernetes")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn read_value(v: &Value) -> Result<Cluster, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        std::fs::write(&p, v.to_string()).unwrap();
        read(&p, "c").map_err(|e| e.to_string().replace(&p.display().to_string(), "c.json"))
    }

    /// The object without its `kind`, as the API lists items.
    fn unkinded(mut v: Value) -> Value {
        v.as_object_mut().unwrap().remove("kind");
        v
    }

    #[test]
    fn a_single_object_a_typed_list_and_kubectl_s_list_read_alike() {
        let (node, pod) = (real("k9s-minikube-node.json"), real("k9s-pod.json"));
        let forms = [
            // `kubectl get node minikube -o json`.
            (node.clone(), 1, 0),
            (pod.clone(), 0, 1),
            // The API's NodeList and PodList: items carry no kind.
            (
                serde_json::json!({"kind": "NodeList", "apiVersion": "v1", "items": [unkinded(node.clone())]}),
                1,
                0,
            ),
            (
                serde_json::json!({"kind": "PodList", "apiVersion": "v1", "items": [unkinded(pod.clone())]}),
                0,
                1,
            ),
            // kubectl's List: each item names its kind.
            (
                serde_json::json!({"kind": "List", "apiVersion": "v1", "items": [node.clone(), pod.clone()]}),
                1,
                1,
            ),
        ];
        for (v, nodes, pods) in forms {
            let c = read_value(&v).unwrap();
            assert_eq!(
                (c.nodes.len(), c.pods.len()),
                (nodes, pods),
                "{}",
                v["kind"]
            );
            assert!(c.problems.is_empty(), "{:?}", c.problems);
        }
        let c = read_value(&serde_json::json!({"kind": "List", "items": [node, pod]})).unwrap();
        let n = &c.nodes[0];
        // 4 CPUs, 8163684Ki; no provider id or instance type (minikube).
        assert_eq!((n.cpu_milli, n.memory_bytes), (4000, 8163684 * 1024));
        assert_eq!(
            (n.provider_id.as_deref(), n.instance_type.as_deref()),
            (None, None)
        );
        let p = &c.pods[0];
        assert_eq!(
            (p.cpu_request_milli, p.memory_request_bytes),
            (100, 70 << 20)
        );
        assert_eq!(p.node.as_deref(), Some("minikube"));
    }

    #[test]
    fn what_is_not_understood_is_said() {
        let node = real("k9s-minikube-node.json");
        // kubectl's List whose item lost its kind: counted, not dropped silently.
        let c = read_value(&serde_json::json!({"kind": "List", "items": [unkinded(node.clone())]}))
            .unwrap();
        assert_eq!(
            c.problems,
            ["item 0 (`minikube`) of the List: no `kind`, and the list's kind names none"]
        );
        let c = read_value(&serde_json::json!({"kind": "NodeList", "items": []})).unwrap();
        assert_eq!(c.problems, ["the file holds no objects (an empty list)"]);
        let c = read_value(
            &serde_json::json!({"kind": "ConfigMapList", "items": [{"metadata": {"name": "x"}}]}),
        )
        .unwrap();
        assert_eq!(c.other_kinds.get("ConfigMap"), Some(&1));
        assert_eq!(
            read_value(&serde_json::json!({"nodes": [node]})).unwrap_err(),
            "c.json:1:1: no `items` and no `kind`; expected what `kubectl get … -o json` prints: a `List` (or `PodList`, `NodeList` …) with `items`, or one object with a `kind`"
        );
    }
}
