//! The carbon engine over one million cloud resources (compute, memory,
//! storage, network, embodied, ranges), with the default factor set.

use criterion::{Criterion, criterion_group, criterion_main};
use estate::assess::carbon::{self, Context};
use estate::diagnostic::Sources;
use estate::inventory::Date;
use estate::settings::Period;

#[path = "synth/resources.rs"]
mod resources;

fn estimate(c: &mut Criterion) {
    let factors =
        carbon::factors::load("default", None, &mut Sources::default()).expect("built-in set");
    let period = Period {
        start: Date::parse("2025-01-01").unwrap(),
        end: Date::parse("2025-12-31").unwrap(),
    };
    let mut group = c.benchmark_group("carbon");
    group.sample_size(10);
    for n in [100_000usize, 1_000_000] {
        let model = resources::model(n, 7);
        group.bench_function(format!("estimate_{n}_resources"), |b| {
            b.iter(|| {
                let ctx = Context::new(&model, &factors, period, "GBP");
                let est = carbon::estimate(&ctx);
                assert_eq!(est.items.len(), n);
                est.items.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, estimate);
criterion_main!(benches);
