//! `cargo run --release --example policy-scale -- SYSTEMS`: generate an
//! estate of SYSTEMS systems (about five nodes each), load it, estimate its
//! carbon, and run the shipped policy pack (policies/) over it, printing the
//! time of each step and the pack's rule×node evaluations per second (run
//! under `/usr/bin/time -v` for peak memory).

use std::sync::Arc;
use std::time::Instant;

use estate::assess::carbon::{self, Context};
use estate::assess::policy;
use estate::diagnostic::Sources;
use estate::inventory::Date;
use estate::settings::Period;

#[path = "synth/generate.rs"]
mod generate;

fn main() {
    let systems: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let g = generate::generate(dir.path(), systems, 42).expect("generate");
    eprintln!(
        "generated {} nodes in {} files ({:.0} MB): {:.2} s",
        g.nodes,
        g.files,
        g.bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let (model, ds) = estate::model::build(estate::inventory::load(&dir.path().join("inventory")));
    assert_eq!(ds.errors(), 0, "the generated estate is valid");
    eprintln!(
        "loaded {} nodes, {} edges: {:.2} s",
        model.graph.node_count(),
        model.graph.edge_count(),
        t.elapsed().as_secs_f64()
    );
    let period = Period {
        start: Date::parse("2025-01-01").unwrap(),
        end: Date::parse("2025-12-31").unwrap(),
    };
    let t = Instant::now();
    let factors =
        carbon::factors::load("default", None, &mut Sources::default()).expect("built-in set");
    let ctx = Context::new(&model, &factors, period, "GBP");
    let est = carbon::estimate(&ctx);
    eprintln!(
        "carbon: {} items, {:.2} s",
        est.items.len(),
        t.elapsed().as_secs_f64()
    );

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let t = Instant::now();
    let mut sources = Sources::default();
    let (pack, ds) = policy::pack::load(
        &policy::pack::Location {
            dir: &root,
            given: true,
        },
        &Default::default(),
        &mut sources,
    );
    assert_eq!(ds.errors(), 0, "the shipped pack compiles");
    let eol = policy::eol::Eol::load(&root).expect("end-of-life snapshot");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut facts = policy::Facts::new(Arc::new(model), "synthetic", today, "GBP", eol);
    facts.add_carbon(&est, carbon::Basis::Location);
    facts.add_contracts(period);
    eprintln!(
        "pack ({} rules) and facts: {:.2} s",
        pack.rules.len(),
        t.elapsed().as_secs_f64()
    );
    let facts = Arc::new(facts);
    // REPEAT=N runs the check N times (for profiling); the last one is reported.
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    for _ in 1..repeat {
        policy::check(&facts, &pack);
    }
    let t = Instant::now();
    let outcome = policy::check(&facts, &pack);
    let secs = t.elapsed().as_secs_f64();
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    eprintln!(
        "check: {} evaluations, {} findings in {secs:.2} s: {:.0} evaluations/s",
        outcome.evaluated,
        outcome.findings.len(),
        outcome.evaluated as f64 / secs
    );
    if std::env::var_os("PER_RULE").is_some() {
        // Each rule alone, slowest first: where the time goes.
        let mut pack = pack;
        let mut times = Vec::new();
        for rule in std::mem::take(&mut pack.rules) {
            let id = rule.id.clone();
            let one = policy::pack::Pack {
                rules: vec![rule],
                ..Default::default()
            };
            let t = Instant::now();
            let o = policy::check(&facts, &one);
            times.push((t.elapsed().as_secs_f64(), id, o.evaluated));
        }
        times.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (secs, id, n) in times {
            eprintln!("{secs:8.3} s  {n:>9} evaluations  {id}");
        }
    }
}
