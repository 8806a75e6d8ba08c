//! The pipeline, called in one place and in one order: settings, the
//! inventory built into the model, the collected sources applied to it, the
//! factor set and carbon, billing and spend, the facts policies read, the
//! policy pack, and the roadmaps. Commands take what they need from here and
//! render it; the report and snapshots read the one [`Estate`] the whole
//! pipeline builds. Problems are printed (located) as they are found, and a
//! stage that cannot go on returns `None` after saying why.

pub mod spend;

use std::path::PathBuf;

use anyhow::Result;

use crate::assess::{carbon, policy};
use crate::diagnostic::Sources;
use crate::inventory;
use crate::model::{self, Model};
use crate::output::Terminal;
use crate::plan;
use crate::settings::{Overrides, Settings};

/// Settings from estate.yaml and the flags; `None` after printing why not.
pub fn settings(o: Overrides, out: &Terminal) -> Option<Settings> {
    let mut sources = Sources::default();
    match Settings::resolve(o, &mut sources) {
        Ok(s) => Some(s),
        Err(ds) => {
            out.diagnostics(&ds, &sources, false);
            None
        }
    }
}

/// The settings, and the model with the collected sources applied.
pub struct Loaded {
    pub settings: Settings,
    pub model: Model,
    pub collected: crate::collect::Collected,
}

/// Settings, inventory, model and collected sources; `None` (after printing why) when the input is bad.
pub fn load(o: Overrides, out: &Terminal) -> Result<Option<Loaded>> {
    let Some(settings) = settings(o, out) else {
        return Ok(None);
    };
    let inv = crate::timings::stage("inventory load and validation", || {
        inventory::load(&settings.inventory)
    });
    tracing::info!(
        files = inv.files,
        documents = inv.documents,
        entities = inv.entities.len(),
        "inventory read"
    );
    let (mut model, ds) =
        crate::timings::stage("graph build and id resolution", || model::build(inv));
    out.diagnostics(&ds, &model.sources, true);
    if ds.errors() > 0 {
        crate::say!(
            "error: the inventory has {} error(s); nothing else was done",
            ds.errors()
        );
        return Ok(None);
    }
    let Some(collected) = crate::timings::stage("collected sources", || {
        collected(&settings, &mut model, out)
    }) else {
        return Ok(None);
    };
    Ok(Some(Loaded {
        settings,
        model,
        collected,
    }))
}

/// Settings and the model with the collected sources applied; `None`
/// (after printing why) when the input is bad.
pub fn load_model(o: Overrides, out: &Terminal) -> Result<Option<(Settings, Model)>> {
    Ok(load(o, out)?.map(|l| (l.settings, l.model)))
}

/// Read the collected sources estate.yaml names (or, when it names none,
/// what `estate collect` stored last) and merge them into the model; `None`
/// after printing why not.
pub fn collected(
    settings: &Settings,
    model: &mut Model,
    out: &Terminal,
) -> Option<crate::collect::Collected> {
    match read_collected(settings, model, out) {
        Ok(c) => Some(c),
        Err(e) => {
            crate::say!("error: {e}");
            None
        }
    }
}

pub fn read_collected(
    settings: &Settings,
    model: &mut Model,
    out: &Terminal,
) -> Result<crate::collect::Collected, crate::collect::ReadError> {
    let stored;
    let mut sources: Vec<&crate::collect::Source> = if settings.sources_given {
        settings.sources.iter().collect()
    } else {
        stored = stored_sources(&settings.out);
        if !stored.is_empty() && !out.quiet {
            let paths: Vec<String> = stored
                .iter()
                .map(|s| format!("`{}`", s.path().display()))
                .collect();
            crate::say!(
                "note: estate.yaml lists no `sources:`; reading what `estate collect` stored last: {}",
                paths.join(", ")
            );
        }
        stored.iter().collect()
    };
    sources.sort_by_key(|s| s.stage());
    let mut collections = Vec::new();
    for s in sources {
        let c = crate::collect::read(s)?;
        if !out.quiet {
            for n in &c.notes {
                crate::say!("{n}");
            }
        }
        collections.push(c);
    }
    let (collected, notes) = crate::collect::apply(model, collections);
    if !out.quiet {
        for n in notes {
            crate::say!("{n}");
        }
    }
    Ok(collected)
}

/// What `estate collect` stored under `OUT/collected/` (the sources read
/// when estate.yaml lists none): `aws/`, `azure/`, `kubernetes/CONTEXT.json`
/// (the cluster named after its context) and `prometheus.json`.
pub fn stored_sources(out: &std::path::Path) -> Vec<crate::collect::Source> {
    use crate::collect::Source;
    let dir = out.join("collected");
    let mut found = Vec::new();
    if dir.join("aws").is_dir() {
        found.push(Source::Aws(dir.join("aws")));
    }
    if dir.join("azure").is_dir() {
        found.push(Source::Azure(dir.join("azure")));
    }
    let mut clusters: Vec<PathBuf> = std::fs::read_dir(dir.join("kubernetes"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| !p.to_string_lossy().ends_with(".metrics.json"))
        .collect();
    clusters.sort();
    for path in clusters {
        let cluster = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.push(Source::Kubernetes { path, cluster });
    }
    if dir.join("prometheus.json").is_file() {
        found.push(Source::Prometheus(dir.join("prometheus.json")));
    }
    found
}

/// `--as-of` or today.
pub fn as_of_date(
    text: Option<&str>,
) -> Result<chrono::NaiveDate, crate::inventory::scalar::ScalarError> {
    match text {
        Some(t) => crate::inventory::Date::parse(t).map(|d| d.0),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// How estate.yaml tunes the policy pack.
pub fn tuning(settings: &Settings) -> policy::pack::Tuning {
    policy::pack::Tuning {
        params: settings.policies.params.clone(),
        disabled: settings.policies.disabled.clone(),
    }
}

/// Where the policy pack is read from: the shipped pack overlaid by the estate's directory.
pub fn pack_location(settings: &Settings) -> policy::pack::Location<'_> {
    policy::pack::Location {
        dir: &settings.policies_dir,
        given: settings.policies_dir_given,
    }
}

/// The policy pack; `None` after printing why not.
pub fn load_pack(
    settings: &Settings,
    sources: &mut Sources,
    out: &Terminal,
) -> Option<policy::Pack> {
    let (pack, ds) = policy::pack::load(&pack_location(settings), &tuning(settings), sources);
    out.diagnostics(&ds, sources, false);
    if ds.errors() > 0 {
        crate::say!(
            "error: the policy pack has {} error(s); nothing was checked",
            ds.errors()
        );
        return None;
    }
    Some(pack)
}

/// What the whole pipeline produced, with the date it was judged on and the
/// spinner still showing: what the report and snapshots read.
pub struct Estate {
    pub settings: Settings,
    pub assessed: Assessed,
    pub pack: Option<policy::Pack>,
    pub outcome: Option<policy::Outcome>,
    /// Every declared roadmap applied, when asked for.
    pub roadmaps: Vec<plan::roadmap::Projection>,
    pub today: chrono::NaiveDate,
    pub bar: indicatif::ProgressBar,
}

/// The whole pipeline: inventory, the policy pack (shipped, overlaid by the estate's),
/// carbon and spend, the policy check, and (with `roadmaps`) every declared
/// roadmap. `None` after printing why not.
pub fn build(
    base: Overrides,
    policies: Option<PathBuf>,
    as_of: Option<&str>,
    roadmaps: bool,
    out: &Terminal,
) -> Result<Option<Estate>> {
    let o = Overrides { policies, ..base };
    let today = match as_of_date(as_of) {
        Ok(d) => d,
        Err(e) => {
            crate::say!("error: --as-of: {e}");
            return Ok(None);
        }
    };
    let bar = out.spinner();
    let fail = |bar: indicatif::ProgressBar| {
        bar.finish_and_clear();
        Ok(None)
    };
    bar.set_message("reading the inventory");
    let Some((settings, model)) = load_model(o, out)? else {
        return fail(bar);
    };
    let mut pack_sources = Sources::default();
    bar.set_message("reading the policy pack");
    let Some(pack) = load_pack(&settings, &mut pack_sources, out) else {
        return fail(bar);
    };
    let pack = Some(pack);
    bar.set_message("estimating carbon, attributing spend");
    let Some(assessed) = assess(&settings, model, today, out)? else {
        return fail(bar);
    };
    bar.set_message("checking policies");
    let outcome = crate::timings::stage("policy pack", || {
        pack.as_ref().map(|p| policy::check(&assessed.facts, p))
    });
    let roadmaps = if roadmaps {
        bar.set_message("applying the roadmaps");
        let declared = plan::roadmap::declared(&assessed.facts.model);
        crate::timings::stage("roadmaps", || {
            apply_roadmaps(&settings, &assessed, pack.as_ref(), today, &declared)
        })
    } else {
        Vec::new()
    };
    Ok(Some(Estate {
        settings,
        assessed,
        pack,
        outcome,
        roadmaps,
        today,
        bar,
    }))
}

/// What the assess stage produced: carbon, spend (when billing is configured)
/// and the facts policies evaluate against.
pub struct Assessed {
    pub facts: std::sync::Arc<policy::Facts>,
    pub carbon: carbon::Estimate,
    pub spend: Option<crate::assess::spend::Spend>,
    pub factors: carbon::FactorSet,
}

/// Run carbon and spend over the model and gather the facts policies need.
pub fn assess(
    settings: &Settings,
    model: Model,
    today: chrono::NaiveDate,
    out: &Terminal,
) -> Result<Option<Assessed>> {
    let Some(set) = factor_set(settings, out) else {
        return Ok(None);
    };
    let eol = match policy::eol::Eol::load(&settings.policies_dir) {
        Ok(e) => e,
        Err(e) => {
            crate::say!("error: {e}");
            return Ok(None);
        }
    };
    let est = carbon(settings, &model, &set);
    let spend = if settings.billing.is_empty() {
        None
    } else {
        match spend(settings, &model) {
            Ok(s) => {
                if !s.bad_rows.is_empty() && !out.quiet {
                    crate::say!(
                        "warning: {} billing row(s) could not be read; `estate spend` lists them",
                        s.bad_rows.len()
                    );
                }
                if !out.quiet {
                    for line in crate::report::spend::aside(&s) {
                        crate::say!("warning: {line}");
                    }
                }
                Some(s)
            }
            Err(e) => {
                crate::say!("error: {e}");
                return Ok(None);
            }
        }
    };
    let facts = crate::timings::stage("facts for the policies", || {
        facts_of(settings, model, &est, spend.as_ref(), &set, eol, today)
    });
    Ok(Some(Assessed {
        facts: std::sync::Arc::new(facts),
        carbon: est,
        spend,
        factors: set,
    }))
}

/// The billing inputs read and attributed to the model, reconciled.
pub fn spend(
    settings: &Settings,
    model: &Model,
) -> Result<crate::assess::spend::Spend, crate::collect::billing::Error> {
    crate::timings::stage("billing aggregation", || {
        spend::spend(
            model,
            &settings.billing,
            settings.period,
            &settings.currency,
        )
    })
}

/// The carbon estimate of the model with a factor set.
pub fn carbon(settings: &Settings, model: &Model, set: &carbon::FactorSet) -> carbon::Estimate {
    crate::timings::stage("carbon estimation", || {
        let ctx = carbon::Context::new(model, set, settings.period, &settings.currency);
        carbon::estimate(&ctx)
    })
}

/// Each cluster's node footprints and costs allocated to its pods.
pub fn kubernetes(
    settings: &Settings,
    assessed: &Assessed,
    clusters: &[crate::collect::kubernetes::Cluster],
) -> Vec<crate::assess::kubernetes::Allocation> {
    use crate::assess::kubernetes as k8s;
    let model = &assessed.facts.model;
    let ledger = assessed
        .spend
        .as_ref()
        .and_then(|s| s.currencies.get(&settings.currency));
    let rates = plan::terraform::rates(model, ledger, settings.period);
    let hours = ((settings.period.end.0 - settings.period.start.0).num_days() + 1) as f64 * 24.0;
    let mapper = crate::model::mapping::Mapper::new(model);
    clusters
        .iter()
        .map(|c| {
            let fps = k8s::footprints(model, &assessed.carbon, ledger, &rates, hours, c);
            let provider = c
                .nodes
                .iter()
                .find_map(|n| {
                    n.provider_id
                        .as_deref()
                        .and_then(crate::collect::kubernetes::machine)
                })
                .map(|(p, _)| p);
            k8s::allocate(c, fps, |p| k8s::pod_system(model, &mapper, c, provider, p))
        })
        .collect()
}

/// What roadmaps and priced waves start from: the assessed estate.
pub fn roadmap_baseline<'a>(
    settings: &'a Settings,
    assessed: &'a Assessed,
) -> plan::roadmap::Baseline<'a> {
    plan::roadmap::Baseline {
        model: &assessed.facts.model,
        factors: &assessed.factors,
        period: settings.period,
        currency: &settings.currency,
        ledger: assessed
            .spend
            .as_ref()
            .and_then(|s| s.currencies.get(&settings.currency)),
    }
}

/// Apply roadmaps to the assessed estate; with a policy pack, each phase's
/// end state is checked too.
pub fn apply_roadmaps(
    settings: &Settings,
    assessed: &Assessed,
    pack: Option<&policy::Pack>,
    today: chrono::NaiveDate,
    chosen: &[(String, String, &crate::inventory::kinds::RoadmapSpec)],
) -> Vec<plan::roadmap::Projection> {
    let base = roadmap_baseline(settings, assessed);
    let billed = assessed.spend.is_some();
    let check = |pack: &policy::Pack,
                 m: Model,
                 est: &carbon::Estimate,
                 ledger: crate::assess::spend::Ledger| {
        let mut spend = crate::assess::spend::Spend::default();
        spend.currencies.insert(settings.currency.clone(), ledger);
        let facts = facts_of(
            settings,
            m,
            est,
            billed.then_some(&spend),
            &assessed.factors,
            assessed.facts.eol.clone(),
            today,
        );
        policy::check(&std::sync::Arc::new(facts), pack)
            .findings
            .into_iter()
            .map(|f| plan::roadmap::PhaseFinding {
                severity: f.severity,
                rule: f.rule,
                id: f.id,
                message: f.message,
            })
            .collect()
    };
    let checker = pack.map(|p| move |m: Model, est: &carbon::Estimate, l| check(p, m, est, l));
    let checker: Option<&plan::roadmap::Checker<'_>> =
        checker.as_ref().map(|c| c as &plan::roadmap::Checker<'_>);
    chosen
        .iter()
        .map(|(name, title, spec)| plan::roadmap::run(&base, name, title, spec, checker))
        .collect()
}

/// The facts policies evaluate: the model with its carbon, spend,
/// contracts, grid intensities and device lifetimes.
pub fn facts_of(
    settings: &Settings,
    model: Model,
    est: &carbon::Estimate,
    spend: Option<&crate::assess::spend::Spend>,
    set: &carbon::FactorSet,
    eol: policy::eol::Eol,
    today: chrono::NaiveDate,
) -> policy::Facts {
    let ctx = carbon::Context::new(&model, set, settings.period, &settings.currency);
    let grids: Vec<(String, String, f64)> = crate::model::regions::all()
        .filter_map(|r| {
            let p = crate::inventory::kinds::Provider::parse(&r.provider)?;
            let g = carbon::cloud::region_grid(&ctx, p, &r.region).ok()?;
            Some((
                r.provider.clone(),
                r.region.clone(),
                g.generation.central + g.td.central,
            ))
        })
        .collect();
    let model = std::sync::Arc::new(model);
    let mut facts = policy::Facts::new(model, &settings.name, today, &settings.currency, eol);
    facts.add_carbon(est, carbon::Basis::Location);
    if let Some(s) = spend {
        facts.add_spend(s);
    }
    facts.add_contracts(settings.period);
    facts.add_grids(grids);
    for idx in facts.model.nodes_of(crate::inventory::Kind::DeviceFleet) {
        let n = &facts.model.graph[idx];
        if let Some(crate::inventory::Spec::DeviceFleet(d)) = &n.spec {
            let years = match &d.lifetime {
                Some(l) => Some(l.years()),
                None => set.devices.get(&d.category).map(|f| f.lifetime_years),
            };
            if let Some(y) = years {
                facts.lifetimes.insert(n.id.to_string(), y);
            }
        }
    }
    facts
}

/// The factor set the settings name; `None` after printing why not.
pub fn factor_set(settings: &Settings, out: &Terminal) -> Option<carbon::FactorSet> {
    let mut sources = Sources::default();
    match carbon::factors::load(
        &settings.factors,
        settings.factors_dir.as_deref(),
        &mut sources,
    ) {
        Ok(set) => Some(set),
        Err(ds) => {
            out.diagnostics(&ds, &sources, false);
            None
        }
    }
}
