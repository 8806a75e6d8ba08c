//! Real Backstage catalogs written by others (tests/real-world/backstage/,
//! sources in its PROVENANCE.md) through `estate import backstage`, with the
//! exact counts read, written, renamed and left unresolved; and the odd files
//! users hand over (FIFOs, links, hidden files, huge files and lines) read
//! without hanging, panicking or a silent skip.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{estate, json, root, run};

fn corpus(path: &str) -> PathBuf {
    root().join("tests/real-world/backstage").join(path)
}

/// `estate import backstage --format json` of `paths` into a fresh folder.
fn import(paths: &[&str]) -> (super::Run, Value, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = estate();
    cmd.current_dir(root().join("tests/real-world/backstage"))
        .args(["import", "backstage", "--format", "json", "--out"])
        .arg(out.path())
        .args(paths);
    let r = run(&mut cmd);
    let j = json(&r);
    (r, j, out)
}

fn unresolved(j: &Value, relation: &str) -> Vec<String> {
    j["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["relation"] == relation)
        .map(|u| {
            format!(
                "{} → {}",
                u["entity"].as_str().unwrap(),
                u["target"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn api_relations_to_apis_not_given_are_kept_and_counted() {
    // Backstage's own example components, without the API files they name.
    let (r, j, out) = import(&["backstage-examples/components"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(j["read"], serde_json::json!({"Component": 7}));
    assert_eq!(j["written"], serde_json::json!({"System": 7}));
    assert_eq!(j["relations_kept"]["providesApis"], 2);
    assert_eq!(j["relations_kept"]["consumesApis"], 1);
    assert_eq!(
        unresolved(&j, "providesApis"),
        [
            "component:default/wayback-archive → wayback-archive",
            "component:default/wayback-search → wayback-search"
        ]
    );
    assert_eq!(
        unresolved(&j, "consumesApis"),
        ["component:default/wayback-search → wayback-archive"]
    );
    assert_eq!(
        unresolved(&j, "dependsOn"),
        ["component:default/artist-lookup → resource:artists-db"]
    );
    assert_eq!(
        j["unresolved"].as_array().unwrap().len(),
        16,
        "7 owners, 5 systems, 1 dependsOn, 3 APIs"
    );
    assert!(
        r.stderr
            .contains("warning: 16 relation(s) name entities in none of the files given"),
        "{}",
        r.stderr
    );
    // The relations are on the systems written, as annotations.
    let systems = std::fs::read_to_string(out.path().join("systems.yaml")).unwrap();
    assert!(
        systems.contains("backstage.io/providesApis: wayback-search"),
        "{systems}"
    );
    assert!(
        systems.contains("backstage.io/consumesApis: wayback-archive"),
        "{systems}"
    );
    // The table says so too.
    let t = run(estate()
        .current_dir(root().join("tests/real-world/backstage"))
        .args(["import", "backstage", "--out"])
        .arg(out.path())
        .arg("backstage-examples/components"));
    assert!(
        t.stdout.contains(
            "not in the files given: component:default/wayback-search consumesApis `wayback-archive` (kept as an annotation)"
        ),
        "{}",
        t.stdout
    );
}

#[test]
fn a_system_and_a_component_of_the_same_name_both_import() {
    // Red Hat Developer Hub: System `rhdh` and Component `rhdh` in one file, plus its catalog-entities tree.
    let (r, j, out) = import(&["rhdh/catalog-info.yaml", "rhdh/catalog-entities/all.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        j["read"],
        serde_json::json!({"API": 2, "Component": 3, "Group": 2, "Location": 6, "Resource": 5, "System": 2})
    );
    assert_eq!(
        j["written"],
        serde_json::json!({"Resource": 5, "System": 5, "Team": 2})
    );
    assert_eq!(j["followed"].as_array().unwrap().len(), 17);
    assert_eq!(
        j["renamed"],
        serde_json::json!([["component:default/rhdh", "rhdh-component"]])
    );
    assert_eq!(
        j["clashes"],
        serde_json::json!([{"entity": "component:default/rhdh", "name": "rhdh-component", "kept_by": "system:default/rhdh"}])
    );
    assert_eq!(
        unresolved(&j, "system"),
        ["component:default/red-hat-developer-hub → red-hat-developer-hub"]
    );
    assert_eq!(j["unresolved"].as_array().unwrap().len(), 2);
    // What was written is valid inventory; the component sits in its system.
    let inv = out.path();
    let v = run(estate().arg("validate").arg(inv));
    assert_eq!(v.code, 0, "{}", v.stderr);
    let show = json(&run(estate().arg("--inventory").arg(inv).args([
        "show",
        "system:rhdh-component",
        "--format",
        "json",
    ])));
    let outgoing = super::outgoing(&show);
    assert!(
        outgoing.contains(&"part_of system:rhdh".to_string()),
        "{outgoing:?}"
    );
}

#[test]
fn one_bad_catalog_file_does_not_stop_the_others() {
    // Backstage's cookiecutter skeleton is not YAML until rendered; the examples beside it are.
    let (r, j, out) = import(&["backstage-examples", "backstage-templates"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: backstage-templates/springboot-grpc-cookiecutter-catalog-info.yaml:4:10: expected string scalar"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("every other entity was imported and written"),
        "{}",
        r.stderr
    );
    assert_eq!(
        j["read"],
        serde_json::json!({"API": 1, "Component": 7, "Domain": 1, "System": 2})
    );
    assert_eq!(j["written"], serde_json::json!({"Domain": 1, "System": 9}));
    assert_eq!(j["diagnostics"]["errors"], 1);
    let d = &j["diagnostics"]["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(10))
    );
    assert!(out.path().join("systems.yaml").is_file());
    assert!(out.path().join("domains.yaml").is_file());
}

#[test]
fn an_organisation_catalog_with_namespaces_imports_whole() {
    // Red Hat One Platform: a root Location naming 21 files in the `devex` namespace.
    let (r, j, _out) = import(&["one-platform/catalog-info.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        j["read"],
        serde_json::json!({"Component": 16, "Location": 2, "Resource": 3, "System": 1})
    );
    assert_eq!(
        j["written"],
        serde_json::json!({"Resource": 3, "System": 17})
    );
    assert_eq!(j["followed"].as_array().unwrap().len(), 21);
    assert_eq!(
        j["renamed"].as_array().unwrap().len(),
        20,
        "the `devex-` prefix"
    );
    assert_eq!(j["relations_mapped"]["dependsOn"], 18);
    assert_eq!(
        unresolved(&j, "dependsOn"),
        [
            "component:devex/one-platform-lighthouse-service → component:devex/one-platform-lighthouse-ci",
            "component:devex/one-platform-lighthouse-service → resource:devex/one-platform-lighthouse-postgres",
            "component:devex/one-platform-api-gateway → component:devex/one-platform-apps-service-service",
            "component:devex/one-platform-analytics-service → resource:devex/one-platform-matomo",
        ]
    );
    assert_eq!(j["unresolved"].as_array().unwrap().len(), 25);
    // The URL target is located in the file that names it.
    assert!(
        r.stderr
            .contains("catalog/doc-spa.yaml:7:11: Location target `https://"),
        "{}",
        r.stderr
    );
}

fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn odd_entries_in_an_inventory_are_each_reported_and_none_hangs() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path();
    let real = corpus("rhdh/catalog-entities/systems/janus-idp.yaml");
    std::fs::copy(&real, inv.join("janus-idp.yaml")).unwrap();
    // A folder named like a file is a folder: its file is read.
    std::fs::create_dir(inv.join("x.yaml")).unwrap();
    std::fs::copy(
        corpus("rhdh/catalog-entities/groups/janus-authors.yaml"),
        inv.join("x.yaml/janus-authors.yaml"),
    )
    .unwrap();
    std::fs::copy(&real, inv.join(".hidden.yaml")).unwrap();
    mkfifo(&inv.join("pipe.yaml"));
    symlink("nowhere.yaml", inv.join("dangling.yaml")).unwrap();
    symlink("/dev/null", inv.join("device.yaml")).unwrap();
    std::fs::create_dir(inv.join("loop")).unwrap();
    symlink("..", inv.join("loop/back")).unwrap();
    let r = run(estate().arg("validate").arg(inv).args(["--format", "json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let j = json(&r);
    assert_eq!(j["nodes"], 2, "janus-idp and janus-authors: {}", r.stdout);
    let warnings: Vec<String> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .replace(&inv.display().to_string(), "INV")
        })
        .collect();
    for want in [
        "skipped `INV/.hidden.yaml`: hidden (its name starts with `.`)",
        "skipped `INV/dangling.yaml`: a dangling symbolic link (to `nowhere.yaml`, which does not exist)",
        "skipped `INV/device.yaml`: a character device, not a regular file",
        "skipped `INV/loop/back`: a symbolic link loop (back to `INV`)",
        "skipped `INV/pipe.yaml`: a FIFO (named pipe), not a regular file",
    ] {
        assert!(
            warnings.contains(&want.to_string()),
            "missing `{want}` in {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
}

#[cfg(unix)]
#[test]
fn a_fifo_source_and_a_fifo_catalog_are_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("inventory")).unwrap();
    std::fs::copy(
        corpus("rhdh/catalog-entities/systems/janus-idp.yaml"),
        d.join("inventory/janus-idp.yaml"),
    )
    .unwrap();
    mkfifo(&d.join("state.tfstate"));
    std::fs::write(
        d.join("estate.yaml"),
        "sources:\n  - terraform: state.tfstate\n",
    )
    .unwrap();
    let r = run(estate().arg("--estate").arg(d).arg("summary"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("state.tfstate: a FIFO (named pipe), not a regular file; Estate reads only regular files"),
        "{}",
        r.stderr
    );
    let out = tempfile::tempdir().unwrap();
    let r = run(estate()
        .args(["import", "backstage", "--out"])
        .arg(out.path())
        .arg(d.join("state.tfstate")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("a FIFO (named pipe), not a regular file"),
        "{}",
        r.stderr
    );
}

#[test]
fn huge_files_long_lines_and_far_columns_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path();
    // A 2 GB sparse file is refused by its size, before a byte is read.
    let big = std::fs::File::create(inv.join("big.yaml")).unwrap();
    big.set_len(2 << 30).unwrap();
    drop(big);
    // A line over 1 MiB: the document is not parsed, the line is named.
    let long = format!(
        "apiVersion: estate/v1\nkind: System\nmetadata: {{name: long, title: \"{}\"}}\n",
        "x".repeat((1 << 20) + 1)
    );
    std::fs::write(inv.join("long.yaml"), long).unwrap();
    // An error past column 65,535 (miette cannot draw it): a plain located line.
    let far = format!(
        "apiVersion: estate/v1\nkind: System\nmetadata: {{name: far, title: \"{}\", bogus: 1}}\n",
        "x".repeat(70_000)
    );
    std::fs::write(inv.join("far.yaml"), far).unwrap();
    let r = run(estate().arg("validate").arg(inv));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let p = inv.display();
    for want in [
        format!(
            "error: cannot read {p}/big.yaml: 2147483648 bytes, more than the 67108864 bytes Estate reads from an inventory file"
        ),
        format!(
            "error: {p}/long.yaml:3:1: line of 1048610 bytes, more than the 1048576 Estate reads in a line; document not read"
        ),
        format!("error: {p}/far.yaml:3:70034: unknown field `bogus`"),
    ] {
        assert!(
            r.stderr.contains(&want),
            "missing `{want}` in\n{}",
            &r.stderr[..r.stderr.len().min(3000)]
        );
    }
}
