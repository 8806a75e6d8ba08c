//! `estate show ID`: one node with its attributes and relations.

use anyhow::Result;

use super::Ctx;
use crate::cli::Format;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, report};

pub fn run(ctx: &Ctx, id: &str, format: Format) -> Result<u8> {
    let Some((_, model)) = pipeline::load_model(ctx.overrides(), &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let idx = match report::show::find(&model, id) {
        Ok(i) => i,
        Err(msg) => {
            crate::say!("error: {msg}");
            return Ok(BAD_INPUT);
        }
    };
    match format {
        Format::Table => print(&report::show::render_table(&model, idx)),
        Format::Json => print_json(&report::show::to_json(&model, idx)),
    }
}
