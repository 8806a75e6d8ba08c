//! The fuzz targets' check on stable Rust, for CI: every entry point of
//! `estate::fuzzing` runs over its whole seed corpus (fuzz/corpus/FAMILY/),
//! over a fixed number of deterministic mutants of it (bit flips, byte
//! inserts and deletes, splices, repeated chunks, boundary tokens; fixed
//! seed), and over the crash inputs kept under fuzz/artifacts/FAMILY/. A
//! panic fails the test naming the family and the file holding the input.
//! `ESTATE_FUZZ_MUTANTS=N` runs N mutants per family instead of the default.
//!
//! Each family runs in a child process (this test binary again, running
//! only [`one_family`]) on a thread with an 8 MiB stack, the size of the
//! main thread `estate` runs on, so a stack overflow or an abort fails that
//! family's test with its input instead of killing every test. The input
//! being run is always in `$TMPDIR/estate-fuzz/FAMILY.current`.

use std::path::Path;

use super::root;

/// Mutants per family when `ESTATE_FUZZ_MUTANTS` is not set: as many as
/// fit in about ten seconds each in a debug build (loading an inventory or
/// compiling every report template takes tens of milliseconds there).
const MUTANTS: &[(&str, usize)] = &[
    ("inventory", 300),
    ("settings", 300),
    ("policy", 1_000),
    ("billing_csv", 1_000),
    ("billing_files", 1_000),
    ("terraform", 2_000),
    ("cloud", 2_000),
    ("onprem", 2_000),
];

/// How long one family may run before its input is taken to hang.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// Tokens that sit on a parser's boundaries: numbers out of range, quoting,
/// nesting, separators, YAML and template syntax.
const TOKENS: &[&[u8]] = &[
    b"99999999999999999999999999999",
    b"-1",
    b"1e308",
    b"NaN",
    b"0.0000000001",
    b"\"",
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\n",
    b"\r\n",
    b"\t",
    b"\0",
    b"---\n",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"{{",
    b"{%",
    b"\xff",
    b"\xc3\xa9",
    b"=SUM(A1)",
    b"2025-13-45",
    b"4/1/25",
];

fn corpus(family: &str) -> Vec<(String, Vec<u8>)> {
    files(&root().join("fuzz/corpus").join(family))
}

/// The files of a folder (not hidden, not README), sorted, with their bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('.') && !name.starts_with("README")
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// One mutant of a seed: one to four edits, some taking from another seed.
fn mutate(rng: &mut fastrand::Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..rng.usize(1..=4) {
        let at = rng.usize(0..=v.len());
        match rng.u8(0..8) {
            0 if !v.is_empty() => {
                let i = rng.usize(0..v.len());
                v[i] ^= 1 << rng.u8(0..8);
            }
            1 => v.insert(at, rng.u8(..)),
            2 if !v.is_empty() => {
                let i = rng.usize(0..v.len());
                let n = rng.usize(1..=16).min(v.len() - i);
                v.drain(i..i + n);
            }
            3 if !other.is_empty() => {
                // Splice: the head of this seed, the tail of another.
                let cut = rng.usize(0..other.len());
                v.truncate(at);
                v.extend_from_slice(&other[cut..]);
            }
            4 if !v.is_empty() => {
                // A chunk repeated in place.
                let i = rng.usize(0..v.len());
                let n = rng.usize(1..=64).min(v.len() - i);
                let chunk = v[i..i + n].to_vec();
                for _ in 0..rng.usize(1..=64) {
                    v.splice(i..i, chunk.iter().copied());
                }
            }
            5 => {
                let t = TOKENS[rng.usize(0..TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            6 if !v.is_empty() => {
                // A digit run replaced by a boundary number.
                let i = rng.usize(0..v.len());
                if let Some(d) = v[i..].iter().position(u8::is_ascii_digit) {
                    let s = i + d;
                    let e = s + v[s..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let t = TOKENS[rng.usize(0..5)];
                    v.splice(s..e, t.iter().copied());
                }
            }
            _ => v.truncate(at),
        }
    }
    v
}

/// Run `f` on every input, keeping the one running in `current`; the
/// inputs that panicked, each written beside it.
fn run_all(
    family: &str,
    f: fn(&[u8]),
    inputs: impl Iterator<Item = (String, Vec<u8>)>,
) -> Vec<String> {
    let dir = std::env::temp_dir().join("estate-fuzz");
    std::fs::create_dir_all(&dir).unwrap();
    let current = dir.join(format!("{family}.current"));
    let mut failed = Vec::new();
    for (name, input) in inputs {
        std::fs::write(&current, &input).unwrap();
        if std::panic::catch_unwind(|| f(&input)).is_err() {
            let kept = dir.join(format!("{family}-{}", failed.len()));
            std::fs::write(&kept, &input).unwrap();
            failed.push(format!("{family}: {name}: input in {}", kept.display()));
        }
    }
    failed
}

/// The family a child process runs (see [`one_family`]).
const FAMILY_VAR: &str = "ESTATE_FUZZ_FAMILY";

fn entry(family: &str) -> fn(&[u8]) {
    estate::fuzzing::FAMILIES
        .iter()
        .find(|(n, _)| *n == family)
        .map(|(_, f)| *f)
        .unwrap()
}

/// Run one family in a child process and fail with what it found: the
/// inputs that panicked, or the input it died on.
fn check(family: &'static str) {
    let dir = std::env::temp_dir().join("estate-fuzz");
    std::fs::create_dir_all(&dir).unwrap();
    let (out_path, err_path) = (
        dir.join(format!("{family}.out")),
        dir.join(format!("{family}.err")),
    );
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "fuzz::one_family",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(FAMILY_VAR, family)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let current = dir.join(format!("{family}.current"));
    let Some(status) = status else {
        panic!(
            "{family}: still running after {DEADLINE:?}: the input in {} hangs",
            current.display()
        );
    };
    assert!(
        status.code().is_some(),
        "{family}: the process died ({status}) on the input in {}:\n{}",
        current.display(),
        stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
    let found: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("panicked: "))
        .collect();
    assert!(
        status.success() && found.is_empty(),
        "{family}: {} input(s) panicked:\n{}\n{stderr}",
        found.len(),
        found.join("\n")
    );
    assert!(
        stdout.contains(&format!("ran {family}:")),
        "{family}: the child ran nothing:\n{stdout}\n{stderr}"
    );
}

/// What a child process runs: the corpus, the mutants and the kept crash
/// inputs of the family `ESTATE_FUZZ_FAMILY` names (nothing without it).
#[test]
fn one_family() {
    let Ok(family) = std::env::var(FAMILY_VAR) else {
        return;
    };
    let f = entry(&family);
    let seeds = corpus(&family);
    assert!(
        seeds.len() >= 5,
        "fuzz/corpus/{family} has {} seeds",
        seeds.len()
    );
    let n: usize = std::env::var("ESTATE_FUZZ_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            MUTANTS
                .iter()
                .find(|(n, _)| *n == family)
                .map_or(1_000, |(_, n)| *n)
        });
    let kept = files(&root().join("fuzz/artifacts").join(&family));
    let t = std::time::Instant::now();
    let (runs, failed) = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let mut rng = fastrand::Rng::with_seed(0x5eed_0000 + family.len() as u64);
            let mutants: Vec<(String, Vec<u8>)> = (0..n)
                .map(|i| {
                    let (_, seed) = &seeds[rng.usize(0..seeds.len())];
                    let (_, other) = &seeds[rng.usize(0..seeds.len())];
                    (format!("mutant {i}"), mutate(&mut rng, seed, other))
                })
                .collect();
            let runs = seeds.len() + mutants.len() + kept.len();
            let inputs = seeds.into_iter().chain(mutants).chain(kept);
            (runs, run_all(&family, f, inputs))
        })
        .unwrap()
        .join()
        .unwrap();
    println!();
    for f in &failed {
        println!("panicked: {f}");
    }
    println!(
        "ran {}: {runs} inputs in {:.1?}",
        std::env::var(FAMILY_VAR).unwrap(),
        t.elapsed()
    );
}

macro_rules! families {
    ($($family:ident),*) => {
        $(
            #[test]
            fn $family() {
                check(stringify!($family));
            }
        )*

        #[test]
        fn every_family_has_a_check_and_a_target() {
            let checked = [$(stringify!($family)),*];
            for (name, _) in estate::fuzzing::FAMILIES {
                assert!(checked.contains(name), "no check for the family `{name}`");
                let target = root().join(format!("fuzz/fuzz_targets/{name}.rs"));
                assert!(target.is_file(), "no fuzz target {}", target.display());
            }
        }
    };
}

families!(
    inventory,
    settings,
    policy,
    billing_csv,
    billing_files,
    terraform,
    cloud,
    onprem
);
