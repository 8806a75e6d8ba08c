//! Cloud exports and billing written by others (tests/real-world/aws, azure,
//! billing; each PROVENANCE.md names the source): the AWS CLI's documented
//! outputs laid out as an export folder, three that cannot be read as
//! written (each refused at its place), Azure Resource Graph and Compute
//! API examples, and the FOCUS 1.1 sample data summed to the last digit.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Run, estate, json, root, run};

fn real(family: &str, name: &str) -> PathBuf {
    root().join("tests/real-world").join(family).join(name)
}

/// `estate ARGS` in a fresh estate of no inventory whose only source is `source`.
fn with_source(dir: &Path, source: &str, args: &[&str]) -> Run {
    std::fs::create_dir_all(dir.join("inventory")).unwrap();
    std::fs::write(dir.join("estate.yaml"), format!("sources:\n  - {source}\n")).unwrap();
    run(estate().current_dir(dir).args(args))
}

#[test]
fn the_aws_cli_examples_read_as_an_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    let export = real("aws", "export");
    let r = with_source(
        dir.path(),
        &format!("aws: {}", export.display()),
        &["sources", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let aws = &j["aws"][0];
    assert_eq!(aws["files"], 9, "{aws}");
    assert_eq!(aws["resources"], 12, "{aws}");
    assert_eq!(aws["not_read"].as_array().map(Vec::len), Some(0));
    let mut ids: Vec<&str> = j["merged"]["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-049df61146c4d7901",
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-1234567890abcdef0",
            "arn:aws:ec2:us-east-2:111111111111:instance/i-1234567890abcdef0",
            "arn:aws:ecs:af-south-1:123456789222:cluster/sampleCluster",
            "arn:aws:eks:us-east-2:111122223333:cluster/my-eks-cluster",
            "arn:aws:eks:us-east-2:111122223333:nodegroup/my-eks-cluster/my-eks-nodegroup/a8c75f2f-df78-a72f-4063-4b69af3de5b1",
            "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188",
            "arn:aws:lambda:us-west-2:123456789012:function:helloworld",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function",
            "arn:aws:lambda:us-west-2:123456789012:function:my-python-function",
            "arn:aws:rds:us-east-1:123456789012:cluster:mydbcluster",
            "arn:aws:rds:us-east-1:123456789012:db:mydbinstance-1",
        ]
    );
    // The 2017 example's database is `"DBInstanceStatus": "stopped"`: it runs no hours.
    let show = |id: &str| -> String {
        let r = run(estate()
            .current_dir(dir.path())
            .args(["show", id, "--format", "json"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        json(&r).to_string()
    };
    let db = show("arn:aws:rds:us-east-1:123456789012:db:mydbinstance-1");
    assert!(db.contains("\"hours\":0.0"), "{db}");
    assert!(db.contains("\"aws/status\":\"stopped\""), "{db}");
    assert!(db.contains("\"instance_type\":\"db.t2.micro\""), "{db}");
    // The unattached volume is flagged; the attached one names its instance.
    let vol = show("arn:aws:ec2:us-east-1:123456789012:volume/vol-1234567890abcdef0");
    assert!(vol.contains("\"attached\":false"), "{vol}");
}

/// Where `estate sources` stops on one AWS CLI output saved as `name`.
fn aws_error(file: &str, saved_as: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("aws/123456789012/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::copy(real("aws/broken", file), region.join(saved_as)).unwrap();
    let r = with_source(dir.path(), "aws: aws", &["sources"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    r.stderr
}

#[test]
fn aws_cli_examples_that_are_not_json_or_not_the_output_are_refused_where_they_fail() {
    // The current describe-volumes example lacks the quote closing its KmsKeyId
    // (line 16): the string runs into the line break.
    let e = aws_error(
        "ec2-describe-volumes-missing-quote.json",
        "ec2-describe-volumes.json",
    );
    assert!(
        e.contains(
            "error: aws/123456789012/us-east-1/ec2-describe-volumes.json:17:1: control character (\\u0000-\\u001F) found while parsing a string"
        ),
        "{e}"
    );
    // The current describe-db-instances example elides fields with `...some output truncated...`.
    let e = aws_error(
        "rds-describe-db-instances-truncated.json",
        "rds-describe-db-instances.json",
    );
    assert!(
        e.contains("rds-describe-db-instances.json:14:17: key must be a string"),
        "{e}"
    );
    // `--query 'Volumes[*].{ID:VolumeId,Tag:Tags}'` output is not zero volumes.
    let e = aws_error(
        "ec2-describe-volumes-query.json",
        "ec2-describe-volumes.json",
    );
    assert!(
        e.contains(
            "error: aws/123456789012/us-east-1/ec2-describe-volumes.json: not what `aws ec2 describe-volumes` prints: no `Volumes` at the top (output reshaped by `--query`?)"
        ),
        "{e}"
    );
}

/// `estate sources`' account of one Azure file.
fn azure(name: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let r = with_source(
        dir.path(),
        &format!("azure: {}", real("azure", name).display()),
        &["sources", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    json(&r)["azure"][0][1].clone()
}

#[test]
fn azure_api_examples_are_counted_row_by_row() {
    // Resource Graph's basic query: three network resources in one subscription.
    let a = azure("resource-graph-ResourcesBasicQuery.json");
    assert_eq!(
        (a["rows"].as_u64(), a["resources"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        a["subscriptions"],
        serde_json::json!(["cfbbd179-59d2-4052-aa06-9270a38aa9d6"])
    );
    // A `summarize` query's rows are counts, not resources: each counted as having no id.
    let a = azure("resource-graph-ResourcesPropertiesQuery.json");
    assert_eq!(
        (a["rows"].as_u64(), a["resources"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(a["skipped"], serde_json::json!({"no id": 2}));
    // Compute's list-by-location example lists the same machine twice in one file.
    let a = azure("compute-VirtualMachine_ListBySubscription_ByLocation.json");
    assert_eq!(
        (a["rows"].as_u64(), a["resources"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        a["skipped"],
        serde_json::json!({"listed twice in one file (read once)": 1})
    );
}

#[test]
fn focus_1_1_sample_data_sums_to_the_last_digit() {
    // Python's decimal over the 6 rows: BilledCost 1179.70942711000005,
    // EffectiveCost 952.42189311 (Usage, Purchase and Credit rows, all USD).
    let f = real("billing", "focus-1.1-sample-6.csv");
    let r = run(estate()
        .current_dir(root())
        .args(["--period", "2024-09-01..2024-09-30", "spend", "--billing"])
        .arg(&f)
        .args(["--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f0 = &json(&r)["reconciliation"]["files"][0];
    assert_eq!(f0["format"], "focus");
    assert_eq!(f0["rows"], 6);
    assert_eq!(f0["bad_rows"], 0);
    assert_eq!(f0["outside_period_rows"], 0);
    let usd = &f0["by_currency"]["USD"];
    assert_eq!(usd["input"]["billed"], "1179.70942711000005");
    assert_eq!(usd["input"]["effective"], "952.42189311");
    assert_eq!(usd["balanced"], true);
}
