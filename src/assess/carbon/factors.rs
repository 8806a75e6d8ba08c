//! Factor sets: the coefficients the carbon engine multiplies by, with where
//! each came from.
//!
//! A set is a folder under `carbon-factors/` (`ccf`, `default`, `common`, or
//! a user's own) whose `set.yaml` may name a set it `extends`. Each table is
//! one file; a file missing from a set is taken from the set it extends, so a
//! user overrides one table by dropping one file into their repo's
//! `carbon-factors/<set>/`. The shipped sets are also compiled into the
//! binary, so an estate repository without them still works. Every file opens
//! with a `provenance:` block (CSV files: a sibling `.meta.yaml`), and every
//! factor has an id (`ccf/pue/aws`, `common/grid/GB/2025`) that estimates cite.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::range::Range;
use crate::diagnostic::{Diagnostic, Diagnostics, Loc, Sources};
use crate::inventory::kinds::{DeviceCategory, Provider, SupplierCategory};

/// The shipped sets, compiled in: (set, file name, contents).
const EMBEDDED: &[(&str, &str, &str)] = &[
    (
        "common",
        "set.yaml",
        include_str!("../../../carbon-factors/common/set.yaml"),
    ),
    (
        "common",
        "grid.yaml",
        include_str!("../../../carbon-factors/common/grid.yaml"),
    ),
    (
        "common",
        "devices.yaml",
        include_str!("../../../carbon-factors/common/devices.yaml"),
    ),
    (
        "common",
        "onprem.yaml",
        include_str!("../../../carbon-factors/common/onprem.yaml"),
    ),
    (
        "common",
        "spend.yaml",
        include_str!("../../../carbon-factors/common/spend.yaml"),
    ),
    (
        "ccf",
        "set.yaml",
        include_str!("../../../carbon-factors/ccf/set.yaml"),
    ),
    (
        "ccf",
        "pue.yaml",
        include_str!("../../../carbon-factors/ccf/pue.yaml"),
    ),
    (
        "ccf",
        "cpu-power.yaml",
        include_str!("../../../carbon-factors/ccf/cpu-power.yaml"),
    ),
    (
        "ccf",
        "memory.yaml",
        include_str!("../../../carbon-factors/ccf/memory.yaml"),
    ),
    (
        "ccf",
        "storage.yaml",
        include_str!("../../../carbon-factors/ccf/storage.yaml"),
    ),
    (
        "ccf",
        "network.yaml",
        include_str!("../../../carbon-factors/ccf/network.yaml"),
    ),
    (
        "ccf",
        "replication-factors.yaml",
        include_str!("../../../carbon-factors/ccf/replication-factors.yaml"),
    ),
    (
        "ccf",
        "defaults.yaml",
        include_str!("../../../carbon-factors/ccf/defaults.yaml"),
    ),
    (
        "ccf",
        "grid-factors.csv",
        include_str!("../../../carbon-factors/ccf/grid-factors.csv"),
    ),
    (
        "ccf",
        "grid-factors.meta.yaml",
        include_str!("../../../carbon-factors/ccf/grid-factors.meta.yaml"),
    ),
    (
        "ccf",
        "aws-instances.csv",
        include_str!("../../../carbon-factors/ccf/aws-instances.csv"),
    ),
    (
        "ccf",
        "aws-instances.meta.yaml",
        include_str!("../../../carbon-factors/ccf/aws-instances.meta.yaml"),
    ),
    (
        "ccf",
        "azure-instances.csv",
        include_str!("../../../carbon-factors/ccf/azure-instances.csv"),
    ),
    (
        "ccf",
        "azure-instances.meta.yaml",
        include_str!("../../../carbon-factors/ccf/azure-instances.meta.yaml"),
    ),
    (
        "ccf",
        "gcp-instances.csv",
        include_str!("../../../carbon-factors/ccf/gcp-instances.csv"),
    ),
    (
        "ccf",
        "gcp-instances.meta.yaml",
        include_str!("../../../carbon-factors/ccf/gcp-instances.meta.yaml"),
    ),
    (
        "default",
        "set.yaml",
        include_str!("../../../carbon-factors/default/set.yaml"),
    ),
    (
        "default",
        "cloud-regions.yaml",
        include_str!("../../../carbon-factors/default/cloud-regions.yaml"),
    ),
];

/// Where a table came from, as its file's `provenance:` block says.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Provenance {
    pub set: String,
    pub file: String,
    /// The file on disk, or `(built in)`.
    pub path: String,
    pub source: String,
    pub url: String,
    pub year: String,
    pub units: String,
    pub licence: String,
}

/// How embodied emissions of a cloud instance are shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmbodiedRule {
    /// As CCF's code computes it (independent of the instance's own size).
    CcfCode,
    /// As CCF's methodology describes it: family total × vCPU share × hours / lifespan.
    Methodology,
}

/// A cloud instance type's figures, per instance-hour where derived.
#[derive(Clone, Debug)]
pub struct Instance {
    pub vcpus: Option<f64>,
    pub memory_gb: Option<f64>,
    pub microarchitectures: String,
    /// vCPU-hours CCF counts per instance-hour (burstable types are scaled).
    pub ccf_vcpu_hours_per_hour: Option<f64>,
    pub min_watts: f64,
    pub max_watts: f64,
    /// Memory GB-hours above the per-chip baseline, per instance-hour.
    pub memory_gb_hours_per_hour: f64,
    pub embodied_code_kg_per_hour: Option<f64>,
    pub embodied_methodology_kg_per_hour: Option<f64>,
    pub burstable_baseline_pct: Option<f64>,
    /// Whether the microarchitecture is unknown (the provider average was used).
    pub fallback_watts: bool,
}

/// One provider's cloud constants.
#[derive(Clone, Debug, Default)]
pub struct Cloud {
    pub pue: f64,
    pub pue_by_region: FxHashMap<String, f64>,
    pub memory_kwh_per_gb_hour: f64,
    pub ssd_wh_per_tb_hour: f64,
    pub hdd_wh_per_tb_hour: f64,
    pub network_kwh_per_gb: f64,
    pub default_utilisation: f64,
    pub lifespan_hours: f64,
    /// Average watts per vCPU used when the microarchitecture is unknown.
    pub fallback_watts: (f64, f64),
    /// (min, max) watts per vCPU of every known microarchitecture: the spread
    /// used when an instance's microarchitecture is unknown.
    pub microarch_watts: Vec<(f64, f64)>,
    pub replication: FxHashMap<String, f64>,
    pub instances: FxHashMap<String, Instance>,
    /// kgCO2e/kWh by region, as CCF has them.
    pub grid: FxHashMap<String, f64>,
}

/// A grid factor of one zone and year, generation and T&D.
#[derive(Clone, Debug)]
pub struct GridFactor {
    pub zone: String,
    pub year: i32,
    pub generation: f64,
    pub td: f64,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct DeviceFactor {
    pub embodied_kgco2e: Range,
    pub use_kwh_per_year: Range,
    pub lifetime_years: f64,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct OnPrem {
    pub idle_w_per_core: Range,
    pub max_w_per_core: Range,
    pub memory_w_per_gb: Range,
    pub ssd_w: Range,
    pub hdd_w: Range,
    pub embodied_kgco2e: Range,
    pub lifetime_years: f64,
    pub rated_power_load_factor: Range,
    pub default_utilisation: Range,
    /// PUE of a site that does not declare one.
    pub default_pue: Range,
}

#[derive(Clone, Debug, Default)]
pub struct SpendFactor {
    pub kgco2e_per_gbp: Range,
    pub source: String,
}

/// A resolved factor set.
#[derive(Clone, Debug)]
pub struct FactorSet {
    pub name: String,
    /// The sets searched, in order (`default`, `ccf`, `common`).
    pub chain: Vec<String>,
    pub embodied_rule: EmbodiedRule,
    /// Utilisation assumed when none is measured: (low, high) around the provider default.
    pub unknown_utilisation: (f64, f64),
    /// ± fraction on a measured utilisation.
    pub measured_utilisation_spread: f64,
    pub cloud: FxHashMap<Provider, Cloud>,
    /// Cloud regions whose grid factor comes from a country zone's table instead of CCF's.
    pub region_zones: HashMap<String, String>,
    pub grid: Vec<GridFactor>,
    /// ± fraction added to a grid factor per year between its year and the period's.
    pub grid_vintage_spread_per_year: f64,
    pub devices: HashMap<DeviceCategory, DeviceFactor>,
    pub onprem: OnPrem,
    pub spend: HashMap<SupplierCategory, SpendFactor>,
    pub spend_currency: String,
    /// Provenance of every file used, keyed by `set/file`.
    pub files: BTreeMap<String, Provenance>,
    /// The set each file was taken from.
    set_by_file: HashMap<String, String>,
}

/// `set.yaml`.
#[derive(Debug, Deserialize)]
struct SetFile {
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    embodied_rule: Option<EmbodiedRule>,
    #[serde(default)]
    unknown_utilisation: Option<[f64; 2]>,
    #[serde(default)]
    measured_utilisation_spread: Option<f64>,
    #[serde(default)]
    grid_vintage_spread_per_year: Option<f64>,
}

/// Finds and reads factor files for a chain of sets.
struct Reader<'a> {
    dir: Option<&'a Path>,
    chain: Vec<String>,
    sources: &'a mut Sources,
    diagnostics: Diagnostics,
    files: BTreeMap<String, Provenance>,
}

impl Reader<'_> {
    /// The first set in the chain that has `file`: (set, path shown, text).
    fn find(&self, file: &str) -> Option<(String, String, String)> {
        for set in &self.chain {
            if let Some(dir) = self.dir {
                let p = dir.join(set).join(file);
                if let Ok(text) = std::fs::read_to_string(&p) {
                    return Some((set.clone(), p.display().to_string(), text));
                }
            }
            if let Some((_, _, text)) = EMBEDDED.iter().find(|(s, f, _)| s == set && *f == file) {
                return Some((
                    set.clone(),
                    format!("(built in) carbon-factors/{set}/{file}"),
                    text.to_string(),
                ));
            }
        }
        None
    }

    /// Read a YAML table into `T`, recording its provenance.
    fn yaml<T: for<'de> Deserialize<'de>>(&mut self, file: &str) -> Option<(String, T)> {
        let (set, path, text) = self.find(file)?;
        let id = self.sources.add(PathBuf::from(&path), text.clone().into());
        self.provenance(&set, file, &path, &text, id);
        match serde_saphyr::from_str::<T>(&text) {
            Ok(v) => Some((set, v)),
            Err(e) => {
                let d = crate::diagnostic::yaml_error(&e, id);
                self.diagnostics.push(Diagnostic {
                    message: format!("bad factor file: {}", d.message),
                    ..d
                });
                None
            }
        }
    }

    /// Read a CSV table into rows of `T`, recording its provenance (from `<name>.meta.yaml`).
    fn csv<T: for<'de> Deserialize<'de>>(&mut self, file: &str) -> Option<(String, Vec<T>)> {
        let (set, path, text) = self.find(file)?;
        let id = self.sources.add(PathBuf::from(&path), text.clone().into());
        let meta = file.trim_end_matches(".csv").to_string() + ".meta.yaml";
        if let Some((_, mpath, mtext)) = self.find(&meta) {
            let mid = self
                .sources
                .add(PathBuf::from(&mpath), mtext.clone().into());
            self.provenance(&set, file, &path, &mtext, mid);
        } else {
            self.diagnostics.push(Diagnostic::error(
                None,
                format!(
                    "factor table `{path}` has no `{meta}` giving its source, year and licence"
                ),
            ));
        }
        let mut rows = Vec::new();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for r in reader.deserialize::<T>() {
            match r {
                Ok(row) => rows.push(row),
                Err(e) => {
                    let line = e.position().map(|p| p.line() as u32).unwrap_or(0);
                    let loc = (line > 0).then_some(Loc {
                        file: id,
                        line,
                        column: 1,
                    });
                    self.diagnostics
                        .push(Diagnostic::error(loc, format!("bad factor row: {e}")));
                }
            }
        }
        Some((set, rows))
    }

    fn provenance(&mut self, set: &str, file: &str, path: &str, text: &str, source_id: u32) {
        #[derive(Deserialize, Default)]
        struct P {
            #[serde(default)]
            provenance: Option<serde_json::Value>,
        }
        let p: P = serde_saphyr::from_str(text).unwrap_or_default();
        let Some(v) = p.provenance else {
            if file != "set.yaml" {
                self.diagnostics.push(Diagnostic::error(
                    Some(Loc { file: source_id, line: 1, column: 1 }),
                    format!("factor file `{path}` has no `provenance:` block (source, url, year, units, licence)"),
                ));
            }
            return;
        };
        let text_of = |key: &str| -> String {
            match v.get(key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .map(|x| match x {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Object(o) => o
                            .get("package")
                            .or_else(|| o.get("name"))
                            .or_else(|| o.get("repository"))
                            .and_then(|s| s.as_str())
                            .unwrap_or_default()
                            .to_string(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string().trim_matches('"').to_string(),
            }
        };
        self.files.insert(
            format!("{set}/{file}"),
            Provenance {
                set: set.into(),
                file: file.into(),
                path: path.into(),
                source: text_of("source"),
                url: text_of("url"),
                year: text_of("year"),
                units: text_of("units"),
                licence: text_of("licence"),
            },
        );
    }
}

/// Per-provider scalar tables (`aws: 1.135` or `aws: {pue: 1.135}`).
type PerProvider<T> = HashMap<String, T>;

fn provider_key(p: Provider) -> &'static str {
    match p {
        Provider::Aws => "aws",
        Provider::Azure => "azure",
        Provider::Gcp => "gcp",
        Provider::OnPrem | Provider::Other => "",
    }
}

const CLOUDS: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

/// A value written as a number or as `{low, central, high}`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(untagged)]
enum RangeValue {
    Exact(f64),
    Range { low: f64, central: f64, high: f64 },
}

impl From<RangeValue> for Range {
    fn from(v: RangeValue) -> Range {
        match v {
            RangeValue::Exact(x) => Range::exact(x),
            RangeValue::Range { low, central, high } => Range::new(low, central, high),
        }
    }
}

/// Load the set `name` from `dir` (a `carbon-factors/` folder; the built-in sets when absent there).
pub fn load(
    name: &str,
    dir: Option<&Path>,
    sources: &mut Sources,
) -> Result<FactorSet, Diagnostics> {
    // Resolve the chain of sets.
    let mut chain = vec![name.to_string()];
    let mut reader = Reader {
        dir,
        chain: vec![name.to_string()],
        sources,
        diagnostics: Diagnostics::default(),
        files: BTreeMap::new(),
    };
    let mut settings: Vec<SetFile> = Vec::new();
    loop {
        let current = chain.last().cloned().expect("non-empty");
        reader.chain = vec![current.clone()];
        let Some((_, set)) = reader.yaml::<SetFile>("set.yaml") else {
            if chain.len() == 1 && reader.diagnostics.errors() == 0 {
                let known: Vec<&str> = EMBEDDED
                    .iter()
                    .filter(|(_, f, _)| *f == "set.yaml")
                    .map(|(s, _, _)| *s)
                    .collect();
                reader.diagnostics.push(
                    Diagnostic::error(
                        None,
                        format!("no factor set `{name}`: no `carbon-factors/{name}/set.yaml`"),
                    )
                    .with_help(format!("built-in sets: {}", known.join(", "))),
                );
            }
            return Err(reader.diagnostics);
        };
        let next = set.extends.clone();
        settings.push(set);
        match next {
            Some(n) if chain.contains(&n) => {
                reader.diagnostics.push(Diagnostic::error(
                    None,
                    format!(
                        "factor sets extend each other in a cycle: {} → {n}",
                        chain.join(" → ")
                    ),
                ));
                return Err(reader.diagnostics);
            }
            Some(n) => chain.push(n),
            None => break,
        }
    }
    reader.chain = chain.clone();
    let first = |f: fn(&SetFile) -> Option<_>| settings.iter().find_map(f);
    let embodied_rule = first(|s| s.embodied_rule).unwrap_or(EmbodiedRule::Methodology);
    let unknown_utilisation = settings
        .iter()
        .find_map(|s| s.unknown_utilisation)
        .unwrap_or([0.1, 0.9]);
    let measured_utilisation_spread = settings
        .iter()
        .find_map(|s| s.measured_utilisation_spread)
        .unwrap_or(0.05);
    let grid_vintage_spread_per_year = settings
        .iter()
        .find_map(|s| s.grid_vintage_spread_per_year)
        .unwrap_or(0.05);

    let mut cloud: FxHashMap<Provider, Cloud> =
        CLOUDS.iter().map(|p| (*p, Cloud::default())).collect();
    read_cloud(&mut reader, &mut cloud);
    let region_zones = read_region_zones(&mut reader);
    let grid = read_grid(&mut reader);
    let devices = read_devices(&mut reader);
    let onprem = read_onprem(&mut reader);
    // Embodied emissions are divided by lifetimes: a zero or negative one is an error, not infinity.
    let lifetimes = devices
        .iter()
        .map(|(c, d)| (format!("devices.yaml: {c:?}"), d.lifetime_years))
        .chain([("onprem.yaml: server".to_string(), onprem.lifetime_years)]);
    for (what, years) in lifetimes {
        if !(years > 0.0 && years.is_finite())
            && reader
                .files
                .keys()
                .any(|k| k.ends_with(what.split(':').next().unwrap_or("")))
        {
            reader.diagnostics.push(Diagnostic::error(
                None,
                format!(
                    "bad factor file: {what} has `lifetime_years: {years}`; it must be more than 0"
                ),
            ));
        }
    }
    let (spend, spend_currency) = read_spend(&mut reader);
    if reader.diagnostics.errors() > 0 {
        return Err(reader.diagnostics);
    }
    let set_by_file = reader
        .files
        .values()
        .map(|p| (p.file.clone(), p.set.clone()))
        .collect();
    Ok(FactorSet {
        set_by_file,
        name: name.to_string(),
        chain,
        embodied_rule,
        unknown_utilisation: (unknown_utilisation[0], unknown_utilisation[1]),
        measured_utilisation_spread,
        cloud,
        region_zones,
        grid,
        grid_vintage_spread_per_year,
        devices,
        onprem,
        spend,
        spend_currency,
        files: reader.files,
    })
}

fn read_cloud(reader: &mut Reader<'_>, cloud: &mut FxHashMap<Provider, Cloud>) {
    #[derive(Deserialize)]
    struct PueEntry {
        #[serde(default)]
        pue: Option<f64>,
        #[serde(default)]
        default_pue: Option<f64>,
        #[serde(default)]
        by_region: FxHashMap<String, f64>,
    }
    if let Some((_, pue)) = reader.yaml::<PerProvider<serde_json::Value>>("pue.yaml") {
        for p in CLOUDS {
            if let Some(v) = pue.get(provider_key(p))
                && let Ok(e) = serde_json::from_value::<PueEntry>(v.clone())
            {
                let c = cloud.get_mut(&p).expect("all clouds");
                c.pue = e.pue.or(e.default_pue).unwrap_or(0.0);
                c.pue_by_region = e.by_region;
            }
        }
    }
    #[derive(Deserialize)]
    struct Watts {
        min_watts: f64,
        max_watts: f64,
    }
    #[derive(Deserialize)]
    struct CpuProvider {
        fallback: Watts,
        #[serde(default)]
        microarchitectures: BTreeMap<String, Watts>,
    }
    if let Some((_, cpu)) = reader.yaml::<PerProvider<serde_json::Value>>("cpu-power.yaml") {
        for p in CLOUDS {
            if let Some(v) = cpu.get(provider_key(p))
                && let Ok(e) = serde_json::from_value::<CpuProvider>(v.clone())
            {
                let c = cloud.get_mut(&p).expect("all clouds");
                c.fallback_watts = (e.fallback.min_watts, e.fallback.max_watts);
                c.microarch_watts = e
                    .microarchitectures
                    .values()
                    .map(|w| (w.min_watts, w.max_watts))
                    .collect();
            }
        }
    }
    let mut per_provider = |file: &str, key: &str, set: fn(&mut Cloud, f64)| {
        if let Some((_, t)) = reader.yaml::<HashMap<String, serde_json::Value>>(file)
            && let Some(map) = t.get(key).and_then(|v| v.as_object())
        {
            for p in CLOUDS {
                if let Some(x) = map.get(provider_key(p)).and_then(|v| v.as_f64()) {
                    set(cloud.get_mut(&p).expect("all clouds"), x);
                }
            }
        }
    };
    per_provider("memory.yaml", "coefficient_kwh_per_gb_hour", |c, x| {
        c.memory_kwh_per_gb_hour = x
    });
    per_provider("storage.yaml", "ssd_wh_per_tb_hour", |c, x| {
        c.ssd_wh_per_tb_hour = x
    });
    per_provider("storage.yaml", "hdd_wh_per_tb_hour", |c, x| {
        c.hdd_wh_per_tb_hour = x
    });
    per_provider("network.yaml", "coefficient_kwh_per_gb", |c, x| {
        c.network_kwh_per_gb = x
    });
    per_provider("defaults.yaml", "default_cpu_utilisation_pct", |c, x| {
        c.default_utilisation = x / 100.0
    });
    per_provider("defaults.yaml", "server_expected_lifespan_hours", |c, x| {
        c.lifespan_hours = x
    });
    if let Some((_, rep)) =
        reader.yaml::<HashMap<String, serde_json::Value>>("replication-factors.yaml")
    {
        for p in CLOUDS {
            if let Some(consts) = rep
                .get(provider_key(p))
                .and_then(|v| v.get("constants"))
                .and_then(|v| v.as_object())
            {
                let c = cloud.get_mut(&p).expect("all clouds");
                for (k, v) in consts {
                    if let Some(x) = v.as_f64() {
                        c.replication.insert(k.clone(), x);
                    }
                }
            }
        }
    }
    #[derive(Deserialize)]
    struct GridRow {
        provider: String,
        region: String,
        variant: String,
        kgco2e_per_kwh: f64,
    }
    if let Some((_, rows)) = reader.csv::<GridRow>("grid-factors.csv") {
        for r in rows.into_iter().filter(|r| r.variant == "grid") {
            if let Some(p) = CLOUDS.iter().find(|p| provider_key(**p) == r.provider) {
                cloud
                    .get_mut(p)
                    .expect("all clouds")
                    .grid
                    .insert(r.region, r.kgco2e_per_kwh);
            }
        }
    }
    read_instances(reader, cloud);
}

fn read_instances(reader: &mut Reader<'_>, cloud: &mut FxHashMap<Provider, Cloud>) {
    #[derive(Deserialize)]
    struct Row {
        instance_type: String,
        #[serde(default)]
        arm_name: Option<String>,
        vcpus: Option<f64>,
        memory_gb: Option<f64>,
        microarchitectures: String,
        #[serde(default)]
        burstable_baseline_pct: Option<f64>,
        #[serde(default, alias = "ccf_vcpus")]
        ccf_vcpu_hours_per_hour: Option<f64>,
        ccf_min_watts_per_vcpu: Option<f64>,
        ccf_max_watts_per_vcpu: Option<f64>,
        ccf_memory_gb_hours_per_hour: Option<f64>,
        ccf_embodied_kgco2e_per_hour: Option<f64>,
        methodology_embodied_kgco2e_per_hour: Option<f64>,
    }
    for (p, file) in [
        (Provider::Aws, "aws-instances.csv"),
        (Provider::Azure, "azure-instances.csv"),
    ] {
        let Some((_, rows)) = reader.csv::<Row>(file) else {
            continue;
        };
        let c = cloud.get_mut(&p).expect("all clouds");
        for r in rows {
            let fallback = r
                .microarchitectures
                .split(';')
                .any(|m| m.trim() == "Unknown")
                || (r.ccf_min_watts_per_vcpu, r.ccf_max_watts_per_vcpu)
                    == (Some(c.fallback_watts.0), Some(c.fallback_watts.1));
            let inst = Instance {
                vcpus: r.vcpus,
                memory_gb: r.memory_gb,
                microarchitectures: r.microarchitectures,
                ccf_vcpu_hours_per_hour: r.ccf_vcpu_hours_per_hour,
                min_watts: r.ccf_min_watts_per_vcpu.unwrap_or(c.fallback_watts.0),
                max_watts: r.ccf_max_watts_per_vcpu.unwrap_or(c.fallback_watts.1),
                memory_gb_hours_per_hour: r.ccf_memory_gb_hours_per_hour.unwrap_or(0.0),
                embodied_code_kg_per_hour: r.ccf_embodied_kgco2e_per_hour,
                embodied_methodology_kg_per_hour: r.methodology_embodied_kgco2e_per_hour,
                burstable_baseline_pct: r.burstable_baseline_pct,
                fallback_watts: fallback,
            };
            if let Some(arm) = r.arm_name.filter(|a| !a.is_empty()) {
                c.instances.insert(arm.to_ascii_lowercase(), inst.clone());
            }
            c.instances
                .insert(r.instance_type.to_ascii_lowercase(), inst);
        }
    }
}

fn read_region_zones(reader: &mut Reader<'_>) -> HashMap<String, String> {
    #[derive(Deserialize)]
    struct F {
        #[serde(default)]
        regions: HashMap<String, String>,
    }
    reader
        .yaml::<F>("cloud-regions.yaml")
        .map(|(_, f)| f.regions)
        .unwrap_or_default()
}

fn read_grid(reader: &mut Reader<'_>) -> Vec<GridFactor> {
    #[derive(Deserialize)]
    struct Entry {
        year: i32,
        generation_kgco2e_per_kwh: f64,
        #[serde(default)]
        td_kgco2e_per_kwh: Option<f64>,
        #[serde(default)]
        source: Option<String>,
    }
    #[derive(Deserialize)]
    struct F {
        #[serde(default)]
        zones: BTreeMap<String, Vec<Entry>>,
    }
    let Some((_, f)) = reader.yaml::<F>("grid.yaml") else {
        return Vec::new();
    };
    f.zones
        .into_iter()
        .flat_map(|(zone, entries)| {
            entries.into_iter().map(move |e| GridFactor {
                zone: zone.clone(),
                year: e.year,
                generation: e.generation_kgco2e_per_kwh,
                td: e.td_kgco2e_per_kwh.unwrap_or(0.0),
                source: e.source.unwrap_or_default(),
            })
        })
        .collect()
}

fn read_devices(reader: &mut Reader<'_>) -> HashMap<DeviceCategory, DeviceFactor> {
    #[derive(Deserialize)]
    struct Entry {
        embodied_kgco2e: RangeValue,
        use_kwh_per_year: RangeValue,
        lifetime_years: f64,
        #[serde(default)]
        source: serde_json::Value,
    }
    #[derive(Deserialize)]
    struct F {
        categories: HashMap<DeviceCategory, Entry>,
    }
    let Some((_, f)) = reader.yaml::<F>("devices.yaml") else {
        return HashMap::new();
    };
    f.categories
        .into_iter()
        .map(|(k, e)| {
            (
                k,
                DeviceFactor {
                    embodied_kgco2e: e.embodied_kgco2e.into(),
                    use_kwh_per_year: e.use_kwh_per_year.into(),
                    lifetime_years: e.lifetime_years,
                    source: source_text(&e.source),
                },
            )
        })
        .collect()
}

fn source_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn read_onprem(reader: &mut Reader<'_>) -> OnPrem {
    #[derive(Deserialize)]
    struct Server {
        idle_w_per_core: RangeValue,
        max_w_per_core: RangeValue,
        memory_w_per_gb: RangeValue,
        ssd_w: RangeValue,
        hdd_w: RangeValue,
        embodied_kgco2e: RangeValue,
        lifetime_years: f64,
        default_utilisation: RangeValue,
    }
    #[derive(Deserialize)]
    struct F {
        server: Server,
        rated_power_load_factor: RangeValue,
        default_pue: RangeValue,
    }
    let Some((_, f)) = reader.yaml::<F>("onprem.yaml") else {
        return OnPrem::default();
    };
    OnPrem {
        idle_w_per_core: f.server.idle_w_per_core.into(),
        max_w_per_core: f.server.max_w_per_core.into(),
        memory_w_per_gb: f.server.memory_w_per_gb.into(),
        ssd_w: f.server.ssd_w.into(),
        hdd_w: f.server.hdd_w.into(),
        embodied_kgco2e: f.server.embodied_kgco2e.into(),
        lifetime_years: f.server.lifetime_years,
        rated_power_load_factor: f.rated_power_load_factor.into(),
        default_utilisation: f.server.default_utilisation.into(),
        default_pue: f.default_pue.into(),
    }
}

fn read_spend(reader: &mut Reader<'_>) -> (HashMap<SupplierCategory, SpendFactor>, String) {
    #[derive(Deserialize)]
    struct Entry {
        kgco2e_per_gbp: RangeValue,
        #[serde(default)]
        source: serde_json::Value,
    }
    #[derive(Deserialize)]
    struct F {
        categories: HashMap<SupplierCategory, Entry>,
        #[serde(default)]
        currency: Option<String>,
    }
    let Some((_, f)) = reader.yaml::<F>("spend.yaml") else {
        return (HashMap::new(), "GBP".into());
    };
    let map = f
        .categories
        .into_iter()
        .map(|(k, e)| {
            (
                k,
                SpendFactor {
                    kgco2e_per_gbp: e.kgco2e_per_gbp.into(),
                    source: source_text(&e.source),
                },
            )
        })
        .collect();
    (map, f.currency.unwrap_or_else(|| "GBP".into()))
}

impl FactorSet {
    /// The set whose file supplied `file` (for factor ids).
    pub fn set_of(&self, file: &str) -> &str {
        self.set_by_file
            .get(file)
            .map_or(self.name.as_str(), String::as_str)
    }

    /// The grid factor for a country/zone in a year: the year's own, else the
    /// nearest earlier year, else the earliest; with the vintage gap in years.
    pub fn grid_for(&self, zone: &str, year: i32) -> Option<(&GridFactor, i32)> {
        let of_zone: Vec<&GridFactor> = self.grid.iter().filter(|g| g.zone == zone).collect();
        let best = of_zone
            .iter()
            .filter(|g| g.year <= year)
            .max_by_key(|g| g.year)
            .or_else(|| of_zone.iter().min_by_key(|g| g.year))?;
        Some((best, (year - best.year).abs()))
    }
}

impl FactorSet {
    /// A factor's value and its file's provenance, by the id estimates cite.
    pub fn explain(&self, id: &str) -> Option<(serde_json::Value, Provenance)> {
        use serde_json::json;
        let parts: Vec<&str> = id.splitn(4, '/').collect();
        let prov = |file: &str| self.files.values().find(|p| p.file == file).cloned();
        let provider = |p: &str| CLOUDS.into_iter().find(|c| provider_key(*c) == p);
        let r = |x: Range| json!({"low": x.low, "central": x.central, "high": x.high});
        match parts.as_slice() {
            [_, "pue", p] => Some((json!(self.cloud.get(&provider(p)?)?.pue), prov("pue.yaml")?)),
            [_, "memory", p] => Some((
                json!({"kwh_per_gb_hour": self.cloud.get(&provider(p)?)?.memory_kwh_per_gb_hour}),
                prov("memory.yaml")?,
            )),
            [_, "storage", p, class] => {
                let c = self.cloud.get(&provider(p)?)?;
                let v = if *class == "ssd" {
                    c.ssd_wh_per_tb_hour
                } else {
                    c.hdd_wh_per_tb_hour
                };
                Some((json!({"wh_per_tb_hour": v}), prov("storage.yaml")?))
            }
            [_, "replication", p, key] => Some((
                json!(self.cloud.get(&provider(p)?)?.replication.get(*key)?),
                prov("replication-factors.yaml")?,
            )),
            [_, "cpu-power", p, arch] => {
                let c = self.cloud.get(&provider(p)?)?;
                let inst = c
                    .instances
                    .values()
                    .find(|i| i.microarchitectures == *arch)?;
                Some((
                    json!({"min_watts_per_vcpu": inst.min_watts, "max_watts_per_vcpu": inst.max_watts, "fallback": inst.fallback_watts}),
                    prov("cpu-power.yaml")?,
                ))
            }
            [_, "instance", p, t] => {
                let i = self
                    .cloud
                    .get(&provider(p)?)?
                    .instances
                    .get(&t.to_ascii_lowercase())?;
                Some((
                    json!({"vcpus": i.vcpus, "memory_gb": i.memory_gb, "microarchitectures": i.microarchitectures, "min_watts": i.min_watts, "max_watts": i.max_watts,
                        "memory_gb_hours_per_hour": i.memory_gb_hours_per_hour, "embodied_kgco2e_per_hour_ccf_code": i.embodied_code_kg_per_hour,
                        "embodied_kgco2e_per_hour_methodology": i.embodied_methodology_kg_per_hour, "burstable_baseline_pct": i.burstable_baseline_pct}),
                    prov(&format!("{p}-instances.csv"))?,
                ))
            }
            [_, "grid", region] if region.contains(':') => {
                let (p, reg) = region.split_once(':')?;
                Some((
                    json!({"kgco2e_per_kwh": self.cloud.get(&provider(p)?)?.grid.get(reg)?}),
                    prov("grid-factors.csv")?,
                ))
            }
            [_, "grid", zone, year] => {
                let g = self
                    .grid
                    .iter()
                    .find(|g| g.zone == *zone && g.year.to_string() == *year)?;
                Some((
                    json!({"generation_kgco2e_per_kwh": g.generation, "td_kgco2e_per_kwh": g.td, "source": g.source}),
                    prov("grid.yaml")?,
                ))
            }
            [_, "devices", cat, part] => {
                let c: DeviceCategory = serde_json::from_value(json!(cat)).ok()?;
                let d = self.devices.get(&c)?;
                let v = match *part {
                    "embodied" => {
                        json!({"embodied_kgco2e": r(d.embodied_kgco2e), "lifetime_years": d.lifetime_years, "source": d.source})
                    }
                    _ => json!({"use_kwh_per_year": r(d.use_kwh_per_year), "source": d.source}),
                };
                Some((v, prov("devices.yaml")?))
            }
            [_, "spend", cat] => {
                let c: SupplierCategory = serde_json::from_value(json!(cat)).ok()?;
                let s = self.spend.get(&c)?;
                Some((
                    json!({"kgco2e_per_gbp": r(s.kgco2e_per_gbp), "currency": self.spend_currency, "source": s.source}),
                    prov("spend.yaml")?,
                ))
            }
            [_, "onprem", rest @ ..] => {
                let o = &self.onprem;
                let v = match rest.join("/").as_str() {
                    "default_pue" => json!(r(o.default_pue)),
                    "rated_power_load_factor" => json!(r(o.rated_power_load_factor)),
                    "server/embodied" => {
                        json!({"embodied_kgco2e": r(o.embodied_kgco2e), "lifetime_years": o.lifetime_years})
                    }
                    _ => {
                        json!({"idle_w_per_core": r(o.idle_w_per_core), "max_w_per_core": r(o.max_w_per_core), "memory_w_per_gb": r(o.memory_w_per_gb),
                        "ssd_w": r(o.ssd_w), "hdd_w": r(o.hdd_w), "default_utilisation": r(o.default_utilisation)})
                    }
                };
                Some((v, prov("onprem.yaml")?))
            }
            _ => None,
        }
    }
}
