//! `estate.yaml` and the command-line flags, resolved into one [`Settings`].
//!
//! An estate repository has `estate.yaml` at its root (optional: every field
//! has a default). Flags override it; relative paths in it are relative to
//! the estate directory, paths given as flags to the current directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, Sources};

/// The contents of `estate.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstateFile {
    /// The organisation's name, shown in reports.
    #[serde(default)]
    pub name: Option<String>,
    /// The default currency of money in the inventory (ISO 4217), `GBP` if absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// The inventory directory, relative to the estate directory (default `inventory`).
    #[serde(default)]
    pub inventory: Option<PathBuf>,
    /// Where outputs are written (default `out`).
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// The reporting period `START..END` (default: the last full calendar year).
    #[serde(default)]
    pub period: Option<String>,
    /// The carbon factor set (default `default`); sets live in `carbon-factors/`.
    #[serde(default)]
    pub factors: Option<String>,
    /// Billing inputs: FOCUS exports and finance ledgers (paths relative to the estate directory).
    #[serde(default)]
    pub billing: Vec<crate::collect::billing::Input>,
    /// Rates to convert other currencies into the estate's for a combined
    /// total: `{ EUR: "0.8650" }` means 1 EUR = 0.8650 of the estate's currency.
    /// Per-currency figures are always kept apart; conversion is only ever added beside them.
    #[serde(default)]
    pub exchange_rates: indexmap::IndexMap<String, crate::inventory::Money>,
    /// The policy pack: its directory, parameter overrides, rules switched off.
    #[serde(default)]
    pub policies: PolicySettings,
    /// Collected sources read on every run: `- terraform: PATH` (a state
    /// file or a folder of them), `- aws: PATH` (AWS CLI output),
    /// `- prometheus: PATH` (what `estate collect prometheus` wrote),
    /// `- kubernetes: PATH` with `cluster: NAME` (kubectl's JSON),
    /// `- azure: PATH` (Resource Graph / `az resource list` JSON),
    /// `- asset-register: CSV`, `- rvtools: CSV` (vInfo). Without this
    /// key, what `estate collect` stored last under `out/collected/` is read.
    #[serde(default)]
    pub sources: Option<Vec<crate::collect::Source>>,
}

pub use crate::model::Period;

/// estate.yaml's `policies:` section.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// The pack's directory, relative to the estate (default `policies`).
    #[serde(default)]
    pub dir: Option<PathBuf>,
    /// Rule id → parameter → value.
    #[serde(default)]
    pub params: indexmap::IndexMap<String, indexmap::IndexMap<String, serde_json::Value>>,
    /// Rules not to run.
    #[serde(default)]
    pub disabled: Vec<String>,
}

/// Everything a command needs to know about where things are.
#[derive(Debug)]
pub struct Settings {
    pub estate_dir: PathBuf,
    pub name: String,
    pub currency: String,
    pub inventory: PathBuf,
    pub out: PathBuf,
    pub period: Period,
    /// The carbon factor set's name.
    pub factors: String,
    /// The estate's `carbon-factors/` folder, when it has one (built-in sets otherwise).
    pub factors_dir: Option<PathBuf>,
    /// Billing inputs with their resolved paths.
    pub billing: Vec<(crate::collect::billing::Input, PathBuf)>,
    /// Currency → rate into the estate's currency.
    pub exchange_rates: indexmap::IndexMap<String, rust_decimal::Decimal>,
    /// The estate's policy directory (overlaying the shipped pack file by file).
    pub policies_dir: PathBuf,
    /// Whether `--policies` or estate.yaml named it (its absence is then an error).
    pub policies_dir_given: bool,
    pub policies: PolicySettings,
    /// Collected sources read on every run, their paths resolved.
    pub sources: Vec<crate::collect::Source>,
    /// Whether estate.yaml lists `sources:` (else what `estate collect`
    /// stored last is read).
    pub sources_given: bool,
}

/// Flags that override estate.yaml.
#[derive(Debug, Default)]
pub struct Overrides {
    pub estate_dir: Option<PathBuf>,
    pub inventory: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub period: Option<String>,
    pub factors: Option<String>,
    /// `--billing FILE`s: used instead of estate.yaml's `billing:` when given.
    pub billing: Vec<PathBuf>,
    /// `--policies DIR`.
    pub policies: Option<PathBuf>,
}

impl Settings {
    /// Read `estate.yaml` (if present) under the estate directory and apply the flags.
    pub fn resolve(o: Overrides, sources: &mut Sources) -> Result<Settings, Diagnostics> {
        let estate_dir = o.estate_dir.unwrap_or_else(|| PathBuf::from("."));
        let mut ds = Diagnostics::default();
        let path = estate_dir.join("estate.yaml");
        let file: EstateFile =
            match crate::files::read_text(&path, crate::files::SETTINGS_LIMIT, "estate.yaml") {
                Ok(text) => {
                    let id = sources.add(display(&path), text.clone().into());
                    match serde_saphyr::from_str(&text) {
                        Ok(f) => f,
                        Err(e) => {
                            ds.push(crate::diagnostic::yaml_error(&e, id));
                            return Err(ds);
                        }
                    }
                }
                Err(e) if e.is_not_found() => EstateFile::default(),
                Err(e) => {
                    ds.push(Diagnostic::error(None, format!("cannot read {e}")));
                    return Err(ds);
                }
            };
        let from_file = |p: Option<PathBuf>, default: &str| {
            let p = p.unwrap_or_else(|| PathBuf::from(default));
            if p.is_absolute() {
                p
            } else {
                display(&estate_dir.join(p))
            }
        };
        let inventory = o
            .inventory
            .unwrap_or_else(|| from_file(file.inventory, "inventory"));
        let out = o.out.unwrap_or_else(|| from_file(file.out, "out"));
        let period = match o.period.or(file.period) {
            Some(text) => match Period::parse(&text) {
                Ok(p) => p,
                Err(msg) => {
                    ds.push(Diagnostic::error(None, format!("bad period: {msg}")));
                    return Err(ds);
                }
            },
            None => Period::last_full_year(chrono::Local::now().date_naive()),
        };
        let factors_dir = Some(display(&estate_dir.join("carbon-factors"))).filter(|d| d.is_dir());
        let billing = if o.billing.is_empty() {
            file.billing
                .into_iter()
                .map(|i| {
                    let p = if i.path.is_absolute() {
                        i.path.clone()
                    } else {
                        display(&estate_dir.join(&i.path))
                    };
                    (i, p)
                })
                .collect()
        } else {
            o.billing
                .into_iter()
                .map(|p| {
                    (
                        crate::collect::billing::Input {
                            path: p.clone(),
                            format: None,
                            columns: None,
                            date_format: None,
                            currency: None,
                        },
                        p,
                    )
                })
                .collect()
        };
        let policies_dir_given = o.policies.is_some() || file.policies.dir.is_some();
        let policies_dir = o
            .policies
            .unwrap_or_else(|| from_file(file.policies.dir.clone(), "policies"));
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                display(&estate_dir.join(p))
            }
        };
        let sources_given = file.sources.is_some();
        let sources = file
            .sources
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.resolved(resolve))
            .collect();
        Ok(Settings {
            sources,
            sources_given,
            policies_dir,
            policies_dir_given,
            policies: file.policies,
            billing,
            exchange_rates: file
                .exchange_rates
                .into_iter()
                .map(|(k, v)| (k.to_ascii_uppercase(), v.0))
                .collect(),
            factors: o
                .factors
                .or(file.factors)
                .unwrap_or_else(|| "default".into()),
            factors_dir,
            name: file.name.unwrap_or_else(|| "Estate".into()),
            currency: file.currency.unwrap_or_else(|| "GBP".into()),
            estate_dir,
            inventory,
            out,
            period,
        })
    }
}

/// `./x` shown as `x`.
fn display(p: &Path) -> PathBuf {
    p.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}
