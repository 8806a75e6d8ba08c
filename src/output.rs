//! The edge where Estate meets the terminal and the file system: data to
//! stdout ([`print`], [`print_json`]), diagnostics and progress to stderr
//! ([`Terminal`]), and output files written atomically ([`write_atomic`]):
//! into a temporary file beside the target, then renamed over it, so an
//! interrupted run never leaves half a file.
//!
//! Everything printed passes through [`escape`]: a control character from an
//! input (a newline or ESC in a file name, a title) is shown as its Unicode
//! picture (`␊`, `␛`) rather than reaching the terminal, where it could move
//! the cursor or forge an `error:` line. A closed stdout or stderr (`| head`)
//! ends the output quietly.

use std::borrow::Cow;
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
        let shown = Diagnostics {
            items: shown
                .items
                .into_iter()
                .map(|mut d| {
                    d.message = escape(&d.message).into_owned();
                    d.help = d.help.map(|h| escape(&h).into_owned());
                    d.label = d.label.map(|l| escape(&l).into_owned());
                    d
                })
                .collect(),
        };
        let quoted = escaped_sources(&shown, sources);
        write_stderr(&shown.render(&quoted, self.color));
        if errors_only && ds.warnings() > 0 && !self.quiet {
            say(&format!(
                "{} warning(s); `estate validate` lists them",
                ds.warnings()
            ));
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

/// The files `ds` quotes, with their paths and text escaped (one picture
/// per control character, so lines and columns stay where they were).
fn escaped_sources(ds: &Diagnostics, sources: &Sources) -> Sources {
    let quoted: std::collections::BTreeSet<u32> = ds
        .items
        .iter()
        .filter_map(|d| d.loc)
        .map(|l| l.file)
        .collect();
    let mut out = Sources::default();
    for i in 0..sources.len() {
        let i = u32::try_from(i).expect("fewer than 2^32 files");
        match sources.get(i).filter(|_| quoted.contains(&i)) {
            Some(f) => {
                let path = escape(&f.path.to_string_lossy()).into_owned();
                out.add(path.into(), escape_text(&f.text).into());
            }
            None => {
                out.add(sources.path(i).to_path_buf(), "".into());
            }
        }
    }
    out
}

/// `text` with every control character (line breaks and tabs included)
/// shown as its Unicode picture: for one value or one line.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_except(text, &[])
}

/// `text` with every control character but line breaks and tabs shown as
/// its picture: for a block of lines (a table, a quoted file).
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape_except(text, &['\n', '\t'])
}

fn escape_except<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    let bad = |c: char| c.is_control() && !keep.contains(&c);
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if !bad(c) => c,
                // C0: the Control Pictures block (U+2400 + code), DEL its own.
                '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                _ => '\u{fffd}',
            })
            .collect(),
    )
}

/// Write `text` to stderr as it is (it was escaped where it was built); a
/// closed stderr is not an error.
fn write_stderr(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(text.as_bytes()).and_then(|_| e.flush());
}

/// One line to stderr, escaped (see [`escape`]); a closed stderr is ignored.
pub fn say(line: &str) {
    write_stderr(&format!("{}\n", escape(line)));
}

/// `say!("…", args)`: one escaped line to stderr (what `eprintln!` would
/// print, without its panic on a closed stderr or its raw control characters).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say(&format!($($arg)*))
    };
}

/// A block of lines to stderr (a table), escaped but for its line breaks.
pub fn say_block(text: &str) {
    write_stderr(&escape_text(text));
}

/// Exit codes: success; findings at or above `--fail-on` (or an unbalanced
/// reconciliation, a failed collection); bad input or usage.
pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const BAD_INPUT: u8 = 2;

/// Write `text` to stdout (control characters but line breaks and tabs
/// escaped); a closed pipe (`estate graph | head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<u8> {
    write_stdout(&escape_text(text))
}

/// One pretty JSON document on stdout. JSON escapes control characters
/// itself, so its text goes out exactly as serialised.
pub fn print_json(v: &serde_json::Value) -> anyhow::Result<u8> {
    write_stdout(&format!("{}\n", serde_json::to_string_pretty(v)?))
}

fn write_stdout(text: &str) -> anyhow::Result<u8> {
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

    #[test]
    fn control_characters_are_shown_as_their_pictures() {
        assert_eq!(
            super::escape("a\nerror: b\u{1b}[2J\r\u{7f}\u{9b}"),
            "a␊error: b␛[2J␍␡\u{fffd}"
        );
        assert_eq!(super::escape_text("a\tb\nc\u{1b}"), "a\tb\nc␛");
        assert!(matches!(
            super::escape("plain ünïcode"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
