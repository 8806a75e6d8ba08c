//! `estate import backstage`: Backstage catalog files (following local
//! Location targets) mapped onto estate/v1 and written one file per kind.
//!
//! A file that cannot be read or parsed does not stop the others: every good
//! document is imported and written, each problem is reported located, and
//! the exit code is 2 when there was any error.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::Format;
use crate::inventory::{self, Kind, backstage};
use crate::output::{BAD_INPUT, OK, print, print_json};
use crate::report;

/// Read Backstage catalog files (following Location targets), map them, and
/// write one estate/v1 file per kind under `dir`.
pub fn backstage(ctx: &Ctx, paths: &[PathBuf], dir: &Path, format: Format) -> Result<u8> {
    let out = &ctx.term;
    let mut inv = inventory::Inventory::default();
    let mut docs: Vec<backstage::Entity> = Vec::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            queue.extend(inventory::load::yaml_files(p, &mut inv.diagnostics));
        } else {
            queue.push(p.clone());
        }
    }
    // Given order, each folder's files sorted (the queue is taken from its end).
    queue.reverse();
    let mut seen = std::collections::HashSet::new();
    let mut followed = Vec::new();
    while let Some(path) = queue.pop() {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !seen.insert(canonical) {
            continue;
        }
        let text = match inventory::load::read_yaml(&path) {
            Ok(t) => t,
            Err(d) => {
                inv.diagnostics.push(d);
                continue;
            }
        };
        let before = docs.len();
        inventory::load::load_text(&mut inv, path.clone(), text, &mut docs);
        // Follow Location targets that are local files.
        for d in &docs[before..] {
            if !d.kind.value.eq_ignore_ascii_case("location") {
                continue;
            }
            let mut targets = Vec::new();
            for key in ["target", "targets"] {
                let Some(v) = d.spec.get(key) else { continue };
                let at = crate::diagnostic::Loc::from_yaml(d.file, d.line_offset, v.referenced);
                match &v.value {
                    serde_json::Value::String(s) => targets.push((s.clone(), at)),
                    serde_json::Value::Array(a) => targets.extend(
                        a.iter()
                            .filter_map(|v| v.as_str().map(|s| (s.to_string(), at))),
                    ),
                    _ => {}
                }
            }
            for (t, at) in targets {
                let t = t.strip_prefix("file:").unwrap_or(&t);
                if t.contains("://") {
                    inv.diagnostics.push(crate::diagnostic::Diagnostic::warning(
                        at,
                        format!("Location target `{t}` is a URL; only local files are followed"),
                    ));
                    continue;
                }
                let target = path.parent().unwrap_or(Path::new(".")).join(t);
                if target.is_file() {
                    followed.push(target.display().to_string());
                    queue.push(target);
                } else {
                    inv.diagnostics.push(crate::diagnostic::Diagnostic::warning(
                        at,
                        format!("Location target `{}` not found", target.display()),
                    ));
                }
            }
        }
    }
    let native: Vec<inventory::Entity> = std::mem::take(&mut inv.entities);
    if !native.is_empty() {
        inv.diagnostics.push(crate::diagnostic::Diagnostic::warning(
            None,
            format!("{} estate/v1 document(s) among the catalog files were not imported (they are inventory already)", native.len()),
        ));
    }
    let (entities, report) = backstage::convert(docs, &[]);
    inv.diagnostics.extend(report.diagnostics.iter().cloned());
    if !report.unresolved.is_empty() {
        inv.diagnostics.push(crate::diagnostic::Diagnostic::warning(
            None,
            format!(
                "{} relation(s) name entities in none of the files given; each is kept as an annotation and listed",
                report.unresolved.len()
            ),
        ));
    }
    // One file per kind, in a fixed order.
    let mut written = Vec::new();
    for kind in Kind::DECLARABLE {
        let of_kind: Vec<&inventory::Entity> = entities.iter().filter(|e| e.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let mut text = format!(
            "# Imported from Backstage by `estate import backstage`: {} {}(s).\n",
            of_kind.len(),
            kind
        );
        for e in of_kind {
            text.push_str("---\n");
            text.push_str(&inventory::load::to_yaml(e)?);
        }
        let file = dir.join(format!("{}s.yaml", kind.prefix()));
        crate::output::write_atomic(&file, text.as_bytes())
            .with_context(|| format!("writing `{}`", file.display()))?;
        written.push(file.display().to_string());
    }
    out.diagnostics(&inv.diagnostics, &inv.sources, false);
    let errors = inv.diagnostics.errors();
    if errors > 0 {
        crate::say!(
            "error: {errors} problem(s) above: what they name was not imported; every other entity was imported and written"
        );
    }
    match format {
        Format::Json => {
            let mut j = serde_json::to_value(&report)?;
            j["files"] = written.clone().into();
            j["followed"] = followed.into();
            j["diagnostics"] = inv.diagnostics.to_json(&inv.sources);
            print_json(&j)?;
        }
        Format::Table => {
            print(&report::import::render_table(&report, &written))?;
        }
    }
    Ok(if errors > 0 { BAD_INPUT } else { OK })
}
