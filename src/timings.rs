//! Wall time per pipeline stage and the process's peak memory, printed to
//! stderr after the command with `--timings` (the benchmarks in benches/
//! read it). Stages are timed where they run; unless the flag is given,
//! timing a stage costs one atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);
use std::time::{Duration, Instant};

/// The stages run so far, in order (`None`: not timing).
static STAGES: Mutex<Option<Vec<(&'static str, Duration)>>> = Mutex::new(None);

/// Start timing.
pub fn enable() {
    if let Ok(mut s) = STAGES.lock() {
        *s = Some(Vec::new());
        ON.store(true, Ordering::Relaxed);
    }
}

/// Run `f` as the stage `name` (a stage run twice adds up).
pub fn stage<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Instant::now();
    let value = f();
    let took = start.elapsed();
    if let Ok(mut s) = STAGES.lock()
        && let Some(stages) = s.as_mut()
    {
        match stages.iter_mut().find(|(n, _)| *n == name) {
            Some((_, d)) => *d += took,
            None => stages.push((name, took)),
        }
    }
    value
}

/// The table `--timings` prints: each stage's seconds, the whole run's and
/// the peak resident memory (Linux's VmHWM), or `None` when not timing.
pub fn table(total: Duration) -> Option<String> {
    let stages = STAGES.lock().ok()?.clone()?;
    let mut t = String::from("timings (wall seconds):\n");
    let counted: Duration = stages.iter().map(|(_, d)| *d).sum();
    for (name, d) in &stages {
        t.push_str(&format!("  {name:<32} {:>9.3}\n", d.as_secs_f64()));
    }
    t.push_str(&format!(
        "  {:<32} {:>9.3}\n",
        "other",
        total.saturating_sub(counted).as_secs_f64()
    ));
    t.push_str(&format!("  {:<32} {:>9.3}\n", "total", total.as_secs_f64()));
    if let Some(kb) = peak_kib() {
        t.push_str(&format!(
            "  {:<32} {:>9.1}\n",
            "peak memory (MiB)",
            kb as f64 / 1024.0
        ));
    }
    Some(t)
}

/// Peak resident set size in KiB, from /proc/self/status.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
