//! Running one command: resolve settings, build what it needs, print.
//!
//! Data goes to stdout, diagnostics and progress to stderr. Exit codes: 0
//! success, 1 findings at or above `--fail-on` (later stages), 2 bad input
//! or usage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::assess::carbon;
use crate::assess::policy;
use crate::cli::{
    CheckFormat, Cli, CollectSource, ColorChoice, Command, DataFormat, FactorsAction, Format,
    GraphFormat, ImportSource, PlanAction, PoliciesAction, RoadmapFormat, SeverityArg, SpendView,
};
use crate::diagnostic::{Diagnostics, Sources};
use crate::inventory::{self, Kind, backstage};
use crate::model::{self, Model};
use crate::plan;
use crate::report;
use crate::settings::{Overrides, Settings};

/// Exit codes.
pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const BAD_INPUT: u8 = 2;

pub fn run(cli: Cli) -> Result<u8> {
    let color = match cli.global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let out = Output {
        color,
        quiet: cli.global.quiet,
    };
    let overrides = |dir: Option<PathBuf>| Overrides {
        estate_dir: cli.global.estate.clone(),
        inventory: dir.or_else(|| cli.global.inventory.clone()),
        out: None,
        period: cli.global.period.clone(),
        factors: None,
        billing: Vec::new(),
        policies: None,
    };
    match cli.command {
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "estate", &mut std::io::stdout());
            Ok(OK)
        }
        Command::Validate { dir, format } => validate(overrides(dir), format, &out),
        Command::Collect { source } => {
            let Some(settings) = settings(overrides(None), &out) else {
                return Ok(BAD_INPUT);
            };
            collect(&settings, source, &out)
        }
        Command::Kubernetes { format } => {
            let Some((settings, model)) = load_model(overrides(None), &out)? else {
                return Ok(BAD_INPUT);
            };
            if settings.kubernetes.is_empty() {
                eprintln!(
                    "error: no Kubernetes clusters: add `- kubernetes: FILE` (with `cluster: NAME`) under estate.yaml's `sources:`"
                );
                return Ok(BAD_INPUT);
            }
            let mut clusters = Vec::new();
            for (path, name) in &settings.kubernetes {
                match crate::collect::kubernetes::read(path, name) {
                    Ok(c) => clusters.push(c),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(BAD_INPUT);
                    }
                }
            }
            let today = chrono::Local::now().date_naive();
            let Some(assessed) = assess(&settings, model, today, &out)? else {
                return Ok(BAD_INPUT);
            };
            let model = &assessed.facts.model;
            let ledger = assessed
                .spend
                .as_ref()
                .and_then(|s| s.currencies.get(&settings.currency));
            let rates = plan::terraform::rates(model, ledger, settings.period);
            let hours =
                ((settings.period.end.0 - settings.period.start.0).num_days() + 1) as f64 * 24.0;
            let mapper = crate::model::mapping::Mapper::new(model);
            let allocations: Vec<crate::assess::kubernetes::Allocation> = clusters
                .iter()
                .map(|c| {
                    let fps = crate::assess::kubernetes::footprints(
                        model,
                        &assessed.carbon,
                        ledger,
                        &rates,
                        hours,
                        c,
                    );
                    let provider = c
                        .nodes
                        .iter()
                        .find_map(|n| {
                            n.provider_id
                                .as_deref()
                                .and_then(crate::collect::kubernetes::machine)
                        })
                        .map(|(p, _)| p);
                    crate::assess::kubernetes::allocate(c, fps, |p| {
                        crate::assess::kubernetes::pod_system(model, &mapper, c, provider, p)
                    })
                })
                .collect();
            match format {
                Format::Json => print_json(&serde_json::json!({
                    "period": { "start": settings.period.start.to_string(), "end": settings.period.end.to_string() },
                    "currency": settings.currency,
                    "clusters": allocations,
                })),
                Format::Table => print(&report::kubernetes::render_table(
                    &allocations,
                    &settings.currency,
                )),
            }
        }
        Command::Sources { format } => {
            let Some(settings) = settings(overrides(None), &out) else {
                return Ok(BAD_INPUT);
            };
            let (mut model, ds) = model::build(inventory::load(&settings.inventory));
            out.diagnostics(&ds, &model.sources, true);
            if ds.errors() > 0 {
                return Ok(BAD_INPUT);
            }
            let quiet = Output {
                color: out.color,
                quiet: true,
            };
            let Some(c) = collected(&settings, &mut model, &quiet) else {
                return Ok(BAD_INPUT);
            };
            let r = report::sources::summarise(&model, &settings, &c);
            match format {
                Format::Json => print_json(&serde_json::to_value(&r)?),
                Format::Table => print(&report::sources::render_table(&r)),
            }
        }
        Command::Summary { format } => {
            let Some((settings, model)) = load_model(overrides(None), &out)? else {
                return Ok(BAD_INPUT);
            };
            let s = report::summary::summarise(&model, &settings.name);
            match format {
                Format::Table => print(&report::summary::render_table(&s)),
                Format::Json => print_json(&serde_json::to_value(&s)?),
            }
        }
        Command::Show { id, format } => {
            let Some((_, model)) = load_model(overrides(None), &out)? else {
                return Ok(BAD_INPUT);
            };
            let idx = match report::show::find(&model, &id) {
                Ok(i) => i,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return Ok(BAD_INPUT);
                }
            };
            match format {
                Format::Table => print(&report::show::render_table(&model, idx)),
                Format::Json => print_json(&report::show::to_json(&model, idx)),
            }
        }
        Command::Graph {
            format,
            focus,
            depth,
            kinds,
        } => {
            let Some((_, model)) = load_model(overrides(None), &out)? else {
                return Ok(BAD_INPUT);
            };
            let kinds = match parse_kinds(&kinds) {
                Ok(k) => k,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return Ok(BAD_INPUT);
                }
            };
            let focus = match focus.map(|f| report::show::find(&model, &f)).transpose() {
                Ok(f) => f,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return Ok(BAD_INPUT);
                }
            };
            let sel = report::graph::select(&model, &kinds, focus, depth.unwrap_or(1));
            match format {
                GraphFormat::Dot => print(&report::graph::to_dot(&model, &sel)),
                GraphFormat::Mermaid => print(&report::graph::to_mermaid(&model, &sel)),
                GraphFormat::Json => print_json(&report::graph::to_json(&model, &sel)),
            }
        }
        Command::Carbon {
            basis,
            factors,
            by,
            format,
        } => {
            let o = Overrides {
                factors,
                ..overrides(None)
            };
            let Some((settings, model)) = load_model(o, &out)? else {
                return Ok(BAD_INPUT);
            };
            let Some(set) = factor_set(&settings, &out) else {
                return Ok(BAD_INPUT);
            };
            let ctx = carbon::Context::new(&model, &set, settings.period, &settings.currency);
            let est = carbon::estimate(&ctx);
            match format {
                DataFormat::Table => print(&report::carbon::render_table(
                    &model,
                    &est,
                    settings.period,
                    basis,
                    by,
                )),
                DataFormat::Json => print_json(&report::carbon::to_json(
                    &model,
                    &est,
                    settings.period,
                    basis,
                )),
                DataFormat::Csv => print(&report::carbon::to_csv(&est, basis)?),
            }
        }
        Command::Spend {
            view,
            by,
            billing,
            allow_bad_rows,
            format,
        } => {
            if matches!(view, Some(SpendView::Sql)) {
                return print(FOCUS_AGGREGATE_SQL);
            }
            let o = Overrides {
                billing,
                ..overrides(None)
            };
            let Some((settings, model)) = load_model(o, &out)? else {
                return Ok(BAD_INPUT);
            };
            spend(&settings, &model, view, by, allow_bad_rows, format, &out)
        }
        Command::Check {
            policies,
            rules,
            severity_min,
            fail_on,
            as_of,
            format,
        } => {
            let o = Overrides {
                policies,
                ..overrides(None)
            };
            let today = match as_of_date(as_of.as_deref()) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("error: --as-of: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let Some((settings, model)) = load_model(o, &out)? else {
                return Ok(BAD_INPUT);
            };
            let mut pack_sources = Sources::default();
            let Some(mut pack) = load_pack(&settings, &mut pack_sources, &out) else {
                return Ok(BAD_INPUT);
            };
            if !rules.is_empty() {
                let unknown: Vec<&String> = rules
                    .iter()
                    .filter(|r| !pack.rules.iter().any(|x| &x.id == *r))
                    .collect();
                if !unknown.is_empty() {
                    eprintln!(
                        "error: no rule {}; `estate policies list` lists them",
                        unknown
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    return Ok(BAD_INPUT);
                }
                pack.rules.retain(|r| rules.contains(&r.id));
            }
            let Some(assessed) = assess(&settings, model, today, &out)? else {
                return Ok(BAD_INPUT);
            };
            let mut outcome = policy::check(&assessed.facts, &pack);
            if let Some(min) = severity(severity_min) {
                outcome.findings.retain(|f| f.severity >= min);
                outcome.waived.retain(|f| f.severity >= min);
            }
            let sources = &assessed.facts.model.sources;
            for e in &outcome.errors {
                let at = e
                    .loc
                    .map(|l| format!("{}: ", pack_sources.describe(l)))
                    .unwrap_or_default();
                eprintln!(
                    "error: {at}rule `{}` on `{}`: `{}`: {}",
                    e.rule, e.id, e.expression, e.message
                );
            }
            match format {
                CheckFormat::Table => print(&report::check::render_table(&outcome))?,
                CheckFormat::Json => print_json(&report::check::to_json(&outcome, sources))?,
                CheckFormat::Sarif => print_json(&report::check::to_sarif(
                    &outcome,
                    &pack,
                    sources,
                    &settings.estate_dir,
                ))?,
                CheckFormat::Junit => print(&report::check::to_junit(&outcome, &pack))?,
                CheckFormat::Markdown => {
                    print(&report::check::to_markdown(&outcome, &settings.name))?
                }
            };
            if !outcome.errors.is_empty() {
                eprintln!(
                    "error: {} evaluation error(s): the policy pack needs fixing",
                    outcome.errors.len()
                );
                return Ok(BAD_INPUT);
            }
            let failing = severity(Some(fail_on))
                .is_some_and(|min| outcome.worst().is_some_and(|w| w >= min));
            Ok(if failing { FINDINGS } else { OK })
        }
        Command::Report {
            out: out_dir,
            open,
            policies,
            as_of,
        } => {
            let Some(Piped {
                settings,
                assessed,
                pack,
                outcome,
                today,
                bar,
            }) = pipeline(overrides(None), policies, as_of.as_deref(), &out)?
            else {
                return Ok(BAD_INPUT);
            };
            bar.set_message("applying the roadmaps");
            let declared = plan::roadmap::declared(&assessed.facts.model);
            let roadmaps = crate::timings::stage("roadmaps", || {
                apply_roadmaps(&settings, &assessed, pack.as_ref(), today, &declared)
            });
            let facts = &assessed.facts;
            let model = &facts.model;
            let eol = model
                .nodes_of(crate::inventory::Kind::Technology)
                .into_iter()
                .filter_map(|i| {
                    facts
                        .eol_of(i)
                        .map(|d| (model.node(i).id.clone(), d.to_string()))
                })
                .collect();
            bar.set_message("rendering the report");
            let snapshots = settings.out.join("snapshots");
            let previous = plan::snapshot::list(&snapshots)
                .into_iter()
                .rev()
                .find(|p| !p.to_string_lossy().contains(&today.to_string()))
                .map(|p| plan::snapshot::read(&p));
            let previous = match previous {
                Some(Ok(s)) => Some(s),
                Some(Err(e)) => {
                    eprintln!("warning: {e}; the report has no trends");
                    None
                }
                None => None,
            };
            let templates = settings.estate_dir.join("reports");
            let inputs = report::site::Inputs {
                model,
                name: &settings.name,
                currency: &settings.currency,
                period: settings.period,
                today,
                carbon: &assessed.carbon,
                factors: &assessed.factors,
                spend: assessed.spend.as_ref(),
                findings: outcome.as_ref(),
                sources: &model.sources,
                eol,
                templates: templates.is_dir().then_some(templates.as_path()),
                previous: previous.as_ref(),
                roadmaps: &roadmaps,
            };
            let dir = out_dir.unwrap_or_else(|| settings.out.join("report"));
            let staged = report::site::Staged::new(&dir)
                .with_context(|| format!("writing the report to {}", dir.display()))?;
            let pages = match crate::timings::stage("rendering", || {
                report::site::build(&inputs, &staged)
            }) {
                Ok(n) => n,
                Err(e) => {
                    bar.finish_and_clear();
                    eprintln!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            bar.set_message(format!("writing {}", dir.display()));
            let (files, bytes) = staged.written();
            crate::timings::stage("writing", || staged.publish(&dir))
                .with_context(|| format!("writing the report to {}", dir.display()))?;
            bar.finish_and_clear();
            let index = dir.join("index.html");
            println!(
                "{}: {} pages, {} files, {:.1} MB",
                index.display(),
                pages,
                files,
                bytes as f64 / 1e6
            );
            if let Some(o) = &outcome
                && !o.errors.is_empty()
            {
                eprintln!(
                    "warning: {} policy evaluation error(s); `estate check` shows them",
                    o.errors.len()
                );
            }
            if open && let Err(e) = opener::open(&index) {
                eprintln!("warning: could not open {}: {e}", index.display());
            }
            Ok(OK)
        }
        Command::Plan { action } => {
            let Some((settings, model)) = load_model(overrides(None), &out)? else {
                return Ok(BAD_INPUT);
            };
            let today = chrono::Local::now().date_naive();
            let Some(assessed) = assess(&settings, model, today, &out)? else {
                return Ok(BAD_INPUT);
            };
            let model = &assessed.facts.model;
            match action {
                PlanAction::Portfolio {
                    min_systems,
                    format,
                } => {
                    let p = plan::portfolio::assess(
                        model,
                        &assessed.carbon,
                        assessed.spend.as_ref(),
                        &settings.currency,
                        min_systems,
                    );
                    match format {
                        Format::Json => print_json(&serde_json::to_value(&p)?),
                        Format::Table => print(&plan::portfolio::render_table(&p)),
                    }
                }
                PlanAction::Waves {
                    systems,
                    max_per_wave,
                    dependents_first,
                    to,
                    format,
                } => {
                    let selected = match plan::waves::select(model, &systems) {
                        Ok(s) => s,
                        Err(e) => {
                            eprintln!("error: --systems: {e}");
                            return Ok(BAD_INPUT);
                        }
                    };
                    let spend: std::collections::HashMap<String, rust_decimal::Decimal> = assessed
                        .spend
                        .as_ref()
                        .and_then(|s| s.currencies.get(&settings.currency))
                        .map(|l| {
                            l.by_system
                                .iter()
                                .map(|(k, c)| (k.clone(), c.effective))
                                .collect()
                        })
                        .unwrap_or_default();
                    let carbon_by = carbon::by_system(&assessed.carbon);
                    let w = plan::waves::plan(
                        model,
                        &selected,
                        max_per_wave,
                        dependents_first,
                        &spend,
                        &carbon_by,
                    );
                    let mut w = w;
                    if let Some(to) = &to {
                        let target = match plan::roadmap::parse_target(to) {
                            Ok(t) => t,
                            Err(e) => {
                                eprintln!("error: --to: {e}");
                                return Ok(BAD_INPUT);
                            }
                        };
                        let base = roadmap_baseline(&settings, &assessed);
                        let groups: Vec<Vec<String>> =
                            w.waves.iter().map(|x| x.systems.clone()).collect();
                        let deltas = plan::roadmap::migration_deltas(&base, &groups, &target);
                        for (x, (spend, co2e, warnings)) in w.waves.iter_mut().zip(deltas) {
                            x.if_migrated = Some(plan::waves::Migrated {
                                target: to.clone(),
                                spend_delta: spend,
                                co2e_delta_kg: co2e,
                                warnings: warnings.into_iter().map(|w| w.message).collect(),
                            });
                        }
                    }
                    match format {
                        Format::Json => print_json(&serde_json::to_value(&w)?),
                        Format::Table => print(&plan::waves::render_table(&w, &settings.currency)),
                    }
                }
                PlanAction::Terraform { plan, format } => {
                    let ledger = assessed
                        .spend
                        .as_ref()
                        .and_then(|s| s.currencies.get(&settings.currency));
                    let rates = plan::terraform::rates(model, ledger, settings.period);
                    let p = match plan::terraform::assess(
                        &plan,
                        &assessed.factors,
                        settings.period,
                        &settings.currency,
                        &rates,
                    ) {
                        Ok(p) => p,
                        Err(e) => {
                            eprintln!("error: {e}");
                            return Ok(BAD_INPUT);
                        }
                    };
                    match format {
                        RoadmapFormat::Json => print_json(&serde_json::to_value(&p)?),
                        RoadmapFormat::Table => print(&plan::terraform::render_table(&p)),
                        RoadmapFormat::Markdown => print(&plan::terraform::render_markdown(&p)),
                    }
                }
                PlanAction::Roadmap {
                    names,
                    no_policies,
                    format,
                } => {
                    let declared = plan::roadmap::declared(model);
                    if declared.is_empty() {
                        eprintln!(
                            "error: the inventory declares no roadmap (`kind: Roadmap`; see docs/inventory-format.md)"
                        );
                        return Ok(BAD_INPUT);
                    }
                    let mut chosen = Vec::new();
                    for n in &names {
                        match declared.iter().find(|d| &d.0 == n) {
                            Some(d) => chosen.push(d),
                            None => {
                                let known: Vec<&str> =
                                    declared.iter().map(|d| d.0.as_str()).collect();
                                eprintln!(
                                    "error: no roadmap `{n}`; the inventory has: {}",
                                    known.join(", ")
                                );
                                return Ok(BAD_INPUT);
                            }
                        }
                    }
                    if chosen.is_empty() {
                        chosen = declared.iter().collect();
                    }
                    let pack = if !no_policies && settings.policies_dir.is_dir() {
                        let mut sources = Sources::default();
                        match load_pack(&settings, &mut sources, &out) {
                            Some(p) => Some(p),
                            None => return Ok(BAD_INPUT),
                        }
                    } else {
                        None
                    };
                    let chosen: Vec<_> = chosen.into_iter().cloned().collect();
                    let outcomes =
                        apply_roadmaps(&settings, &assessed, pack.as_ref(), today, &chosen);
                    match (format, outcomes.as_slice()) {
                        (RoadmapFormat::Json, [one]) => print_json(&serde_json::to_value(one)?),
                        (RoadmapFormat::Json, all) => print_json(&serde_json::to_value(all)?),
                        (RoadmapFormat::Table, [one]) => print(&report::roadmap::render_table(one)),
                        (RoadmapFormat::Markdown, [one]) => {
                            print(&report::roadmap::render_markdown(one))
                        }
                        (_, all) => print(&report::roadmap::render_compare(all)),
                    }
                }
            }
        }
        Command::Snapshot { as_of, policies } => {
            let Some(Piped {
                settings,
                assessed,
                outcome,
                pack: _,
                today,
                bar,
            }) = pipeline(overrides(None), policies, as_of.as_deref(), &out)?
            else {
                return Ok(BAD_INPUT);
            };
            let snap = plan::snapshot::take(
                &assessed.facts.model,
                plan::snapshot::About {
                    name: &settings.name,
                    taken: today,
                    period: settings.period,
                    currency: &settings.currency,
                },
                &assessed.carbon,
                assessed.spend.as_ref(),
                outcome.as_ref(),
            );
            let dir = settings.out.join("snapshots");
            let path = plan::snapshot::write(&snap, &dir)
                .with_context(|| format!("writing a snapshot to {}", dir.display()))?;
            bar.finish_and_clear();
            println!(
                "{}: {} nodes, {} edges, {} findings (schema {})",
                path.display(),
                snap.nodes.len(),
                snap.edges.len(),
                snap.findings.len(),
                plan::snapshot::SCHEMA
            );
            Ok(OK)
        }
        Command::Diff { a, b, format } => {
            let Some(settings) = settings(overrides(None), &out) else {
                return Ok(BAD_INPUT);
            };
            let find = |name: &str| -> PathBuf {
                let p = PathBuf::from(name);
                if p.exists() {
                    p
                } else {
                    settings
                        .out
                        .join("snapshots")
                        .join(format!("{name}.json.gz"))
                }
            };
            let (sa, sb) = match (
                plan::snapshot::read(&find(&a)),
                plan::snapshot::read(&find(&b)),
            ) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let d = plan::snapshot::diff(&sa, &sb);
            match format {
                Format::Json => print_json(&serde_json::to_value(&d)?),
                Format::Table => print(&report::diff::render_table(&d, &sb.currency)),
            }
        }
        Command::Policies { action, policies } => {
            let o = Overrides {
                policies,
                ..overrides(None)
            };
            let Some(settings) = settings(o, &out) else {
                return Ok(BAD_INPUT);
            };
            let mut pack_sources = Sources::default();
            match action {
                PoliciesAction::List { format } => {
                    let Some(pack) = load_pack(&settings, &mut pack_sources, &out) else {
                        return Ok(BAD_INPUT);
                    };
                    match format {
                        Format::Table => print(&report::check::rules_table(&pack)),
                        Format::Json => print_json(&serde_json::json!({
                            "rules": pack.rules.iter().map(|r| report::check::rule_json(r, 0)).collect::<Vec<_>>(),
                            "waivers": pack.waivers.iter().map(|w| serde_json::json!({
                                "name": w.name, "rule": w.rule, "node": w.node, "reason": w.reason,
                                "approver": w.approver, "expires": w.expires.to_string(),
                            })).collect::<Vec<_>>(),
                        })),
                    }
                }
                PoliciesAction::Explain { rule, format } => {
                    let Some(pack) = load_pack(&settings, &mut pack_sources, &out) else {
                        return Ok(BAD_INPUT);
                    };
                    let Some(r) = pack.rules.iter().find(|r| r.id == rule) else {
                        let ids = pack.rules.iter().map(|r| r.id.as_str());
                        let hint = crate::inventory::scalar::did_you_mean(&rule, ids)
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        eprintln!("error: no rule `{rule}`{hint}");
                        return Ok(BAD_INPUT);
                    };
                    // How many nodes it applies to, when the inventory loads.
                    let inv = inventory::load(&settings.inventory);
                    let (model, _) = model::build(inv);
                    let applies = model
                        .graph
                        .node_weights()
                        .filter(|n| r.kinds.contains(&policy::pack::Target::Kind(n.kind)))
                        .count()
                        + usize::from(r.kinds.contains(&policy::pack::Target::Estate));
                    match format {
                        Format::Table => print(&report::check::explain(r, applies, &pack_sources)),
                        Format::Json => print_json(&report::check::rule_json(r, applies)),
                    }
                }
                PoliciesAction::RefreshEol { url, products } => {
                    let path = settings
                        .policies_dir
                        .join("endoflife")
                        .join("products.json");
                    let mut eol = match policy::eol::Eol::load(&settings.policies_dir) {
                        Ok(e) => e,
                        Err(e) => {
                            eprintln!("error: {e}");
                            return Ok(BAD_INPUT);
                        }
                    };
                    let today = chrono::Local::now().date_naive();
                    let r = policy::eol::refresh(&mut eol.snapshot, &url, &products, today);
                    for (slug, e) in &r.failed {
                        eprintln!("warning: {slug}: {e} (kept the previous data)");
                    }
                    if r.updated.is_empty() {
                        eprintln!("error: no product could be refreshed from {url}");
                        return Ok(BAD_INPUT);
                    }
                    let text = serde_json::to_string_pretty(&eol.snapshot)? + "\n";
                    crate::output::write_atomic(&path, text.as_bytes())
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!(
                        "{}: {} product(s) refreshed ({} cycles), {} failed",
                        path.display(),
                        r.updated.len(),
                        r.cycles,
                        r.failed.len()
                    );
                    Ok(if r.failed.is_empty() { OK } else { FINDINGS })
                }
            }
        }
        Command::Factors { action, set } => {
            let o = Overrides {
                factors: set,
                ..overrides(None)
            };
            let Some(settings) = settings(o, &out) else {
                return Ok(BAD_INPUT);
            };
            let Some(set) = factor_set(&settings, &out) else {
                return Ok(BAD_INPUT);
            };
            match action {
                FactorsAction::List { format } => match format {
                    Format::Json => print_json(
                        &serde_json::json!({ "set": set.name, "chain": set.chain, "files": set.files.values().collect::<Vec<_>>() }),
                    ),
                    Format::Table => print(&render_factor_files(&set)),
                },
                FactorsAction::Show { id, format } => match set.explain(&id) {
                    Some((value, prov)) => match format {
                        Format::Json => print_json(
                            &serde_json::json!({ "id": id, "value": value, "provenance": prov }),
                        ),
                        Format::Table => print(&format!(
                            "{id}\nvalue: {}\nfile: {}\nsource: {}\nurl: {}\nyear: {}\nunits: {}\nlicence: {}\n",
                            serde_json::to_string_pretty(&value)?,
                            prov.path,
                            prov.source,
                            prov.url,
                            prov.year,
                            prov.units,
                            prov.licence
                        )),
                    },
                    None => {
                        eprintln!(
                            "error: no factor `{id}` in set `{}` (ids look like `ccf/pue/aws`, `common/grid/GB/2025`; `estate carbon --format json` lists the ids each item used)",
                            set.name
                        );
                        Ok(BAD_INPUT)
                    }
                },
            }
        }
        Command::Import {
            source:
                ImportSource::Backstage {
                    paths,
                    out: dir,
                    format,
                },
        } => import_backstage(&paths, &dir, format, &out),
    }
}

struct Output {
    color: bool,
    quiet: bool,
}

impl Output {
    /// Print diagnostics: all of them, or (when `errors_only`) errors and a count of warnings.
    fn diagnostics(&self, ds: &Diagnostics, sources: &Sources, errors_only: bool) {
        let shown = Diagnostics {
            items: ds
                .items
                .iter()
                .filter(|d| !errors_only || d.severity == crate::diagnostic::Severity::Error)
                .filter(|d| !self.quiet || d.severity == crate::diagnostic::Severity::Error)
                .cloned()
                .collect(),
        };
        eprint!("{}", shown.render(sources, self.color));
        if errors_only && ds.warnings() > 0 && !self.quiet {
            eprintln!("{} warning(s); `estate validate` lists them", ds.warnings());
        }
    }
}

/// The warehouse aggregation `estate spend sql` prints.
const FOCUS_AGGREGATE_SQL: &str = include_str!("../sql/focus-aggregate.sql");

/// `estate spend` and its views.
fn spend(
    settings: &Settings,
    model: &Model,
    view: Option<SpendView>,
    by: crate::cli::SpendBy,
    allow_bad_rows: bool,
    format: DataFormat,
    out: &Output,
) -> Result<u8> {
    use crate::assess::spend;
    if settings.billing.is_empty() && !matches!(view, Some(SpendView::Contracts { .. })) {
        eprintln!(
            "error: no billing inputs: list them under `billing:` in estate.yaml, or give `--billing FILE`"
        );
        return Ok(BAD_INPUT);
    }
    let result = match crate::timings::stage("billing aggregation", || {
        crate::pipeline::spend::spend(
            model,
            &settings.billing,
            settings.period,
            &settings.currency,
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    for b in &result.bad_rows {
        if !out.quiet || !allow_bad_rows {
            eprintln!(
                "{}: {}:{}: {}",
                if allow_bad_rows { "warning" } else { "error" },
                b.file,
                b.line,
                b.reason
            );
        }
    }
    match view {
        None => {
            match format {
                DataFormat::Table => print(&report::spend::render_table(
                    model,
                    &result,
                    settings.period,
                    by,
                ))?,
                DataFormat::Json => {
                    let mut j =
                        report::spend::to_json(&result, settings.period, &settings.currency);
                    j["converted"] = report::spend::converted(
                        &result,
                        &settings.currency,
                        &settings.exchange_rates,
                    );
                    print_json(&j)?
                }
                DataFormat::Csv => print(&report::spend::to_csv(&result, by)?)?,
            };
        }
        Some(SpendView::Shadow) => {
            match format {
                DataFormat::Json => print_json(&serde_json::to_value(&result.shadow)?)?,
                _ => print(&report::spend::shadow_table(&result))?,
            };
        }
        Some(SpendView::Sql) => {
            print(FOCUS_AGGREGATE_SQL)?;
        }
        Some(SpendView::Contracts { within, as_of }) => {
            let within = match crate::inventory::Duration::parse(&within) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("error: --within: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let today = match as_of.map(|d| crate::inventory::Date::parse(&d)).transpose() {
                Ok(d) => d
                    .map(|d| d.0)
                    .unwrap_or_else(|| chrono::Local::now().date_naive()),
                Err(e) => {
                    eprintln!("error: --as-of: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let days = (within.after(today) - today).num_days();
            let upcoming = spend::contracts::upcoming(model, today, days, &settings.currency);
            let ledger = result
                .currencies
                .get(&settings.currency)
                .cloned()
                .unwrap_or_default();
            let against = spend::contracts::against_value(
                model,
                settings.period,
                &settings.currency,
                &ledger,
            );
            let concentration = spend::contracts::concentration(&ledger);
            match format {
                DataFormat::Json => print_json(&report::spend::contracts_json(
                    &upcoming,
                    &against,
                    &concentration,
                ))?,
                _ => print(&report::spend::contracts_table(
                    model,
                    &upcoming,
                    &against,
                    &concentration,
                ))?,
            };
        }
    }
    if !result.balanced() {
        eprintln!(
            "error: spend does not reconcile: allocated + unallocated differs from the input total (a bug; please report it)"
        );
        return Ok(FINDINGS);
    }
    if !result.bad_rows.is_empty() && !allow_bad_rows {
        eprintln!(
            "error: {} row(s) could not be read (listed above); fix them or pass --allow-bad-rows",
            result.bad_rows.len()
        );
        return Ok(BAD_INPUT);
    }
    Ok(OK)
}

/// `--as-of` or today.
fn as_of_date(text: Option<&str>) -> Result<chrono::NaiveDate, String> {
    match text {
        Some(t) => crate::inventory::Date::parse(t).map(|d| d.0),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

fn severity(s: Option<SeverityArg>) -> Option<policy::Severity> {
    use policy::Severity as S;
    match s? {
        SeverityArg::Info => Some(S::Info),
        SeverityArg::Low => Some(S::Low),
        SeverityArg::Medium => Some(S::Medium),
        SeverityArg::High => Some(S::High),
        SeverityArg::Critical => Some(S::Critical),
        SeverityArg::None => None,
    }
}

/// The policy pack; `None` after printing why not.
fn load_pack(settings: &Settings, sources: &mut Sources, out: &Output) -> Option<policy::Pack> {
    let (pack, ds) = policy::pack::load(&settings.policies_dir, &settings.policies, sources);
    out.diagnostics(&ds, sources, false);
    if ds.errors() > 0 {
        eprintln!(
            "error: the policy pack has {} error(s); nothing was checked",
            ds.errors()
        );
        return None;
    }
    Some(pack)
}

/// A spinner on stderr naming the pipeline's stage (hidden with --quiet or when not a terminal).
fn spinner(out: &Output) -> indicatif::ProgressBar {
    if out.quiet {
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

/// What the whole pipeline produced, with the date it was judged on and the
/// spinner still showing.
struct Piped {
    settings: Settings,
    assessed: Assessed,
    pack: Option<policy::Pack>,
    outcome: Option<policy::Outcome>,
    today: chrono::NaiveDate,
    bar: indicatif::ProgressBar,
}

/// The whole pipeline: inventory, the policy pack (when the estate has one),
/// carbon and spend, the policy check. `None` after printing why not.
fn pipeline(
    base: Overrides,
    policies: Option<PathBuf>,
    as_of: Option<&str>,
    out: &Output,
) -> Result<Option<Piped>> {
    let o = Overrides { policies, ..base };
    let today = match as_of_date(as_of) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: --as-of: {e}");
            return Ok(None);
        }
    };
    let bar = spinner(out);
    let fail = |bar: indicatif::ProgressBar| {
        bar.finish_and_clear();
        Ok(None)
    };
    bar.set_message("reading the inventory");
    let Some((settings, model)) = load_model(o, out)? else {
        return fail(bar);
    };
    let mut pack_sources = Sources::default();
    let pack = if settings.policies_dir.is_dir() {
        bar.set_message("reading the policy pack");
        match load_pack(&settings, &mut pack_sources, out) {
            Some(p) => Some(p),
            None => return fail(bar),
        }
    } else {
        None
    };
    bar.set_message("estimating carbon, attributing spend");
    let Some(assessed) = assess(&settings, model, today, out)? else {
        return fail(bar);
    };
    bar.set_message("checking policies");
    let outcome = crate::timings::stage("policy pack", || {
        pack.as_ref().map(|p| policy::check(&assessed.facts, p))
    });
    Ok(Some(Piped {
        settings,
        assessed,
        pack,
        outcome,
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
fn assess(
    settings: &Settings,
    model: Model,
    today: chrono::NaiveDate,
    out: &Output,
) -> Result<Option<Assessed>> {
    let Some(set) = factor_set(settings, out) else {
        return Ok(None);
    };
    let eol = match policy::eol::Eol::load(&settings.policies_dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(None);
        }
    };
    let est = crate::timings::stage("carbon estimation", || {
        let ctx = carbon::Context::new(&model, &set, settings.period, &settings.currency);
        carbon::estimate(&ctx)
    });
    let spend = if settings.billing.is_empty() {
        None
    } else {
        match crate::timings::stage("billing aggregation", || {
            crate::pipeline::spend::spend(
                &model,
                &settings.billing,
                settings.period,
                &settings.currency,
            )
        }) {
            Ok(s) => {
                if !s.bad_rows.is_empty() && !out.quiet {
                    eprintln!(
                        "warning: {} billing row(s) could not be read; `estate spend` lists them",
                        s.bad_rows.len()
                    );
                }
                Some(s)
            }
            Err(e) => {
                eprintln!("error: {e}");
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

/// What roadmaps and priced waves start from: the assessed estate.
fn roadmap_baseline<'a>(
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
fn apply_roadmaps(
    settings: &Settings,
    assessed: &Assessed,
    pack: Option<&policy::Pack>,
    today: chrono::NaiveDate,
    chosen: &[(String, String, &crate::inventory::kinds::RoadmapSpec)],
) -> Vec<plan::roadmap::Outcome> {
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
                severity: f.severity.as_str().to_string(),
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
fn facts_of(
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
                facts.lifetimes.insert(n.id.clone(), y);
            }
        }
    }
    facts
}

/// The factor set the settings name; `None` after printing why not.
fn factor_set(settings: &Settings, out: &Output) -> Option<carbon::FactorSet> {
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

fn render_factor_files(set: &carbon::FactorSet) -> String {
    let mut t = report::table(&["File", "Source", "Year", "Licence"]);
    for p in set.files.values() {
        t.add_row(vec![
            p.path.clone(),
            p.source.clone(),
            p.year.clone(),
            p.licence.clone(),
        ]);
    }
    format!(
        "Factor set `{}` (searched in order: {})\n{t}\n",
        set.name,
        set.chain.join(" → ")
    )
}

fn print(text: &str) -> Result<u8> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`estate graph | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(OK),
        other => other.map(|_| OK).context("writing to stdout"),
    }
}

fn print_json(v: &serde_json::Value) -> Result<u8> {
    print(&format!("{}\n", serde_json::to_string_pretty(v)?))
}

fn parse_kinds(names: &[String]) -> Result<Vec<Kind>, String> {
    if names.is_empty() {
        return Ok(report::graph::default_kinds());
    }
    names
        .iter()
        .map(|n| {
            let n = n.trim();
            Kind::from_prefix(&n.to_ascii_lowercase())
                .or_else(|| Kind::from_name(n))
                .ok_or_else(|| {
                    let all = Kind::DECLARABLE
                        .iter()
                        .map(|k| k.prefix())
                        .chain(["region"]);
                    format!(
                        "unknown kind `{n}`; kinds are {}",
                        all.collect::<Vec<_>>().join(", ")
                    )
                })
        })
        .collect()
}

/// Settings, inventory and model; `None` (after printing why) when the input is bad.
fn load_model(o: Overrides, out: &Output) -> Result<Option<(Settings, Model)>> {
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
        eprintln!(
            "error: the inventory has {} error(s); nothing else was done",
            ds.errors()
        );
        return Ok(None);
    }
    if crate::timings::stage("collected sources", || {
        collected(&settings, &mut model, out)
    })
    .is_none()
    {
        return Ok(None);
    }
    Ok(Some((settings, model)))
}

/// `estate collect SOURCE`: call the API, write what it returned, say what
/// was covered; exit 1 when an account, region or service failed.
fn collect(settings: &Settings, source: CollectSource, out: &Output) -> Result<u8> {
    let crate::cli::AwsArgs {
        profile,
        regions,
        accounts,
        organization,
        role,
        endpoint,
        concurrency,
        cost_explorer,
        out: dir,
    } = match source {
        CollectSource::Prometheus {
            url,
            step,
            out: file,
        } => {
            return collect_prometheus(settings, url, step, file);
        }
        CollectSource::Aws(args) => args,
        CollectSource::Azure {
            subscriptions,
            credential,
            cost_management,
            endpoint,
            out: dir,
        } => {
            let dir = dir.unwrap_or_else(|| settings.out.join("collected").join("azure"));
            let cred = match crate::collect::azure::live::credential(credential.as_deref()) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let opts = crate::collect::azure::live::Options {
                subscriptions,
                out: dir.clone(),
                period: (settings.period.start.0, settings.period.end.0),
                cost: cost_management,
                endpoint,
            };
            let cov = match crate::collect::azure::live::collect(&opts, cred) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let mut t = report::table(&[
                "Subscription",
                "Resources",
                "Pages",
                "VMs with CPU",
                "Cost rows",
                "Status",
            ]);
            for s in &cov.subscriptions {
                t.add_row(vec![
                    s.subscription.clone(),
                    s.resources.to_string(),
                    s.pages.to_string(),
                    s.vms_with_cpu.to_string(),
                    s.cost_rows.to_string(),
                    if s.errors.is_empty() {
                        "ok".into()
                    } else {
                        s.errors.join("; ")
                    },
                ]);
            }
            print(&format!(
                "{t}\nWritten to {} ({} failed subscription(s), {} request(s)); add `- azure: {}` to estate.yaml's `sources:`\n",
                dir.display(),
                cov.failures(),
                cov.requests,
                dir.display()
            ))?;
            return Ok(if cov.failures() > 0 { FINDINGS } else { OK });
        }
        CollectSource::Kubernetes {
            kubeconfig,
            context,
            page_size,
            out: dir,
        } => {
            let dir = dir.unwrap_or_else(|| settings.out.join("collected").join("kubernetes"));
            let opts = crate::collect::kubernetes::live::Options {
                kubeconfig,
                contexts: context,
                out: dir.clone(),
                page: page_size,
            };
            let list = match crate::collect::kubernetes::live::collect(&opts) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let mut t =
                report::table(&["Context", "Objects", "Pages", "Usage", "Written", "Status"]);
            for c in &list {
                t.add_row(vec![
                    c.context.clone(),
                    c.objects.to_string(),
                    c.pages.to_string(),
                    if c.metrics { "metrics-server" } else { "—" }.to_string(),
                    c.file.clone().unwrap_or_default(),
                    c.error.clone().unwrap_or_else(|| "ok".into()),
                ]);
            }
            let failed = list.iter().filter(|c| c.error.is_some()).count();
            print(&format!(
                "{t}\n{failed} cluster(s) failed; add each file to estate.yaml's `sources:` as `- kubernetes: FILE` with `cluster: NAME`\n"
            ))?;
            return Ok(if failed > 0 { FINDINGS } else { OK });
        }
    };
    let dir = dir.unwrap_or_else(|| settings.out.join("collected").join("aws"));
    let opts = crate::collect::aws::live::Options {
        profile,
        regions,
        accounts,
        organization,
        role,
        endpoint,
        period: (settings.period.start.0, settings.period.end.0),
        out: dir.clone(),
        concurrency,
        cost_explorer,
        quiet: out.quiet,
    };
    let cov = match crate::collect::aws::live::collect(&opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    let mut t = report::table(&["Account", "Via", "Status"]);
    for a in &cov.accounts {
        t.add_row(vec![
            a.account.clone(),
            a.via.clone(),
            a.error.clone().unwrap_or_else(|| "ok".into()),
        ]);
    }
    let mut s = report::table(&["Account", "Region", "Service", "Resources", "Status"]);
    for x in &cov.services {
        s.add_row(vec![
            x.account.clone(),
            x.region.clone(),
            x.service.clone(),
            x.resources.to_string(),
            x.error.clone().unwrap_or_else(|| "ok".into()),
        ]);
    }
    let listed = settings.aws.iter().any(|p| p == &dir);
    print(&format!(
        "{t}\n{s}\nWritten to {} ({} failure(s)); {}\n",
        dir.display(),
        cov.failures(),
        if listed {
            "estate.yaml reads it (`sources:`)".to_string()
        } else {
            format!(
                "add `- aws: {}` to estate.yaml's `sources:` to use it",
                dir.display()
            )
        }
    ))?;
    if cost_explorer {
        print(&format!(
            "Cost Explorer's results are a billing input: list `{}` under `billing:` (a FOCUS export for AWS in the same run supersedes them)\n",
            dir.join(crate::collect::aws::live::COST_FILE.replace("ce-", "ACCOUNT/ce-"))
                .display()
        ))?;
    }
    Ok(if cov.failures() > 0 { FINDINGS } else { OK })
}

/// `estate collect prometheus`: ask, write the file, show the hosts.
fn collect_prometheus(
    settings: &Settings,
    url: String,
    step: Option<u64>,
    file: Option<PathBuf>,
) -> Result<u8> {
    let file = file.unwrap_or_else(|| settings.out.join("collected").join("prometheus.json"));
    let opts = crate::collect::prometheus::Options {
        url,
        period: (settings.period.start.0, settings.period.end.0),
        step_seconds: step,
    };
    let c = match crate::collect::prometheus::collect(&opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    let text = serde_json::to_string_pretty(&c)?;
    if let Err(e) = crate::output::write_atomic(&file, text.as_bytes()) {
        eprintln!("error: {}: {e}", file.display());
        return Ok(BAD_INPUT);
    }
    let mut t = report::table(&["Instance", "Node", "CPU", "Memory", "CPUs", "Power", "From"]);
    let pct = |v: Option<f64>| v.map_or_else(|| "—".into(), |u| format!("{:.1} %", u * 100.0));
    for h in &c.hosts {
        t.add_row(vec![
            h.instance.clone(),
            h.nodename.clone().unwrap_or_default(),
            pct(h.cpu_utilisation),
            pct(h.memory_utilisation),
            h.cpus.map(|n| n.to_string()).unwrap_or_default(),
            h.power_w
                .map_or_else(|| "—".into(), |w| format!("{w:.0} W")),
            h.power_source.clone().unwrap_or_default(),
        ]);
    }
    let mut q = report::table(&["Query", "Series", "Status"]);
    for x in &c.queries {
        q.add_row(vec![
            x.name.clone(),
            x.series.to_string(),
            x.error.clone().unwrap_or_else(|| "ok".into()),
        ]);
    }
    let listed = settings.prometheus.iter().any(|p| p == &file);
    print(&format!(
        "{t}\n{q}\n{} host(s), {} to {} every {} s; written to {} ({} failed queries); {}\n",
        c.hosts.len(),
        c.start,
        c.end,
        c.step_seconds,
        file.display(),
        c.failures(),
        if listed {
            "estate.yaml reads it (`sources:`)".to_string()
        } else {
            format!(
                "add `- prometheus: {}` to estate.yaml's `sources:` to use it",
                file.display()
            )
        }
    ))?;
    Ok(if c.failures() > 0 { FINDINGS } else { OK })
}

/// Read the collected sources estate.yaml names and merge them into the
/// model; `None` after printing why not.
fn collected(
    settings: &Settings,
    model: &mut Model,
    out: &Output,
) -> Option<crate::collect::Collected> {
    match read_collected(settings, model, out) {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

fn read_collected(
    settings: &Settings,
    model: &mut Model,
    out: &Output,
) -> Result<crate::collect::Collected, String> {
    let mut states = Vec::new();
    let mut found = Vec::new();
    for path in &settings.terraform {
        let mut state = crate::collect::terraform::read_state(path)?;
        if !state.unmapped_types.is_empty() && !out.quiet {
            let list: Vec<String> = state
                .unmapped_types
                .iter()
                .map(|(t, n)| format!("{t} ×{n}"))
                .collect();
            eprintln!(
                "note: {}: {} Terraform resource(s) of types Estate does not map were left out: {}",
                path.display(),
                state.unmapped_types.values().sum::<usize>(),
                list.join(", ")
            );
        }
        found.append(&mut state.found);
        states.push(state);
    }
    let mut covered = std::collections::BTreeSet::new();
    let mut exports = Vec::new();
    for path in &settings.aws {
        let mut ex = crate::collect::aws::read_export(path)?;
        found.append(&mut ex.found);
        covered.extend(ex.covered.iter().cloned());
        exports.push(ex);
    }
    let mut azure = Vec::new();
    for path in &settings.azure {
        let mut ex = crate::collect::azure::read_export(path)?;
        found.append(&mut ex.found);
        azure.push((path.display().to_string(), ex));
    }
    let mut registers = Vec::new();
    for (path, sheet) in &settings.registers {
        let mut r = crate::collect::register::read(path, *sheet)?;
        found.append(&mut r.found);
        registers.push(r);
    }
    // Nothing collected: no need to index every resource and compile the mapping rules.
    let merged = if found.is_empty() {
        crate::collect::Merged::default()
    } else {
        crate::collect::merge(model, found, &covered)
    };
    // Kubernetes clusters: their nodes joined to the VMs they are.
    let mut kubernetes = Vec::new();
    let mut machines = None;
    for (path, name) in &settings.kubernetes {
        let c = crate::collect::kubernetes::read(path, name)?;
        let machines =
            machines.get_or_insert_with(|| crate::collect::kubernetes::Machines::of(model));
        let applied = crate::collect::kubernetes::apply(model, machines, &c);
        if !applied.problems.is_empty() && !out.quiet {
            eprintln!(
                "warning: {}: {} object(s) with quantities that could not be read; `estate sources` lists them",
                path.display(),
                applied.problems.len()
            );
        }
        kubernetes.push(applied);
    }
    // Measured utilisation and power onto the inventory's on-prem hosts.
    let mut prometheus = Vec::new();
    for path in &settings.prometheus {
        let c = crate::collect::prometheus::read(path)?;
        let applied = crate::collect::prometheus::apply(model, &c, path);
        if !applied.unmatched.is_empty() && !out.quiet {
            eprintln!(
                "note: {}: {} host(s) match no on-prem resource by name; `estate sources` lists them",
                path.display(),
                applied.unmatched.len()
            );
        }
        prometheus.push(applied);
    }
    if !merged.unmapped.is_empty() && !out.quiet {
        eprintln!(
            "note: {} collected resource(s) attach to no system (no Mapping rule matches); `estate sources` lists them",
            merged.unmapped.len()
        );
    }
    Ok(crate::collect::Collected {
        states,
        exports,
        merged,
        prometheus,
        kubernetes,
        azure,
        registers,
    })
}

/// Settings from estate.yaml and the flags; `None` after printing why not.
fn settings(o: Overrides, out: &Output) -> Option<Settings> {
    let mut sources = Sources::default();
    match Settings::resolve(o, &mut sources) {
        Ok(s) => Some(s),
        Err(ds) => {
            out.diagnostics(&ds, &sources, false);
            None
        }
    }
}

fn validate(o: Overrides, format: Format, out: &Output) -> Result<u8> {
    let Some(settings) = settings(o, out) else {
        return Ok(BAD_INPUT);
    };
    let inv = inventory::load(&settings.inventory);
    let (files, documents) = (inv.files, inv.documents);
    let (model, ds) = model::build(inv);
    // The policy pack and the estate's report templates, when it has them.
    let mut pack_sources = Sources::default();
    let (pack, pack_ds) = if settings.policies_dir.is_dir() {
        let (p, d) = policy::pack::load(
            &settings.policies_dir,
            &settings.policies,
            &mut pack_sources,
        );
        (Some(p), d)
    } else {
        (None, Default::default())
    };
    let templates_dir = settings.estate_dir.join("reports");
    let template_error = templates_dir
        .is_dir()
        .then(|| report::site::templates(Some(&templates_dir)).err())
        .flatten();
    let errors = ds.errors() + pack_ds.errors() + usize::from(template_error.is_some());
    match format {
        Format::Json => {
            let mut j = ds.to_json(&model.sources);
            j["files"] = files.into();
            j["documents"] = documents.into();
            j["nodes"] = model.graph.node_count().into();
            j["edges"] = model.graph.edge_count().into();
            if let Some(p) = &pack {
                let mut pj = pack_ds.to_json(&pack_sources);
                pj["rules"] = p.rules.len().into();
                pj["waivers"] = p.waivers.len().into();
                j["policies"] = pj;
            }
            j["templates"] = serde_json::json!({ "error": template_error });
            print_json(&j)?;
        }
        Format::Table => {
            out.diagnostics(&ds, &model.sources, false);
            out.diagnostics(&pack_ds, &pack_sources, false);
            if let Some(e) = &template_error {
                eprintln!("error: {e}");
            }
            if !out.quiet {
                eprintln!(
                    "{}: {files} file(s), {documents} document(s), {} node(s), {} relation(s); {} error(s), {} warning(s)",
                    settings.inventory.display(),
                    model.graph.node_count(),
                    model.graph.edge_count(),
                    ds.errors(),
                    ds.warnings()
                );
                if let Some(p) = &pack {
                    eprintln!(
                        "{}: {} rule(s), {} waiver(s); {} error(s), {} warning(s)",
                        settings.policies_dir.display(),
                        p.rules.len(),
                        p.waivers.len(),
                        pack_ds.errors(),
                        pack_ds.warnings()
                    );
                }
            }
        }
    }
    Ok(if errors > 0 { BAD_INPUT } else { OK })
}

/// Read Backstage catalog files (following Location targets), map them, and
/// write one estate/v1 file per kind under `dir`.
fn import_backstage(paths: &[PathBuf], dir: &Path, format: Format, out: &Output) -> Result<u8> {
    let mut inv = inventory::Inventory::default();
    let mut docs: Vec<backstage::Entity> = Vec::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                let is_yaml = matches!(
                    e.path().extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml")
                );
                if e.file_type().is_file() && is_yaml {
                    queue.push(e.path().to_path_buf());
                }
            }
        } else {
            queue.push(p.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut followed = Vec::new();
    while let Some(path) = queue.pop() {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !seen.insert(canonical) {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                inv.diagnostics.push(crate::diagnostic::Diagnostic::error(
                    None,
                    format!("cannot read `{}`: {e}", path.display()),
                ));
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
                match d.spec.get(key).map(|v| &v.value) {
                    Some(serde_json::Value::String(s)) => targets.push(s.clone()),
                    Some(serde_json::Value::Array(a)) => {
                        targets.extend(a.iter().filter_map(|v| v.as_str().map(String::from)))
                    }
                    _ => {}
                }
            }
            for t in targets {
                let t = t.strip_prefix("file:").unwrap_or(&t);
                if t.contains("://") {
                    inv.diagnostics.push(crate::diagnostic::Diagnostic::warning(
                        None,
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
                        None,
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
    if inv.diagnostics.errors() > 0 {
        out.diagnostics(&inv.diagnostics, &inv.sources, false);
        eprintln!("error: nothing written");
        return Ok(BAD_INPUT);
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
    match format {
        Format::Json => {
            let mut j = serde_json::to_value(&report)?;
            j["files"] = written.clone().into();
            j["followed"] = followed.into();
            print_json(&j)?;
        }
        Format::Table => {
            print(&render_import(&report, &written))?;
        }
    }
    Ok(OK)
}

fn render_import(r: &backstage::Report, written: &[String]) -> String {
    let mut out = String::new();
    let mut t = report::table(&["Backstage kind", "Read"]);
    for (k, n) in &r.read {
        t.add_row(vec![k.clone(), n.to_string()]);
    }
    out.push_str(&format!("{t}\n"));
    let mut t = report::table(&["Estate kind", "Written"]);
    for (k, n) in &r.written {
        t.add_row(vec![k.clone(), n.to_string()]);
    }
    out.push_str(&format!("{t}\n"));
    let mut t = report::table(&["Relation", "Mapped", "Kept as annotation"]);
    let rels: std::collections::BTreeSet<&String> = r
        .relations_mapped
        .keys()
        .chain(r.relations_kept.keys())
        .collect();
    for rel in rels {
        t.add_row(vec![
            rel.clone(),
            r.relations_mapped
                .get(rel)
                .copied()
                .unwrap_or(0)
                .to_string(),
            r.relations_kept.get(rel).copied().unwrap_or(0).to_string(),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    if !r.fields_kept.is_empty() {
        let mut t = report::table(&["Field kept as annotation", "Count"]);
        for (f, n) in &r.fields_kept {
            t.add_row(vec![f.clone(), n.to_string()]);
        }
        out.push_str(&format!("{t}\n"));
    }
    for n in &r.not_imported {
        out.push_str(&format!("not imported: {n}\n"));
    }
    for (from, to) in &r.renamed {
        out.push_str(&format!("renamed: {from} → {to}\n"));
    }
    for w in written {
        out.push_str(&format!("wrote {w}\n"));
    }
    out
}
