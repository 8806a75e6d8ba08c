//! `estate carbon` end to end: the `ccf` set against Cloud Carbon
//! Footprint's own code, and the sample estate's totals and coverage.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{Value, json};

use super::{estate, json, root, run, sample};

/// Usage rows run through both CCF's estimator (tests/tools/ccf/reference.mjs)
/// and Estate: instance types across families and microarchitectures, two
/// providers, several regions, SSD/HDD storage with different replication,
/// network, measured and default utilisation.
fn usage_rows() -> Value {
    let row = |provider: &str,
               region: &str,
               t: Option<&str>,
               hours: f64,
               u: Option<f64>,
               storage: Value,
               net: f64| {
        // Volumes count the whole period (2025: 8,760 hours), running hours only compute.
        json!({"provider": provider, "region": region, "instance_type": t, "hours": hours, "storage_hours": 8760.0, "utilisation": u, "storage": storage, "network_gb": net})
    };
    json!([
        row(
            "aws",
            "eu-west-2",
            Some("m5.large"),
            720.0,
            None,
            json!([{"class": "ssd", "size_gb": 100, "service": "ebs"}]),
            50.0
        ),
        row(
            "aws",
            "eu-west-2",
            Some("t3.micro"),
            720.0,
            None,
            json!([{"class": "ssd", "size_gb": 8, "service": "ebs"}]),
            2.0
        ),
        row(
            "aws",
            "us-east-1",
            Some("c5.xlarge"),
            720.0,
            Some(0.35),
            json!([{"class": "hdd", "size_gb": 500, "service": "ebs"}]),
            120.0
        ),
        row(
            "aws",
            "eu-west-2",
            Some("m6g.large"),
            720.0,
            Some(0.2),
            json!([{"class": "ssd", "size_gb": 20, "service": "ebs"}]),
            0.0
        ),
        row(
            "aws",
            "us-east-1",
            Some("r5.large"),
            168.0,
            None,
            json!([{"class": "ssd", "size_gb": 200, "service": "rds-multi-az"}, {"class": "hdd", "size_gb": 1000, "service": "s3"}]),
            10.0
        ),
        row(
            "aws",
            "eu-west-2",
            None,
            720.0,
            None,
            json!([{"class": "hdd", "size_gb": 2048, "service": "s3"}]),
            300.0
        ),
        row(
            "aws",
            "eu-west-1",
            Some("m5.xlarge"),
            8760.0,
            Some(0.6),
            json!([{"class": "ssd", "size_gb": 50, "service": "ebs"}]),
            0.0
        ),
        row(
            "aws",
            "eu-central-1",
            Some("r5.2xlarge"),
            2000.0,
            None,
            json!([]),
            0.0
        ),
        row(
            "azure",
            "uksouth",
            Some("Standard_D4s_v5"),
            720.0,
            None,
            json!([{"class": "ssd", "size_gb": 128, "service": "managed-disk"}]),
            25.0
        ),
        row(
            "azure",
            "uksouth",
            Some("Standard_B2ms"),
            720.0,
            Some(0.1),
            json!([{"class": "ssd", "size_gb": 32, "service": "managed-disk"}, {"class": "hdd", "size_gb": 500, "service": "blob-grs"}]),
            5.0
        ),
        row(
            "azure",
            "westeurope",
            Some("Standard_D2s_v3"),
            4000.0,
            Some(0.45),
            json!([{"class": "ssd", "size_gb": 64, "service": "managed-disk"}]),
            0.0
        ),
    ])
}

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= 1e-9 + 0.001 * theirs.abs()
}

#[test]
fn the_ccf_set_matches_ccf_s_own_estimator_within_a_tenth_of_a_percent() {
    let dir = tempfile::tempdir().unwrap();
    let rows = usage_rows();
    let input = dir.path().join("usage.json");
    std::fs::write(&input, rows.to_string()).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/tools/ccf/reference.mjs"))
        .arg(&input)
        .output()
        .expect("node runs CCF's estimator (tests/run.sh installs tests/tools/ccf)");
    assert!(
        out.status.success(),
        "reference.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reference = reference["rows"].as_array().unwrap();

    // The same rows as inventory Resources; replication factors as CCF resolved them.
    let inv = dir.path().join("inventory");
    std::fs::create_dir(&inv).unwrap();
    let mut yaml = String::new();
    for (i, (row, r)) in rows.as_array().unwrap().iter().zip(reference).enumerate() {
        let t = row["instance_type"].as_str();
        let storage: Vec<String> = r["storage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{{class: {}, size_gb: {}, replication: {}}}",
                    s["class"].as_str().unwrap(),
                    s["size_gb"],
                    s["replication_factor"]
                )
            })
            .collect();
        yaml.push_str(&format!(
            "---\napiVersion: estate/v1\nkind: Resource\nmetadata: {{name: r{i}}}\nspec:\n  type: {}\n  provider: {}\n  region: {}\n{}  hours: {}\n{}  storage: [{}]\n  network_gb: {}\n",
            if t.is_some() { "compute" } else { "storage" },
            row["provider"].as_str().unwrap(),
            row["region"].as_str().unwrap(),
            t.map(|t| format!("  instance_type: {t}\n")).unwrap_or_default(),
            row["hours"],
            row["utilisation"].as_f64().map(|u| format!("  utilisation: {u}\n")).unwrap_or_default(),
            storage.join(", "),
            row["network_gb"],
        ));
    }
    std::fs::write(inv.join("resources.yaml"), yaml).unwrap();
    // Run in the temporary directory: the sample's estate.yaml (its sources) stays out.
    let r = run(estate()
        .current_dir(dir.path())
        .arg("--inventory")
        .arg(&inv)
        .args([
            "--period",
            "2025-01-01..2025-12-31",
            "carbon",
            "--factors",
            "ccf",
            "--format",
            "json",
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours = json(&r);
    let items = ours["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        reference.len(),
        "every row estimated: {}",
        ours["not_estimated"]
    );
    let mut compared = 0;
    for (i, theirs) in reference.iter().enumerate() {
        let item = items
            .iter()
            .find(|it| it["id"] == format!("resource:r{i}"))
            .unwrap();
        let parts = &item["energy_parts_kwh"];
        let part = |k: &str| parts[k].as_f64().unwrap_or(0.0);
        let checks = [
            (
                "compute kWh",
                part("compute"),
                theirs["compute"]["kwh"].as_f64().unwrap_or(0.0),
            ),
            (
                "memory kWh",
                part("memory"),
                theirs["memory"]["kwh"].as_f64().unwrap_or(0.0),
            ),
            (
                "storage kWh",
                part("storage"),
                theirs["storage_total"]["kwh"].as_f64().unwrap_or(0.0),
            ),
            (
                "network kWh",
                part("network"),
                theirs["network"]["kwh"].as_f64().unwrap_or(0.0),
            ),
            (
                "embodied kgCO2e",
                item["embodied_co2e_kg"]["central"].as_f64().unwrap(),
                theirs["embodied"]["kgco2e"].as_f64().unwrap_or(0.0),
            ),
            (
                "total kgCO2e",
                item["co2e_kg"]["central"].as_f64().unwrap(),
                theirs["total"]["kgco2e"].as_f64().unwrap(),
            ),
        ];
        for (what, a, b) in checks {
            // Outputs are rounded to 1e-6; compare with that in mind.
            assert!(
                close(a, b) || (a - b).abs() < 2e-6,
                "row {i} ({} {}): {what}: Estate {a} vs CCF {b}",
                theirs["provider"],
                theirs["instance_type"]
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 6 * reference.len());
}

#[test]
fn the_sample_estate_totals_are_the_sum_of_items_and_nothing_is_dropped() {
    for (set, basis) in [
        ("default", "location"),
        ("default", "market"),
        ("ccf", "location"),
    ] {
        let r = sample(&[
            "carbon",
            "--factors",
            set,
            "--basis",
            basis,
            "--format",
            "json",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let j = json(&r);
        let items = j["items"].as_array().unwrap();
        for bound in ["low", "central", "high"] {
            let sum: f64 = items
                .iter()
                .map(|i| i["co2e_kg"][bound].as_f64().unwrap())
                .sum();
            let total = j["totals"]["co2e_kg"][bound].as_f64().unwrap();
            assert!(
                (sum - total).abs() <= 1e-6 * total.max(1.0) + 1e-3,
                "{set}/{basis} {bound}: items {sum} vs total {total}"
            );
            for by in [
                "by_category",
                "by_scope",
                "by_system",
                "by_capability",
                "by_domain",
            ] {
                let s: f64 = j[by]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g["co2e_kg"][bound].as_f64().unwrap())
                    .sum();
                assert!(
                    (s - total).abs() <= 1e-6 * total + 1e-3,
                    "{by} {bound}: {s} vs {total}"
                );
            }
        }
        // Ranges are ordered everywhere.
        for i in items {
            for field in [
                "energy_kwh",
                "operational_co2e_kg",
                "embodied_co2e_kg",
                "co2e_kg",
            ] {
                let v = &i[field];
                let (l, c, h) = (
                    v["low"].as_f64().unwrap(),
                    v["central"].as_f64().unwrap(),
                    v["high"].as_f64().unwrap(),
                );
                assert!(l <= c && c <= h, "{} {field}: {v}", i["id"]);
            }
        }
        // Every resource and device fleet is an item or is listed as not estimated.
        let mut accounted: BTreeSet<String> = items
            .iter()
            .map(|i| {
                i["id"]
                    .as_str()
                    .unwrap()
                    .split('#')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        accounted.extend(
            j["not_estimated"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_string()),
        );
        assert_eq!(
            j["not_estimated"]["count"].as_u64().unwrap() as usize,
            j["not_estimated"]["items"].as_array().unwrap().len()
        );
        let graph = json(&sample(&[
            "graph",
            "--format",
            "json",
            "--kinds",
            "resource,device-fleet",
        ]));
        for n in graph["nodes"].as_array().unwrap() {
            let id = n["id"].as_str().unwrap();
            assert!(
                accounted.contains(id),
                "{id} is neither estimated nor listed as not estimated"
            );
        }
        // Every item names its method and the factors it used.
        for i in items {
            assert!(!i["method"].as_str().unwrap().is_empty());
            assert!(
                !i["factors"].as_array().unwrap().is_empty(),
                "{} cites no factor",
                i["id"]
            );
        }
    }
}

#[test]
fn the_sample_estate_covers_every_category() {
    let j = json(&sample(&["carbon", "--format", "json"]));
    let cats: BTreeSet<&str> = j["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    for c in [
        "end-user-devices",
        "print",
        "network",
        "data-centre",
        "hosting",
        "cloud",
        "saas-services",
    ] {
        assert!(cats.contains(c), "no {c} in {cats:?}");
    }
    let scopes: BTreeSet<&str> = j["by_scope"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, BTreeSet::from(["2", "3"]));
    // Market-based is never above location-based (renewable tariffs only lower it).
    let market = json(&sample(&[
        "carbon", "--basis", "market", "--format", "json",
    ]));
    assert!(
        market["totals"]["co2e_kg"]["central"].as_f64().unwrap()
            < j["totals"]["co2e_kg"]["central"].as_f64().unwrap()
    );
}

#[test]
fn every_cited_factor_can_be_shown_with_its_provenance() {
    let j = json(&sample(&["carbon", "--format", "json"]));
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for i in j["items"].as_array().unwrap() {
        for f in i["factors"].as_array().unwrap() {
            let f = f.as_str().unwrap();
            if !f.starts_with("inventory/") {
                ids.insert(f.to_string());
            }
        }
    }
    assert!(ids.len() > 10, "{ids:?}");
    for id in ids {
        let r = sample(&["factors", "show", &id, "--format", "json"]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let s = json(&r);
        let p = &s["provenance"];
        for key in ["source", "year", "licence"] {
            assert!(
                !p[key].as_str().unwrap_or("").is_empty(),
                "{id}: no {key} in {p}"
            );
        }
    }
    let list = sample(&["factors", "list"]);
    assert_eq!(list.code, 0);
    assert!(
        list.stdout.contains("default → ccf → common"),
        "{}",
        list.stdout
    );
    let csv = sample(&["carbon", "--format", "csv"]);
    assert_eq!(csv.code, 0);
    assert!(csv.stdout.starts_with("id,system,category,scope,method"));
}

#[test]
fn a_zero_lifetime_in_a_factor_file_is_an_error_not_infinity() {
    let dir = tempfile::tempdir().unwrap();
    let factors = dir.path().join("carbon-factors/default");
    std::fs::create_dir_all(&factors).unwrap();
    let onprem = std::fs::read_to_string(root().join("carbon-factors/common/onprem.yaml")).unwrap();
    let broken: String = onprem
        .lines()
        .map(|l| {
            if l.starts_with("  lifetime_years:") {
                "  lifetime_years: 0".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(factors.join("onprem.yaml"), broken).unwrap();
    let r = run(estate()
        .arg("--estate")
        .arg(dir.path())
        .arg("--inventory")
        .arg(root().join("inventory"))
        .arg("carbon"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("`lifetime_years: 0`; it must be more than 0"),
        "{}",
        r.stderr
    );
}
