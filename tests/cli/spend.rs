//! `estate spend` end to end: exact reconciliation on awkward FOCUS files,
//! the sample estate's billing exports, bad rows, shadow IT and contracts.

use std::process::Command;

use serde_json::Value;

use super::{estate, json, root, run, sample};

/// Totals per currency computed by Python's `csv` and `decimal` modules: an
/// independent reading of the same file, as a spreadsheet would sum it.
fn python_totals(file: &std::path::Path) -> Value {
    let script = r#"
import csv, decimal, json, sys
t = {}
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        c = t.setdefault(row['BillingCurrency'], {'rows': 0, 'billed': decimal.Decimal(0), 'effective': decimal.Decimal(0)})
        c['rows'] += 1
        c['billed'] += decimal.Decimal(row['BilledCost'])
        c['effective'] += decimal.Decimal(row['EffectiveCost'])
print(json.dumps({k: {'rows': v['rows'], 'billed': str(v['billed']), 'effective': str(v['effective'])} for k, v in t.items()}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `estate spend --format json` over one billing file, every date in range.
fn spend_json(file: &std::path::Path) -> Value {
    let r = run(estate()
        .current_dir(root())
        .args([
            "--period",
            "2000-01-01..2099-12-31",
            "spend",
            "--format",
            "json",
            "--billing",
        ])
        .arg(file));
    assert_eq!(r.code, 0, "{}", r.stderr);
    json(&r)
}

fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

#[test]
fn awkward_focus_rows_reconcile_exactly_to_an_independent_sum() {
    let file = root().join("tests/fixtures/spend/focus-edge-cases.csv");
    let expected = python_totals(&file);
    let j = spend_json(&file);
    assert_eq!(j["reconciliation"]["balanced"], true);
    let files = j["reconciliation"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    let by_currency = files[0]["by_currency"].as_object().unwrap();
    assert_eq!(
        by_currency.len(),
        expected.as_object().unwrap().len(),
        "currencies kept apart"
    );
    for (currency, want) in expected.as_object().unwrap() {
        let got = &by_currency[currency];
        assert_eq!(got["rows"], want["rows"], "{currency} rows");
        assert_eq!(
            dec(&got["input"]["billed"]),
            dec(&want["billed"]),
            "{currency} billed"
        );
        assert_eq!(
            dec(&got["input"]["effective"]),
            dec(&want["effective"]),
            "{currency} effective"
        );
        let (alloc, unalloc) = (
            dec(&got["allocated"]["billed"]),
            dec(&got["unallocated"]["billed"]),
        );
        assert_eq!(
            alloc + unalloc,
            dec(&want["billed"]),
            "{currency}: allocated + unallocated = input"
        );
    }
    // The file's own expected totals agree too.
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("tests/fixtures/spend/focus-edge-cases.expected.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let text = fixture.to_string();
    for (currency, want) in expected.as_object().unwrap() {
        assert!(
            text.contains(want["billed"].as_str().unwrap()),
            "{currency}: {} not in the fixture's expected totals {text}",
            want["billed"]
        );
    }
}

#[test]
fn the_sample_estate_spend_balances_and_reports_its_bad_rows() {
    // The sample ledger has three deliberately bad rows: without --allow-bad-rows the command fails.
    let strict = sample(&["spend", "--format", "json"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("ledger-2025.csv:"),
        "bad rows are located: {}",
        strict.stderr
    );
    let r = sample(&["spend", "--format", "json", "--allow-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    assert_eq!(j["currency"], "GBP");
    assert_eq!(j["reconciliation"]["balanced"], true);
    assert_eq!(j["bad_rows"]["count"], 3, "{}", j["bad_rows"]);
    let lines: Vec<u64> = j["bad_rows"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![66, 180, 332],
        "the ledger's bad rows, by file line (header = 1, CRLF file)"
    );
    // The cloud bills on the ledger are the FOCUS export's money: reconciled, not counted twice;
    // Microsoft's licence invoices are not cloud consumption and still count.
    let elsewhere: Vec<&str> = j["detailed_in_billing_export"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["supplier"].as_str().unwrap())
        .collect();
    assert_eq!(
        elsewhere,
        vec!["supplier:microsoft", "supplier:amazon-web-services"]
    );
    let microsoft = j["by_supplier"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "supplier:microsoft")
        .unwrap();
    assert!(
        dec(&microsoft["billed"]) > "780000".parse().unwrap(),
        "M365 licences stay in: {microsoft}"
    );
    // Every file balances in every currency, and EUR is kept apart.
    for f in j["reconciliation"]["files"].as_array().unwrap() {
        for (c, b) in f["by_currency"].as_object().unwrap() {
            assert_eq!(b["balanced"], true, "{} {c}", f["path"]);
            assert_eq!(
                dec(&b["allocated"]["billed"])
                    + dec(&b["unallocated"]["billed"])
                    + dec(&b["detailed_in_billing_export"]["billed"]),
                dec(&b["input"]["billed"])
            );
        }
    }
    assert!(
        j["other_currencies"]["EUR"].is_object(),
        "EUR rows are reported apart"
    );
    // By-system sums to allocated; unallocated has the unknown resources.
    let by_system: rust_decimal::Decimal = j["by_system"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| dec(&s["billed"]))
        .sum();
    assert_eq!(by_system, dec(&j["allocated"]["billed"]));
    assert_eq!(
        dec(&j["allocated"]["billed"]) + dec(&j["unallocated"]["billed"]),
        dec(&j["totals"]["billed"])
    );
    let buckets: Vec<&str> = j["unallocated"]["by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucket"].as_str().unwrap())
        .collect();
    assert!(
        buckets
            .iter()
            .any(|b| b.contains("resource not in the inventory")),
        "{buckets:?}"
    );
    assert!(
        buckets.iter().any(|b| b.contains("no resource (tax)")),
        "{buckets:?}"
    );
    for by in [
        "by_supplier",
        "by_cost_centre",
        "by_capability",
        "by_domain",
    ] {
        let s: rust_decimal::Decimal = j[by]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| dec(&x["billed"]))
            .sum();
        let expect = if by == "by_supplier" || by == "by_cost_centre" {
            dec(&j["totals"]["billed"])
        } else {
            dec(&j["allocated"]["billed"])
        };
        assert_eq!(s, expect, "{by} adds up");
    }
}

#[test]
fn shadow_it_lists_unregistered_technology_suppliers_only() {
    let r = sample(&["spend", "shadow", "--format", "json", "--allow-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let names: Vec<String> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["supplier"].as_str().unwrap().to_ascii_uppercase())
        .collect();
    for want in ["CANVA", "ZOOM", "DROPBOX", "MIRO"] {
        assert!(
            names.iter().any(|n| n.contains(want)),
            "{want} missing from {names:?}"
        );
    }
    for not in ["VIKING", "CATERING"] {
        assert!(
            !names.iter().any(|n| n.contains(not)),
            "{not} is not technology: {names:?}"
        );
    }
}

#[test]
fn contracts_due_for_renewal_are_listed() {
    let r = sample(&[
        "spend",
        "contracts",
        "--within",
        "180d",
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
        "--allow-bad-rows",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let up = j["upcoming"].as_array().unwrap();
    let ids: Vec<&str> = up.iter().map(|u| u["contract"].as_str().unwrap()).collect();
    assert!(ids.contains(&"contract:corvid-revs-bens-2022"), "{ids:?}");
    assert!(
        up.iter().filter(|u| u["status"] != "expired").count() >= 6,
        "{ids:?}"
    );
    assert!(
        up.iter().any(|u| u["status"] == "expired"),
        "expired contracts are shown"
    );
    let share: f64 = j["concentration"]["top_5_share_pct"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(share > 0.0 && share <= 100.0);
}

#[test]
fn a_file_that_is_not_billing_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.csv");
    std::fs::write(&f, "foo,bar\n1,2\n").unwrap();
    let r = run(estate()
        .current_dir(root())
        .args(["spend", "--billing"])
        .arg(&f));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no supplier column"), "{}", r.stderr);
}

#[test]
fn a_parquet_export_gives_exactly_the_csv_totals() {
    let csv = root().join("tests/fixtures/spend/focus-edge-cases.csv");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("focus.parquet");
    // DuckDB writes the Parquet file, money as DECIMAL(38,10), the rest as text.
    let python = root().join("tests/tools/.venv/bin/python");
    let sql = format!(
        "COPY (SELECT * REPLACE (BilledCost::DECIMAL(38,10) AS BilledCost, EffectiveCost::DECIMAL(38,10) AS EffectiveCost) FROM read_csv('{}', header=true, all_varchar=true)) TO '{}' (FORMAT parquet)",
        csv.display(),
        parquet.display()
    );
    let out = Command::new(&python)
        .args(["-c", &format!("import duckdb; duckdb.sql({sql:?})")])
        .output()
        .expect("DuckDB's Python package (tests/run.sh installs it in tests/tools/.venv)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (spend_json(&csv), spend_json(&parquet));
    let inputs = |j: &Value| j["reconciliation"]["files"][0]["by_currency"].clone();
    assert_eq!(
        inputs(&a),
        inputs(&b),
        "per-currency rows, input, allocated and unallocated"
    );
    assert_eq!(a["by_system"], b["by_system"]);
    assert_eq!(a["unallocated"], b["unallocated"]);
    assert_eq!(b["reconciliation"]["balanced"], true);
}
