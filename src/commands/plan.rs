//! `estate plan`: roadmaps applied phase by phase, migration waves, the
//! application portfolio, and a Terraform plan's carbon and cost.

use anyhow::Result;

use super::Ctx;
use crate::assess::carbon;
use crate::cli::{Format, PlanAction, RoadmapFormat};
use crate::diagnostic::Sources;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, plan, report};

pub fn run(ctx: &Ctx, action: PlanAction) -> Result<u8> {
    let Some((settings, model)) = pipeline::load_model(ctx.overrides(), &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let today = chrono::Local::now().date_naive();
    let Some(assessed) = pipeline::assess(&settings, model, today, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let model = &assessed.facts.model;
    match action {
        PlanAction::Portfolio {
            min_systems,
            format,
        } => {
            let p = plan::portfolio::assess(
                model,
                &assessed.carbon,
                assessed.spend.as_ref(),
                &settings.currency,
                min_systems,
            );
            match format {
                Format::Json => print_json(&serde_json::to_value(&p)?),
                Format::Table => print(&report::portfolio::render_table(&p)),
            }
        }
        PlanAction::Waves {
            systems,
            max_per_wave,
            dependents_first,
            to,
            format,
        } => {
            let selected = match plan::waves::select(model, &systems) {
                Ok(s) => s,
                Err(e) => {
                    crate::say!("error: --systems: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let spend: std::collections::HashMap<String, rust_decimal::Decimal> = assessed
                .spend
                .as_ref()
                .and_then(|s| s.currencies.get(&settings.currency))
                .map(|l| {
                    l.by_system
                        .iter()
                        .map(|(k, c)| (k.clone(), c.effective))
                        .collect()
                })
                .unwrap_or_default();
            let carbon_by = carbon::by_system(&assessed.carbon);
            let w = plan::waves::plan(
                model,
                &selected,
                max_per_wave,
                dependents_first,
                &spend,
                &carbon_by,
            );
            let mut w = w;
            if let Some(to) = &to {
                let target = match plan::roadmap::parse_target(to) {
                    Ok(t) => t,
                    Err(e) => {
                        crate::say!("error: --to: {e}");
                        return Ok(BAD_INPUT);
                    }
                };
                let base = pipeline::roadmap_baseline(&settings, &assessed);
                let groups: Vec<Vec<String>> = w.waves.iter().map(|x| x.systems.clone()).collect();
                let deltas = plan::roadmap::migration_deltas(&base, &groups, &target);
                for (x, (spend, co2e, warnings)) in w.waves.iter_mut().zip(deltas) {
                    x.if_migrated = Some(plan::waves::Migrated {
                        target: to.clone(),
                        spend_delta: spend,
                        co2e_delta_kg: co2e,
                        warnings: warnings.into_iter().map(|w| w.message).collect(),
                    });
                }
            }
            match format {
                Format::Json => print_json(&serde_json::to_value(&w)?),
                Format::Table => print(&report::waves::render_table(&w, &settings.currency)),
            }
        }
        PlanAction::Terraform { plan, format } => {
            let ledger = assessed
                .spend
                .as_ref()
                .and_then(|s| s.currencies.get(&settings.currency));
            let rates = plan::terraform::rates(model, ledger, settings.period);
            let proposed = match crate::collect::terraform::read_plan(&plan) {
                Ok(p) => p,
                Err(e) => {
                    crate::say!("error: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let p = plan::terraform::assess(
                &proposed,
                &assessed.factors,
                settings.period,
                &settings.currency,
                &rates,
            );
            match format {
                RoadmapFormat::Json => print_json(&serde_json::to_value(&p)?),
                RoadmapFormat::Table => print(&report::terraform_plan::render_table(&p)),
                RoadmapFormat::Markdown => print(&report::terraform_plan::render_markdown(&p)),
            }
        }
        PlanAction::Roadmap {
            names,
            no_policies,
            format,
        } => {
            let declared = plan::roadmap::declared(model);
            if declared.is_empty() {
                crate::say!(
                    "error: the inventory declares no roadmap (`kind: Roadmap`; see docs/inventory-format.md)"
                );
                return Ok(BAD_INPUT);
            }
            let mut chosen = Vec::new();
            for n in &names {
                match declared.iter().find(|d| &d.0 == n) {
                    Some(d) => chosen.push(d),
                    None => {
                        let known: Vec<&str> = declared.iter().map(|d| d.0.as_str()).collect();
                        crate::say!(
                            "error: no roadmap `{n}`; the inventory has: {}",
                            known.join(", ")
                        );
                        return Ok(BAD_INPUT);
                    }
                }
            }
            if chosen.is_empty() {
                chosen = declared.iter().collect();
            }
            let pack = if !no_policies {
                let mut sources = Sources::default();
                match pipeline::load_pack(&settings, &mut sources, &ctx.term) {
                    Some(p) => Some(p),
                    None => return Ok(BAD_INPUT),
                }
            } else {
                None
            };
            let chosen: Vec<_> = chosen.into_iter().cloned().collect();
            let outcomes =
                pipeline::apply_roadmaps(&settings, &assessed, pack.as_ref(), today, &chosen);
            match (format, outcomes.as_slice()) {
                (RoadmapFormat::Json, [one]) => print_json(&serde_json::to_value(one)?),
                (RoadmapFormat::Json, all) => print_json(&serde_json::to_value(all)?),
                (RoadmapFormat::Table, [one]) => print(&report::roadmap::render_table(one)),
                (RoadmapFormat::Markdown, [one]) => print(&report::roadmap::render_markdown(one)),
                (_, all) => print(&report::roadmap::render_compare(all)),
            }
        }
    }
}
