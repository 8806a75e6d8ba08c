//! `cargo run --release --example synth -- --systems N --out DIR [--seed S]`:
//! write a synthetic estate for benchmarks and scale tests; with
//! `--focus-rows N --out FILE.csv`, a synthetic FOCUS billing export.

#[path = "focus.rs"]
mod focus;
#[path = "generate.rs"]
mod generate;

fn main() {
    let mut systems = 200usize;
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
        match a.as_str() {
            "--systems" => {
                systems = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--systems takes a whole number"))
            }
            "--out" => out = value().into(),
            "--seed" => {
                seed = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--seed takes a whole number"))
            }
            "--focus-rows" => {
                focus_rows = Some(
                    value()
                        .parse()
                        .unwrap_or_else(|_| usage("--focus-rows takes a whole number")),
                )
            }
            "--focus-resources" => {
                focus_resources = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--focus-resources takes a whole number"))
            }
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    if let Some(rows) = focus_rows {
        match focus::write(&out, rows, focus_resources, seed) {
            Ok(bytes) => eprintln!(
                "wrote {rows} FOCUS rows ({bytes} bytes) to {}",
                out.display()
            ),
            Err(e) => {
                eprintln!("error: writing {}: {e}", out.display());
                std::process::exit(2);
            }
        }
        return;
    }
    match generate::generate(&out, systems, seed) {
        Ok(g) => eprintln!(
            "wrote {} entities in {} files ({} bytes) to {}",
            g.nodes,
            g.files,
            g.bytes,
            out.display()
        ),
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            std::process::exit(2);
        }
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!(
        "usage: synth [--systems N] [--out DIR] [--seed S]\n       synth --focus-rows N [--focus-resources M] --out FILE.csv [--seed S]"
    );
    std::process::exit(2);
}
