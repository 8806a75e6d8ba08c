//! Loading and validating a generated inventory (read, parse, build the
//! graph, resolve every reference) at about 10k and 100k nodes.

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "synth/generate.rs"]
mod generate;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("inventory");
    group.sample_size(10);
    // About five nodes per system: 2k systems ≈ 10k nodes, 20k ≈ 100k.
    for systems in [2_000usize, 20_000] {
        let dir = tempfile::tempdir().expect("temp dir");
        let g = generate::generate(dir.path(), systems, 42).expect("generate");
        group.bench_function(format!("load_and_build_{}_nodes", g.nodes), |b| {
            b.iter(|| {
                let inv = estate::inventory::load(&dir.path().join("inventory"));
                let (model, ds) = estate::model::build(inv);
                assert_eq!(ds.errors(), 0);
                model.graph.node_count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
