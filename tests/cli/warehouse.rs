//! The scale-out path for billing data: Estate's warehouse query
//! (sql/focus-aggregate.sql) run in DuckDB and in Spark (local mode) over a
//! generated estate's FOCUS export, its result read back by `estate spend`,
//! must give exactly what the raw export gives — every total, breakdown and
//! reconciliation figure, not just the grand total.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{estate, json, root, run};

#[path = "../../benches/synth/generate.rs"]
#[allow(dead_code)]
mod generate;

fn python() -> PathBuf {
    let p = root().join("tests/tools/.venv/bin/python");
    assert!(
        p.exists(),
        "{} is missing: tests/run.sh installs DuckDB and PySpark",
        p.display()
    );
    p
}

/// A generated estate (200 systems, 60 resources) with a FOCUS export of
/// 100k rows: several a day for most resources, so the query sums.
fn estate_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cfg = generate::Config {
        resources: 60,
        focus_rows: 100_000,
        clusters: 0,
        ..generate::Config::new(200)
    };
    generate::generate_with(dir.path(), &cfg).expect("generate");
    dir
}

/// Run the shipped query in `engine`, writing `out`.
fn aggregate(engine: &str, dir: &Path, out: &str) -> PathBuf {
    let target = dir.join(out);
    let status = Command::new(python())
        .arg(root().join("tests/tools/warehouse.py"))
        .arg(engine)
        .arg(root().join("sql/focus-aggregate.sql"))
        .arg(dir.join("billing/focus-2025.csv"))
        .arg(&target)
        .status()
        .expect("python runs");
    assert!(status.success(), "{engine} ran the query");
    target
}

/// `estate spend --format json` over one billing file, with the file's
/// name taken out (it is the one thing that should differ).
fn spend(dir: &Path, billing: &Path) -> Value {
    let r = run(estate()
        .current_dir(dir)
        .args([
            "--period",
            "2025-02-01..2025-11-30",
            "spend",
            "--format",
            "json",
        ])
        .arg("--billing")
        .arg(billing));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut v = json(&r);
    drop_paths(&mut v);
    v
}

/// Take out every `path` (the billing file's name) from a spend JSON, and
/// the file name that starts each `aside` line.
fn drop_paths(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("path");
            if let Some(Value::Array(lines)) = m.get_mut("aside") {
                for l in lines.iter_mut() {
                    if let Some(t) = l.as_str().and_then(|t| t.split_once(": ")) {
                        *l = Value::String(t.1.to_string());
                    }
                }
            }
            m.values_mut().for_each(drop_paths);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_paths),
        _ => {}
    }
}

fn assert_same(engine: &str, raw: &Value, aggregated: &Value, lines: Option<usize>) {
    // Not a trivial case: money over systems, suppliers and currencies, rows
    // outside the period, and many rows summed into each line.
    assert!(raw["by_system"].as_array().unwrap().len() >= 10);
    assert!(raw["other_currencies"]["EUR"].is_object());
    let files = &raw["reconciliation"]["files"][0];
    assert_eq!(files["rows"], 100_000);
    assert!(files["outside_period_rows"].as_u64().unwrap() > 10_000);
    if let Some(lines) = lines {
        assert!(lines < 40_000, "{engine}: {lines} lines for 100,000 rows");
    }
    if raw != aggregated {
        for (k, v) in raw.as_object().unwrap() {
            assert_eq!(v, &aggregated[k], "{engine}: `{k}` differs");
        }
    }
    assert_eq!(raw, aggregated, "{engine}: identical spend");
}

/// A CSV result's lines (a Parquet result's are not counted here; its
/// x_RowCount still has to add up to the export's rows).
fn lines_of(path: &Path) -> Option<usize> {
    path.extension()
        .is_some_and(|e| e == "csv")
        .then(|| std::fs::read_to_string(path).unwrap().lines().count() - 1)
}

#[test]
fn duckdb_and_spark_results_give_the_raw_exports_totals_exactly() {
    let dir = estate_dir();
    let raw = spend(dir.path(), &dir.path().join("billing/focus-2025.csv"));
    for (engine, out) in [
        ("duckdb", "duckdb.csv"),
        ("duckdb", "duckdb.parquet"),
        ("spark", "spark.csv"),
        ("spark", "spark.parquet"),
    ] {
        let result = aggregate(engine, dir.path(), out);
        let aggregated = spend(dir.path(), &result);
        assert_same(engine, &raw, &aggregated, lines_of(&result));
    }
}

#[test]
fn the_query_is_what_estate_spend_sql_prints() {
    let r = run(estate().args(["spend", "sql"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shipped = std::fs::read_to_string(root().join("sql/focus-aggregate.sql")).unwrap();
    assert_eq!(r.stdout, shipped);
    assert!(shipped.contains("COUNT(*) AS x_RowCount"));
}
