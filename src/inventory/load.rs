//! Reading inventory files: walking the directory, splitting multi-document
//! files, and deserializing each document's envelope and typed spec.
//!
//! A document's envelope is read by hand (`apiVersion` and `kind` first, then
//! `metadata` and `spec`) so the spec deserializes straight into its kind's
//! struct and every error keeps the line and column serde-saphyr gives it.
//! Documents are parsed one at a time, so a broken document does not hide the
//! problems of the next one.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use super::backstage;
use super::kinds::*;
use super::scalar::{Kind, did_you_mean, valid_name};
use crate::diagnostic::{Diagnostic, Diagnostics, Loc, Sources};

pub const API_VERSION: &str = "estate/v1";

/// One declared entity, with where it was declared.
#[derive(Clone, Debug)]
pub struct Entity {
    pub kind: Kind,
    pub metadata: Metadata,
    pub spec: Spec,
    /// The file the document is in.
    pub file: u32,
    /// Lines before the document's first line in its file: `Spanned`
    /// locations inside the entity are relative to its document.
    pub line_offset: u32,
    /// Where the entity is declared (its `metadata.name`).
    pub loc: Option<Loc>,
}

impl Entity {
    pub fn name(&self) -> &str {
        &self.metadata.name.value
    }

    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.prefix(), self.name())
    }

    /// The file location of a value inside this entity.
    pub fn loc_of<T>(&self, spanned: &Spanned<T>) -> Option<Loc> {
        Loc::from_yaml(self.file, self.line_offset, spanned.referenced).or(self.loc)
    }
}

/// Everything read from an inventory directory.
#[derive(Debug, Default)]
pub struct Inventory {
    pub entities: Vec<Entity>,
    pub sources: Sources,
    pub diagnostics: Diagnostics,
    /// What the Backstage mapping did with catalog documents found in the directory.
    pub backstage: backstage::Account,
    /// Files and documents read.
    pub files: usize,
    pub documents: usize,
}

/// Read every `*.yaml`/`*.yml` file under `dir` (see [`yaml_files`] for what is passed over).
pub fn load(dir: &Path) -> Inventory {
    let mut inv = Inventory::default();
    if !dir.is_dir() {
        inv.diagnostics.push(
            Diagnostic::error(
                None,
                format!("inventory directory `{}` not found", dir.display()),
            )
            .with_help(
                "give the directory with `--inventory DIR`, or set `inventory:` in estate.yaml",
            ),
        );
        return inv;
    }
    let mut backstage_docs = Vec::new();
    let mut texts: Vec<(u32, Arc<str>)> = Vec::new();
    for path in yaml_files(dir, &mut inv.diagnostics) {
        match read_yaml(&path) {
            Ok(text) => {
                let text: Arc<str> = Arc::from(text);
                let id = inv.sources.add(path, text.clone());
                texts.push((id, text));
            }
            Err(d) => inv.diagnostics.push(d),
        }
    }
    // Files parse independently: in parallel, merged back in path order.
    let parsed: Vec<FileContents> = {
        use rayon::prelude::*;
        texts
            .par_iter()
            .map(|(id, text)| parse_file(*id, text))
            .collect()
    };
    for contents in parsed {
        inv.merge(contents, &mut backstage_docs);
    }
    if !backstage_docs.is_empty() {
        let (entities, report) = backstage::convert(backstage_docs, &inv.entities);
        inv.diagnostics.extend(report.diagnostics.iter().cloned());
        inv.entities.extend(entities);
        inv.backstage = report;
    }
    check_names(&mut inv);
    inv
}

/// Every `*.yaml`/`*.yml` file under `dir` (or `dir` itself when it is a
/// file), sorted, links followed. Whatever is passed over is said: hidden
/// entries (a name starting with `.`), FIFOs, devices and sockets, dangling
/// links and link loops each get a warning with the path and the reason, and
/// files that are not YAML one warning listing them. A folder is a folder
/// whatever its name (`x.yaml/` is descended into, not read).
pub fn yaml_files(dir: &Path, ds: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    let skipped = |path: &Path, why: &str| {
        Diagnostic::warning(None, format!("skipped `{}`: {why}", path.display()))
    };
    let mut walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                ds.push(if let Some(back_to) = e.loop_ancestor() {
                    skipped(
                        &path,
                        &format!("a symbolic link loop (back to `{}`)", back_to.display()),
                    )
                } else if link && !path.exists() {
                    let to = std::fs::read_link(&path).unwrap_or_default();
                    skipped(
                        &path,
                        &format!(
                            "a dangling symbolic link (to `{}`, which does not exist)",
                            to.display()
                        ),
                    )
                } else {
                    Diagnostic::error(None, format!("cannot read `{}`: {e}", path.display()))
                });
                continue;
            }
        };
        let path = entry.path();
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            ds.push(skipped(path, "hidden (its name starts with `.`)"));
            continue;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            let what = crate::files::describe(kind);
            ds.push(skipped(path, &format!("{what}, not a regular file")));
            continue;
        }
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml {
            files.push(path.to_path_buf());
        } else {
            ignored.push(path.display().to_string());
        }
    }
    if !ignored.is_empty() {
        ds.push(Diagnostic::warning(
            None,
            format!(
                "{} file(s) ignored because they are not YAML (.yaml/.yml): {}",
                ignored.len(),
                ignored.join(", ")
            ),
        ));
    }
    files
}

/// One inventory or catalog file's text: a regular file of at most
/// [`crate::files::YAML_LIMIT`] bytes, or the error saying why not.
pub fn read_yaml(path: &Path) -> Result<String, Diagnostic> {
    crate::files::read_text(path, crate::files::YAML_LIMIT, "an inventory file")
        .map_err(|e| Diagnostic::error(None, format!("cannot read {e}")))
}

/// The longest line read in a YAML document (1 MiB).
pub const LINE_LIMIT: usize = 1 << 20;
/// The largest YAML document read (16 MiB).
pub const DOCUMENT_LIMIT: usize = 16 << 20;

/// Why a document is too large to parse, located at its first over-long line or its start.
fn oversized(chunk: &str, file: u32, line_offset: u32) -> Option<Diagnostic> {
    if chunk.len() > DOCUMENT_LIMIT {
        let at = Loc {
            file,
            line: line_offset + 1,
            column: 1,
        };
        return Some(
            Diagnostic::error(
                Some(at),
                format!(
                    "this YAML document is {} bytes, more than the {DOCUMENT_LIMIT} Estate reads",
                    chunk.len()
                ),
            )
            .with_help("split it into several documents (`---`) or files"),
        );
    }
    let (n, long) = (0u32..)
        .zip(chunk.split('\n'))
        .find(|(_, l)| l.len() > LINE_LIMIT)?;
    let at = Loc {
        file,
        line: line_offset + n + 1,
        column: 1,
    };
    Some(Diagnostic::error(
        Some(at),
        format!(
            "line of {} bytes, more than the {LINE_LIMIT} Estate reads in a line; document not read",
            long.len()
        ),
    ))
}

/// Parse the documents of one file's text into `inv`.
pub fn load_text(
    inv: &mut Inventory,
    path: PathBuf,
    text: String,
    backstage_docs: &mut Vec<backstage::Entity>,
) {
    let text: Arc<str> = Arc::from(text);
    let file = inv.sources.add(path, text.clone());
    let contents = parse_file(file, &text);
    inv.merge(contents, backstage_docs);
}

/// What one file holds.
#[derive(Debug, Default)]
pub struct FileContents {
    pub entities: Vec<Entity>,
    pub backstage: Vec<backstage::Entity>,
    pub diagnostics: Vec<Diagnostic>,
    pub documents: usize,
}

impl Inventory {
    fn merge(&mut self, c: FileContents, backstage_docs: &mut Vec<backstage::Entity>) {
        self.files += 1;
        self.documents += c.documents;
        self.entities.extend(c.entities);
        self.diagnostics.extend(c.diagnostics);
        backstage_docs.extend(c.backstage);
    }
}

/// Parse every document of one file (`file` is its id in the sources).
pub fn parse_file(file: u32, text: &str) -> FileContents {
    let mut out = FileContents::default();
    for (line_offset, chunk) in split_documents(text) {
        out.documents += 1;
        if let Some(d) = oversized(chunk, file, line_offset) {
            out.diagnostics.push(d);
            continue;
        }
        match parse_document(chunk) {
            Ok(Parsed::Estate {
                kind,
                metadata,
                spec,
            }) => {
                let mut entity = Entity {
                    kind,
                    metadata,
                    spec,
                    file,
                    line_offset,
                    loc: None,
                };
                entity.loc = entity.loc_of(&entity.metadata.name);
                out.entities.push(entity);
            }
            Ok(Parsed::Backstage(mut e)) => {
                e.file = file;
                e.line_offset = line_offset;
                out.backstage.push(*e);
            }
            Ok(Parsed::Invalid(problems)) => {
                for p in problems {
                    let loc = Loc::from_yaml(file, line_offset, p.at).or(Some(Loc {
                        file,
                        line: line_offset + 1,
                        column: 1,
                    }));
                    out.diagnostics
                        .push(Diagnostic::error(loc, p.message).maybe_help(p.help));
                }
            }
            Err(e) => out
                .diagnostics
                .push(yaml_error(&e, chunk, file, line_offset)),
        }
    }
    out
}

/// Split a file into its YAML documents: (lines before the document, text).
/// A document starts at a `---` line; chunks holding only comments and blank
/// lines are skipped.
pub fn split_documents(text: &str) -> Vec<(u32, &str)> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0u32;
    let mut pos = 0usize;
    let mut push = |from: usize, to: usize, line: u32| {
        let chunk = &text[from..to];
        let has_content = chunk.lines().any(|l| {
            let t = l.strip_prefix("---").unwrap_or(l).trim();
            !t.is_empty() && !t.starts_with('#') && t != "..." && !t.starts_with('%')
        });
        if has_content {
            docs.push((line, chunk));
        }
    };
    for (line_no, line) in (0u32..).zip(text.split_inclusive('\n')) {
        let is_marker =
            line.starts_with("---") && line[3..].chars().next().is_none_or(char::is_whitespace);
        if is_marker && pos > start {
            push(start, pos, start_line);
            start = pos;
            start_line = line_no;
        }
        pos += line.len();
    }
    push(start, text.len(), start_line);
    docs
}

/// A problem found while reading an envelope, relative to its document.
struct Problem {
    at: serde_saphyr::Location,
    message: String,
    help: Option<String>,
}

#[allow(clippy::large_enum_variant)] // one value per document, consumed at once
enum Parsed {
    Estate {
        kind: Kind,
        metadata: Metadata,
        spec: Spec,
    },
    Backstage(Box<backstage::Entity>),
    Invalid(Vec<Problem>),
}

fn parse_document(chunk: &str) -> Result<Parsed, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options::<Parsed>(chunk, options)
}

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    Estate,
    Backstage,
    Unknown,
}

struct EnvelopeVisitor;

const ENVELOPE_FIELDS: [&str; 4] = ["apiVersion", "kind", "metadata", "spec"];

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping with apiVersion, kind, metadata and spec")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut problems = Vec::new();
        let mut api: Option<Spanned<String>> = None;
        let mut flavour = Flavour::Unknown;
        let mut kind_text: Option<Spanned<String>> = None;
        let mut kind: Option<Kind> = None;
        let mut metadata: Option<Metadata> = None;
        let mut spec: Option<Spec> = None;
        let mut bs_metadata = None;
        let mut bs_spec = None;
        let mut first_key_at = None;
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            first_key_at.get_or_insert(key.referenced);
            let at = key.referenced;
            match key.value.as_str() {
                "apiVersion" => {
                    let v: Spanned<String> = map.next_value()?;
                    flavour = match v.value.as_str() {
                        API_VERSION => Flavour::Estate,
                        s if backstage::is_backstage_api(s) => Flavour::Backstage,
                        other => {
                            problems.push(Problem {
                                at: v.referenced,
                                message: format!("unknown apiVersion `{other}`, expected `{API_VERSION}` (or a Backstage `backstage.io/v1alpha1` entity)"),
                                help: did_you_mean(other, [API_VERSION]).map(|s| format!("did you mean `{s}`?")),
                            });
                            Flavour::Unknown
                        }
                    };
                    api = Some(v);
                }
                "kind" => {
                    let v: Spanned<String> = map.next_value()?;
                    if flavour == Flavour::Estate {
                        kind = Kind::from_name(&v.value);
                        if kind.is_none() {
                            let names = Kind::DECLARABLE.map(|k| k.as_str());
                            problems.push(Problem {
                                at: v.referenced,
                                message: format!(
                                    "unknown kind `{}`, expected one of {}",
                                    v.value,
                                    names.join(", ")
                                ),
                                help: did_you_mean(&v.value, names)
                                    .map(|s| format!("did you mean `{s}`?")),
                            });
                        }
                    } else if api.is_none() {
                        problems.push(order_problem(at, "kind"));
                    }
                    kind_text = Some(v);
                }
                "metadata" => match flavour {
                    Flavour::Estate => metadata = Some(map.next_value()?),
                    Flavour::Backstage => bs_metadata = Some(map.next_value()?),
                    Flavour::Unknown => {
                        map.next_value::<IgnoredAny>()?;
                        if api.is_none() {
                            problems.push(order_problem(at, "metadata"));
                        }
                    }
                },
                "spec" => match (flavour, kind) {
                    (Flavour::Estate, Some(k)) => spec = Some(next_spec(k, &mut map)?),
                    (Flavour::Backstage, _) if kind_text.is_some() => {
                        bs_spec = Some(map.next_value()?)
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        if api.is_none() || kind_text.is_none() {
                            problems.push(order_problem(at, "spec"));
                        }
                    }
                },
                "relations" | "status" if flavour == Flavour::Backstage => {
                    // Computed by Backstage itself; the relations are re-derived from spec.
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    map.next_value::<IgnoredAny>()?;
                    problems.push(Problem {
                        at,
                        message: format!(
                            "unknown field `{other}`, expected one of {}",
                            ENVELOPE_FIELDS.map(|f| format!("`{f}`")).join(", ")
                        ),
                        help: did_you_mean(other, ENVELOPE_FIELDS)
                            .map(|s| format!("did you mean `{s}`?")),
                    });
                }
            }
        }
        let doc_at = first_key_at.unwrap_or(serde_saphyr::Location::UNKNOWN);
        let missing = |field: &str, problems: &mut Vec<Problem>| {
            problems.push(Problem {
                at: doc_at,
                message: format!("missing required field `{field}`"),
                help: None,
            })
        };
        if api.is_none() {
            missing("apiVersion", &mut problems);
        }
        if kind_text.is_none() {
            missing("kind", &mut problems);
        }
        if !problems.is_empty() {
            return Ok(Parsed::Invalid(problems));
        }
        if flavour == Flavour::Backstage {
            let kind_text = kind_text.expect("checked above");
            return Ok(Parsed::Backstage(Box::new(backstage::Entity {
                api_version: api.map(|a| a.value).unwrap_or_default(),
                kind: kind_text,
                metadata: bs_metadata.unwrap_or_default(),
                spec: bs_spec.unwrap_or_default(),
                file: 0,
                line_offset: 0,
                at: doc_at,
            })));
        }
        let kind = kind.expect("checked above");
        let Some(metadata) = metadata else {
            missing("metadata", &mut problems);
            return Ok(Parsed::Invalid(problems));
        };
        let spec = match spec.or_else(|| default_spec(kind)) {
            Some(spec) => spec,
            None => {
                missing("spec", &mut problems);
                return Ok(Parsed::Invalid(problems));
            }
        };
        Ok(Parsed::Estate {
            kind,
            metadata,
            spec,
        })
    }
}

fn order_problem(at: serde_saphyr::Location, field: &str) -> Problem {
    Problem {
        at,
        message: format!("`{field}` comes before `apiVersion` and `kind`"),
        help: Some("write `apiVersion` and `kind` first in every document".into()),
    }
}

/// The spec of kinds whose fields are all optional may be left out.
fn default_spec(kind: Kind) -> Option<Spec> {
    match kind {
        Kind::Domain => Some(Spec::Domain(DomainSpec::default())),
        Kind::Capability => Some(Spec::Capability(CapabilitySpec::default())),
        Kind::Team => Some(Spec::Team(TeamSpec::default())),
        Kind::System => Some(Spec::System(Box::default())),
        _ => None,
    }
}

fn next_spec<'de, A: MapAccess<'de>>(kind: Kind, map: &mut A) -> Result<Spec, A::Error> {
    Ok(match kind {
        Kind::Domain => Spec::Domain(map.next_value()?),
        Kind::Capability => Spec::Capability(map.next_value()?),
        Kind::Team => Spec::Team(map.next_value()?),
        Kind::System => Spec::System(map.next_value()?),
        Kind::Integration => Spec::Integration(map.next_value()?),
        Kind::InformationAsset => Spec::InformationAsset(map.next_value()?),
        Kind::Supplier => Spec::Supplier(map.next_value()?),
        Kind::Contract => Spec::Contract(map.next_value()?),
        Kind::CostCentre => Spec::CostCentre(map.next_value()?),
        Kind::Site => Spec::Site(map.next_value()?),
        Kind::Resource => Spec::Resource(map.next_value()?),
        Kind::DeviceFleet => Spec::DeviceFleet(map.next_value()?),
        Kind::Technology => Spec::Technology(map.next_value()?),
        Kind::Mapping => Spec::Mapping(map.next_value()?),
        Kind::Roadmap => Spec::Roadmap(map.next_value()?),
        Kind::Region => return Err(de::Error::custom("kind Region cannot be declared")),
    })
}

/// Turn a serde-saphyr error into a located diagnostic with a hint.
fn yaml_error(err: &serde_saphyr::Error, chunk: &str, file: u32, line_offset: u32) -> Diagnostic {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    let loc = err
        .location()
        .and_then(|l| Loc::from_yaml(file, line_offset, l))
        .or(Some(Loc {
            file,
            line: line_offset + 1,
            column: 1,
        }));
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => Diagnostic::error(
            loc,
            format!(
                "unknown field `{field}`, expected one of {}",
                quoted(expected)
            ),
        )
        .maybe_help(
            did_you_mean(field, expected.iter().copied()).map(|s| format!("did you mean `{s}`?")),
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => Diagnostic::error(
            loc,
            format!(
                "unknown value `{variant}`, expected one of {}",
                quoted(expected)
            ),
        )
        .maybe_help(
            did_you_mean(variant, expected.iter().copied()).map(|s| format!("did you mean `{s}`?")),
        ),
        E::InvalidScalar { ty, location } => {
            let expected = match *ty {
                "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
                "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
                "f32" | "f64" => "a number",
                "bool" => "`true` or `false`",
                other => other,
            };
            let found = token_at(chunk, location.line(), location.column());
            Diagnostic::error(loc, format!("expected {expected}, found `{found}`"))
        }
        E::Unexpected {
            expected: "mapping start",
            location,
        } => {
            let found = token_at(chunk, location.line(), location.column());
            let what = if found.starts_with('-') || found.starts_with('[') {
                "a sequence".to_string()
            } else {
                format!("`{found}`")
            };
            Diagnostic::error(
                loc,
                format!("expected a mapping (`key: value` pairs), found {what}"),
            )
        }
        E::SerdeMissingField { field, .. } => {
            Diagnostic::error(loc, format!("missing required field `{field}`"))
        }
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            loc,
            format!("wrong type: found {unexpected}, expected {expected}"),
        ),
        other => {
            use serde_saphyr::MessageFormatter;
            let message = serde_saphyr::UserMessageFormatter.format_message(other);
            Diagnostic::error(loc, message.replace('\n', " "))
        }
    }
}

/// The scalar written at a 1-based line and column of `text`.
fn token_at(text: &str, line: u64, column: u64) -> String {
    let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return String::new();
    };
    let rest: String = l.chars().skip(column.saturating_sub(1) as usize).collect();
    let end = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    rest[..end].trim().to_string()
}

/// Names must be well-formed and unique per kind.
fn check_names(inv: &mut Inventory) {
    let mut seen: HashMap<(Kind, &str), Option<Loc>> = HashMap::new();
    let mut problems = Vec::new();
    for e in &inv.entities {
        let name = e.name();
        if !valid_name(name) {
            problems.push(
                Diagnostic::error(e.loc, format!("invalid name `{name}`: names use lower-case letters, digits and `-`, and start with a letter or digit"))
                    .with_help(format!("try `{}`", slug(name))),
            );
            continue;
        }
        if let Some(first) = seen.insert((e.kind, name), e.loc) {
            let first_at = first
                .map(|l| inv.sources.describe(l))
                .unwrap_or_else(|| "elsewhere".into());
            problems.push(
                Diagnostic::error(e.loc, format!("duplicate {} `{name}`", e.kind))
                    .with_help(format!("first declared at {first_at}")),
            );
        }
    }
    inv.diagnostics.extend(problems);
}

/// A name made valid: lower-cased, other characters turned into `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// Generic YAML values with their locations, as Backstage documents are read.
pub type SpannedMap = IndexMap<String, Spanned<serde_json::Value>>;

/// An entity as an estate/v1 YAML document (for importers).
pub fn to_yaml(e: &Entity) -> Result<String, serde_saphyr::SerializeError> {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        #[serde(rename = "apiVersion")]
        api_version: &'a str,
        kind: &'a str,
        metadata: &'a Metadata,
        spec: &'a Spec,
    }
    serde_saphyr::to_string(&Doc {
        api_version: API_VERSION,
        kind: e.kind.as_str(),
        metadata: &e.metadata,
        spec: &e.spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Inventory {
        let mut inv = Inventory::default();
        let mut bs = Vec::new();
        load_text(&mut inv, "t.yaml".into(), text.to_string(), &mut bs);
        check_names(&mut inv);
        inv
    }

    fn messages(inv: &Inventory) -> Vec<String> {
        inv.diagnostics
            .items
            .iter()
            .map(|d| match d.loc {
                Some(l) => format!("{}:{}: {}", l.line, l.column, d.message),
                None => d.message.clone(),
            })
            .collect()
    }

    #[test]
    fn documents_split_on_markers_only() {
        let text = "a: 1\n---\nb: 2\n--- # c\n# only a comment\n---\nc: |\n  ---x\n";
        let docs = split_documents(text);
        assert_eq!(docs.iter().map(|d| d.0).collect::<Vec<_>>(), vec![0, 1, 5]);
    }

    #[test]
    fn a_system_loads_with_locations() {
        let inv = load_str(
            "# header\n---\napiVersion: estate/v1\nkind: System\nmetadata:\n  name: crm\nspec:\n  owner: team:crm\n  depends_on: [system:gis]\n",
        );
        assert!(inv.diagnostics.items.is_empty(), "{:?}", messages(&inv));
        let e = &inv.entities[0];
        assert_eq!(e.id(), "system:crm");
        assert_eq!(e.loc.map(|l| (l.line, l.column)), Some((6, 9)));
        let Spec::System(s) = &e.spec else { panic!() };
        let dep = &s.depends_on[0];
        assert_eq!(e.loc_of(dep).map(|l| (l.line, l.column)), Some((9, 16)));
    }

    #[test]
    fn every_broken_document_is_reported() {
        let inv = load_str(concat!(
            "apiVersion: estate/v1\nkind: Sytem\nmetadata: {name: a}\n",
            "---\napiVersion: estate/v1\nkind: Team\nmetadata: {name: b}\nspec: {parnt: team:x}\n",
            "---\napiVersion: estate/v1\nkind: System\nmetadata: {name: c}\nspec: {lifecycle: {phase: actve}}\n",
        ));
        let m = messages(&inv);
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].starts_with("2:7: unknown kind `Sytem`"), "{m:?}");
        assert!(m[1].starts_with("8:8: unknown field `parnt`"), "{m:?}");
        assert!(m[2].starts_with("13:27: unknown value `actve`"), "{m:?}");
        assert_eq!(
            inv.diagnostics.items[1].help.as_deref(),
            Some("did you mean `parent`?")
        );
    }

    #[test]
    fn duplicates_point_at_the_first() {
        let inv = load_str(
            "apiVersion: estate/v1\nkind: Team\nmetadata: {name: a}\n---\napiVersion: estate/v1\nkind: Team\nmetadata: {name: a}\n",
        );
        let d = &inv.diagnostics.items[0];
        assert_eq!(d.message, "duplicate Team `a`");
        assert_eq!(d.help.as_deref(), Some("first declared at t.yaml:3:18"));
    }

    #[test]
    fn slugs_are_valid_names() {
        assert_eq!(slug("Revenues & Benefits"), "revenues-benefits");
        assert!(valid_name(&slug("__")));
    }
}
