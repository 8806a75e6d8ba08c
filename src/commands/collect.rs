//! `estate collect SOURCE`: call a live API (AWS, Azure, Kubernetes,
//! Prometheus), write what it returned under `out/collected/`, and say what
//! was covered; exit 1 when an account, subscription, cluster, region,
//! service or query failed.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
#[cfg(feature = "live")]
use crate::cli::AwsArgs;
use crate::cli::CollectSource;
use crate::collect;
use crate::output::{BAD_INPUT, FINDINGS, OK, print};
use crate::report;
use crate::settings::Settings;

pub fn run(ctx: &Ctx, source: CollectSource) -> Result<u8> {
    let Some(settings) = crate::pipeline::settings(ctx.overrides(), &ctx.term) else {
        return Ok(BAD_INPUT);
    };
    let settings = &settings;
    let collected = settings.out.join("collected");
    match source {
        CollectSource::Prometheus {
            url,
            step,
            out: file,
        } => prometheus(settings, url, step, file),
        #[cfg(not(feature = "live"))]
        CollectSource::Aws(_) | CollectSource::Azure { .. } | CollectSource::Kubernetes { .. } => {
            let _ = (ctx, collected);
            failed(
                "this build of estate has no live collectors (cargo feature `live`, on by default)",
            )
        }
        #[cfg(feature = "live")]
        CollectSource::Aws(args) => aws(ctx, settings, args),
        #[cfg(feature = "live")]
        CollectSource::Azure {
            subscriptions,
            credential,
            cost_management,
            endpoint,
            out: dir,
        } => {
            let dir = dir.unwrap_or_else(|| collected.join("azure"));
            let cred = match collect::azure::live::credential(credential.as_deref()) {
                Ok(c) => c,
                Err(e) => return failed(e),
            };
            let opts = collect::azure::live::Options {
                subscriptions,
                out: dir.clone(),
                period: (settings.period.start.0, settings.period.end.0),
                cost: cost_management,
                endpoint,
            };
            let cov = match collect::azure::live::collect(&opts, cred) {
                Ok(c) => c,
                Err(e) => return failed(e),
            };
            print(&report::collect::azure(&cov, &dir))?;
            Ok(if cov.failures() > 0 { FINDINGS } else { OK })
        }
        #[cfg(feature = "live")]
        CollectSource::Kubernetes {
            kubeconfig,
            context,
            page_size,
            out: dir,
        } => {
            let opts = collect::kubernetes::live::Options {
                kubeconfig,
                contexts: context,
                out: dir.unwrap_or_else(|| collected.join("kubernetes")),
                page: page_size,
            };
            let list = match collect::kubernetes::live::collect(&opts) {
                Ok(l) => l,
                Err(e) => return failed(e),
            };
            print(&report::collect::kubernetes(&list))?;
            let failed = list.iter().filter(|c| c.error.is_some()).count();
            Ok(if failed > 0 { FINDINGS } else { OK })
        }
    }
}

/// Whether what was written at `path` is read without estate.yaml naming it
/// (it lists no `sources:` and `path` is where `estate collect` stores).
fn read_by_default(settings: &Settings, path: &std::path::Path) -> bool {
    !settings.sources_given
        && crate::pipeline::stored_sources(&settings.out)
            .iter()
            .any(|s| s.path() == path)
}

/// Say why a collection could not start.
fn failed(e: impl std::fmt::Display) -> Result<u8> {
    crate::say!("error: {e}");
    Ok(BAD_INPUT)
}

/// `estate collect aws`.
#[cfg(feature = "live")]
fn aws(ctx: &Ctx, settings: &Settings, args: AwsArgs) -> Result<u8> {
    let dir = args
        .out
        .unwrap_or_else(|| settings.out.join("collected").join("aws"));
    let cost_explorer = args.cost_explorer;
    let opts = collect::aws::live::Options {
        profile: args.profile,
        regions: args.regions,
        accounts: args.accounts,
        organization: args.organization,
        role: args.role,
        endpoint: args.endpoint,
        period: (settings.period.start.0, settings.period.end.0),
        out: dir.clone(),
        concurrency: args.concurrency,
        cost_explorer,
        quiet: ctx.term.quiet,
    };
    let cov = match collect::aws::live::collect(&opts) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    let listed = read_by_default(settings, &dir)
        || settings
            .sources
            .contains(&collect::Source::Aws(dir.clone()));
    print(&report::collect::aws(&cov, &dir, listed))?;
    if cost_explorer {
        print(&format!(
            "Cost Explorer's results are a billing input: list `{}` under `billing:` (a FOCUS export for AWS in the same run supersedes them)\n",
            dir.join(collect::aws::live::COST_FILE.replace("ce-", "ACCOUNT/ce-"))
                .display()
        ))?;
    }
    Ok(if cov.failures() > 0 { FINDINGS } else { OK })
}

/// `estate collect prometheus`: ask, write the file, show the hosts.
fn prometheus(
    settings: &Settings,
    url: String,
    step: Option<u64>,
    file: Option<PathBuf>,
) -> Result<u8> {
    let file = file.unwrap_or_else(|| settings.out.join("collected").join("prometheus.json"));
    let opts = collect::prometheus::Options {
        url,
        period: (settings.period.start.0, settings.period.end.0),
        step_seconds: step,
    };
    let c = match collect::prometheus::collect(&opts) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    let text = serde_json::to_string_pretty(&c)?;
    if let Err(e) = crate::output::write_atomic(&file, text.as_bytes()) {
        crate::say!("error: {}: {e}", file.display());
        return Ok(BAD_INPUT);
    }
    let listed = read_by_default(settings, &file)
        || settings
            .sources
            .contains(&collect::Source::Prometheus(file.clone()));
    print(&report::collect::prometheus(&c, &file, listed))?;
    Ok(if c.failures() > 0 { FINDINGS } else { OK })
}
