//! `estate report`: the whole pipeline rendered to a self-contained site
//! under `out/report/` (or `--out`), written to a staging directory and
//! swapped in whole.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ctx;
use crate::output::{BAD_INPUT, OK};
use crate::{pipeline, plan, report};

pub fn run(
    ctx: &Ctx,
    out_dir: Option<PathBuf>,
    open: bool,
    policies: Option<PathBuf>,
    as_of: Option<String>,
) -> Result<u8> {
    let Some(pipeline::Estate {
        settings,
        assessed,
        outcome,
        roadmaps,
        today,
        bar,
        ..
    }) = pipeline::build(ctx.overrides(), policies, as_of.as_deref(), true, &ctx.term)?
    else {
        return Ok(BAD_INPUT);
    };
    let facts = &assessed.facts;
    let model = &facts.model;
    let eol = model
        .nodes_of(crate::inventory::Kind::Technology)
        .into_iter()
        .filter_map(|i| {
            facts
                .eol_of(i)
                .map(|d| (model.node(i).id.to_string(), d.to_string()))
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
            crate::say!("warning: {e}; the report has no trends");
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
    let pages = match crate::timings::stage("rendering", || report::site::build(&inputs, &staged)) {
        Ok(n) => n,
        Err(e) => {
            bar.finish_and_clear();
            crate::say!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    bar.set_message(format!("writing {}", dir.display()));
    let (files, bytes) = staged.written();
    crate::timings::stage("writing", || staged.publish(&dir))
        .with_context(|| format!("writing the report to {}", dir.display()))?;
    bar.finish_and_clear();
    let index = dir.join("index.html");
    crate::output::print(&format!(
        "{}: {} pages, {} files, {:.1} MB\n",
        index.display(),
        pages,
        files,
        bytes as f64 / 1e6
    ))?;
    if let Some(o) = &outcome
        && !o.errors.is_empty()
    {
        crate::say!(
            "warning: {} policy evaluation error(s); `estate check` shows them",
            o.errors.len()
        );
    }
    if open && let Err(e) = opener::open(&index) {
        crate::say!("warning: could not open {}: {e}", index.display());
    }
    Ok(OK)
}
