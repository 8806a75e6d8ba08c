//! Kubernetes: `estate collect kubernetes` through a real kubeconfig against
//! a local server (tests/tools/k8s_server.py) answering with recorded API
//! responses (tests/fixtures/k8s/api: List objects with resourceVersion,
//! pods paged with continue tokens); the sample's offline export read and
//! allocated by `estate kubernetes`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{estate, json, root, run, sample};

fn kubeconfig(dir: &Path, port: u16) -> std::path::PathBuf {
    let p = dir.join("kubeconfig");
    std::fs::write(
        &p,
        format!(
            "apiVersion: v1
kind: Config
clusters:
  - name: digital-prod
    cluster: {{ server: 'http://127.0.0.1:{port}' }}
users:
  - name: estate
    user: {{ token: estate-test-token }}
  - name: stale
    user: {{ token: expired-token }}
contexts:
  - name: eks-digital-prod
    context: {{ cluster: digital-prod, user: estate }}
  - name: stale-credentials
    context: {{ cluster: digital-prod, user: stale }}
current-context: eks-digital-prod
"
        ),
    )
    .unwrap();
    p
}

/// (kind, namespace, name) of every item in a kubectl List.
fn objects(path: &Path) -> BTreeSet<(String, String, String)> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or("").to_string(),
                i["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                i["metadata"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_cluster_is_collected_through_a_kubeconfig_paged_read_only_and_allocated_like_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.log");
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("tests/tools/k8s_server.py"))
        .arg(root().join("tests/fixtures/k8s/api"))
        .arg(&log);
    let server = super::serve_on_free_port(cmd);
    let config = kubeconfig(dir.path(), server.port);
    let out = dir.path().join("k8s");
    let r = run(estate().current_dir(dir.path()).args([
        "collect",
        "kubernetes",
        "--kubeconfig",
        config.to_str().unwrap(),
        "--context",
        "eks-digital-prod,stale-credentials",
        "--page-size",
        "15",
        "--out",
        out.to_str().unwrap(),
    ]));
    // The context with a stale token fails (401) and is reported; the other is complete.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("stale-credentials"), "{}", r.stdout);
    assert!(r.stdout.contains("401"), "{}", r.stdout);
    let file = out.join("eks-digital-prod.json");
    assert_eq!(
        objects(&file),
        objects(&root().join("exports/kubernetes/digital-prod.json")),
        "the live collection holds exactly the export's objects"
    );
    let usage: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("eks-digital-prod.metrics.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(usage["items"].as_array().unwrap().len(), 22);

    // Paged: pods twice (limit, then continue); read-only; each resource in the ClusterRole.
    let requests: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pods: Vec<&Value> = requests
        .iter()
        .filter(|r| r["path"] == "/api/v1/pods")
        .collect();
    assert!(
        pods.iter().any(|r| r["query"]["continue"].is_array()),
        "{pods:?}"
    );
    let role: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(root().join("k8s/estate-read-only.yaml")).unwrap(),
    )
    .unwrap();
    let granted: BTreeSet<(String, String)> = role["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rule| {
            let groups: Vec<String> = rule["apiGroups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap().to_string())
                .collect();
            let resources: Vec<String> = rule["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap().to_string())
                .collect();
            groups
                .into_iter()
                .flat_map(move |g| resources.clone().into_iter().map(move |r| (g.clone(), r)))
        })
        .collect();
    let mut used = BTreeSet::new();
    for r in &requests {
        assert_eq!(r["method"], "GET", "a request that is not read-only: {r}");
        let path = r["path"].as_str().unwrap();
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (group, resource) = match parts.as_slice() {
            ["api", "v1", res] => (String::new(), res.to_string()),
            ["apis", g, _, res] => (g.to_string(), res.to_string()),
            _ => continue, // discovery (/api, /apis, /version)
        };
        assert!(
            granted.contains(&(group.clone(), resource.clone())),
            "{group}/{resource} is read but not in k8s/estate-read-only.yaml"
        );
        used.insert((group, resource));
    }
    assert_eq!(used, granted, "the ClusterRole grants exactly what is read");

    // What was collected allocates exactly as the export does.
    let allocation = |file: &Path| {
        std::fs::write(
            dir.path().join("estate.yaml"),
            format!(
                "inventory: {inv}\nperiod: 2025-01-01..2025-12-31\nsources:\n  - aws: {aws}\n  - kubernetes: {k}\n    cluster: eks-digital-prod\n",
                inv = root().join("inventory").display(),
                aws = root().join("exports/aws").display(),
                k = file.display()
            ),
        )
        .unwrap();
        let v = json(&run(estate().current_dir(dir.path()).args([
            "kubernetes",
            "--format",
            "json",
        ])));
        v["clusters"][0]["by_system"].clone()
    };
    let live = allocation(&file);
    assert_eq!(
        live,
        allocation(&root().join("exports/kubernetes/digital-prod.json"))
    );
    assert_eq!(live.as_array().unwrap().len(), 3, "{live}");
}

#[test]
fn the_sample_cluster_is_split_across_its_pods_and_reconciles_to_its_nodes() {
    let v = json(&sample(&["kubernetes", "--format", "json"]));
    let c = &v["clusters"][0];
    assert_eq!(c["cluster"], "eks-digital-prod");
    assert_eq!(c["usage_measured"], true);
    let nodes = c["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    // Every node is the EC2 instance its providerID names.
    for n in nodes {
        assert!(
            n["resource"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:ec2:eu-west-2:318452906174:instance/i-0a7e51c0d2b3e4f0"),
            "{n}"
        );
    }
    // Per node, the pods' and idle shares add up to the node: carbon, and money to the penny.
    let dec = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    for n in nodes {
        let name = n["node"].as_str().unwrap();
        let shares: Vec<&Value> = c["pods"]
            .as_array()
            .unwrap()
            .iter()
            .chain(c["idle"].as_array().unwrap())
            .filter(|s| s["node"] == name)
            .collect();
        let kg: f64 = shares
            .iter()
            .map(|s| s["co2e_kg"]["central"].as_f64().unwrap())
            .sum();
        assert!(
            (kg - n["co2e_kg"]["central"].as_f64().unwrap()).abs() < 1e-9,
            "{name}"
        );
        let cost: rust_decimal::Decimal = shares.iter().map(|s| dec(&s["cost"])).sum();
        assert_eq!(cost, dec(&n["cost"]), "{name}");
    }
    // The worker asks for nothing and uses 0.15 CPU: usage sets its share.
    let worker = c["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str().unwrap().starts_with("report-it-worker"))
        .unwrap();
    assert_eq!(worker["by"], "cpu usage, memory usage");
    assert_eq!(worker["system"], "system:fly-tipping-reporting");
    // Roll-up: the two labelled systems and the platform (its add-ons and the idle capacity).
    let systems: Vec<&str> = c["by_system"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        systems,
        [
            "system:digital-platform",
            "system:fly-tipping-reporting",
            "system:bin-day-finder"
        ]
    );
}
