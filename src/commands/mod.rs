//! The subcommands, one file each: each loads what it needs through the
//! [`pipeline`](crate::pipeline), calls the stage, and renders through
//! [`report`](crate::report). [`run`] dispatches the parsed command line.
//!
//! Data goes to stdout, diagnostics and progress to stderr. Exit codes
//! ([`crate::output`]): 0 success, 1 findings at or above `--fail-on`, 2 bad
//! input or usage.

mod carbon;
mod check;
mod collect;
mod diff;
mod factors;
mod graph;
mod import;
mod kubernetes;
mod plan;
mod policies;
mod report;
mod show;
mod snapshot;
mod sources;
mod spend;
mod summary;
mod validate;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, ColorChoice, Command, ImportSource};
use crate::output::{OK, Terminal};
use crate::settings::Overrides;

/// What every command is given: the terminal and the global flags.
pub struct Ctx {
    pub term: Terminal,
    estate: Option<PathBuf>,
    inventory: Option<PathBuf>,
    period: Option<String>,
}

impl Ctx {
    /// The global flags as settings overrides (an inventory directory given
    /// to the command itself wins).
    pub fn overrides(&self) -> Overrides {
        Overrides {
            estate_dir: self.estate.clone(),
            inventory: self.inventory.clone(),
            out: None,
            period: self.period.clone(),
            factors: None,
            billing: Vec::new(),
            policies: None,
        }
    }
}

/// Run one parsed command line; the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    let color = match cli.global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let ctx = Ctx {
        term: Terminal {
            color,
            quiet: cli.global.quiet,
        },
        estate: cli.global.estate,
        inventory: cli.global.inventory,
        period: cli.global.period,
    };
    match cli.command {
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "estate", &mut std::io::stdout());
            Ok(OK)
        }
        Command::Validate { dir, format } => validate::run(&ctx, dir, format),
        Command::Collect { source } => collect::run(&ctx, source),
        Command::Kubernetes { format } => kubernetes::run(&ctx, format),
        Command::Sources { format } => sources::run(&ctx, format),
        Command::Summary { format } => summary::run(&ctx, format),
        Command::Show { id, format } => show::run(&ctx, &id, format),
        Command::Graph {
            format,
            focus,
            depth,
            kinds,
        } => graph::run(&ctx, format, focus, depth, &kinds),
        Command::Carbon {
            basis,
            factors,
            by,
            format,
        } => carbon::run(&ctx, basis, factors, by, format),
        Command::Spend {
            view,
            by,
            billing,
            allow_bad_rows,
            format,
        } => spend::run(&ctx, view, by, billing, allow_bad_rows, format),
        Command::Check {
            policies,
            rules,
            severity_min,
            fail_on,
            as_of,
            format,
        } => check::run(&ctx, policies, rules, severity_min, fail_on, as_of, format),
        Command::Report {
            out,
            open,
            policies,
            as_of,
        } => report::run(&ctx, out, open, policies, as_of),
        Command::Plan { action } => plan::run(&ctx, action),
        Command::Snapshot { as_of, policies } => snapshot::run(&ctx, as_of, policies),
        Command::Diff { a, b, format } => diff::run(&ctx, &a, &b, format),
        Command::Policies { action, policies } => policies::run(&ctx, action, policies),
        Command::Factors { action, set } => factors::run(&ctx, action, set),
        Command::Import {
            source:
                ImportSource::Backstage {
                    paths,
                    out: dir,
                    format,
                },
        } => import::backstage(&ctx, &paths, &dir, format),
    }
}

/// A `--severity-min`/`--fail-on` value as a policy severity (`none`: no threshold).
fn severity(s: Option<crate::cli::SeverityArg>) -> Option<crate::assess::policy::Severity> {
    use crate::assess::policy::Severity as S;
    use crate::cli::SeverityArg;
    match s? {
        SeverityArg::Info => Some(S::Info),
        SeverityArg::Low => Some(S::Low),
        SeverityArg::Medium => Some(S::Medium),
        SeverityArg::High => Some(S::High),
        SeverityArg::Critical => Some(S::Critical),
        SeverityArg::None => None,
    }
}
