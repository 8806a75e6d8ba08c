//! `estate snapshot` and `estate diff` end to end, and the report's trends.

use std::path::Path;

use super::{estate, json, root, run};

fn snapshot(dir: &Path, as_of: &str) {
    let r = run(estate()
        .arg("--estate")
        .arg(dir)
        .args(["snapshot", "--as-of", as_of]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("{as_of}.json.gz")),
        "{}",
        r.stdout
    );
}

#[test]
fn two_snapshots_diff_into_added_removed_changed_and_deltas() {
    let est = tempfile::tempdir().unwrap();
    let dir = est.path();
    let fixture = root().join("tests/fixtures/policies");
    std::fs::create_dir_all(dir.join("inventory")).unwrap();
    let inventory = std::fs::read_to_string(fixture.join("inventory/estate.yaml")).unwrap();
    std::fs::write(dir.join("inventory/estate.yaml"), &inventory).unwrap();
    std::fs::write(
        dir.join("estate.yaml"),
        format!(
            "name: Snapshots\nperiod: 2025-01-01..2025-12-31\npolicies: {{ dir: {} }}\nbilling:\n  - path: {}\n",
            root().join("policies").display(),
            fixture.join("billing/focus-mapped.csv").display()
        ),
    )
    .unwrap();
    snapshot(dir, "2026-06-30");
    // The estate changes: a system is added, one is removed, one changes owner.
    let changed = inventory
        .replace(
            "metadata: { name: island }\nspec:\n  owner: team:ops",
            "metadata: { name: island }\nspec:\n  owner: team:other",
        )
        .replace(
            "apiVersion: estate/v1\nkind: Integration\nmetadata: { name: island-tidy }\nspec: { from: system:island, to: system:tidy, style: manual }\n---\n",
            "",
        )
        + "---\napiVersion: estate/v1\nkind: Team\nmetadata: { name: other }\nspec: {}\n---\napiVersion: estate/v1\nkind: System\nmetadata: { name: newcomer }\nspec: { owner: team:ops, domain: domain:core, capabilities: [capability:alpha], lifecycle: { phase: active } }\n";
    let changed = changed.replace(
        "apiVersion: estate/v1\nkind: System\nmetadata: { name: orphan }\nspec:\n  lifecycle: { phase: active }\n---\n",
        "",
    );
    std::fs::write(dir.join("inventory/estate.yaml"), &changed).unwrap();
    snapshot(dir, "2026-11-23");
    let r = run(estate().arg("--estate").arg(dir).args([
        "diff",
        "2026-06-30",
        "2026-11-23",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = json(&r);
    let ids = |k: &str| -> Vec<String> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("added"), vec!["system:newcomer"]);
    assert_eq!(ids("removed"), vec!["system:orphan"]);
    assert_eq!(ids("changed"), vec!["system:island"]);
    assert_eq!(d["changed"][0]["fields"], serde_json::json!(["owner"]));
    // The orphan's three governance findings are resolved.
    let resolved: Vec<&str> = d["resolved_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        resolved.iter().filter(|i| **i == "system:orphan").count() >= 3,
        "{resolved:?}"
    );
    assert!(d["findings"]["change"].as_f64().unwrap() < 0.0, "{d}");
    // A table for people, too.
    let r = run(estate()
        .arg("--estate")
        .arg(dir)
        .args(["diff", "2026-06-30", "2026-11-23"]));
    assert!(
        r.stdout.contains("1 added, 1 removed, 1 changed"),
        "{}",
        r.stdout
    );
    // The report's overview shows the trend since the newest earlier snapshot.
    let out = dir.join("out/report");
    let r = run(estate()
        .arg("--estate")
        .arg(dir)
        .args(["report", "--as-of", "2026-11-24", "--out"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("since 2026-11-23"),
        "no trend in the overview"
    );
}

#[test]
fn a_snapshot_that_cannot_be_read_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": 1, \"estate\": 3}").unwrap();
    let r = run(estate().current_dir(root()).arg("diff").arg(&bad).arg(&bad));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.json"), "{}", r.stderr);
    let r = run(estate()
        .current_dir(root())
        .args(["diff", "1999-01-01", "1999-01-02"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("1999-01-01.json.gz"), "{}", r.stderr);
}

#[test]
fn the_portfolio_lists_retirements_with_dependents_and_consolidations() {
    let r = run(estate()
        .current_dir(root())
        .args(["plan", "portfolio", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = json(&r);
    let retire = p["retire"].as_array().unwrap();
    let sp = retire
        .iter()
        .find(|x| x["id"] == "system:sharepoint-2016")
        .expect("SharePoint 2016 (phase-out, retire) is a retirement candidate");
    let deps: Vec<&str> = sp["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        deps.contains(&"system:information-asset-register"),
        "{deps:?}"
    );
    assert!(
        retire.iter().all(|x| x["id"] != "system:microsoft-365"),
        "an invest system is not a candidate"
    );
    let cons = p["consolidate"].as_array().unwrap();
    let lib = cons
        .iter()
        .find(|c| c["capability"] == "capability:library-management")
        .expect("library management has five active systems");
    assert_eq!(lib["retire"].as_array().unwrap().len(), 4);
    // Every consolidation keeps one of at least three active systems.
    assert!(
        cons.iter()
            .all(|c| c["retire"].as_array().unwrap().len() >= 2)
    );
    let spend = json(&run(estate()
        .current_dir(root())
        .args(["spend", "--format", "json"])));
    let sys_spend = |id: &str| -> rust_decimal::Decimal {
        spend["by_system"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .map(|x| x["effective"].as_str().unwrap().parse().unwrap())
            .unwrap_or_default()
    };
    let freed: rust_decimal::Decimal = lib["spend"].as_str().unwrap().parse().unwrap();
    let retired: rust_decimal::Decimal = lib["retire"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| sys_spend(id.as_str().unwrap()))
        .sum();
    assert_eq!(
        freed, retired,
        "the gross saving is the retired systems' spend, exactly"
    );
}

#[test]
fn waves_move_cycles_together_respect_the_cap_and_list_every_bridge() {
    let r = run(estate().current_dir(root()).args([
        "plan",
        "waves",
        "--max-per-wave",
        "10",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = json(&r);
    let waves = w["waves"].as_array().unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for x in waves {
        let n = x["number"].as_u64().unwrap();
        let systems = x["systems"].as_array().unwrap();
        let grouped: usize = x["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_array().unwrap().len())
            .max()
            .unwrap_or(0);
        assert!(
            systems.len() <= 10 || systems.len() == grouped,
            "wave {n}: {}",
            systems.len()
        );
        for s in systems {
            assert!(
                seen.insert(s.as_str().unwrap().to_string(), n).is_none(),
                "{s} in two waves"
            );
        }
    }
    assert_eq!(seen.len() as u64, w["systems"].as_u64().unwrap());
    // Every dependency between two planned systems either stays inside a wave
    // or points at an earlier wave and is listed as a bridge.
    let graph = json(&run(estate()
        .current_dir(root())
        .args(["graph", "--format", "json", "--kinds", "system"])));
    let mut bridges = 0;
    for e in graph["edges"].as_array().unwrap() {
        if e["kind"] != "depends_on" {
            continue;
        }
        let (a, b) = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
        if let (Some(wa), Some(wb)) = (seen.get(a), seen.get(b))
            && wa != wb
        {
            assert!(wb < wa, "{a} (wave {wa}) needs {b} (wave {wb}) later");
            bridges += 1;
            let listed = waves[(*wa - 1) as usize]["bridges"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["from"] == a && x["to"] == b);
            assert!(listed, "{a} → {b} not bridged");
        }
    }
    assert!(bridges > 0);
    let r =
        run(estate()
            .current_dir(root())
            .args(["plan", "waves", "--systems", "domain:nowhere"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("domain:nowhere"), "{}", r.stderr);
}
