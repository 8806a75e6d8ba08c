//! `estate factors`: the carbon factor set in use, its files with their
//! sources and licences, and one factor explained.

use anyhow::Result;

use super::Ctx;
use crate::assess::carbon;
use crate::cli::{FactorsAction, Format};
use crate::output::{BAD_INPUT, print, print_json};
use crate::settings::Overrides;
use crate::{pipeline, report};

pub fn run(ctx: &Ctx, action: FactorsAction, set: Option<String>) -> Result<u8> {
    let o = Overrides {
        factors: set,
        ..ctx.overrides()
    };
    let Some(settings) = pipeline::settings(o, &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    let Some(set) = pipeline::factor_set(&settings, &ctx.term) else {
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
                Format::Json => {
                    print_json(&serde_json::json!({ "id": id, "value": value, "provenance": prov }))
                }
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
                crate::say!(
                    "error: no factor `{id}` in set `{}` (ids look like `ccf/pue/aws`, `common/grid/GB/2025`; `estate carbon --format json` lists the ids each item used)",
                    set.name
                );
                Ok(BAD_INPUT)
            }
        },
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
