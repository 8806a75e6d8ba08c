//! `estate carbon`: the footprint with ranges, by method, scope and category.

use anyhow::Result;

use super::Ctx;
use crate::assess::carbon;
use crate::cli::DataFormat;
use crate::output::{BAD_INPUT, print, print_json};
use crate::settings::Overrides;
use crate::{pipeline, report};

pub fn run(
    ctx: &Ctx,
    basis: carbon::Basis,
    factors: Option<String>,
    by: report::carbon::By,
    format: DataFormat,
) -> Result<u8> {
    let o = Overrides {
        factors,
        ..ctx.overrides()
    };
    let Some((settings, model)) = pipeline::load_model(o, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let Some(set) = pipeline::factor_set(&settings, &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    let est = pipeline::carbon(&settings, &model, &set);
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
