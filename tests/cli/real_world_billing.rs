//! Billing files written by others (tests/real-world/billing: the FOCUS
//! specification's examples and sample data, Azure's and AWS's documented
//! API results), each read end to end with its outcome asserted exactly:
//! rows read, bad rows at their lines, and totals to the penny against an
//! independent sum (Python's `decimal` module, written here as literals).
//! Then the hostile cases around them: amounts too large to sum exactly,
//! files given twice, currency codes in any case, and paths that are not
//! files.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use super::{Run, estate, json, root, run};

fn corpus(name: &str) -> PathBuf {
    root().join("tests/real-world/billing").join(name)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

/// `estate spend` over billing files in the sample estate, with `extra` arguments.
fn spend(period: &str, files: &[&Path], extra: &[&str]) -> Run {
    let mut cmd = estate();
    cmd.current_dir(root()).args(["--period", period, "spend"]);
    for f in files {
        cmd.arg("--billing").arg(f);
    }
    run(cmd.args(extra))
}

fn spend_json(period: &str, files: &[&Path]) -> (Run, Value) {
    let r = spend(period, files, &["--allow-bad-rows", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    (r, j)
}

/// The one file's reconciliation entry.
fn file0(j: &Value) -> &Value {
    &j["reconciliation"]["files"][0]
}

#[test]
fn focus_1_0_sample_data_reads_every_row_to_the_penny() {
    // Python: 200 rows, USD, BilledCost 2.72534080970, EffectiveCost 1.00000000000;
    // every ChargePeriodStart is `2024-09-… HH:MM:SS` (space, no zone).
    let f = corpus("focus-1.0-sample-200.csv");
    let (_, j) = spend_json("2024-09-01..2024-09-30", &[&f]);
    let f0 = file0(&j);
    assert_eq!(f0["rows"], 200);
    assert_eq!(f0["bad_rows"], 0);
    assert_eq!(f0["outside_period_rows"], 0);
    assert_eq!(f0["undated_rows"], 0);
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["billed"]),
        d("2.72534080970")
    );
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["effective"]),
        d("1.00000000000")
    );
    assert_eq!(f0["by_currency"]["USD"]["balanced"], true);
    // The same file against another period: every row is outside it, with its total, and said so.
    let r = spend("2030-01-01..2030-12-31", &[&f], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "focus-1.0-sample-200.csv: 200 row(s) dated outside the period, not counted: USD billed 2.7253408097 (effective 1.00)"
        ),
        "{}",
        r.stdout
    );
    let (r, j) = spend_json("2030-01-01..2030-12-31", &[&f]);
    assert_eq!(file0(&j)["outside_period_rows"], 200);
    assert_eq!(
        dec(&file0(&j)["outside_period"]["USD"]["billed"]),
        d("2.72534080970")
    );
    assert!(
        r.stderr.contains("warning: ") && r.stderr.contains("200 row(s) dated outside the period"),
        "{}",
        r.stderr
    );
}

#[test]
fn focus_spec_dates_like_4_1_25_are_bad_rows_saying_focus_requires_iso_8601() {
    // The FOCUS 1.2 SaaS example writes ChargePeriodStart as `4/1/25`: 13 rows,
    // 1200 USD by Python. Read into a 2030 period they must not count.
    let f = corpus("focus-1.2-spec-saas_spend_agreements_a2.csv");
    let r = spend("2030-01-01..2030-12-31", &[&f], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "saas_spend_agreements_a2.csv:2: ChargePeriodStart `4/1/25` is not a date as FOCUS requires it (ISO 8601"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr
            .matches("is not a date as FOCUS requires it")
            .count(),
        13
    );
    let (r, j) = spend_json("2030-01-01..2030-12-31", &[&f]);
    assert_eq!(file0(&j)["rows"], 13);
    assert_eq!(file0(&j)["bad_rows"], 13);
    assert_eq!(file0(&j)["outside_period_rows"], 0);
    assert!(j["other_currencies"].as_object().unwrap().is_empty());
    assert_eq!(j["reconciliation"]["input_rows"], 0);
    assert!(
        r.stderr
            .contains("13 unreadable row(s), not counted: their amounts as written sum to 1200.00"),
        "{}",
        r.stderr
    );
    // A file saved with a byte-order mark is still recognised as FOCUS, and its date refused.
    let bom = corpus("focus-1.2-spec-virtual_currency_pricing_model_a1.csv");
    let r = spend("2030-01-01..2030-12-31", &[&bom], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("virtual_currency_pricing_model_a1.csv:2: ChargePeriodStart `4/1/25`"),
        "{}",
        r.stderr
    );
    // Amounts written `$10,000.00 ` are bad rows too, at their line.
    let dollars = corpus("focus-1.2-spec-simple_saas_agreements_a1.csv");
    let r = spend("2025-01-01..2026-12-31", &[&dollars], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "simple_saas_agreements_a1.csv:2: BilledCost `$10,000.00 ` is not a decimal number"
        ),
        "{}",
        r.stderr
    );
}

/// A temporary estate whose estate.yaml lists `billing` (YAML), over the sample inventory.
fn estate_with(billing: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "name: t\ncurrency: GBP\ninventory: {}\nbilling:\n{billing}",
            root().join("inventory").display()
        ),
    )
    .unwrap();
    dir
}

#[test]
fn focus_without_billing_currency_names_the_column_or_takes_the_inputs_currency() {
    // FOCUS 1.2 commitment examples have no BillingCurrency column.
    let f = corpus("focus-1.2-spec-commitment_discount_purchase_scenario_1.csv");
    let r = spend("2023-01-01..2023-12-31", &[&f], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "commitment_discount_purchase_scenario_1.csv`:1: not a FOCUS export: no `BillingCurrency` column, which FOCUS requires; if every row is in one currency, say which with `currency:` on this billing input in estate.yaml"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("supplier column"), "{}", r.stderr);
    // Said in estate.yaml (in any case): every row takes it, with a warning.
    let g = corpus(
        "focus-1.2-spec-one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
    );
    let dir = estate_with(&format!("  - {{ path: {}, currency: usd }}\n", g.display()));
    let r = run(estate().current_dir(dir.path()).args([
        "--period",
        "2023-01-01..2023-12-31",
        "spend",
        "--format",
        "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let f0 = file0(&j);
    // Python: 2 rows (CRLF, a blank line between them), BilledCost 1.50, EffectiveCost 1.50.
    assert_eq!(f0["rows"], 2);
    assert_eq!(f0["bad_rows"], 0);
    assert_eq!(dec(&f0["by_currency"]["USD"]["input"]["billed"]), d("1.50"));
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["effective"]),
        d("1.50")
    );
    assert!(
        r.stderr.contains(
            "no BillingCurrency column: every row taken as USD (`currency:` on this billing input)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn azure_cost_management_amounts_are_the_decimal_text_written() {
    // azure-rest-api-specs' MCABillingAccountQueryGrouping response: 3 rows, no date
    // column (granularity None); Python's Decimal sum 213.324572647805194.
    let f = corpus("azure-cost-management-MCABillingAccountQueryGrouping.json");
    let (r, j) = spend_json("2025-01-01..2025-12-31", &[&f]);
    let f0 = file0(&j);
    assert_eq!(f0["rows"], 3);
    assert_eq!(f0["undated_rows"], 3);
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["billed"]),
        d("213.324572647805194")
    );
    assert_eq!(
        dec(&f0["undated"]["USD"]["billed"]),
        d("213.324572647805194")
    );
    assert!(
        r.stderr.contains(
            "3 row(s) with no date, counted in the period: USD billed 213.324572647805194"
        ),
        "{}",
        r.stderr
    );
    // SubscriptionQuery: 4 daily rows, two in April 2018 (0.153714722667894152),
    // two in March (220.79129048995147) outside it.
    let f = corpus("azure-cost-management-SubscriptionQuery.json");
    let (_, j) = spend_json("2018-04-01..2018-04-30", &[&f]);
    let f0 = file0(&j);
    assert_eq!(f0["rows"], 4);
    assert_eq!(f0["bad_rows"], 0);
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["billed"]),
        d("0.153714722667894152")
    );
    assert_eq!(f0["outside_period_rows"], 2);
    assert_eq!(
        dec(&f0["outside_period"]["USD"]["billed"]),
        d("220.79129048995147")
    );
}

#[test]
fn aws_cost_explorer_documented_output_sums_to_the_penny() {
    // The AWS CLI's `ce get-cost-and-usage` example: 2 groups, UnblendedCost
    // 40.3543773134 + 0.2682364644 = 40.6226137778 (Python).
    let f = corpus("aws-ce-get-cost-and-usage.json");
    let (_, j) = spend_json("2017-09-01..2017-09-30", &[&f]);
    let f0 = file0(&j);
    assert_eq!(f0["rows"], 2);
    assert_eq!(f0["bad_rows"], 0);
    assert_eq!(
        dec(&f0["by_currency"]["USD"]["input"]["billed"]),
        d("40.6226137778")
    );
}

const HEADER: &str = "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ChargePeriodStart\n";

#[test]
fn amounts_too_large_to_sum_exactly_are_bad_rows_not_a_panic_or_an_imbalance() {
    let dir = tempfile::tempdir().unwrap();
    // Twice 5e28: the second would overflow Decimal.
    let huge = dir.path().join("huge.csv");
    std::fs::write(
        &huge,
        format!(
            "{HEADER}50000000000000000000000000000,50000000000000000000000000000,GBP,Usage,2025-01-01\n\
             50000000000000000000000000000,50000000000000000000000000000,GBP,Usage,2025-01-01\n"
        ),
    )
    .unwrap();
    let r = spend("2025-01-01..2025-12-31", &[&huge], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("huge.csv:3: GBP 50000000000000000000000000000 cannot be added exactly"),
        "{}",
        r.stderr
    );
    let (_, j) = spend_json("2025-01-01..2025-12-31", &[&huge]);
    assert_eq!(j["reconciliation"]["balanced"], true);
    assert_eq!(
        dec(&j["totals"]["billed"]),
        d("50000000000000000000000000000")
    );
    // One amount near 1e19 among 10-decimal amounts: an exact sum needs 30 digits.
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(
        &mixed,
        format!(
            "{HEADER}0.0000000001,0.0000000001,GBP,Usage,2025-01-01\n\
             9999999999999999999,9999999999999999999,GBP,Usage,2025-01-01\n\
             1.2500000000,1.2500000000,GBP,Usage,2025-01-01\n"
        ),
    )
    .unwrap();
    let r = spend("2025-01-01..2025-12-31", &[&mixed], &["--allow-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("does not reconcile"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("mixed.csv:3: GBP 9999999999999999999 cannot be added exactly"),
        "{}",
        r.stderr
    );
    let (_, j) = spend_json("2025-01-01..2025-12-31", &[&mixed]);
    assert_eq!(j["reconciliation"]["balanced"], true);
    assert_eq!(dec(&j["totals"]["billed"]), d("1.2500000001"));
}

#[test]
fn a_file_given_twice_is_read_once_with_a_warning() {
    let f = corpus("aws-ce-get-cost-and-usage.json");
    // The same file by another path.
    let other = root().join("tests/real-world/billing/../billing/aws-ce-get-cost-and-usage.json");
    let (r, j) = spend_json("2017-09-01..2017-09-30", &[&f, &f, &other]);
    assert_eq!(j["reconciliation"]["files"].as_array().unwrap().len(), 1);
    assert_eq!(
        dec(&j["other_currencies"]["USD"]["totals"]["billed"]),
        d("40.6226137778")
    );
    assert!(
        r.stderr
            .contains("aws-ce-get-cost-and-usage.json` is given twice: read once"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("is the same file as `"), "{}", r.stderr);
    assert_eq!(r.stderr.matches(": read once").count(), 2, "{}", r.stderr);
    assert_eq!(j["warnings"].as_array().unwrap().len(), 2);
    // Listed twice in estate.yaml.
    let dir = estate_with(&format!("  - path: {0}\n  - path: {0}\n", f.display()));
    let r =
        run(estate()
            .current_dir(dir.path())
            .args(["--period", "2017-09-01..2017-09-30", "spend"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("aws-ce-get-cost-and-usage.json` is given twice: read once"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("┆ 40.6226137778 ┆"),
        "counted once:\n{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("81.2452275556"),
        "not twice:\n{}",
        r.stdout
    );
}

#[test]
fn currency_codes_are_upper_cased_and_anything_else_is_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("focus.csv");
    std::fs::write(
        &f,
        format!(
            "{HEADER}1.00,1.00,gbp,Usage,2025-01-01\n2.00,2.00,GBP,Usage,2025-01-01T00:00:00Z\n4.00,4.00,GB,Usage,2025-01-01\n8.00,8.00,GBP,Usage,\n"
        ),
    )
    .unwrap();
    let (r, j) = spend_json("2025-01-01..2025-12-31", &[&f]);
    assert_eq!(
        dec(&j["totals"]["billed"]),
        d("11.00"),
        "gbp and GBP are one currency"
    );
    assert_eq!(j["bad_rows"]["count"], 1);
    assert!(
        r.stderr
            .contains("focus.csv:4: BillingCurrency `GB` is not an ISO 4217 code"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 row(s) with no date, counted in the period: GBP billed 8.00"),
        "{}",
        r.stderr
    );
    // A ledger row with no currency takes the estate's, counted in a warning.
    let l = dir.path().join("ledger.csv");
    std::fs::write(
        &l,
        "Supplier,Amount,Date,Currency\nAcme Ltd,10.00,01/02/2025,\nAcme Ltd,5.00,01/02/2025,eur\n",
    )
    .unwrap();
    let (r, j) = spend_json("2025-01-01..2025-12-31", &[&l]);
    assert_eq!(
        dec(&file0(&j)["by_currency"]["GBP"]["input"]["billed"]),
        d("10.00")
    );
    assert_eq!(
        dec(&file0(&j)["by_currency"]["EUR"]["input"]["billed"]),
        d("5.00")
    );
    assert!(
        r.stderr
            .contains("1 row(s) name no currency: taken as GBP (the estate's currency)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_billing_path_that_is_not_a_file_is_a_located_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for (path, what) in [
        (fifo.as_path(), "a FIFO (named pipe), not a billing file"),
        (
            Path::new("/dev/zero"),
            "a character device, not a billing file",
        ),
        (dir.path(), "a folder, not a billing file"),
    ] {
        let r = spend("2025-01-01..2025-12-31", &[path], &[]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("error: `{}`: {what}", path.display())),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_cost_json_that_repeats_a_key_is_refused_with_its_line() {
    // The AWS CLI example with a second, empty `ResultsByTime` after the real one:
    // serde_json alone would keep the empty one and report no spend.
    let text = std::fs::read_to_string(corpus("aws-ce-get-cost-and-usage.json")).unwrap();
    let end = text.trim_end().strip_suffix('}').unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ce.json");
    std::fs::write(&f, format!("{end},\n    \"ResultsByTime\": []\n}}\n")).unwrap();
    let r = spend("2017-09-01..2017-09-30", &[&f], &["--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("duplicate key `ResultsByTime`") && r.stderr.contains("ce.json:"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_damaged_parquet_file_stops_at_its_first_unreadable_row() {
    // Found by the fuzz harness: the row reader repeats a broken page's error
    // for ever, so reading on would never end.
    let f = root().join("tests/fixtures/parquet-unreadable-row.parquet");
    let (r, j) = spend_json("2025-01-01..2025-12-31", &[&f]);
    assert_eq!(file0(&j)["bad_rows"], 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("the rows after it were not read"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_parquet_footer_with_a_negative_column_offset_is_refused_not_a_panic() {
    // Found by cargo fuzz: the parquet crate asserts on a negative offset.
    let f = root().join("tests/fixtures/parquet-negative-column-offset.parquet");
    let r = spend("2025-01-01..2025-12-31", &[&f], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("not a readable Parquet file: Parquet error: row group 0, column `")
            && r.stderr
                .contains("the footer gives a negative offset or size (the file is damaged)"),
        "{}",
        r.stderr
    );
}

#[test]
fn parquet_page_data_the_decoder_asserts_on_is_a_damaged_file_not_a_panic() {
    // Found by cargo fuzz: the parquet crate asserts on a truncated
    // bit-packed run in a data page instead of returning an error.
    let f = root().join("tests/fixtures/parquet-truncated-bit-packed-run.parquet");
    let r = spend("2025-01-01..2025-12-31", &[&f], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "not a readable Parquet file: Parquet error: the Parquet decoder failed on the file's data (assertion failed: size <= src.len() at bit_util.rs:"
        ) && r.stderr.contains("the file is damaged"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}
