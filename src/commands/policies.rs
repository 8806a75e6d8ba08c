//! `estate policies`: the rules in use (list, explain) and refreshing the
//! end-of-life snapshot.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ctx;
use crate::assess::policy;
use crate::cli::{Format, PoliciesAction};
use crate::diagnostic::Sources;
use crate::output::{BAD_INPUT, FINDINGS, OK, print, print_json};
use crate::settings::Overrides;
use crate::{inventory, model, pipeline, report};

pub fn run(ctx: &Ctx, action: PoliciesAction, policies: Option<PathBuf>) -> Result<u8> {
    let o = Overrides {
        policies,
        ..ctx.overrides()
    };
    let Some(settings) = pipeline::settings(o, &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    let mut pack_sources = Sources::default();
    match action {
        PoliciesAction::List { format } => {
            let Some(pack) = pipeline::load_pack(&settings, &mut pack_sources, &ctx.term) else {
                return Ok(BAD_INPUT);
            };
            match format {
                Format::Table => print(&report::check::rules_table(&pack)),
                Format::Json => print_json(&serde_json::json!({
                    "rules": pack.rules.iter().map(|r| report::check::rule_json(r, 0)).collect::<Vec<_>>(),
                    "waivers": pack.waivers.iter().map(|w| serde_json::json!({
                        "name": w.name, "rule": w.rule, "node": w.node, "reason": w.reason,
                        "approver": w.approver, "expires": w.expires.to_string(),
                    })).collect::<Vec<_>>(),
                })),
            }
        }
        PoliciesAction::Explain { rule, format } => {
            let Some(pack) = pipeline::load_pack(&settings, &mut pack_sources, &ctx.term) else {
                return Ok(BAD_INPUT);
            };
            let Some(r) = pack.rules.iter().find(|r| r.id == rule) else {
                let ids = pack.rules.iter().map(|r| r.id.as_str());
                let hint = crate::inventory::scalar::did_you_mean(&rule, ids)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                crate::say!("error: no rule `{rule}`{hint}");
                return Ok(BAD_INPUT);
            };
            // How many nodes it applies to, when the inventory loads.
            let inv = inventory::load(&settings.inventory);
            let (model, _) = model::build(inv);
            let applies = model
                .graph
                .node_weights()
                .filter(|n| r.kinds.contains(&policy::pack::Target::Kind(n.kind)))
                .count()
                + usize::from(r.kinds.contains(&policy::pack::Target::Estate));
            match format {
                Format::Table => print(&report::check::explain(r, applies, &pack_sources)),
                Format::Json => print_json(&report::check::rule_json(r, applies)),
            }
        }
        PoliciesAction::RefreshEol { url, products } => {
            let path = settings
                .policies_dir
                .join("endoflife")
                .join("products.json");
            let mut eol = match policy::eol::Eol::load(&settings.policies_dir) {
                Ok(e) => e,
                Err(e) => {
                    crate::say!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let today = chrono::Local::now().date_naive();
            let r = crate::collect::endoflife::refresh(&mut eol.snapshot, &url, &products, today);
            for (slug, e) in &r.failed {
                crate::say!("warning: {slug}: {e} (kept the previous data)");
            }
            if r.updated.is_empty() {
                crate::say!("error: no product could be refreshed from {url}");
                return Ok(BAD_INPUT);
            }
            let text = serde_json::to_string_pretty(&eol.snapshot)? + "\n";
            crate::output::write_atomic(&path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            crate::output::print(&format!(
                "{}: {} product(s) refreshed ({} cycles), {} failed\n",
                path.display(),
                r.updated.len(),
                r.cycles,
                r.failed.len()
            ))?;
            Ok(if r.failed.is_empty() { OK } else { FINDINGS })
        }
    }
}
