//! The collected sources an estate reads on every run, as data: estate.yaml's
//! `sources:` list deserialises to [`Source`] (one kind per entry, located
//! errors otherwise), [`read`] dispatches each to its collector and returns a
//! [`Collection`] without touching the model, and [`super::apply`] puts every
//! collection into the model in one place. Adding a source means adding its
//! folder under `collect/`, one [`Source`] arm and one [`read`] arm.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Found, aws, azure, kubernetes, prometheus, register, terraform};

/// One entry of estate.yaml's `sources:` as written: exactly one of the
/// kind keys, with `cluster` beside `kubernetes`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// Terraform state: a `.tfstate` file or a folder of them.
    #[serde(default)]
    pub terraform: Option<PathBuf>,
    /// AWS CLI output saved as `ACCOUNT/REGION/SERVICE-COMMAND.json`.
    #[serde(default)]
    pub aws: Option<PathBuf>,
    /// What `estate collect prometheus` wrote: hosts' measured utilisation and power.
    #[serde(default)]
    pub prometheus: Option<PathBuf>,
    /// An asset register CSV (hostname, model, CPU, cores, memory, site, owner).
    #[serde(default, rename = "asset-register")]
    pub asset_register: Option<PathBuf>,
    /// RVTools' vInfo tab as CSV.
    #[serde(default)]
    pub rvtools: Option<PathBuf>,
    /// Azure Resource Graph (`az graph query`) or `az resource list` output: a file or a folder (with `metrics/`).
    #[serde(default)]
    pub azure: Option<PathBuf>,
    /// A cluster as `kubectl get … -A -o json` prints it (or `estate collect kubernetes` writes it).
    #[serde(default)]
    pub kubernetes: Option<PathBuf>,
    /// With `kubernetes`: the cluster's name, as Mapping rules use it (default: the file's stem).
    #[serde(default)]
    pub cluster: Option<String>,
}

/// A collected source: which collector reads it, and from where.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SourceInput")]
pub enum Source {
    Terraform(PathBuf),
    Aws(PathBuf),
    Azure(PathBuf),
    Register(PathBuf, register::Sheet),
    Kubernetes { path: PathBuf, cluster: String },
    Prometheus(PathBuf),
}

/// An estate.yaml source entry that names no source, or more than one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("`cluster` goes with `kubernetes` only")]
    ClusterWithoutKubernetes,
    #[error("a source names {KEYS}")]
    NoKind,
    #[error("a source names just {KEYS}; list each as its own `- …` entry")]
    SeveralKinds,
}

const KEYS: &str =
    "one of `terraform`, `aws`, `azure`, `kubernetes`, `prometheus`, `asset-register`, `rvtools`";

impl TryFrom<SourceInput> for Source {
    type Error = SourceError;

    fn try_from(s: SourceInput) -> Result<Source, SourceError> {
        let cluster = s.cluster.clone();
        let mut kinds = Vec::new();
        if let Some(p) = s.terraform {
            kinds.push(Source::Terraform(p));
        }
        if let Some(p) = s.aws {
            kinds.push(Source::Aws(p));
        }
        if let Some(p) = s.azure {
            kinds.push(Source::Azure(p));
        }
        if let Some(p) = s.asset_register {
            kinds.push(Source::Register(p, register::Sheet::AssetRegister));
        }
        if let Some(p) = s.rvtools {
            kinds.push(Source::Register(p, register::Sheet::Rvtools));
        }
        if let Some(p) = s.kubernetes {
            let cluster = cluster.clone().unwrap_or_else(|| {
                p.file_stem()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            });
            kinds.push(Source::Kubernetes { path: p, cluster });
        }
        if let Some(p) = s.prometheus {
            kinds.push(Source::Prometheus(p));
        }
        if cluster.is_some() && !matches!(kinds.as_slice(), [Source::Kubernetes { .. }]) {
            return Err(SourceError::ClusterWithoutKubernetes);
        }
        match kinds.len() {
            1 => Ok(kinds.remove(0)),
            0 => Err(SourceError::NoKind),
            _ => Err(SourceError::SeveralKinds),
        }
    }
}

impl Source {
    /// The file or folder it reads.
    pub fn path(&self) -> &Path {
        match self {
            Source::Terraform(p)
            | Source::Aws(p)
            | Source::Azure(p)
            | Source::Register(p, _)
            | Source::Prometheus(p)
            | Source::Kubernetes { path: p, .. } => p,
        }
    }

    /// The same source with its path resolved (relative to the estate directory).
    pub fn resolved(self, resolve: impl Fn(&Path) -> PathBuf) -> Source {
        match self {
            Source::Terraform(p) => Source::Terraform(resolve(&p)),
            Source::Aws(p) => Source::Aws(resolve(&p)),
            Source::Azure(p) => Source::Azure(resolve(&p)),
            Source::Register(p, s) => Source::Register(resolve(&p), s),
            Source::Prometheus(p) => Source::Prometheus(resolve(&p)),
            Source::Kubernetes { path, cluster } => Source::Kubernetes {
                path: resolve(&path),
                cluster,
            },
        }
    }

    /// The order sources are applied in: resources first (state, then what
    /// live exports saw, then registers), then clusters onto those machines,
    /// then measurements onto hosts.
    pub fn stage(&self) -> u8 {
        match self {
            Source::Terraform(_) => 0,
            Source::Aws(_) => 1,
            Source::Azure(_) => 2,
            Source::Register(..) => 3,
            Source::Kubernetes { .. } => 4,
            Source::Prometheus(_) => 5,
        }
    }
}

/// Why a collected source could not be read: the file (with line and column
/// where it can) and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: {error}", .path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}:{}:{}: {error}{}", .path.display(), .error.line(), .error.column().max(1), expected_suffix(.expected))]
    Json {
        path: PathBuf,
        error: serde_json::Error,
        expected: Option<&'static str>,
    },
    /// The file was read but holds something else; the message is located.
    #[error("{0}")]
    Content(String),
    /// Not a regular file, too large, or not UTF-8 (see [`crate::files`]).
    #[error(transparent)]
    File(#[from] crate::files::FileError),
}

fn expected_suffix(what: &Option<&'static str>) -> String {
    what.map(|w| format!(" (expected {w})")).unwrap_or_default()
}

/// A file's text: a regular file only, at most [`crate::files::EXPORT_LIMIT`] bytes.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    Ok(crate::files::read_text(
        path,
        crate::files::EXPORT_LIMIT,
        "a collected export",
    )?)
}

/// A JSON file, with what it was expected to be for the error; a key an
/// object repeats is an error ([`super::json::parse`]).
pub fn read_json(
    path: &Path,
    expected: Option<&'static str>,
) -> Result<serde_json::Value, ReadError> {
    let text = read_text(path)?;
    super::json::parse(&text).map_err(|error| ReadError::Json {
        path: path.to_path_buf(),
        error,
        expected,
    })
}

/// A folder's entries (anything but a folder is refused, with what it is).
pub fn read_dir(dir: &Path) -> Result<std::fs::ReadDir, ReadError> {
    Ok(crate::files::read_dir(dir)?)
}

/// What one source held, read without touching the model.
pub struct Collection {
    pub source: Source,
    /// Resources under their canonical ids.
    pub found: Vec<Found>,
    /// (account, region, service) a live export read: where absence means gone.
    pub covered: BTreeSet<(String, String, String)>,
    /// Notes for the user about what was left out while reading.
    pub notes: Vec<String>,
    /// What the collector read, for `estate sources`.
    pub read: Read,
}

/// A collector's own account of what it read.
pub enum Read {
    Terraform(terraform::State),
    Aws(aws::Export),
    Azure(azure::Export),
    Register(register::Read),
    Kubernetes(kubernetes::Cluster),
    Prometheus(prometheus::Scrape),
}

/// Read one source.
pub fn read(source: &Source) -> Result<Collection, ReadError> {
    let mut notes = Vec::new();
    let mut covered = BTreeSet::new();
    let (found, read) = match source {
        Source::Terraform(path) => {
            let mut state = terraform::read_state(path)?;
            if let Some((n, list)) = super::counted(&state.unmapped_types) {
                notes.push(format!(
                    "note: {}: {n} Terraform resource(s) of types Estate does not map were left out: {list}",
                    path.display(),
                ));
            }
            (std::mem::take(&mut state.found), Read::Terraform(state))
        }
        Source::Aws(path) => {
            let mut ex = aws::read_export(path)?;
            covered.extend(ex.covered.iter().cloned());
            (std::mem::take(&mut ex.found), Read::Aws(ex))
        }
        Source::Azure(path) => {
            let mut ex = azure::read_export(path)?;
            (std::mem::take(&mut ex.found), Read::Azure(ex))
        }
        Source::Register(path, sheet) => {
            let mut r = register::read(path, *sheet)?;
            (std::mem::take(&mut r.found), Read::Register(r))
        }
        Source::Kubernetes { path, cluster } => (
            Vec::new(),
            Read::Kubernetes(kubernetes::read(path, cluster)?),
        ),
        Source::Prometheus(path) => (Vec::new(), Read::Prometheus(prometheus::read(path)?)),
    };
    for f in &found {
        super::numbers::found(f)?;
    }
    Ok(Collection {
        source: source.clone(),
        found,
        covered,
        notes,
        read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Source, String> {
        serde_saphyr::from_str::<Source>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn an_entry_names_exactly_one_kind() {
        assert_eq!(
            parse("terraform: state").unwrap(),
            Source::Terraform("state".into())
        );
        assert_eq!(
            parse("kubernetes: exports/prod.json").unwrap(),
            Source::Kubernetes {
                path: "exports/prod.json".into(),
                cluster: "prod".into()
            }
        );
        assert!(
            parse("terraform: a\naws: b")
                .unwrap_err()
                .contains("just one of")
        );
        assert!(
            parse("cluster: x")
                .unwrap_err()
                .contains("`cluster` goes with `kubernetes` only")
        );
        assert!(
            parse("aws: a\ncluster: x")
                .unwrap_err()
                .contains("`cluster` goes with")
        );
        assert!(parse("{}").unwrap_err().contains("a source names one of"));
        assert!(parse("terraform: a\nfoo: b").is_err());
    }
}
