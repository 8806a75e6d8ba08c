//! `estate validate`: the inventory, the policy pack and the estate's report
//! templates checked; every problem located.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::assess::policy;
use crate::cli::Format;
use crate::diagnostic::Sources;
use crate::output::{BAD_INPUT, OK, print_json};
use crate::settings::Overrides;
use crate::{inventory, model, pipeline, report};

pub fn run(ctx: &Ctx, dir: Option<PathBuf>, format: Format) -> Result<u8> {
    let out = &ctx.term;
    let o = Overrides {
        inventory: dir.or_else(|| ctx.overrides().inventory),
        ..ctx.overrides()
    };
    let Some(settings) = pipeline::settings(o, out) else {
        return Ok(BAD_INPUT);
    };
    let inv = inventory::load(&settings.inventory);
    let (files, documents) = (inv.files, inv.documents);
    let (model, ds) = model::build(inv);
    // The policy pack (shipped, overlaid by the estate's) and the estate's report templates.
    let mut pack_sources = Sources::default();
    let (pack, pack_ds) = policy::pack::load(
        &pipeline::pack_location(&settings),
        &pipeline::tuning(&settings),
        &mut pack_sources,
    );
    let pack = Some(pack);
    let templates_dir = settings.estate_dir.join("reports");
    let template_error = templates_dir
        .is_dir()
        .then(|| {
            report::site::templates(Some(&templates_dir))
                .err()
                .map(|e| e.to_string())
        })
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
                crate::say!("error: {e}");
            }
            if !out.quiet {
                crate::say!(
                    "{}: {files} file(s), {documents} document(s), {} node(s), {} relation(s); {} error(s), {} warning(s)",
                    settings.inventory.display(),
                    model.graph.node_count(),
                    model.graph.edge_count(),
                    ds.errors(),
                    ds.warnings()
                );
                if let Some(p) = &pack {
                    crate::say!(
                        "{}: {} rule(s), {} waiver(s); {} error(s), {} warning(s)",
                        if settings.policies_dir.is_dir() {
                            format!(
                                "{} (over the shipped pack)",
                                settings.policies_dir.display()
                            )
                        } else {
                            policy::pack::BUILT_IN.to_string()
                        },
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
