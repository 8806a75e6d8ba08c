//! `estate diff A B`: what changed between two snapshots.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::cli::Format;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, plan, report};

pub fn run(ctx: &Ctx, a: &str, b: &str, format: Format) -> Result<u8> {
    let Some(settings) = pipeline::settings(ctx.overrides(), &ctx.term) else {
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
        plan::snapshot::read(&find(a)),
        plan::snapshot::read(&find(b)),
    ) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => {
            crate::say!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    let d = plan::snapshot::diff(&sa, &sb);
    match format {
        Format::Json => print_json(&serde_json::to_value(&d)?),
        Format::Table => print(&report::diff::render_table(&d, &sb.currency)),
    }
}
