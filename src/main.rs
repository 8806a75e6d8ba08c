//! The `estate` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use estate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match (cli.global.quiet, cli.global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    // Policy rules are evaluated on rayon's threads; CEL recurses per level.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(estate::assess::policy::pack::EVAL_STACK)
        .build_global();
    let start = std::time::Instant::now();
    if cli.global.timings {
        estate::timings::enable();
    }
    let result = estate::commands::run(cli);
    if let Some(t) = estate::timings::table(start.elapsed()) {
        estate::output::say_block(&t);
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            estate::say!("error: {e:#}");
            ExitCode::from(estate::output::BAD_INPUT)
        }
    }
}
