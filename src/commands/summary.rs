//! `estate summary`: counts of what the model holds, by kind and lifecycle.

use anyhow::Result;

use super::Ctx;
use crate::cli::Format;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, report};

pub fn run(ctx: &Ctx, format: Format) -> Result<u8> {
    let Some((settings, model)) = pipeline::load_model(ctx.overrides(), &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let s = report::summary::summarise(&model, &settings.name);
    match format {
        Format::Table => print(&report::summary::render_table(&s)),
        Format::Json => print_json(&serde_json::to_value(&s)?),
    }
}
