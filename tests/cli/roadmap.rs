//! `estate plan roadmap` on the sample's two roadmaps, and `plan waves --to`.

use rust_decimal::Decimal;

use super::{json, sample};

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, found {v}"))
        .parse()
        .expect("a decimal")
}

#[test]
fn the_sample_roadmap_has_a_trajectory_with_ranges_costs_payback_and_warnings() {
    let r = sample(&[
        "plan",
        "roadmap",
        "digital-strategy-2027",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = json(&r);
    let phases = o["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    // One-off costs: the phases' add up to the total, and to the actions'.
    let by_phase: Decimal = phases.iter().map(|p| dec(&p["one_off_cost"])).sum();
    let by_action: Decimal = o["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| dec(&a["one_off_cost"]))
        .sum();
    assert_eq!(by_phase, dec(&o["one_off_total"]));
    assert_eq!(by_action, dec(&o["one_off_total"]));
    assert!(dec(&o["one_off_total"]) > Decimal::from(1_000_000));
    // The actions' spend changes add up to the plan's.
    let spend_deltas: Decimal = o["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| dec(&a["spend_delta"]))
        .sum();
    assert_eq!(
        dec(&o["baseline"]["spend"]) + spend_deltas,
        dec(&o["at_end"]["spend"])
    );
    // Quarter by quarter from 2027-Q1 to 2030-Q1, carbon with a range.
    let q = o["trajectory"].as_array().unwrap();
    assert_eq!(q.first().unwrap()["quarter"], "2027-Q1");
    assert_eq!(q.last().unwrap()["quarter"], "2030-Q1");
    assert_eq!(q.len(), 13);
    for x in q {
        let c = &x["plan"]["co2e_kg"];
        let (l, m, h) = (
            c["low"].as_f64().unwrap(),
            c["central"].as_f64().unwrap(),
            c["high"].as_f64().unwrap(),
        );
        assert!(l < m && m < h, "{x}");
    }
    // The plan saves carbon and money; payback is dated.
    assert!(o["co2e_reduction_kg"]["central"].as_f64().unwrap() > 50_000.0);
    assert!(dec(&o["annual_saving"]) > Decimal::ZERO);
    assert!(o["payback"]["date"].as_str().unwrap() > "2027");
    // Real warnings: SharePoint 2016 has dependants when it is retired.
    let warnings = o["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["kind"] == "strands-dependent"
            && w["subject"] == "system:sharepoint-2016"
            && w["message"]
                .as_str()
                .unwrap()
                .contains("Planning Appeals Tracker")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w["kind"] == "capability-gap"));
    // The Town Hall closes into Castellan: nothing is stranded there.
    assert!(!warnings.iter().any(|w| w["kind"] == "site-closure"));
}

#[test]
fn the_lift_and_shift_alternative_breaks_residency_and_strands_the_server_room() {
    let r = sample(&["plan", "roadmap", "lift-and-shift-2027", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = json(&r);
    let warnings = o["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["kind"] == "policy" && w["subject"] == "system:legacy-crm"),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w["kind"] == "site-closure"),
        "{warnings:?}"
    );
    assert!(
        o["payback"].is_null(),
        "it never pays back: {}",
        o["payback"]
    );
    let lift = &o["phases"][0];
    assert!(
        lift["new_findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "high-carbon-region")
    );
}

#[test]
fn two_roadmaps_compare_side_by_side_and_markdown_is_a_pr_comment() {
    let r = sample(&["plan", "roadmap"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("digital-strategy-2027"));
    assert!(r.stdout.contains("lift-and-shift-2027"));
    assert!(r.stdout.contains("Payback"));
    let md = sample(&[
        "plan",
        "roadmap",
        "digital-strategy-2027",
        "--format",
        "markdown",
    ]);
    assert_eq!(md.code, 0);
    assert!(
        md.stdout
            .starts_with("## Roadmap: Digital Strategy 2027-2030")
    );
    assert!(md.stdout.contains("| 2027-Q1 |"));
    assert!(md.stdout.contains("### Warnings"));
    let bad = sample(&["plan", "roadmap", "digital-strategy"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("digital-strategy-2027"),
        "{}",
        bad.stderr
    );
}

#[test]
fn waves_show_what_migrating_each_would_change() {
    let r = sample(&[
        "plan",
        "waves",
        "--systems",
        "system:corvid-revenues,system:corvid-benefits,system:corvid-housing",
        "--to",
        "azure:uksouth:Dsv5",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = json(&r);
    let waves = o["waves"].as_array().unwrap();
    assert!(!waves.is_empty());
    for w in waves {
        let m = &w["if_migrated"];
        assert_eq!(m["target"], "azure:uksouth:Dsv5");
        assert!(
            m["co2e_delta_kg"]["central"].as_f64().unwrap() != 0.0,
            "{w}"
        );
    }
    let bad = sample(&["plan", "waves", "--to", "azure:atlantis"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("atlantis"));
}
