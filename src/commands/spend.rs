//! `estate spend`: technology spend attributed to systems and reconciled
//! exactly, and its views (shadow IT, contracts, the warehouse query).

use anyhow::Result;

use super::Ctx;
use crate::cli::{DataFormat, SpendView};
use crate::model::Model;
use crate::output::{BAD_INPUT, FINDINGS, OK, print, print_json};
use crate::settings::{Overrides, Settings};
use crate::{pipeline, report};

/// The warehouse aggregation `estate spend sql` prints.
const FOCUS_AGGREGATE_SQL: &str = include_str!("../../sql/focus-aggregate.sql");

pub fn run(
    ctx: &Ctx,
    view: Option<SpendView>,
    by: report::spend::By,
    billing: Vec<std::path::PathBuf>,
    allow_bad_rows: bool,
    format: DataFormat,
) -> Result<u8> {
    if matches!(view, Some(SpendView::Sql)) {
        return print(FOCUS_AGGREGATE_SQL);
    }
    let o = Overrides {
        billing,
        ..ctx.overrides()
    };
    let Some((settings, model)) = pipeline::load_model(o, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let args = Args {
        view,
        by,
        allow_bad_rows,
        format,
    };
    show(ctx, &settings, &model, args)
}

/// What to show, and how.
struct Args {
    view: Option<SpendView>,
    by: report::spend::By,
    allow_bad_rows: bool,
    format: DataFormat,
}

/// `estate spend` and its views.
fn show(ctx: &Ctx, settings: &Settings, model: &Model, args: Args) -> Result<u8> {
    let Args {
        view,
        by,
        allow_bad_rows,
        format,
    } = args;
    use crate::assess::spend;
    if settings.billing.is_empty() && !matches!(view, Some(SpendView::Contracts { .. })) {
        crate::say!(
            "error: no billing inputs: list them under `billing:` in estate.yaml, or give `--billing FILE`"
        );
        return Ok(BAD_INPUT);
    }
    let result = match pipeline::spend(settings, model) {
        Ok(r) => r,
        Err(e) => {
            crate::say!("error: {e}");
            return Ok(BAD_INPUT);
        }
    };
    for b in &result.bad_rows {
        if !ctx.term.quiet || !allow_bad_rows {
            crate::say!(
                "{}: {}:{}: {}",
                if allow_bad_rows { "warning" } else { "error" },
                b.file,
                b.line,
                b.reason
            );
        }
    }
    // The table says what is aside from the totals; every other output says it here.
    let table = view.is_none() && matches!(format, DataFormat::Table);
    if !table && !ctx.term.quiet {
        for line in report::spend::aside(&result) {
            crate::say!("warning: {line}");
        }
    }
    match view {
        None => {
            match format {
                DataFormat::Table => print(&report::spend::render_table(
                    model,
                    &result,
                    settings.period,
                    by,
                ))?,
                DataFormat::Json => {
                    let mut j =
                        report::spend::to_json(&result, settings.period, &settings.currency);
                    j["converted"] = report::spend::converted(
                        &result,
                        &settings.currency,
                        &settings.exchange_rates,
                    );
                    print_json(&j)?
                }
                DataFormat::Csv => print(&report::spend::to_csv(&result, by)?)?,
            };
        }
        Some(SpendView::Shadow) => {
            match format {
                DataFormat::Json => print_json(&serde_json::to_value(&result.shadow)?)?,
                _ => print(&report::spend::shadow_table(&result))?,
            };
        }
        Some(SpendView::Sql) => {
            print(FOCUS_AGGREGATE_SQL)?;
        }
        Some(SpendView::Contracts { within, as_of }) => {
            let within = match crate::inventory::Duration::parse(&within) {
                Ok(d) => d,
                Err(e) => {
                    crate::say!("error: --within: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let today = match as_of.map(|d| crate::inventory::Date::parse(&d)).transpose() {
                Ok(d) => d
                    .map(|d| d.0)
                    .unwrap_or_else(|| chrono::Local::now().date_naive()),
                Err(e) => {
                    crate::say!("error: --as-of: {e}");
                    return Ok(BAD_INPUT);
                }
            };
            let days = (within.after(today) - today).num_days();
            let upcoming = spend::contracts::upcoming(model, today, days, &settings.currency);
            let ledger = result
                .currencies
                .get(&settings.currency)
                .cloned()
                .unwrap_or_default();
            let against = spend::contracts::against_value(
                model,
                settings.period,
                &settings.currency,
                &ledger,
            );
            let concentration = spend::contracts::concentration(&ledger);
            match format {
                DataFormat::Json => print_json(&report::spend::contracts_json(
                    &upcoming,
                    &against,
                    &concentration,
                ))?,
                _ => print(&report::spend::contracts_table(
                    model,
                    &upcoming,
                    &against,
                    &concentration,
                ))?,
            };
        }
    }
    if !result.balanced() {
        crate::say!(
            "error: spend does not reconcile: allocated + unallocated differs from the input total (a bug; please report it)"
        );
        return Ok(FINDINGS);
    }
    if !result.bad_rows.is_empty() && !allow_bad_rows {
        crate::say!(
            "error: {} row(s) could not be read (listed above); fix them or pass --allow-bad-rows",
            result.bad_rows.len()
        );
        return Ok(BAD_INPUT);
    }
    Ok(OK)
}
