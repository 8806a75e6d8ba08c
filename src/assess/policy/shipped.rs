//! The shipped policy pack, compiled into the binary, and how an estate's
//! own policy folder is laid over it: file by file, by path relative to the
//! folder — the same name replaces a shipped file, a new name extends the
//! pack. Reading and compiling the files is `pack`'s.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The shipped pack, compiled in: (file name, contents). Used when the
/// estate has no `policies/`; an estate's own files replace these by name
/// and extend them with new names. The sample estate's own files
/// (`policies/waivers.yaml`, which names its systems) are not part of it.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "architecture.yaml",
        include_str!("../../../policies/architecture.yaml"),
    ),
    ("carbon.yaml", include_str!("../../../policies/carbon.yaml")),
    ("cost.yaml", include_str!("../../../policies/cost.yaml")),
    ("data.yaml", include_str!("../../../policies/data.yaml")),
    (
        "governance.yaml",
        include_str!("../../../policies/governance.yaml"),
    ),
    (
        "lifecycle.yaml",
        include_str!("../../../policies/lifecycle.yaml"),
    ),
    (
        "security.yaml",
        include_str!("../../../policies/security.yaml"),
    ),
];

/// Where the shipped files are shown in diagnostics.
pub const BUILT_IN: &str = "(built in)/policies";

/// Where a pack's files come from: the shipped pack overlaid, file by file,
/// by the estate's directory (when it has one).
#[derive(Clone, Debug)]
pub struct Location<'a> {
    pub dir: &'a Path,
    /// Whether the directory was named (by `--policies` or estate.yaml), so
    /// its absence is an error rather than "use the shipped pack".
    pub given: bool,
}

/// The shipped pack's files overlaid by `dir`'s `*.yaml` files (same
/// relative path replaces, a new one extends), in path order: (shown path,
/// text). Unreadable files are errors in `ds`.
pub(super) fn files(
    at: &Location,
    ds: &mut Diagnostics,
) -> std::collections::BTreeMap<PathBuf, (PathBuf, String)> {
    let mut files: std::collections::BTreeMap<PathBuf, (PathBuf, String)> = SHIPPED
        .iter()
        .map(|(name, text)| {
            (
                PathBuf::from(name),
                (Path::new(BUILT_IN).join(name), (*text).to_string()),
            )
        })
        .collect();
    let dir = at.dir;
    if !dir.is_dir() {
        if at.given {
            ds.push(
                Diagnostic::error(
                    None,
                    format!("policy directory `{}` not found", dir.display()),
                )
                .with_help(
                    "leave `--policies` and estate.yaml's `policies.dir` out to use the shipped pack",
                ),
            );
        }
        return files;
    }
    let found = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            matches!(
                e.path().extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml")
            )
        })
        .map(|e| e.into_path());
    for path in found {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(t) => {
                files.insert(rel, (path, t));
            }
            Err(e) => {
                files.remove(&rel);
                ds.push(Diagnostic::error(
                    None,
                    format!("cannot read `{}`: {e}", path.display()),
                ));
            }
        }
    }
    files
}
