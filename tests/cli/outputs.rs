//! What Estate writes and the defaults it carries: the shipped policy pack
//! outside the repository, collected data read by default, the terminal and
//! CSV escaping, the report's publishing and its determinism.

use std::path::Path;

use serde_json::Value;

use crate::{estate, json, root, run};

const AS_OF: &str = "2026-11-23";

/// `estate ARGS --inventory <repo>/inventory` with `cwd` as the working directory.
fn in_dir(cwd: &Path, args: &[&str]) -> crate::Run {
    run(estate()
        .current_dir(cwd)
        .arg("--inventory")
        .arg(root().join("inventory"))
        .args(args))
}

/// A directory holding only a copy of the repository's shipped pack (its
/// rule files and end-of-life snapshot, not the sample's waivers).
fn estate_with_the_packs_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("endoflife")).unwrap();
    for e in std::fs::read_dir(root().join("policies")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".yaml") && name != "waivers.yaml" {
            std::fs::copy(&p, policies.join(name)).unwrap();
        }
    }
    std::fs::copy(
        root().join("policies/endoflife/products.json"),
        policies.join("endoflife/products.json"),
    )
    .unwrap();
    dir
}

#[test]
fn check_report_and_carbon_in_an_empty_directory_match_the_repositorys_pack() {
    let empty = tempfile::tempdir().unwrap();
    let repo = estate_with_the_packs_files();
    let check = |cwd: &Path| {
        let r = in_dir(
            cwd,
            &[
                "check",
                "--as-of",
                AS_OF,
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("not found"), "{}", r.stderr);
        json(&r)
    };
    let (there, here) = (check(repo.path()), check(empty.path()));
    let findings = here["findings"].as_array().unwrap();
    assert!(findings.len() > 50, "{} findings", findings.len());
    assert_eq!(here["findings"], there["findings"]);
    assert_eq!(here["summary"], there["summary"]);

    let carbon = |cwd: &Path| {
        let r = in_dir(cwd, &["carbon", "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        json(&r)
    };
    assert_eq!(carbon(empty.path()), carbon(repo.path()));

    let report = |cwd: &Path| {
        let out = cwd.join("site");
        let r = run(estate()
            .current_dir(cwd)
            .arg("--inventory")
            .arg(root().join("inventory"))
            .args(["report", "--as-of", AS_OF, "--out"])
            .arg(&out));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let data: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("data.json")).unwrap()).unwrap();
        let policies = std::fs::read_to_string(out.join("policies.html")).expect("a policies page");
        assert!(policies.contains("system-has-owner"));
        data["check"].clone()
    };
    let (here, there) = (report(empty.path()), report(repo.path()));
    assert!(
        here["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "{here}"
    );
    assert_eq!(here, there);
}

#[test]
fn a_policy_folder_that_was_named_but_is_missing_is_an_error() {
    let empty = tempfile::tempdir().unwrap();
    let r = in_dir(empty.path(), &["check", "--policies", "nowhere"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("policy directory `nowhere` not found"),
        "{}",
        r.stderr
    );
}
