//! `estate kubernetes`: each cluster's nodes' carbon and cost split across
//! its pods, rolled up to workloads, namespaces and systems.

use anyhow::Result;

use super::Ctx;
use crate::cli::Format;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, report};

pub fn run(ctx: &Ctx, format: Format) -> Result<u8> {
    let Some(loaded) = pipeline::load(ctx.overrides(), &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let pipeline::Loaded {
        settings,
        model,
        collected,
    } = loaded;
    if collected.clusters.is_empty() {
        crate::say!(
            "error: no Kubernetes clusters: add `- kubernetes: FILE` (with `cluster: NAME`) under estate.yaml's `sources:`"
        );
        return Ok(BAD_INPUT);
    }
    let today = chrono::Local::now().date_naive();
    let Some(assessed) = pipeline::assess(&settings, model, today, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let allocations = pipeline::kubernetes(&settings, &assessed, &collected.clusters);
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
