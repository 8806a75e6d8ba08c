//! `cargo run --release --example carbon-scale -- N [--usage FILE.json]`:
//! build a model of N cloud resources and estimate it once, printing the
//! time of each step (run under `/usr/bin/time -v` for peak memory); with
//! `--usage`, also write the same rows as Cloud Carbon Footprint's
//! estimator reads them (tests/tools/ccf/reference.mjs), for benches/run.

use std::time::Instant;

use estate::assess::carbon::{self, Context};
use estate::diagnostic::Sources;
use estate::inventory::Date;
use estate::settings::Period;

#[path = "synth/resources.rs"]
mod resources;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let rows = resources::rows(n, 7);
    if let Some(i) = args.iter().position(|a| a == "--usage") {
        let path = args.get(i + 1).expect("--usage FILE");
        let json = resources::usage_json(&rows);
        std::fs::write(path, json.to_string()).expect("write the usage rows");
    }
    let t = Instant::now();
    let model = resources::model_of(&rows);
    eprintln!("model of {n} resources: {:.2} s", t.elapsed().as_secs_f64());
    let factors =
        carbon::factors::load("default", None, &mut Sources::default()).expect("built-in set");
    let period = Period {
        start: Date::parse("2025-01-01").unwrap(),
        end: Date::parse("2025-12-31").unwrap(),
    };
    let t = Instant::now();
    let ctx = Context::new(&model, &factors, period, "GBP");
    let est = carbon::estimate(&ctx);
    let secs = t.elapsed().as_secs_f64();
    let total: f64 = est
        .items
        .iter()
        .map(|i| i.co2e(carbon::Basis::Location).central)
        .sum();
    eprintln!(
        "estimated {} items ({} not estimated) in {secs:.2} s: {:.0} items/s; total {:.1} t CO2e",
        est.items.len(),
        est.not_estimated.len(),
        est.items.len() as f64 / secs,
        total / 1000.0
    );
}
