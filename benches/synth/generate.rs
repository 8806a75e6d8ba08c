//! A synthetic estate of a chosen size, deterministic from a seed, for
//! benchmarks: domains, capabilities, teams, suppliers and contracts, systems
//! with long-tailed dependencies, integrations, cloud and on-prem resources
//! and device fleets, written as estate/v1 files of at most 500 documents.

use std::fmt::Write as _;
use std::path::Path;

#[allow(dead_code)] // each user reads a different part
pub struct Generated {
    pub nodes: usize,
    pub files: usize,
    pub bytes: usize,
}

const PROVIDERS: [(&str, &[&str], &[&str]); 2] = [
    (
        "aws",
        &["eu-west-2", "eu-west-1", "us-east-1"],
        &[
            "m5.large",
            "m5.xlarge",
            "t3.medium",
            "c5.xlarge",
            "r5.large",
            "m6g.large",
        ],
    ),
    (
        "azure",
        &["uksouth", "ukwest", "westeurope"],
        &["Standard_D4s_v5", "Standard_B2ms", "Standard_E4s_v5"],
    ),
];

/// Write an estate with `systems` systems under `dir`.
pub fn generate(dir: &Path, systems: usize, seed: u64) -> std::io::Result<Generated> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let domains = (systems / 15).clamp(3, 200);
    let capabilities = (systems / 3).max(5);
    let teams = (systems / 8).max(3);
    let suppliers = (systems / 3).max(3);
    let cost_centres = (systems / 15).max(2);
    let technologies = 30;
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
    let mut resources = 0usize;
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
        // About two resources per system.
        for r in 0..(1 + rng.usize(..3)) {
            let name = format!("r{s}-{r}");
            let mut spec = String::new();
            if rng.bool() {
                let (provider, regions, types) = PROVIDERS[rng.usize(..2)];
                let _ = writeln!(
                    spec,
                    "  type: compute\n  provider: {provider}\n  region: {}",
                    regions[rng.usize(..regions.len())]
                );
                let _ = writeln!(
                    spec,
                    "  instance_type: {}\n  account: \"{:012}\"",
                    types[rng.usize(..types.len())],
                    rng.u64(..1_000_000_000_000)
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
                let _ = writeln!(spec, "  tags: {{ app: sys{s}, env: prod }}");
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
            // One resource in ten is unmapped.
            if rng.u8(..10) != 0 {
                let _ = writeln!(spec, "  system: system:sys{s}");
            }
            docs.push(doc("Resource", &name, &spec));
            resources += 1;
        }
    }
    let styles = ["api", "file", "database", "message", "manual"];
    let integrations = systems * 3 / 4;
    for i in 0..integrations {
        let from = rng.usize(..systems);
        let mut to = rng.usize(..systems);
        if to == from {
            to = (from + 1) % systems;
        }
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
    std::fs::create_dir_all(dir)?;
    let mut bytes = 0;
    let mut files = 0;
    for (n, chunk) in docs.chunks(500).enumerate() {
        let text = chunk.join("---\n");
        bytes += text.len();
        std::fs::write(dir.join(format!("part-{n:05}.yaml")), text)?;
        files += 1;
    }
    let _ = resources;
    Ok(Generated {
        nodes: docs.len(),
        files,
        bytes,
    })
}
