//! Tests of the roadmap engine: each action on a small estate, and payback.

use petgraph::Direction;

use super::*;
use crate::assess::carbon::Basis;
use crate::assess::spend::{Allocation, Cost};
use crate::diagnostic::Sources;
use crate::inventory::{Date, Inventory, load::load_text};
use crate::model::EdgeKind;

const ESTATE: &str = r#"apiVersion: estate/v1
kind: Supplier
metadata: {name: sw}
spec: {category: software}
---
apiVersion: estate/v1
kind: System
metadata: {name: a}
---
apiVersion: estate/v1
kind: System
metadata: {name: b}
spec: {depends_on: [resource:rs]}
---
apiVersion: estate/v1
kind: System
metadata: {name: x}
spec: {depends_on: [system:dep1]}
---
apiVersion: estate/v1
kind: System
metadata: {name: y}
spec: {depends_on: [system:dep2], lifecycle: {phase: phase-in, start: 2027-09-01}}
---
apiVersion: estate/v1
kind: System
metadata: {name: z}
spec: {depends_on: [system:x]}
---
apiVersion: estate/v1
kind: System
metadata: {name: dep1}
---
apiVersion: estate/v1
kind: System
metadata: {name: dep2}
---
apiVersion: estate/v1
kind: System
metadata: {name: m}
spec: {data_location: GB}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: ra}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, system: system:a}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: rs}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, system: system:a}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: rm}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: m5.large, utilisation: 0.5, system: system:m}
---
apiVersion: estate/v1
kind: Roadmap
metadata: {name: r}
spec:
  phases:
    - name: p
      start: 2027-01-01
      end: 2027-12-31
      actions:
        - {action: retire, date: 2027-03-31, systems: [system:a], one_off_cost: 100}
        - {action: consolidate, date: 2027-06-30, systems: [system:x], into: system:y}
        - {action: migrate, date: 2027-09-30, systems: [system:m], to: {provider: aws, region: eu-north-1}}
"#;

fn model() -> Model {
    let mut inv = Inventory::default();
    load_text(
        &mut inv,
        "t.yaml".into(),
        ESTATE.to_string(),
        &mut Vec::new(),
    );
    let (m, ds) = crate::model::build(inv);
    assert_eq!(ds.errors(), 0, "{:?}", ds.items);
    m
}

fn factors() -> FactorSet {
    carbon::factors::load("default", None, &mut Sources::default()).expect("shipped set")
}

fn year() -> Period {
    Period {
        start: Date::parse("2025-01-01").unwrap(),
        end: Date::parse("2025-12-31").unwrap(),
    }
}

fn pounds(p: i64) -> Cost {
    Cost {
        billed: Decimal::from(p),
        effective: Decimal::from(p),
    }
}

/// a: its own resource (100) and licence (50); rs, which b depends on,
/// charged to a (40); a contract shared with b (10 each); 7 unallocated.
fn ledger() -> Ledger {
    let mut l = Ledger::default();
    let mut put = |sharers: &[&str], resource: &str, system: &str, p: i64| {
        let a = Allocation {
            sharers: sharers.iter().map(|s| s.to_string()).collect(),
            resource: resource.into(),
            system: system.into(),
            supplier: "supplier:sw".into(),
        };
        l.allocations.insert(a, pounds(p));
        *l.by_system.entry(system.to_string()).or_default() += pounds(p);
        l.allocated += pounds(p);
    };
    put(&["system:a"], "resource:ra", "system:a", 100);
    put(&["system:a"], "", "system:a", 50);
    put(&["system:a"], "resource:rs", "system:a", 40);
    put(&["system:a", "system:b"], "", "system:a", 10);
    put(&["system:a", "system:b"], "", "system:b", 10);
    l.unallocated = pounds(7);
    l.total = l.allocated;
    l.total += l.unallocated;
    l
}

fn base<'a>(m: &'a Model, f: &'a FactorSet, l: Option<&'a Ledger>) -> Baseline<'a> {
    Baseline {
        model: m,
        factors: f,
        period: year(),
        currency: "GBP",
        ledger: l,
    }
}

fn action(model: &Model, i: usize) -> Action {
    declared(model)[0].2.phases[0].actions[i].clone()
}

#[test]
fn a_retirement_removes_exactly_its_own_spend_and_carbon_and_nothing_shared() {
    let (m, f, l) = (model(), factors(), ledger());
    let base = base(&m, &f, Some(&l));
    let mut s = State::new(&base);
    let (before, est) = s.point();
    assert_eq!(before.spend, Decimal::from(217));
    s.apply(&action(&m, 0));
    let (after, _) = s.point();
    // by_system[a] is 200, of which 40 (rs, which b needs) and 10 (shared contract) are shared.
    assert_eq!(before.spend - after.spend, Decimal::from(150));
    let ra = est
        .items
        .iter()
        .find(|i| i.id == "resource:ra")
        .expect("ra estimated")
        .co2e(Basis::Location);
    let drop = before.co2e_kg.bound_minus(after.co2e_kg);
    for (d, r) in [
        (drop.low, ra.low),
        (drop.central, ra.central),
        (drop.high, ra.high),
    ] {
        assert!((d - r).abs() < 1e-9 * r.max(1.0), "{d} vs {r}");
    }
    assert!(
        s.model.get("resource:rs").is_some(),
        "shared resource stays"
    );
    assert!(s.model.get("resource:ra").is_none());
    assert_eq!(
        s.ledger().by_system.get("system:b").map(|c| c.effective),
        Some(Decimal::from(60)),
        "what a shared with b now falls to b"
    );
}

#[test]
fn a_consolidation_keeps_the_survivors_dependencies_and_takes_on_the_others() {
    let (m, f) = (model(), factors());
    let base = base(&m, &f, None);
    let mut s = State::new(&base);
    s.date = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
    s.apply(&action(&m, 1));
    let deps = |id: &str| -> Vec<String> {
        let i = s.model.get(id).expect("present");
        let mut v: Vec<String> = s
            .model
            .neighbours(i, Direction::Outgoing, &[EdgeKind::DependsOn])
            .into_iter()
            .map(|n| s.model.node(n).id.to_string())
            .collect();
        v.sort();
        v
    };
    assert!(s.model.get("system:x").is_none());
    assert_eq!(deps("system:y"), ["system:dep1", "system:dep2"]);
    assert_eq!(deps("system:z"), ["system:y"]);
    // y goes live after the consolidation date: warned, nothing stranded.
    let kinds: Vec<&str> = s.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, ["before-replacement"], "{:?}", s.warnings);
    assert!(s.warnings[0].message.contains("goes live on 2027-09-01"));
}

#[test]
fn a_migration_changes_operational_emissions_by_the_ratio_of_grid_factors() {
    let (m, f) = (model(), factors());
    let base = base(&m, &f, None);
    let op = |est: &carbon::Estimate| {
        est.items
            .iter()
            .find(|i| i.id == "resource:rm")
            .expect("rm estimated")
            .operational(Basis::Location)
            .central
    };
    let ctx = carbon::Context::new(&m, &f, year(), "GBP");
    let grid = |r: &str| {
        carbon::cloud::region_grid(&ctx, Provider::Aws, r)
            .expect("grid")
            .generation
            .central
    };
    let mut s = State::new(&base);
    let (_, before) = s.point();
    s.date = NaiveDate::from_ymd_opt(2027, 9, 30).unwrap();
    s.apply(&action(&m, 2));
    // m keeps its data in GB; eu-north-1 is in Sweden.
    assert!(
        s.warnings
            .iter()
            .any(|w| w.kind == "data-residency" && w.message.contains("SE")),
        "{:?}",
        s.warnings
    );
    let (_, after) = s.point();
    let ratio = op(&after) / op(&before);
    let expected = grid("eu-north-1") / grid("eu-west-2");
    assert!(expected < 0.5, "Sweden's grid is cleaner: {expected}");
    assert!((ratio - expected).abs() < 1e-9, "{ratio} vs {expected}");
}

#[test]
fn payback_is_the_day_savings_cover_the_one_off_costs() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let point = |spend: &str| Point {
        spend: spend.parse().unwrap(),
        co2e_kg: Range::ZERO,
    };
    // Saving 365.25 a year is 1.00 a day from 2027-01-01; 10 of one-off costs.
    let steps = [(d("2027-01-01"), point("634.75"), Decimal::from(10))];
    let (q, p) = trajectory(point("1000"), &steps, d("2027-01-01"), d("2027-06-30"));
    let p = p.expect("pays back");
    assert_eq!(p.date, d("2027-01-10"));
    assert!(!p.after_roadmap);
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].quarter, "2027-Q1");
    assert_eq!(q[0].saved_to_date, Decimal::from(90));
    assert_eq!(q[1].one_off_to_date, Decimal::from(10));
}
