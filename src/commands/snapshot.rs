//! `estate snapshot`: the assessed estate saved under `out/snapshots/` for
//! `estate diff` and the report's trends.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ctx;
use crate::output::{BAD_INPUT, OK};
use crate::{pipeline, plan};

pub fn run(ctx: &Ctx, as_of: Option<String>, policies: Option<PathBuf>) -> Result<u8> {
    let Some(pipeline::Estate {
        settings,
        assessed,
        outcome,
        today,
        bar,
        ..
    }) = pipeline::build(
        ctx.overrides(),
        policies,
        as_of.as_deref(),
        false,
        &ctx.term,
    )?
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
    crate::output::print(&format!(
        "{}: {} nodes, {} edges, {} findings (schema {})\n",
        path.display(),
        snap.nodes.len(),
        snap.edges.len(),
        snap.findings.len(),
        plan::snapshot::SCHEMA
    ))?;
    Ok(OK)
}
