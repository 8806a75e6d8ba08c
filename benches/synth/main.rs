//! `cargo run --release --example synth -- --systems N --out DIR [--resources M]
//! [--focus-rows R] [--clusters K] [--seed S]`: write a synthetic estate
//! directory (estate.yaml, inventory, FOCUS billing, Kubernetes exports) for
//! benchmarks and scale tests. With `--focus-rows N --out FILE.csv` and no
//! `--systems`, only a synthetic FOCUS export over made-up resources.

#[path = "generate.rs"]
mod generate;

fn main() {
    let mut systems: Option<usize> = None;
    let mut resources: Option<usize> = None;
    let mut clusters: Option<usize> = None;
    let mut out = std::path::PathBuf::from("out/synthetic");
    let mut seed = 42u64;
    let mut focus_rows: Option<u64> = None;
    let mut focus_resources = 100_000u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        fn number<T: std::str::FromStr>(flag: &str, v: String) -> T {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("{flag} takes a whole number")))
        }
        match a.as_str() {
            "--systems" => systems = Some(number(&a, value())),
            "--resources" => resources = Some(number(&a, value())),
            "--clusters" => clusters = Some(number(&a, value())),
            "--out" => out = value().into(),
            "--seed" => seed = number(&a, value()),
            "--focus-rows" => focus_rows = Some(number(&a, value())),
            "--focus-resources" => focus_resources = number(&a, value()),
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let Some(systems) = systems else {
        let Some(rows) = focus_rows else {
            usage("give --systems N (an estate) or --focus-rows N (a billing file)")
        };
        let pool = generate::focus::pool(focus_resources);
        match generate::focus::write(&out, rows, &pool, seed) {
            Ok(bytes) => eprintln!(
                "wrote {rows} FOCUS rows ({bytes} bytes) to {}",
                out.display()
            ),
            Err(e) => fail(&out, e),
        }
        return;
    };
    let mut cfg = generate::Config::new(systems);
    cfg.seed = seed;
    if let Some(r) = resources {
        cfg.resources = r;
    }
    if let Some(r) = focus_rows {
        cfg.focus_rows = r;
    }
    if let Some(c) = clusters {
        cfg.clusters = c;
    }
    match generate::generate_with(&out, &cfg) {
        Ok(g) => eprintln!(
            "wrote {} inventory documents in {} files ({} bytes), {} FOCUS rows ({} bytes), {} clusters with {} pods to {}",
            g.nodes,
            g.files,
            g.bytes,
            g.focus_rows,
            g.focus_bytes,
            cfg.clusters,
            g.pods,
            out.display()
        ),
        Err(e) => fail(&out, e),
    }
}

fn fail(out: &std::path::Path, e: std::io::Error) -> ! {
    eprintln!("error: writing {}: {e}", out.display());
    std::process::exit(2);
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!(
        "usage: synth --systems N [--resources M] [--focus-rows R] [--clusters K] [--out DIR] [--seed S]\n       synth --focus-rows N [--focus-resources M] --out FILE.csv [--seed S]"
    );
    std::process::exit(2);
}
