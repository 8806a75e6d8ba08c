//! `estate sources`: what each collected source found, merged and left out.

use anyhow::Result;

use super::Ctx;
use crate::cli::Format;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{inventory, model, pipeline, report};

pub fn run(ctx: &Ctx, format: Format) -> Result<u8> {
    let Some(settings) = pipeline::settings(ctx.overrides(), &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    let (mut model, ds) = model::build(inventory::load(&settings.inventory));
    ctx.term.diagnostics(&ds, &model.sources, true);
    if ds.errors() > 0 {
        return Ok(BAD_INPUT);
    }
    let Some(c) = pipeline::collected(&settings, &mut model, &ctx.term.quieter()) else {
        return Ok(BAD_INPUT);
    };
    let r = report::sources::summarise(&model, &c);
    match format {
        Format::Json => print_json(&serde_json::to_value(&r)?),
        Format::Table => print(&report::sources::render_table(&r)),
    }
}
