//! `estate collect aws` against moto's server: the harness starts it on
//! 127.0.0.1 on a free port, seeds an estate through the AWS API (boto3),
//! records every request moto receives, runs the collector, then reads what
//! it wrote back through `estate sources` and `estate show`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{estate, json, root, run};

/// moto's server, stopped when dropped.
struct Moto {
    _server: super::Server,
    url: String,
}

fn venv(tool: &str) -> PathBuf {
    let p = root().join("tests/tools/.venv/bin").join(tool);
    assert!(
        p.exists(),
        "{} is missing: tests/run.sh installs moto[server] and boto3",
        p.display()
    );
    p
}

fn start_moto(dir: &Path) -> Moto {
    // moto's server with its IAM signature check fixed for bodiless requests.
    let mut cmd = Command::new(venv("python"));
    cmd.arg(root().join("tests/tools/moto_server.py"))
        .args(["-H", "127.0.0.1"])
        .current_dir(dir)
        .env("MOTO_RECORDER_FILEPATH", dir.join("moto-recording"))
        .arg("-p");
    let server = super::serve_on_free_port(cmd);
    Moto {
        url: format!("http://127.0.0.1:{}", server.port),
        _server: server,
    }
}

/// Start moto's request recorder.
fn start_recording(moto: &Moto) {
    let ok = Command::new(venv("python"))
        .args([
            "-c",
            "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'))",
            &format!("{}/moto-api/recorder/start-recording", moto.url),
        ])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// The operation of every request moto recorded: the query `Action`, the
/// JSON target, or the REST method and path.
fn recorded_operations(moto: &Moto) -> Vec<String> {
    const SCRIPT: &str = r#"
import base64, json, sys, urllib.parse, urllib.request
for line in urllib.request.urlopen(sys.argv[1]).read().decode().splitlines():
    r = json.loads(line)
    body = r.get("body") or ""
    if r.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = urllib.parse.parse_qs(body).get("Action", [None])[0]
    target = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("x-amz-target")
    print(action or target or r["method"] + " " + urllib.parse.urlparse(r["url"]).path)
"#;
    let out = Command::new(venv("python"))
        .args([
            "-c",
            SCRIPT,
            &format!("{}/moto-api/recorder/download-recording", moto.url),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn seed(moto: &Moto, extra: &[&str]) -> Value {
    let seed = Command::new(venv("python"))
        .arg(root().join("tests/tools/seed_moto.py"))
        .arg(&moto.url)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    serde_json::from_slice(&seed.stdout).unwrap()
}

/// The actions iam/aws-read-only.json allows.
fn policy_actions() -> std::collections::BTreeSet<String> {
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("iam/aws-read-only.json")).unwrap(),
    )
    .unwrap();
    let mut out = std::collections::BTreeSet::new();
    for st in policy["Statement"].as_array().unwrap() {
        match &st["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(list) => out.extend(list.iter().map(|a| a.as_str().unwrap().to_string())),
            other => panic!("{other}"),
        }
    }
    out
}

/// `estate show ID --format json` in an estate folder, as text.
fn show(dir: &Path, id: &str) -> String {
    json(&run(estate()
        .current_dir(dir)
        .args(["show", id, "--format", "json"])))
    .to_string()
}

fn collect(moto: &Moto, out: &Path, extra: &[&str]) -> super::Run {
    collect_as(moto, out, ("testing", "testing"), extra)
}

fn collect_as(moto: &Moto, out: &Path, (key, secret): (&str, &str), extra: &[&str]) -> super::Run {
    let mut cmd = estate();
    cmd.current_dir(out.parent().unwrap())
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "eu-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .args([
            "--period",
            "2025-01-01..2025-12-31",
            "collect",
            "aws",
            "--endpoint",
        ])
        .arg(&moto.url)
        .arg("--out")
        .arg(out)
        .args(extra);
    run(&mut cmd)
}

#[test]
fn a_seeded_account_is_collected_read_only_and_reads_back_into_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let moto = start_moto(dir.path());
    let ids = seed(&moto, &[]);
    let account = ids["account"].as_str().unwrap();
    start_recording(&moto);
    let out = dir.path().join("aws");
    let r = collect(
        &moto,
        &out,
        &[
            "--regions",
            "eu-west-2,eu-west-1",
            "--organization",
            "--cost-explorer",
            "--quiet",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let cov: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("coverage.json")).unwrap()).unwrap();

    // The caller's account and both member accounts, each region.
    let accounts: Vec<&str> = cov["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    for m in ids["members"].as_array().unwrap() {
        assert!(accounts.contains(&m.as_str().unwrap()));
    }
    let count = |region: &str, service: &str| {
        cov["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["account"] == account && s["region"] == region && s["service"] == service)
            .map(|s| s["resources"].as_u64().unwrap())
    };
    assert_eq!(
        count("eu-west-2", "ec2"),
        Some(6),
        "3 tagged, 3 of the node group"
    );
    assert_eq!(count("eu-west-1", "ec2"), Some(1));
    assert_eq!(
        count("eu-west-2", "ec2:volumes").map(|n| n >= 2),
        Some(true)
    );
    assert_eq!(count("eu-west-2", "rds"), Some(2));
    assert_eq!(count("eu-west-2", "rds:clusters"), Some(1));
    assert_eq!(count("global", "ce"), Some(24), "12 months × 2 groups");
    assert_eq!(count("eu-west-2", "lambda"), Some(1));
    assert_eq!(count("global", "s3"), Some(2));
    assert_eq!(
        count("eu-west-2", "eks"),
        Some(2),
        "a cluster and its node group"
    );
    assert_eq!(count("eu-west-2", "ecs"), Some(1));
    assert_eq!(count("eu-west-2", "elasticloadbalancing"), Some(1));

    // Read-only: every request moto received was a Describe, List or Get (or
    // STS identity and AssumeRole), and each is in the shipped IAM policy.
    let ops = recorded_operations(&moto);
    assert!(!ops.is_empty());
    for op in &ops {
        let name = op.rsplit('.').next().unwrap();
        let ok = name.starts_with("Describe")
            || name.starts_with("List")
            || name.starts_with("Get")
            || name == "AssumeRole"
            || op.starts_with("GET ");
        assert!(ok, "a request that is not read-only: {op}");
    }
    let policy = policy_actions();
    for action in cov["operations"].as_array().unwrap() {
        assert!(
            policy.contains(action.as_str().unwrap()),
            "{action} is not in iam/aws-read-only.json"
        );
    }
    // Credentials never reach what is written.
    for e in walkdir::WalkDir::new(&out).into_iter().flatten() {
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                !text.contains("testing"),
                "{} holds a credential",
                e.path().display()
            );
        }
    }

    // Read back: an estate whose sources name the collected folder.
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {}\nperiod: 2025-01-01..2025-12-31\nsources:\n  - aws: aws\n",
            root().join("tests/fixtures/hostile/inventory").display()
        ),
    )
    .unwrap();
    let s = json(&run(estate()
        .current_dir(dir.path())
        .args(["sources", "--format", "json"])));
    assert_eq!(
        s["aws"][0]["resources"].as_u64().map(|n| n >= 10),
        Some(true),
        "{s}"
    );
    let (region, id) = (
        ids["instances"]["crm-app-01"][0].as_str().unwrap(),
        ids["instances"]["crm-app-01"][1].as_str().unwrap(),
    );
    let arn = format!("arn:aws:ec2:{region}:{account}:instance/{id}");
    let text = show(dir.path(), &arn);
    assert!(text.contains("\"instance_type\":\"m5.large\""), "{text}");
    // CloudWatch's average (35 %) became measured utilisation.
    assert!(text.contains("\"utilisation\":0.35"), "{text}");
    let orphan = format!(
        "arn:aws:ec2:eu-west-2:{account}:volume/{}",
        ids["volumes"]["orphan"].as_str().unwrap()
    );
    let vol = show(dir.path(), &orphan);
    assert!(vol.contains("\"attached\":false"), "{vol}");
    // The node group: its type and desired size, for the carbon engine.
    let file = out
        .join(account)
        .join("eu-west-2/eks-describe-nodegroup-crm-k8s-general.json");
    let ng: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let arn = ng["nodegroup"]["nodegroupArn"].as_str().unwrap();
    let shown = show(dir.path(), arn);
    assert!(shown.contains("\"instance_type\":\"m6g.large\""), "{shown}");
    // Its three instances were found: they are its capacity, counted once.
    assert!(shown.contains("\"count\":0"), "{shown}");
    assert!(
        shown.contains("counted on its 3 instance(s) found live (desired size 3)"),
        "{shown}"
    );
    for i in ids["node_instances"].as_array().unwrap() {
        assert!(
            shown.contains(i.as_str().unwrap()),
            "{i} runs the node group: {shown}"
        );
    }
    // The Aurora cluster runs on its writer instance.
    let aurora = show(
        dir.path(),
        &format!("arn:aws:rds:eu-west-2:{account}:cluster:crm-aurora"),
    );
    assert!(aurora.contains("crm-aurora-1"), "{aurora}");
    // Buckets: region, size from the storage metric, encryption, public-access block.
    let docs = show(dir.path(), "arn:aws:s3:::crm-documents");
    for want in [
        "\"size_gb\":250.0",
        "\"encrypted\":true",
        "\"public\":false",
        "\"aws/objects\":\"1200000\"",
        "\"aws/encryption\":\"aws:kms\"",
    ] {
        assert!(docs.contains(want), "{want}: {docs}");
    }
    let site = show(dir.path(), "arn:aws:s3:::public-site");
    assert!(
        site.contains("\"aws/public-access-block\":\"none\"")
            && site.contains("\"encrypted\":false"),
        "{site}"
    );

    // Cost Explorer's result is a billing input: 12 × (412.3456 + 17.05) USD, to the penny and beyond.
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {}\nperiod: 2025-01-01..2025-12-31\ncurrency: USD\nsources:\n  - aws: aws\nbilling:\n  - path: aws/{account}/ce-get-cost-and-usage.json\n",
            root().join("tests/fixtures/hostile/inventory").display()
        ),
    )
    .unwrap();
    let spend = json(&run(estate()
        .current_dir(dir.path())
        .args(["spend", "--format", "json"])));
    let file = &spend["reconciliation"]["files"][0];
    assert_eq!(file["format"], "cost-explorer", "{file}");
    assert_eq!(file["rows"], 24, "{file}");
    assert_eq!(
        file["by_currency"]["USD"]["input"]["billed"], "5152.7472",
        "{file}"
    );
    assert_eq!(spend["totals"]["billed"], "5152.7472", "{spend}");
}

#[test]
fn an_account_whose_role_grants_nothing_is_reported_and_the_others_are_complete() {
    let dir = tempfile::tempdir().unwrap();
    let moto = start_moto(dir.path());
    // moto checks IAM from here on: `pensions`' role grants nothing.
    let ids = seed(&moto, &["--enforce-auth"]);
    let (management, schools, pensions) = (
        ids["account"].as_str().unwrap(),
        ids["members"][0].as_str().unwrap(),
        ids["members"][1].as_str().unwrap(),
    );
    let out = dir.path().join("aws");
    // Every enabled region, the organization, Cost Explorer: every call the collector makes.
    let r = collect_as(
        &moto,
        &out,
        (
            ids["user"]["id"].as_str().unwrap(),
            ids["user"]["secret"].as_str().unwrap(),
        ),
        &["--organization", "--cost-explorer", "--quiet"],
    );
    assert_eq!(r.code, 1, "a failed account exits 1: {}", r.stderr);
    let cov: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("coverage.json")).unwrap()).unwrap();
    let account = |id: &str| {
        cov["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == id)
            .unwrap_or_else(|| panic!("{id}: {cov}"))
            .clone()
    };
    let failed = account(pensions);
    assert_eq!(failed["ok"], false, "{failed}");
    assert!(
        failed["error"].as_str().unwrap().contains("AccessDenied"),
        "{failed}"
    );
    assert_eq!(account(schools)["ok"], true);
    assert_eq!(account(management)["ok"], true);
    // The others are complete: no service failed in any of their regions.
    let services = cov["services"].as_array().unwrap();
    let errors: Vec<&Value> = services
        .iter()
        .filter(|s| s["account"] != pensions && s["error"].is_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let regions: std::collections::BTreeSet<&str> = services
        .iter()
        .filter(|s| s["account"] == schools)
        .map(|s| s["region"].as_str().unwrap())
        .collect();
    assert!(
        regions.len() > 10 && regions.contains("eu-west-2"),
        "{regions:?}"
    );
    let found = services
        .iter()
        .find(|s| s["account"] == management && s["region"] == "eu-west-2" && s["service"] == "ec2")
        .unwrap();
    assert_eq!(found["resources"], 6);
    // This run makes every call the collector has: the policy grants exactly those.
    let called: std::collections::BTreeSet<String> = cov["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(called, policy_actions());
}

#[test]
fn a_region_that_fails_is_recorded_and_the_rest_collected() {
    let dir = tempfile::tempdir().unwrap();
    let moto = start_moto(dir.path());
    let out = dir.path().join("aws");
    let r = collect(
        &moto,
        &out,
        &["--regions", "eu-west-2,xx-nowhere-9", "--quiet"],
    );
    let cov: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("coverage.json")).unwrap()).unwrap();
    let bad: Vec<&Value> = cov["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["error"].is_string())
        .collect();
    assert!(!bad.is_empty(), "{cov}");
    assert!(bad.iter().all(|s| s["region"] == "xx-nowhere-9"), "{bad:?}");
    assert!(
        cov["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["region"] == "eu-west-2" && s["error"].is_null())
    );
    assert_eq!(r.code, 1, "failures exit 1: {}", r.stderr);
}
