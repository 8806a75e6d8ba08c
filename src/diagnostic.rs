//! Located problems in files users write, and how they are shown.
//!
//! Every stage that reads user input (the inventory, estate.yaml, policies,
//! templates) reports problems as [`Diagnostic`]s that point at a file, line
//! and column, gathers them all, and only then fails. They render through
//! miette with the offending line quoted, or as JSON for tools.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A file that was read, kept so diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// Every file read in one run; a [`Loc`] names one by index.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> u32 {
        self.files.push(SourceFile { path, text });
        u32::try_from(self.files.len() - 1).expect("fewer than 2^32 files")
    }

    pub fn get(&self, file: u32) -> Option<&SourceFile> {
        self.files.get(file as usize)
    }

    pub fn path(&self, file: u32) -> &Path {
        self.get(file).map_or(Path::new("<unknown>"), |f| &f.path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `path:line:col` for a location.
    pub fn describe(&self, loc: Loc) -> String {
        format!(
            "{}:{}:{}",
            self.path(loc.file).display(),
            loc.line,
            loc.column
        )
    }
}

/// A position in a source file: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: u32,
    pub line: u32,
    pub column: u32,
}

impl Loc {
    /// A location from serde-saphyr's, in a document that starts `line_offset`
    /// lines into its file. Unknown locations (line 0) give `None`.
    pub fn from_yaml(file: u32, line_offset: u32, loc: serde_saphyr::Location) -> Option<Loc> {
        (loc.line() > 0).then(|| Loc {
            file,
            line: u32::try_from(loc.line())
                .unwrap_or(u32::MAX)
                .saturating_add(line_offset),
            column: u32::try_from(loc.column()).unwrap_or(u32::MAX).max(1),
        })
    }
}

/// A serde-saphyr error in a whole-file document (estate.yaml, factor files), located.
pub fn yaml_error(e: &serde_saphyr::Error, file: u32) -> Diagnostic {
    use serde_saphyr::MessageFormatter;
    let loc = e.location().and_then(|l| Loc::from_yaml(file, 0, l));
    let msg = serde_saphyr::UserMessageFormatter
        .format_message(e.without_snippet())
        .into_owned();
    Diagnostic::error(loc, msg)
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub loc: Option<Loc>,
    /// Text under the caret; the message is used when absent.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(loc: Option<Loc>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            loc,
            label: None,
            help: None,
        }
    }

    pub fn warning(loc: Option<Loc>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(loc, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn maybe_help(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }
}

/// All the problems found in one run, errors and warnings together.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Errors first, then warnings, each in file and line order.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| (d.severity, d.loc));
    }

    /// Render every diagnostic for a terminal (colour only when asked).
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&render_one(d, sources, color));
        }
        out
    }

    pub fn to_json(&self, sources: &Sources) -> serde_json::Value {
        let item = |d: &Diagnostic| {
            let mut v = serde_json::json!({
                "severity": d.severity,
                "message": d.message,
            });
            if let Some(loc) = d.loc {
                v["file"] = sources.path(loc.file).display().to_string().into();
                v["line"] = loc.line.into();
                v["column"] = loc.column.into();
            }
            if let Some(h) = &d.help {
                v["help"] = h.clone().into();
            }
            v
        };
        serde_json::json!({
            "errors": self.errors(),
            "warnings": self.warnings(),
            "diagnostics": self.items.iter().map(item).collect::<Vec<_>>(),
        })
    }
}

/// The miette form of one diagnostic.
#[derive(Debug)]
struct Miette {
    severity: Severity,
    message: String,
    help: Option<String>,
    source: Option<miette::NamedSource<Arc<str>>>,
    labels: Vec<miette::LabeledSpan>,
}

impl fmt::Display for Miette {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Miette {}

impl miette::Diagnostic for Miette {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<_>)
    }
}

/// Byte offset of a 1-based line and character column in `text`.
fn byte_offset(text: &str, line: u32, column: u32) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |e| start + e)];
    let col = line_text
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + col)
}

/// The longest line quoted under a diagnostic. miette cannot draw a caret
/// past column 65,535 (it panics), and a longer quote helps nobody: such a
/// diagnostic is the plain located line (and its help) alone.
const QUOTABLE_LINE: usize = 4096;

/// Whether the lines miette would quote around `line` (it shows one either side) are short enough.
fn quotable(text: &str, line: u32) -> bool {
    let first = line.saturating_sub(2) as usize;
    text.split('\n')
        .skip(first)
        .take(3)
        .all(|l| l.len() <= QUOTABLE_LINE)
}

/// The caret label: the message up to its first comma or colon.
fn short_label(message: &str) -> String {
    let end = message.find([',', ':', ';']).unwrap_or(message.len());
    message[..end].to_string()
}

fn render_one(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // A plain first line that tools and people can grep: `error: path:line:col: message`.
    let mut out = match d.loc {
        Some(loc) => format!("{severity}: {}: {}\n", sources.describe(loc), d.message),
        None => format!("{severity}: {}\n", d.message),
    };
    let mut report = Miette {
        severity: d.severity,
        message: d.message.clone(),
        help: d.help.clone(),
        source: None,
        labels: Vec::new(),
    };
    if let Some(loc) = d.loc
        && let Some(file) = sources.get(loc.file)
        && quotable(&file.text, loc.line)
        && let Some(offset) = byte_offset(&file.text, loc.line, loc.column)
    {
        // Underline the token: up to white space, a flow delimiter, or a key's colon.
        let rest = &file.text[offset..];
        let mut len = rest.len();
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let key_colon = c == ':' && chars.peek().is_none_or(|(_, n)| n.is_whitespace());
            if c.is_whitespace() || matches!(c, ',' | ']' | '}') || key_colon {
                len = i;
                break;
            }
        }
        let len = len.max(1);
        let name = file.path.display().to_string();
        report.source = Some(miette::NamedSource::new(name, file.text.clone()));
        report.labels.push(miette::LabeledSpan::new(
            Some(d.label.clone().unwrap_or_else(|| short_label(&d.message))),
            offset,
            len.min(file.text.len() - offset),
        ));
    } else if let Some(help) = &d.help {
        out.push_str(&format!("  help: {help}\n"));
        return out;
    } else {
        return out;
    }
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    // Wide enough that the message (printed plainly above) stays on its first line.
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(1000);
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, &report).is_ok() {
        // The first line repeats the message we already printed plainly.
        let body: Vec<&str> = rendered.lines().skip(1).collect();
        out.push_str(&body.join("\n"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "a: 1\nnäme: x\n";
        assert_eq!(byte_offset(text, 2, 7), Some(5 + 7));
        assert_eq!(byte_offset(text, 1, 1), Some(0));
        assert_eq!(byte_offset(text, 9, 1), None);
    }

    #[test]
    fn an_error_past_column_65535_is_a_plain_located_line() {
        let mut sources = Sources::default();
        let line = format!(
            "metadata: {{name: a, title: \"{}\", bogus: 1}}\n",
            "x".repeat(70_000)
        );
        let f = sources.add(
            "inv/a.yaml".into(),
            Arc::from(format!("kind: System\n{line}")),
        );
        let mut ds = Diagnostics::default();
        let at = |line, column| {
            Some(Loc {
                file: f,
                line,
                column,
            })
        };
        ds.push(Diagnostic::error(at(2, 70_033), "unknown field `bogus`").with_help("h"));
        // The short line before it is quoted with its neighbour, so it is plain too.
        ds.push(Diagnostic::error(at(1, 1), "first"));
        let text = ds.render(&sources, false);
        assert_eq!(
            text,
            "error: inv/a.yaml:2:70033: unknown field `bogus`\n  help: h\nerror: inv/a.yaml:1:1: first\n"
        );
    }

    #[test]
    fn rendering_names_the_file_line_and_column() {
        let mut sources = Sources::default();
        let f = sources.add("inv/a.yaml".into(), Arc::from("kind: Sytem\n"));
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::error(
                Some(Loc {
                    file: f,
                    line: 1,
                    column: 7,
                }),
                "unknown kind `Sytem`",
            )
            .with_help("did you mean `System`?"),
        );
        let text = ds.render(&sources, false);
        assert!(
            text.starts_with("error: inv/a.yaml:1:7: unknown kind `Sytem`\n"),
            "{text}"
        );
        assert!(text.contains("did you mean `System`?"), "{text}");
        assert!(text.contains("kind: Sytem"), "{text}");
    }
}
