//! `estate check`: the policy pack evaluated against the assessed estate;
//! findings as a table, JSON, SARIF, JUnit or Markdown, and an exit code for CI.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::assess::policy;
use crate::cli::{CheckFormat, SeverityArg};
use crate::diagnostic::Sources;
use crate::output::{BAD_INPUT, FINDINGS, OK, print, print_json};
use crate::settings::Overrides;
use crate::{pipeline, report};

pub fn run(
    ctx: &Ctx,
    policies: Option<PathBuf>,
    rules: Vec<String>,
    severity_min: Option<SeverityArg>,
    fail_on: SeverityArg,
    as_of: Option<String>,
    format: CheckFormat,
) -> Result<u8> {
    let o = Overrides {
        policies,
        ..ctx.overrides()
    };
    let today = match pipeline::as_of_date(as_of.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            crate::say!("error: --as-of: {e}");
            return Ok(BAD_INPUT);
        }
    };
    let Some((settings, model)) = pipeline::load_model(o, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let mut pack_sources = Sources::default();
    let Some(mut pack) = pipeline::load_pack(&settings, &mut pack_sources, &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    if !rules.is_empty() {
        let unknown: Vec<&String> = rules
            .iter()
            .filter(|r| !pack.rules.iter().any(|x| &x.id == *r))
            .collect();
        if !unknown.is_empty() {
            crate::say!(
                "error: no rule {}; `estate policies list` lists them",
                unknown
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Ok(BAD_INPUT);
        }
        pack.rules.retain(|r| rules.contains(&r.id));
    }
    let Some(assessed) = pipeline::assess(&settings, model, today, &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let mut outcome = policy::check(&assessed.facts, &pack);
    if let Some(min) = super::severity(severity_min) {
        outcome.findings.retain(|f| f.severity >= min);
        outcome.waived.retain(|f| f.severity >= min);
    }
    let sources = &assessed.facts.model.sources;
    for e in &outcome.errors {
        let at = e
            .loc
            .map(|l| format!("{}: ", pack_sources.describe(l)))
            .unwrap_or_default();
        crate::say!(
            "error: {at}rule `{}` on `{}`: `{}`: {}",
            e.rule,
            e.id,
            e.expression,
            e.message
        );
    }
    match format {
        CheckFormat::Table => print(&report::check::render_table(&outcome))?,
        CheckFormat::Json => print_json(&report::check::to_json(&outcome, sources))?,
        CheckFormat::Sarif => print_json(&report::check::to_sarif(
            &outcome,
            &pack,
            sources,
            &settings.estate_dir,
        ))?,
        CheckFormat::Junit => print(&report::check::to_junit(&outcome, &pack))?,
        CheckFormat::Markdown => print(&report::check::to_markdown(&outcome, &settings.name))?,
    };
    if !outcome.errors.is_empty() {
        crate::say!(
            "error: {} evaluation error(s): the policy pack needs fixing",
            outcome.errors.len()
        );
        return Ok(BAD_INPUT);
    }
    let failing =
        super::severity(Some(fail_on)).is_some_and(|min| outcome.worst().is_some_and(|w| w >= min));
    Ok(if failing { FINDINGS } else { OK })
}
