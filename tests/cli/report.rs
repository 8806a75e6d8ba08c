//! `estate report` end to end: every page of the sample estate's report, its
//! numbers against `estate spend/carbon/check --format json`, the exports,
//! hostile names rendered as text, template overrides and errors, and every
//! page loaded in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{Run, estate, json, root, run, sample};

const AS_OF: &str = "2026-11-23";

fn report(estate_dir: &Path, out: &Path) -> Run {
    run(estate()
        .arg("--estate")
        .arg(estate_dir)
        .args(["report", "--as-of", AS_OF, "--out"])
        .arg(out))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn money(s: &str) -> String {
    // "6248215.4224" → "£6,248,215" as the report prints whole pounds.
    let v: f64 = s.parse().unwrap();
    format!("£{}", thousands(v.round() as i64))
}

fn thousands(v: i64) -> String {
    estate::report::site::thousands(v as f64, 0)
}

fn sample_report() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let r = report(&root(), &out);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("207 pages"), "{}", r.stdout);
    (dir, out)
}

#[test]
fn the_sample_report_has_every_page_and_its_numbers_match_the_json_commands() {
    let (_keep, out) = sample_report();
    for page in [
        "index.html",
        "map.html",
        "systems/index.html",
        "spend.html",
        "carbon.html",
        "policies.html",
        "roadmap.html",
        "summary.md",
        "data.json",
        "diagrams/estate.dot",
        "diagrams/estate.mmd",
        "diagrams/workspace.dsl",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    let system_pages = std::fs::read_dir(out.join("systems")).unwrap().count();
    assert_eq!(system_pages, 201, "200 system pages and the index");
    // No staging directories left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".report"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let index = read(&out.join("index.html"));
    let spend = json(&sample(&["spend", "--format", "json"]));
    let effective = spend["totals"]["effective"].as_str().unwrap();
    assert!(
        index.contains(&money(effective)),
        "index lacks {}",
        money(effective)
    );
    let carbon = json(&sample(&["carbon", "--format", "json"]));
    let central = carbon["totals"]["co2e_kg"]["central"].as_f64().unwrap();
    let tonnes = format!(
        "{}.{} t",
        thousands((central / 1000.0) as i64),
        ((central / 100.0).round() as i64) % 10
    );
    assert!(index.contains(&tonnes), "index lacks {tonnes}");
    let check = sample(&["check", "--as-of", AS_OF, "--format", "json"]);
    let check = json(&check);
    let findings = check["summary"]["findings"].as_u64().unwrap();
    assert!(
        index.contains(&format!(r#"<div class="big">{findings}</div>"#)),
        "index lacks {findings} findings"
    );
    // The largest money saving in `estate check` heads the top-ten table.
    let best = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["savings"]["amount"].as_str())
        .map(|a| a.parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    assert!(best > 0.0);
    let best_text = format!("£{}", estate::report::site::thousands(best, 2));
    assert!(
        index.contains(&best_text),
        "index lacks the top saving {best_text}"
    );
    let data: Value = serde_json::from_str(&read(&out.join("data.json"))).unwrap();
    assert_eq!(data["spend"]["totals"], spend["totals"]);
    assert_eq!(data["carbon"]["totals"], carbon["totals"]);
    assert_eq!(data["check"]["summary"], check["summary"]);

    let spend_page = read(&out.join("spend.html"));
    assert!(
        spend_page.contains("SURVEYMONKEY EUROPE UC"),
        "shadow IT listed"
    );
    let rec = &spend["reconciliation"];
    assert!(spend_page.contains(rec["input_billed"].as_str().unwrap()));
    let carbon_page = read(&out.join("carbon.html"));
    assert!(carbon_page.contains("Market-based"));
    assert!(carbon_page.contains("Cloud Carbon Footprint") || carbon_page.contains("CCF"));
    let policies = read(&out.join("policies.html"));
    assert!(policies.contains("system-has-owner"));
    assert!(
        policies.contains("Head of Digital Services"),
        "the waiver is shown"
    );

    let sp = read(&out.join("systems/sharepoint-2016.html"));
    assert!(sp.contains("<h1>SharePoint 2016</h1>"), "title");
    assert!(sp.contains("Application Support"), "owner");
    assert!(sp.contains("Past end of life"), "end-of-life technologies");
    assert!(sp.contains("technology-end-of-life"), "its finding");
    assert!(sp.contains("<svg class=\"diagram\""), "context diagram");

    let md = read(&out.join("summary.md"));
    assert!(md.starts_with("# Northbridge Borough Council"), "{md}");
    assert!(md.contains(&money(effective)));
}

#[test]
fn every_table_has_a_csv_export_that_parses() {
    let (_keep, out) = sample_report();
    let systems = read(&out.join("csv/systems.csv"));
    let mut r = csv::Reader::from_reader(systems.as_bytes());
    assert_eq!(r.headers().unwrap().get(0), Some("System"));
    assert_eq!(r.records().count(), 200);
    let exports = std::fs::read_dir(out.join("csv")).unwrap().count();
    assert!(exports >= 20, "{exports} CSV files");
    // Every table on every page links to its export.
    for page in [
        "index.html",
        "spend.html",
        "carbon.html",
        "policies.html",
        "systems/index.html",
        "systems/sharepoint-2016.html",
    ] {
        let html = read(&out.join(page));
        for href in html
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if href.ends_with(".csv") {
                let p = out.join(page).parent().unwrap().join(href);
                assert!(p.is_file(), "{page} links to missing {href}");
            }
        }
    }
}

#[test]
fn the_diagram_exports_parse_in_graphviz_and_mermaid() {
    let (_keep, out) = sample_report();
    let dot = Command::new("dot")
        .arg("-Tsvg")
        .arg(out.join("diagrams/estate.dot"))
        .output()
        .expect("graphviz");
    assert!(
        dot.status.success(),
        "{}",
        String::from_utf8_lossy(&dot.stderr)
    );
    let mmd = Command::new("node")
        .arg(root().join("tests/tools/mermaid-check.mjs"))
        .arg(out.join("diagrams/estate.mmd"))
        .env("NODE_PATH", root().join("tests/tools/node_modules"))
        .output()
        .expect("node");
    assert!(
        mmd.status.success(),
        "{}{}",
        String::from_utf8_lossy(&mmd.stdout),
        String::from_utf8_lossy(&mmd.stderr)
    );
    let dsl = read(&out.join("diagrams/workspace.dsl"));
    assert!(dsl.starts_with("workspace \"Northbridge Borough Council\" {"));
    assert!(dsl.contains("systemLandscape"));
    assert!(dsl.contains("deployment * live"));
    // Balanced braces, and every relationship names declared systems.
    assert_eq!(dsl.matches('{').count(), dsl.matches('}').count());
    let declared: Vec<&str> = dsl
        .lines()
        .filter_map(|l| l.trim().split_once(" = softwareSystem").map(|(id, _)| id))
        .collect();
    assert_eq!(declared.len(), 200);
    for l in dsl.lines().filter(|l| l.contains(" -> ")) {
        let mut parts = l.split_whitespace();
        let (a, _, b) = (parts.next().unwrap(), parts.next(), parts.next().unwrap());
        assert!(declared.contains(&a) && declared.contains(&b), "{l}");
    }
}

/// `node tests/tools/browser-check.mjs SITE SHOTS`: every page in headless Chromium.
fn browser_check(site: &Path, shots: &Path) -> Value {
    let out = Command::new("node")
        .arg(root().join("tests/tools/browser-check.mjs"))
        .arg(site)
        .arg(shots)
        .output()
        .expect(
            "node runs the browser checker (tests/run.sh installs Chromium and playwright-core)",
        );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_ne!(
        out.status.code(),
        Some(2),
        "the checker could not run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn hostile_names_and_tags_render_as_text_and_run_no_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let r = report(&root().join("tests/fixtures/hostile"), &out);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for entry in walk(&out) {
        let name = entry.to_string_lossy().to_string();
        if !(name.ends_with(".html") || name.ends_with(".md")) {
            continue;
        }
        let text = read(&entry);
        for raw in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "\"onmouseover",
            "<b>bold</b>",
        ] {
            assert!(!text.contains(raw), "{name} contains raw `{raw}`");
        }
    }
    let evil = read(&out.join("systems/evil.html"));
    assert!(
        evil.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "the title is shown as text"
    );
    assert!(
        evil.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "the tag is shown as text"
    );
    let roadmap = read(&out.join("roadmap.html"));
    assert!(
        roadmap.contains("&lt;svg onload=alert(&#x27;roadmap&#x27;)&gt;"),
        "the roadmap's title is shown as text"
    );
    let shots = dir.path().join("shots");
    let j = browser_check(&out, &shots);
    for p in j["pages"].as_array().unwrap() {
        assert_eq!(
            p["dialogs"],
            serde_json::json!([]),
            "script ran on {}",
            p["path"]
        );
        assert_eq!(p["page_errors"], serde_json::json!([]), "{}", p["path"]);
    }
    assert_eq!(j["ok"], true, "{j}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn every_page_of_the_sample_report_loads_cleanly_in_chromium() {
    let (keep, out) = sample_report();
    let shots = keep.path().join("shots");
    let j = browser_check(&out, &shots);
    let pages = j["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 207);
    let roadmap = std::fs::read_to_string(out.join("roadmap.html")).unwrap();
    for want in [
        "Digital Strategy 2027-2030: phases and actions",
        "tCO2e a year, baseline and plan with their ranges",
        "Trajectory by quarter",
        "Roadmaps side by side",
        "strands 2 systems that depend on it",
    ] {
        assert!(roadmap.contains(want), "roadmap.html lacks `{want}`");
    }
    let bad: Vec<&Value> = pages
        .iter()
        .filter(|p| {
            [
                "console_errors",
                "page_errors",
                "failed_requests",
                "external_requests",
                "dialogs",
            ]
            .iter()
            .any(|k| !p[*k].as_array().unwrap().is_empty())
                || p["h1"] != 1
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    for p in pages {
        let shot = PathBuf::from(p["screenshot"].as_str().unwrap());
        let len = std::fs::metadata(&shot).unwrap().len();
        assert!(len > 10_000, "{} is {len} bytes", shot.display());
    }
}

#[test]
fn an_estate_template_overrides_the_shipped_one_and_errors_are_located() {
    let estate_dir = tempfile::tempdir().unwrap();
    let est = estate_dir.path();
    std::fs::write(
        est.join("estate.yaml"),
        format!(
            "name: Override\ninventory: {}\nperiod: 2025-01-01..2025-12-31\n",
            root().join("tests/fixtures/hostile/inventory").display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(est.join("reports")).unwrap();
    std::fs::write(
        est.join("reports/index.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Our own front page</h1><p>{{ headline.systems }} systems</p>{% endblock content %}",
    )
    .unwrap();
    let out = est.join("out/report");
    let r = report(est, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = read(&out.join("index.html"));
    assert!(
        index.contains("<h1>Our own front page</h1><p>2 systems</p>"),
        "{index}"
    );
    // A syntax error names the template file, line and column.
    std::fs::write(
        est.join("reports/index.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ headline.systems </h1>\n{% endblock content %}",
    )
    .unwrap();
    let r = report(est, &out);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("reports/index.html"), "{}", r.stderr);
    assert!(r.stderr.contains("3:"), "line of the error: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    // The previous report is still there, whole.
    assert!(read(&out.join("index.html")).contains("Our own front page"));
}

/// A large estate (2,600 systems in two capabilities each, one depended on
/// by all): every page stays small — tables show their first rows and link
/// their CSV, the map counts systems by capability, the context diagram
/// counts the boxes it leaves out — and the CSV still has every row.
#[test]
fn a_large_estates_pages_stay_small_and_the_csv_has_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory");
    std::fs::create_dir(&inv).unwrap();
    let mut text = String::from(
        "apiVersion: estate/v1\nkind: Domain\nmetadata: {name: d}\n---\napiVersion: estate/v1\nkind: Capability\nmetadata: {name: a}\nspec: {domain: domain:d}\n---\napiVersion: estate/v1\nkind: Capability\nmetadata: {name: b}\nspec: {domain: domain:d}\n---\napiVersion: estate/v1\nkind: System\nmetadata: {name: hub}\nspec: {lifecycle: {phase: active}, domain: domain:d}\n",
    );
    for i in 0..2600 {
        text.push_str(&format!(
            "---\napiVersion: estate/v1\nkind: System\nmetadata: {{name: s{i:04}}}\nspec: {{lifecycle: {{phase: active}}, domain: domain:d, capabilities: [capability:a, capability:b], depends_on: [system:hub]}}\n"
        ));
    }
    std::fs::write(inv.join("systems.yaml"), text).unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        "name: Large\nperiod: 2025-01-01..2025-12-31\n",
    )
    .unwrap();
    let out = dir.path().join("report");
    let r = report(dir.path(), &out);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let systems = read(&out.join("systems/index.html"));
    assert!(
        systems.contains("2601 systems."),
        "the count is of all systems"
    );
    assert!(
        systems.contains("The first 500 of 2601 rows (sorting and the filter see these); every row is in <a href=\"../csv/systems.csv\" download>csv/systems.csv</a>."),
        "{systems}"
    );
    assert_eq!(
        read(&out.join("csv/systems.csv")).lines().count(),
        2602,
        "the CSV holds the header and every system"
    );
    let map = read(&out.join("map.html"));
    assert!(
        map.contains("This estate has 5200 systems-by-capability, more than a page shows one by one (5000): each capability gives its number of systems by TIME quadrant."),
        "{map}"
    );
    assert!(map.contains("<h4>a</h4>") && map.contains("<span class=\"count\">2600:"));
    assert!(!map.contains("s0001"), "no system is listed on the map");
    let hub = read(&out.join("systems/hub.html"));
    assert!(hub.contains(">+2561 more (in the tables below)<"));
    for page in [
        "map.html",
        "systems/index.html",
        "systems/hub.html",
        "index.html",
    ] {
        let size = std::fs::metadata(out.join(page)).unwrap().len();
        assert!(size < 1_000_000, "{page}: {size} bytes");
    }
    // With more than 10,000 capabilities, the map gives each domain's counts.
    let mut caps = String::new();
    for i in 0..10_100 {
        caps.push_str(&format!(
            "---\napiVersion: estate/v1\nkind: Capability\nmetadata: {{name: c{i}}}\nspec: {{domain: domain:d}}\n"
        ));
    }
    std::fs::write(inv.join("more-capabilities.yaml"), caps).unwrap();
    let r = report(dir.path(), &out);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let map = read(&out.join("map.html"));
    assert!(
        map.contains("with 10102 capabilities (more than 10000), each domain gives its number of capabilities and of systems by TIME quadrant."),
        "{map}"
    );
    assert!(
        map.contains("<span class=\"count\">10102 capabilities, 2600 systems:"),
        "{map}"
    );
    assert!(!map.contains("<h4>"), "no capability is listed");
}
