//! End-to-end tests: the real `estate` binary on the shipped sample estate,
//! the bad-input corpus and fixtures, each in a fresh temporary directory.

use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

mod aws;
mod carbon;
mod fuzz;
mod kubernetes;
mod layering;
mod outputs;
mod policies;
mod prometheus;
mod real_world_backstage;
mod real_world_billing;
mod real_world_collectors;
mod real_world_exports;
mod report;
mod roadmap;
mod snapshot;
mod sources;
mod spend;
mod warehouse;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn estate() -> Command {
    let mut c = Command::cargo_bin("estate").expect("the estate binary is built");
    c.env_remove("ESTATE_DIR")
        .env_remove("ESTATE_INVENTORY")
        .env("NO_COLOR", "1");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("estate runs");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "estate panicked:\n{}",
        r.stderr
    );
    r
}

/// `estate ARGS` in the repository root (the sample estate).
pub fn sample(args: &[&str]) -> Run {
    run(estate().current_dir(root()).args(args))
}

/// A local server the test started on 127.0.0.1, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `cmd` with a free port as its last argument (or as `port_arg`'s
/// value) and wait until it accepts connections.
pub fn serve_on_free_port(cmd: Command) -> Server {
    serve_with(cmd, |port| port.to_string())
}

/// Start `cmd` with `arg(port)` as its last argument, on a free port, and
/// wait until it accepts connections.
pub fn serve_with(mut cmd: Command, arg: impl Fn(u16) -> String) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = cmd
        .arg(arg(port))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the local server starts");
    let server = Server { child, port };
    let t = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "the local server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server
}

/// `estate show --format json`'s outgoing edges as `edge to` lines.
pub fn outgoing(show: &Value) -> Vec<String> {
    show["outgoing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["edge"].as_str().unwrap(),
                e["to"].as_str().unwrap()
            )
        })
        .collect()
}

pub fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", r.stdout))
}

#[test]
fn the_sample_estate_validates_cleanly() {
    let r = sample(&["validate", "--format", "json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let j = json(&r);
    assert_eq!(j["errors"], 0, "{}", r.stdout);
    assert_eq!(j["warnings"], 0, "{}", r.stdout);
}

#[test]
fn the_sample_estate_summary_has_about_200_systems() {
    let r = sample(&["summary", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let systems = j["systems"]["total"].as_u64().unwrap();
    assert!((190..=210).contains(&systems), "{systems} systems");
    let counts = &j["counts"];
    assert!(
        (13..=17).contains(&counts["Domain"].as_u64().unwrap()),
        "{counts}"
    );
    assert!(
        (50..=70).contains(&counts["Capability"].as_u64().unwrap()),
        "{counts}"
    );
    assert!(
        (140..=160).contains(&counts["Integration"].as_u64().unwrap()),
        "{counts}"
    );
    assert!(
        (60..=80).contains(&counts["Supplier"].as_u64().unwrap()),
        "{counts}"
    );
    assert_eq!(counts["Site"], 2);
    // The untidiness the demo exists to show.
    assert!(
        j["systems"]["unowned"].as_u64().unwrap() >= 5,
        "{}",
        j["systems"]
    );
    let by_time: Vec<&str> = j["systems"]["by_time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    for q in ["invest", "tolerate", "migrate", "eliminate"] {
        assert!(by_time.contains(&q), "{by_time:?}");
    }
    let table = sample(&["summary"]);
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.contains("Northbridge Borough Council"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("TIME quadrant"), "{}", table.stdout);
}

#[test]
fn show_lists_attributes_and_both_directions_of_relations() {
    let r = sample(&[
        "show",
        "information-asset:customer-record",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    assert_eq!(j["attributes"]["classification"], "personal");
    let holders: Vec<&Value> = j["incoming"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["edge"] == "holds" && e["from"].as_str().unwrap().starts_with("system:"))
        .collect();
    assert!(holders.len() >= 6, "{}", j["incoming"]);
    assert!(
        holders.iter().all(|e| e["label"] == "copy"),
        "the sample's customer record has no master"
    );
    assert!(
        j["declared_at"].as_str().unwrap().contains("inventory/"),
        "{}",
        j["declared_at"]
    );

    let t = sample(&["show", "customer-record"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(t.stdout.contains("Incoming"), "{}", t.stdout);

    let missing = sample(&["show", "system:does-not-exist"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no node `system:does-not-exist`"),
        "{}",
        missing.stderr
    );
}

#[test]
fn graph_dot_renders_with_graphviz() {
    let r = sample(&["graph", "--format", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let dot_file = dir.path().join("estate.dot");
    std::fs::write(&dot_file, &r.stdout).unwrap();
    let out = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_file)
        .output()
        .expect("graphviz `dot` is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg"), "not SVG");
    assert!(
        svg.contains("system:corvid-revenues") || svg.contains("Corvid Revenues"),
        "the sample's systems are drawn"
    );
}

#[test]
fn graph_mermaid_parses_with_mermaid() {
    let r = sample(&[
        "graph",
        "--format",
        "mermaid",
        "--kinds",
        "system,domain,capability",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("flowchart LR\n"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("estate.mmd");
    std::fs::write(&file, &r.stdout).unwrap();
    let checker = root().join("tests/tools/mermaid-check.mjs");
    let out = Command::new("node")
        .arg(&checker)
        .arg(&file)
        .env("NODE_PATH", root().join("tests/tools/node_modules"))
        .output()
        .expect("node runs the Mermaid checker (.ci/run installs it)");
    assert!(
        out.status.success(),
        "Mermaid rejected the diagram:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn graph_focus_and_depth_limit_the_neighbourhood() {
    let r = sample(&[
        "graph",
        "--format",
        "json",
        "--focus",
        "system:corvid-revenues",
        "--depth",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let ids: Vec<&str> = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"system:corvid-revenues"));
    let edges = j["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    // Every node is the focus or joined to it by one edge.
    for id in &ids {
        if *id == "system:corvid-revenues" {
            continue;
        }
        assert!(
            edges.iter().any(
                |e| (e["from"] == *id && e["to"] == "system:corvid-revenues")
                    || (e["to"] == *id && e["from"] == "system:corvid-revenues")
            ),
            "{id} is not a neighbour"
        );
    }
    let bad = sample(&["graph", "--kinds", "sytem"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown kind `sytem`"),
        "{}",
        bad.stderr
    );
}

/// Each file in tests/bad-input/ starts with `# expect:` lines: the first
/// lines `estate validate` must print for it (`{dir}` is its directory).
#[test]
fn every_bad_input_gives_a_located_error_and_exit_2() {
    let corpus = root().join("tests/bad-input");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus has a file per failure kind");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let want: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !want.is_empty(),
            "{} has no `# expect:` line",
            file.display()
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
        let r = run(estate().arg("validate").arg(dir.path()));
        assert_eq!(r.code, 2, "{}: exit code\n{}", file.display(), r.stderr);
        let shown = r.stderr.replace(&dir.path().display().to_string(), "{dir}");
        let got: Vec<&str> = shown
            .lines()
            .filter(|l| {
                l.starts_with("error") || l.starts_with("warning") || l.starts_with("  help")
            })
            .collect();
        assert_eq!(
            &got[..want.len().min(got.len())],
            &want[..],
            "{}:\n{shown}",
            file.display()
        );
    }
}

#[test]
fn a_file_that_is_not_utf8_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"apiVersion: estate/v1\nkind: System\nmetadata: {name: caf\xe9}\n",
    )
    .unwrap();
    let r = run(estate().arg("validate").arg(dir.path()));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("latin1.yaml:3:21: not UTF-8 text"),
        "{}",
        r.stderr
    );
}

#[test]
fn validate_reports_every_problem_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "unknown-kind.yaml",
        "dangling-reference.yaml",
        "bad-date.yaml",
        "duplicate-name.yaml",
    ] {
        std::fs::copy(root().join("tests/bad-input").join(f), dir.path().join(f)).unwrap();
    }
    let r = run(estate()
        .arg("validate")
        .arg(dir.path())
        .arg("--format")
        .arg("json"));
    assert_eq!(r.code, 2);
    let j = json(&r);
    assert_eq!(j["errors"], 4, "{}", r.stdout);
    for d in j["diagnostics"].as_array().unwrap() {
        assert!(
            d["line"].as_u64().unwrap() > 0 && d["column"].as_u64().unwrap() > 0,
            "{d}"
        );
    }
}

#[test]
fn other_commands_refuse_a_broken_inventory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/bad-input/dangling-reference.yaml"),
        dir.path().join("a.yaml"),
    )
    .unwrap();
    let r = run(estate().arg("--inventory").arg(dir.path()).arg("summary"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("dangling reference `system:gis`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn backstage_catalog_imports_with_every_entity_and_relation_accounted_for() {
    let out = tempfile::tempdir().unwrap();
    let r = run(estate()
        .args(["import", "backstage", "--format", "json", "--out"])
        .arg(out.path())
        .arg(root().join("tests/fixtures/backstage/catalog-info.yaml")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    // 16 entities read, the Location's target file included.
    let read: u64 = j["read"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(read, 16, "{}", j["read"]);
    assert_eq!(j["followed"].as_array().unwrap().len(), 1);
    assert_eq!(j["written"]["System"], 5, "4 components and 1 system");
    assert_eq!(j["written"]["Team"], 2);
    assert_eq!(j["written"]["Domain"], 1);
    assert_eq!(j["written"]["Resource"], 2);
    assert_eq!(
        j["written"]["Integration"], 2,
        "crm-api and address-lookup each join a consumer to a provider"
    );
    // Every entity is written or listed as not imported.
    let written: u64 = j["written"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let not_imported = j["not_imported"].as_array().unwrap().len() as u64;
    let apis_as_integrations = 2; // two APIs became the two integrations
    assert_eq!(
        written - apis_as_integrations + 2 + not_imported,
        read,
        "{}",
        r.stdout
    );
    // Relations: each is mapped or kept, and the unknown target is kept, not dropped.
    assert_eq!(
        j["relations_kept"]["dependsOn"], 1,
        "component:legacy-gazetteer is unknown"
    );
    assert_eq!(j["relations_mapped"]["subcomponentOf"], 1);
    assert_eq!(j["relations_mapped"]["dependencyOf"], 2);
    assert_eq!(j["fields_kept"]["Component.sla"], 1);
    assert_eq!(j["renamed"][0][1], "crm-backend");

    // What was written is valid inventory, with the relations in place.
    let v = run(estate().arg("validate").arg(out.path()));
    assert_eq!(v.code, 0, "{}", v.stderr);
    let show = run(estate().arg("--inventory").arg(out.path()).args([
        "show",
        "system:crm-web",
        "--format",
        "json",
    ]));
    let outgoing = outgoing(&json(&show));
    for want in [
        "depends_on resource:crm-db",
        "depends_on system:crm-pdf-worker",
        "owned_by team:contact-centre-team",
        "part_of system:contact-centre",
        "integrates_with system:crm-backend",
        "integrates_with system:gazetteer",
    ] {
        assert!(
            outgoing.contains(&want.to_string()),
            "missing `{want}` in {outgoing:?}"
        );
    }
    let team = json(&run(estate().arg("--inventory").arg(out.path()).args([
        "show",
        "team:contact-centre-team",
        "--format",
        "json",
    ])));
    assert_eq!(team["attributes"]["members"], 2);
    assert_eq!(team["attributes"]["parent"], "team:digital");
}

#[test]
fn backstage_files_load_directly_from_an_inventory() {
    let r = run(estate()
        .arg("validate")
        .arg(root().join("tests/fixtures/backstage"))
        .args(["--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(json(&r)["nodes"].as_u64().unwrap() >= 12);
}

#[test]
fn completions_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(estate().args(["completions", shell]));
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("validate"), "{shell}");
    }
}

#[test]
fn a_missing_inventory_directory_is_a_clear_error() {
    let r = run(estate().args(["validate", "/nonexistent/inventory"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("inventory directory `/nonexistent/inventory` not found"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_estate_yaml_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("estate.yaml"), "name: Test\ncurency: GBP\n").unwrap();
    let r = run(estate().arg("--estate").arg(dir.path()).arg("summary"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("estate.yaml:2:1: unknown field `curency`"),
        "{}",
        r.stderr
    );
    let r = run(estate()
        .current_dir(root())
        .args(["--period", "2026", "summary"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expected a period as START..END"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_ids_suggest_the_likely_node() {
    let r = sample(&["show", "system:corvid-revenue"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `system:corvid-revenues`?"),
        "{}",
        r.stderr
    );
    let r = sample(&["graph", "--focus", "system:gis-corporate"]);
    assert!(
        r.stderr.contains("did you mean `system:corporate-gis`?"),
        "{}",
        r.stderr
    );
}
