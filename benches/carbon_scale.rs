//! `cargo run --release --example carbon-scale -- N`: build a model of N
//! cloud resources and estimate it once, printing the time of each step
//! (run under `/usr/bin/time -v` for peak memory).

use std::time::Instant;

use estate::assess::carbon::{self, Context};
use estate::diagnostic::Sources;
use estate::inventory::Date;
use estate::settings::Period;

#[path = "synth/resources.rs"]
mod resources;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let model = resources::model(n, 7);
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
