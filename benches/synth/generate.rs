//! A synthetic estate of a chosen size, deterministic from a seed, for
//! benchmarks and scale tests: domains, capabilities, teams, suppliers and
//! contracts; systems with long-tailed dependencies and integrations; cloud
//! resources in several accounts and regions with tags (some missing, some
//! left to Mapping rules), on-prem hosts, device fleets; Kubernetes clusters
//! with nodes, workloads and pods (kubectl's JSON); and a FOCUS export
//! billing the estate's cloud resources plus tax, credits, purchases and
//! resources the inventory does not know. Written as an estate directory:
//! `estate.yaml`, `inventory/` (files of at most 500 documents),
//! `billing/focus-2025.csv` and `kubernetes/`.

use std::fmt::Write as _;
use std::path::Path;

#[path = "focus.rs"]
pub mod focus;
use focus::Billed;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    pub systems: usize,
    /// Cloud and on-prem resources (default two per system).
    pub resources: usize,
    /// FOCUS rows (0: no billing file).
    pub focus_rows: u64,
    /// Kubernetes clusters (each with its nodes, workloads and pods).
    pub clusters: usize,
    pub seed: u64,
}

impl Config {
    /// An estate of `systems` systems with the default proportions: two
    /// resources and twenty billing rows per system, a cluster per
    /// thousand systems.
    pub fn new(systems: usize) -> Config {
        Config {
            systems,
            resources: systems * 2,
            focus_rows: systems as u64 * 20,
            clusters: systems.div_ceil(1000),
            seed: 42,
        }
    }
}

#[allow(dead_code)] // each user reads a different part
pub struct Generated {
    /// Inventory documents.
    pub nodes: usize,
    pub files: usize,
    /// Inventory bytes.
    pub bytes: usize,
    pub resources: usize,
    pub focus_rows: u64,
    pub focus_bytes: u64,
    pub pods: usize,
}

const AWS_REGIONS: [&str; 3] = ["eu-west-2", "eu-west-1", "us-east-1"];
const AWS_TYPES: [&str; 6] = [
    "m5.large",
    "m5.xlarge",
    "t3.medium",
    "c5.xlarge",
    "r5.large",
    "m6g.large",
];
const AZURE_REGIONS: [&str; 3] = ["uksouth", "ukwest", "westeurope"];
const AZURE_TYPES: [&str; 3] = ["Standard_D4s_v5", "Standard_B2ms", "Standard_E4s_v5"];

/// Write an estate with `systems` systems (and the default proportions) under `dir`.
#[allow(dead_code)] // the benches use it, `synth` takes a Config
pub fn generate(dir: &Path, systems: usize, seed: u64) -> std::io::Result<Generated> {
    generate_with(
        dir,
        &Config {
            seed,
            ..Config::new(systems)
        },
    )
}

/// Write the estate `cfg` describes under `dir`.
pub fn generate_with(dir: &Path, cfg: &Config) -> std::io::Result<Generated> {
    let systems = cfg.systems.max(1);
    let mut rng = fastrand::Rng::with_seed(cfg.seed);
    let domains = (systems / 15).clamp(3, 200);
    let capabilities = (systems / 3).max(5);
    let teams = (systems / 8).max(3);
    let suppliers = (systems / 3).max(3);
    let cost_centres = (systems / 15).max(2);
    let technologies = 30;
    // Accounts and subscriptions grow slowly with the estate, as they do.
    let aws_accounts: Vec<String> = (0..(systems / 200).clamp(2, 500))
        .map(|a| format!("{:012}", 318_452_000_000u64 + a as u64 * 7919))
        .collect();
    let azure_subscriptions: Vec<String> = (0..(systems / 400).clamp(1, 200))
        .map(|s| format!("5e1f{s:04x}-7a2b-4c3d-9e8f-{:012x}", s * 104_729))
        .collect();
    let mut docs: Vec<String> = Vec::new();
    let doc = |kind: &str, name: &str, spec: &str| {
        format!(
            "apiVersion: estate/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  title: {kind} {name}\nspec:\n{spec}"
        )
    };
    for d in 0..domains {
        docs.push(doc(
            "Domain",
            &format!("d{d}"),
            &format!("  owner: team:t{}\n", d % teams),
        ));
    }
    for c in 0..capabilities {
        let parent = if c >= domains && c % 4 == 0 {
            format!("  parent: capability:c{}\n", c % domains)
        } else {
            String::new()
        };
        docs.push(doc(
            "Capability",
            &format!("c{c}"),
            &format!("  domain: domain:d{}\n{parent}", c % domains),
        ));
    }
    for t in 0..teams {
        let parent = if t >= 3 {
            format!("  parent: team:t{}\n", t % 3)
        } else {
            String::new()
        };
        docs.push(doc(
            "Team",
            &format!("t{t}"),
            &format!("  members: {}\n{parent}", 3 + rng.usize(..20)),
        ));
    }
    for c in 0..cost_centres {
        docs.push(doc(
            "CostCentre",
            &format!("cc{c}"),
            &format!("  code: CC-{c:04}\n  owner: team:t{}\n", c % teams),
        ));
    }
    let categories = [
        "saas",
        "software",
        "hardware",
        "cloud",
        "hosting",
        "services",
        "telecoms",
        "consultancy",
    ];
    // The cloud providers as suppliers, so their bills are attributed.
    docs.push(doc("Supplier", "aws", "  category: cloud\n  country: LU\n"));
    docs.push(doc(
        "Supplier",
        "microsoft",
        "  category: cloud\n  country: IE\n",
    ));
    for s in 0..suppliers {
        docs.push(doc(
            "Supplier",
            &format!("s{s}"),
            &format!(
                "  category: {}\n  country: GB\n",
                categories[s % categories.len()]
            ),
        ));
        let value = 1000 + rng.u64(..2_000_000);
        let start_year = 2020 + rng.u32(..6);
        docs.push(doc(
            "Contract",
            &format!("k{s}"),
            &format!(
                "  supplier: supplier:s{s}\n  value: {value}.{:02}\n  start: {start_year}-04-01\n  end: {}-03-31\n  notice_period: 3m\n  cost_centre: cost-centre:cc{}\n",
                rng.u32(..100),
                start_year + 1 + rng.u32(..5),
                s % cost_centres
            ),
        ));
    }
    for t in 0..technologies {
        docs.push(doc(
            "Technology",
            &format!("tech{t}"),
            &format!(
                "  product: product-{}\n  version: \"{}\"\n  category: os\n",
                t / 3,
                t % 3
            ),
        ));
    }
    docs.push(doc(
        "Site",
        "dc1",
        "  type: server-room\n  country: GB\n  pue: 1.8\n",
    ));
    docs.push(doc(
        "Site",
        "colo",
        "  type: colocation\n  country: GB\n  pue: 1.4\n  renewable_share: 1.0\n",
    ));
    let phases = [
        "plan",
        "phase-in",
        "active",
        "active",
        "active",
        "active",
        "phase-out",
        "retired",
    ];
    let hosting = ["on-prem", "cloud", "saas", "hybrid"];
    for s in 0..systems {
        let mut spec = String::new();
        // A fifth of systems have no owner, as real estates do.
        if rng.u8(..5) != 0 {
            let _ = writeln!(spec, "  owner: team:t{}", rng.usize(..teams));
        }
        let _ = writeln!(spec, "  domain: domain:d{}", s % domains);
        let _ = writeln!(
            spec,
            "  capabilities: [capability:c{}, capability:c{}]",
            rng.usize(..capabilities),
            s % capabilities
        );
        let _ = writeln!(
            spec,
            "  lifecycle: {{ phase: {}, end_of_life: 20{}-03-31 }}",
            phases[rng.usize(..phases.len())],
            27 + rng.u8(..8)
        );
        let _ = writeln!(
            spec,
            "  criticality: {}",
            ["low", "medium", "high", "critical"][rng.usize(..4)]
        );
        let _ = writeln!(spec, "  hosting: {}", hosting[rng.usize(..4)]);
        let _ = writeln!(spec, "  supplier: supplier:s{}", rng.usize(..suppliers));
        let _ = writeln!(
            spec,
            "  cost_centre: cost-centre:cc{}",
            rng.usize(..cost_centres)
        );
        let _ = writeln!(
            spec,
            "  functional_fit: {}\n  technical_fit: {}",
            1 + rng.u8(..4),
            1 + rng.u8(..4)
        );
        let _ = writeln!(
            spec,
            "  technologies: [technology:tech{}]",
            rng.usize(..technologies)
        );
        let _ = writeln!(spec, "  users: {}", 5 + rng.u32(..3000));
        // Long-tailed dependencies: most systems depend on a few, hubs on many
        // (only on lower-numbered systems, plus the odd cycle).
        if s > 0 {
            let n = if rng.u8(..50) == 0 {
                10 + rng.usize(..20)
            } else {
                rng.usize(..4)
            };
            let deps: Vec<String> = (0..n)
                .map(|_| format!("system:sys{}", rng.usize(..s)))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if !deps.is_empty() {
                let _ = writeln!(spec, "  depends_on: [{}]", deps.join(", "));
            }
        }
        docs.push(doc("System", &format!("sys{s}"), &spec));
    }
    // Resources, long-tailed over systems: a few systems run on many.
    let mut billed: Vec<Billed> = Vec::new();
    for i in 0..cfg.resources {
        let s = ((rng.f64().powi(3)) * systems as f64) as usize % systems;
        let name = format!("r{i}");
        let mut spec = String::new();
        let cloud = rng.u8(..4) != 0;
        if cloud {
            let aws = rng.u8(..3) != 0;
            let (provider, regions, types): (&str, &[&str], &[&str]) = if aws {
                ("aws", &AWS_REGIONS, &AWS_TYPES)
            } else {
                ("azure", &AZURE_REGIONS, &AZURE_TYPES)
            };
            let region = regions[rng.usize(..regions.len())];
            let t = types[rng.usize(..types.len())];
            let (account, id) = if aws {
                let a = &aws_accounts[rng.usize(..aws_accounts.len())];
                (
                    a.clone(),
                    format!("arn:aws:ec2:{region}:{a}:instance/i-{i:017x}"),
                )
            } else {
                let sub = &azure_subscriptions[rng.usize(..azure_subscriptions.len())];
                (
                    sub.clone(),
                    format!(
                        "/subscriptions/{sub}/resourceGroups/rg-sys{s}/providers/Microsoft.Compute/virtualMachines/vm-{i}"
                    ),
                )
            };
            let _ = writeln!(
                spec,
                "  type: compute\n  provider: {provider}\n  region: {region}\n  instance_type: {t}\n  account: \"{account}\"\n  external_id: \"{id}\""
            );
            let _ = writeln!(
                spec,
                "  hours: {}\n  utilisation: 0.{:02}",
                730 * (1 + rng.u32(..12)),
                rng.u32(..100)
            );
            let _ = writeln!(
                spec,
                "  storage: [{{ class: ssd, size_gb: {} }}]",
                20 + rng.u32(..500)
            );
            // Four in five carry tags.
            let tags = if rng.u8(..5) != 0 {
                let _ = writeln!(spec, "  tags: {{ app: sys{s}, env: prod }}");
                format!("{{\"app\":\"sys{s}\",\"env\":\"prod\"}}")
            } else {
                String::new()
            };
            billed.push(Billed {
                id,
                name: name.clone(),
                account,
                region: region.to_string(),
                aws,
                tags,
            });
        } else {
            let _ = writeln!(
                spec,
                "  type: compute\n  provider: on-prem\n  site: site:{}",
                if rng.bool() { "dc1" } else { "colo" }
            );
            let _ = writeln!(
                spec,
                "  cpu: {{ model: Intel Xeon Gold 6230, sockets: 2, cores: 20 }}\n  memory_gb: 256\n  power: {{ idle_w: 180, max_w: 520 }}"
            );
        }
        // One resource in ten names no system: tagged, the Mapping rules
        // may place it; untagged, it is unmapped.
        if rng.u8(..10) != 0 {
            let _ = writeln!(spec, "  system: system:sys{s}");
        }
        docs.push(doc("Resource", &name, &spec));
    }
    // Mapping rules: an application tag per system for a sample of systems,
    // and each cluster's namespaces to the systems running there.
    let mut rules = String::from("  rules:\n");
    for s in (0..systems).step_by((systems / 200).max(1)) {
        let _ = writeln!(
            rules,
            "    - system: system:sys{s}\n      match: {{ tags: {{ app: sys{s} }} }}"
        );
    }
    let mut pods = 0;
    let kube = dir.join("kubernetes");
    let mut sources = String::new();
    if cfg.clusters > 0 {
        std::fs::create_dir_all(&kube)?;
        sources.push_str("sources:\n");
    }
    for c in 0..cfg.clusters {
        let name = format!("k{c}");
        let account = &aws_accounts[c % aws_accounts.len()];
        let platform = (c * 997) % systems;
        docs.push(doc(
            "Resource",
            &name,
            &format!(
                "  type: container-cluster\n  provider: aws\n  region: eu-west-2\n  account: \"{account}\"\n  external_id: \"arn:aws:eks:eu-west-2:{account}:cluster/{name}\"\n  system: system:sys{platform}\n"
            ),
        ));
        let _ = writeln!(
            rules,
            "    - system: system:sys{platform}\n      match: {{ provider: aws, cluster: {name} }}"
        );
        let (json, n) = cluster(&name, systems, &mut rng);
        pods += n;
        std::fs::write(kube.join(format!("{name}.json")), json)?;
        let _ = writeln!(
            sources,
            "  - kubernetes: kubernetes/{name}.json\n    cluster: {name}"
        );
    }
    docs.push(doc("Mapping", "synthetic-rules", &rules));
    for f in 0..(systems / 20).max(2) {
        docs.push(doc(
            "DeviceFleet",
            &format!("f{f}"),
            &format!(
                "  category: {}\n  model: Model {f}\n  count: {}\n  purchase_year: {}\n  lifetime: 4y\n  owner: team:t{}\n",
                ["laptop", "desktop", "phone", "monitor", "printer"][f % 5],
                10 + rng.u32(..2000),
                2019 + rng.i32(0..7),
                f % teams
            ),
        ));
    }
    let styles = ["api", "file", "database", "message", "manual"];
    for i in 0..systems * 3 / 4 {
        let from = rng.usize(..systems);
        let to = (from + 1 + rng.usize(..systems.max(2) - 1)) % systems;
        if from == to {
            continue;
        }
        docs.push(doc(
            "Integration",
            &format!("i{i}"),
            &format!(
                "  from: system:sys{from}\n  to: system:sys{to}\n  style: {}\n  frequency: daily\n",
                styles[rng.usize(..styles.len())]
            ),
        ));
    }
    let inventory = dir.join("inventory");
    std::fs::create_dir_all(&inventory)?;
    let mut bytes = 0;
    let mut files = 0;
    for (n, chunk) in docs.chunks(500).enumerate() {
        let text = chunk.join("---\n");
        bytes += text.len();
        std::fs::write(inventory.join(format!("part-{n:05}.yaml")), text)?;
        files += 1;
    }
    let mut focus_bytes = 0;
    let mut billing = String::new();
    if cfg.focus_rows > 0 {
        std::fs::create_dir_all(dir.join("billing"))?;
        focus_bytes = focus::write(
            &dir.join("billing/focus-2025.csv"),
            cfg.focus_rows,
            &billed,
            cfg.seed,
        )?;
        billing = "billing:\n  - path: billing/focus-2025.csv\n".into();
    }
    std::fs::write(
        dir.join("estate.yaml"),
        format!(
            "# A synthetic estate: {systems} systems, {} resources, {} FOCUS rows, {} clusters (seed {}).\nname: Synthetic estate {systems}\ncurrency: GBP\ninventory: inventory\nout: out\nperiod: 2025-01-01..2025-12-31\nexchange_rates: {{ EUR: 0.8650 }}\n{billing}{sources}",
            cfg.resources, cfg.focus_rows, cfg.clusters, cfg.seed
        ),
    )?;
    Ok(Generated {
        nodes: docs.len(),
        files,
        bytes,
        resources: cfg.resources,
        focus_rows: cfg.focus_rows,
        focus_bytes,
        pods,
    })
}

/// One cluster as `kubectl get … -A -o json` prints it: nodes, a namespace
/// and a Deployment → ReplicaSet → Pods chain per system running there.
fn cluster(name: &str, systems: usize, rng: &mut fastrand::Rng) -> (String, usize) {
    let nodes = 10 + rng.usize(..20);
    let mut items: Vec<serde_json::Value> = Vec::new();
    for n in 0..nodes {
        items.push(serde_json::json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("{name}-node-{n}"), "labels": {
                "node.kubernetes.io/instance-type": "m5.xlarge",
                "topology.kubernetes.io/region": "eu-west-2",
                "topology.kubernetes.io/zone": "eu-west-2a"}},
            "spec": {"providerID": format!("aws:///eu-west-2a/i-{name}n{n:04}")},
            "status": {
                "capacity": {"cpu": "4", "memory": "16073636Ki", "pods": "58"},
                "allocatable": {"cpu": "3920m", "memory": "15056804Ki", "pods": "58"}}
        }));
    }
    let mut pods = 0;
    for w in 0..nodes * 3 {
        let system = rng.usize(..systems);
        let ns = format!("sys{system}");
        let deploy = format!("app-{w}");
        let rs = format!("{deploy}-7d9f8c6b5");
        let labels =
            serde_json::json!({"app.kubernetes.io/name": deploy, "app.kubernetes.io/part-of": ns});
        items.push(serde_json::json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": format!("{ns}-{w}"), "labels": {"app.kubernetes.io/part-of": ns}},
            "status": {"phase": "Active"}}));
        items.push(serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": deploy, "namespace": format!("{ns}-{w}"), "labels": labels},
            "spec": {"replicas": 2}}));
        items.push(serde_json::json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs, "namespace": format!("{ns}-{w}"), "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy, "controller": true}]},
            "spec": {"replicas": 2}}));
        for p in 0..2 + rng.usize(..4) {
            pods += 1;
            items.push(serde_json::json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("{rs}-{p}"), "namespace": format!("{ns}-{w}"), "labels": labels,
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true}]},
                "spec": {"nodeName": format!("{name}-node-{}", rng.usize(..nodes)),
                    "containers": [{"name": "app", "resources": {"requests": {
                        "cpu": format!("{}m", 50 + rng.u32(..400)),
                        "memory": format!("{}Mi", 64 + rng.u32(..1000))}}}]},
                "status": {"phase": if rng.u8(..20) == 0 { "Pending" } else { "Running" }}
            }));
        }
    }
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    (list.to_string(), pods)
}
