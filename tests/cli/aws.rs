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
    let mut cmd = Command::new(venv("moto_server"));
    cmd.args(["-H", "127.0.0.1"])
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

fn collect(moto: &Moto, out: &Path, extra: &[&str]) -> super::Run {
    let mut cmd = estate();
    cmd.current_dir(out.parent().unwrap())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
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
    let seed = Command::new(venv("python"))
        .arg(root().join("tests/tools/seed_moto.py"))
        .arg(&moto.url)
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let ids: Value = serde_json::from_slice(&seed.stdout).unwrap();
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
    assert_eq!(count("eu-west-2", "ec2"), Some(3));
    assert_eq!(count("eu-west-1", "ec2"), Some(1));
    assert_eq!(
        count("eu-west-2", "ec2:volumes").map(|n| n >= 2),
        Some(true)
    );
    assert_eq!(count("eu-west-2", "rds"), Some(1));
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
    let policy = std::fs::read_to_string(root().join("iam/aws-read-only.json")).unwrap();
    for action in cov["operations"].as_array().unwrap() {
        assert!(
            policy.contains(&format!("\"{}\"", action.as_str().unwrap())),
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
    let show = json(&run(estate()
        .current_dir(dir.path())
        .args(["show", &arn, "--format", "json"])));
    let text = show.to_string();
    assert!(text.contains("\"instance_type\":\"m5.large\""), "{text}");
    // CloudWatch's average (35 %) became measured utilisation.
    assert!(text.contains("\"utilisation\":0.35"), "{text}");
    let orphan = format!(
        "arn:aws:ec2:eu-west-2:{account}:volume/{}",
        ids["volumes"]["orphan"].as_str().unwrap()
    );
    let vol = json(&run(estate()
        .current_dir(dir.path())
        .args(["show", &orphan, "--format", "json"])))
    .to_string();
    assert!(vol.contains("\"attached\":false"), "{vol}");
    // The node group: its type and desired size, for the carbon engine.
    let file = out
        .join(account)
        .join("eu-west-2/eks-describe-nodegroup-crm-k8s-general.json");
    let ng: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let arn = ng["nodegroup"]["nodegroupArn"].as_str().unwrap();
    let shown = json(&run(estate()
        .current_dir(dir.path())
        .args(["show", arn, "--format", "json"])))
    .to_string();
    assert!(shown.contains("\"instance_type\":\"m6g.large\""), "{shown}");
    assert!(shown.contains("\"count\":3"), "{shown}");
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
