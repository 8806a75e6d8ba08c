//! Offline collectors on real public files (tests/real-world/*/PROVENANCE.md):
//! a minikube node (k9s's test data) with no provider id or instance type is
//! estimated from its capacity and its pods take their share; a Terraform
//! plan with no resource changes is a plan of none; an implausible number
//! in an AWS export is refused with its file and item.

use std::path::Path;

use serde_json::Value;

use super::{estate, json, root, run};

fn real(family: &str, name: &str) -> std::path::PathBuf {
    root().join("tests/real-world").join(family).join(name)
}

/// An estate in `dir` with an empty inventory and these sources.
fn estate_with(dir: &Path, sources: &str) {
    std::fs::create_dir_all(dir.join("inventory")).unwrap();
    std::fs::write(dir.join("estate.yaml"), format!("sources:\n{sources}")).unwrap();
}

#[test]
fn a_minikube_node_is_estimated_from_its_capacity_and_its_pod_follows() {
    let dir = tempfile::tempdir().unwrap();
    let read = |n| -> Value {
        serde_json::from_str(&std::fs::read_to_string(real("kubernetes", n)).unwrap()).unwrap()
    };
    let list = serde_json::json!({
        "kind": "List", "apiVersion": "v1",
        "items": [read("k9s-minikube-node.json"), read("k9s-pod.json")]
    });
    std::fs::write(dir.path().join("minikube.json"), list.to_string()).unwrap();
    estate_with(dir.path(), "  - kubernetes: minikube.json\n");
    let r = run(estate()
        .current_dir(dir.path())
        .args(["carbon", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    assert_eq!(j["not_estimated"]["count"], 0, "{}", j["not_estimated"]);
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let node = &items[0];
    assert_eq!(node["id"], "k8s:minikube/node/minikube");
    assert_eq!(node["method"], "spec-model");
    // 4 cores, 8163684Ki = 7.785495758 GB, 15 % utilisation, PUE 1.58, 8,760 h:
    // idle 1.23 × 4 + 0.168 × GB, max 10.46 × 4 + 0.168 × GB (python3 decimal: 162.8503446676).
    assert_eq!(node["energy_kwh"]["central"], 162.850345);
    assert_eq!(
        node["notes"][1],
        "spec from Kubernetes node capacity (no provider id): 4 CPU(s) taken as cores, 7.8 GB memory, no site (default PUE, GB grid)"
    );
    let r = run(estate()
        .current_dir(dir.path())
        .args(["kubernetes", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = &json(&r)["clusters"][0];
    let central = |v: &Value| v["co2e_kg"]["central"].as_f64().unwrap();
    let (node, pod, idle) = (
        central(&c["nodes"][0]),
        central(&c["pods"][0]),
        central(&c["idle"][0]),
    );
    assert_eq!(c["pods"][0]["name"], "nginx");
    assert!(pod > 0.0, "the pod takes a share of its node");
    assert!((pod + idle - node).abs() < 1e-6, "{pod} + {idle} != {node}");
}

#[test]
fn a_list_of_nothing_or_of_unread_kinds_is_said_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.json"),
        r#"{"kind": "ConfigMapList", "apiVersion": "v1", "items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]}"#,
    )
    .unwrap();
    estate_with(dir.path(), "  - kubernetes: c.json\n");
    let r = run(estate().current_dir(dir.path()).args(["summary"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "note: c.json: 2 object(s) of kinds Estate does not read were left out: ConfigMap ×2"
        ),
        "{}",
        r.stderr
    );
    std::fs::write(
        dir.path().join("c.json"),
        r#"{"kind": "PodList", "items": []}"#,
    )
    .unwrap();
    let r = run(estate().current_dir(dir.path()).args(["summary"]));
    assert!(
        r.stderr.contains(
            "warning: c.json: 1 object(s) not read right (first: the file holds no objects (an empty list))"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_plan_of_output_changes_only_is_assessed_as_no_change() {
    let dir = tempfile::tempdir().unwrap();
    estate_with(dir.path(), "  []\n");
    let plan = real("terraform", "terraform-json-actions.plan.json");
    let r = run(estate()
        .current_dir(dir.path())
        .args(["plan", "terraform"])
        .arg(&plan)
        .args(["--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        json(&r)["changes"].as_array().map(Vec::len),
        Some(0),
        "{}",
        r.stdout
    );
}

#[test]
fn an_implausible_volume_size_is_refused_with_its_file_and_item() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("aws/111122223333/eu-west-2");
    std::fs::create_dir_all(&export).unwrap();
    std::fs::write(
        export.join("ec2-describe-volumes.json"),
        r#"{"Volumes": [{"VolumeId": "vol-0a1", "Size": 1e308, "VolumeType": "gp3", "Attachments": []}]}"#,
    )
    .unwrap();
    estate_with(dir.path(), "  - aws: aws\n");
    let r = run(estate().current_dir(dir.path()).args(["carbon"]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "error: aws/111122223333/eu-west-2/ec2-describe-volumes.json: arn:aws:ec2:eu-west-2:111122223333:volume/vol-0a1: storage size (GB) 1e308 is out of range (expected a number from 0 to 1000000000)"
        ),
        "{}",
        r.stderr
    );
}
