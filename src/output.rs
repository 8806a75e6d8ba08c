//! The edge where Estate meets the terminal and the file system: data to
//! stdout ([`print`], [`print_json`]), diagnostics and progress to stderr
//! ([`Terminal`]), and output files written atomically ([`write_atomic`]):
//! into a temporary file beside the target, then renamed over it, so an
//! interrupted run never leaves half a file.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Diagnostics, Severity, Sources};

/// How stderr is used: colour, and whether only errors are shown.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    pub color: bool,
    pub quiet: bool,
}

impl Terminal {
    /// Print diagnostics: all of them, or (when `errors_only`) errors and a count of warnings.
    pub fn diagnostics(&self, ds: &Diagnostics, sources: &Sources, errors_only: bool) {
        let shown = Diagnostics {
            items: ds
                .items
                .iter()
                .filter(|d| !errors_only || d.severity == Severity::Error)
                .filter(|d| !self.quiet || d.severity == Severity::Error)
                .cloned()
                .collect(),
        };
        eprint!("{}", shown.render(sources, self.color));
        if errors_only && ds.warnings() > 0 && !self.quiet {
            eprintln!("{} warning(s); `estate validate` lists them", ds.warnings());
        }
    }

    /// The same terminal, showing errors only.
    pub fn quieter(self) -> Terminal {
        Terminal {
            quiet: true,
            ..self
        }
    }

    /// A spinner on stderr naming the pipeline's stage (hidden with --quiet or when not a terminal).
    pub fn spinner(&self) -> indicatif::ProgressBar {
        if self.quiet {
            return indicatif::ProgressBar::hidden();
        }
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    }
}

/// Exit codes: success; findings at or above `--fail-on` (or an unbalanced
/// reconciliation, a failed collection); bad input or usage.
pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const BAD_INPUT: u8 = 2;

/// Write `text` to stdout; a closed pipe (`estate graph | head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<u8> {
    use anyhow::Context;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(OK),
        other => other.map(|_| OK).context("writing to stdout"),
    }
}

/// One pretty JSON document on stdout.
pub fn print_json(v: &serde_json::Value) -> anyhow::Result<u8> {
    print(&format!("{}\n", serde_json::to_string_pretty(v)?))
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".estate-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.txt");
        super::write_atomic(&p, b"one").unwrap();
        super::write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
