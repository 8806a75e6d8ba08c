//! One billing input read whole, its charges folded into the caller's
//! accumulator: the format detected (here and nowhere else), a progress bar
//! over its bytes, and the reader for its format chosen.
//!
//! A large plain FOCUS file is cut into parts, one per thread, each read
//! into its own accumulator with rayon and the accumulators merged in file
//! order; if a cut fell inside a quoted field the file is read again in one
//! pass (see `focus::parts`). Every other file is read in one pass. What the
//! accumulator is, and what the charges mean, is the caller's business: this
//! module never looks at a charge.

use std::path::Path;

use super::{Charge, Error, FileRead, Format, Input, focus};

/// Plain FOCUS files larger than this are read in parallel parts.
const PARTS_FROM: u64 = 64 << 20;

/// Read one input and fold its charges: `init` makes an empty accumulator
/// (one for the file, and one per part when it is read in parts), `step`
/// adds a charge to one, `merge` adds a part's accumulator to the file's,
/// in file order. `file` is the input's index, carried on every charge;
/// `default_currency` is a ledger's currency when it has no such column.
pub fn fold<A: Send>(
    file: usize,
    input: &Input,
    path: &Path,
    default_currency: &str,
    init: impl Fn(Format) -> A + Sync,
    step: impl Fn(&mut A, Charge<'_>) + Sync,
    merge: impl Fn(&mut A, A),
) -> Result<(FileRead, A), Error> {
    use rayon::prelude::*;
    let format = match input.format {
        Some(f) => f,
        None => detect(path)?,
    };
    let bar = super::progress(path);
    let mut acc = init(format);
    let gz = path.extension().is_some_and(|e| e == "gz");
    let big = std::fs::metadata(path)
        .map(|m| m.len() > PARTS_FROM)
        .unwrap_or(false);
    let stats = match format {
        // Large plain FOCUS files are read in parts, one per thread, and merged in order.
        Format::Focus if big && !gz && !is_parquet(path) => {
            let (cols, first_line, parts) = focus::parts(path, rayon::current_num_threads())?;
            let results: Vec<(A, focus::Stats)> = parts
                .par_iter()
                .map(|part| {
                    let mut a = init(format);
                    focus::read_part(path, file, part, &cols, &bar, |c| step(&mut a, c))
                        .map(|s| (a, s))
                })
                .collect::<Result<_, _>>()?;
            let (accs, mut part_stats): (Vec<A>, Vec<focus::Stats>) = results.into_iter().unzip();
            if focus::settle(first_line, &mut part_stats) {
                let mut stats = focus::Stats::default();
                for (a, s) in accs.into_iter().zip(part_stats) {
                    merge(&mut acc, a);
                    stats.rows += s.rows;
                    stats.bytes += s.bytes;
                    stats.bad.extend(s.bad);
                }
                stats
            } else {
                // A cut fell inside a quoted field: read the file in one pass instead.
                tracing::info!(file = %path.display(), "parts cut inside quotes; reading sequentially");
                bar.set_position(0);
                focus::read(path, file, &bar, |c| step(&mut acc, c))?
            }
        }
        Format::Focus if is_parquet(path) => {
            super::parquet::read(path, file, &mut |c| step(&mut acc, c))?
        }
        Format::Focus => focus::read(path, file, &bar, |c| step(&mut acc, c))?,
        Format::CostExplorer => super::cost_explorer::read(path, file, |c| step(&mut acc, c))?,
        Format::CostManagement => super::cost_management::read(path, file, |c| step(&mut acc, c))?,
        Format::Ledger => {
            let columns = input.columns.clone().unwrap_or_default();
            let currency = input.currency.as_deref().unwrap_or(default_currency);
            super::ledger::read(
                path,
                file,
                &columns,
                input.date_format.as_deref(),
                currency,
                &bar,
                |c| step(&mut acc, c),
            )?
        }
    };
    bar.finish_and_clear();
    let read = FileRead {
        path: path.display().to_string(),
        format,
        rows: stats.rows,
        bytes: stats.bytes,
        bad: stats.bad,
    };
    Ok((read, acc))
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// What format a file is in, when estate.yaml does not say: Parquet files
/// are FOCUS; a `.json` file is Cost Management results when it names its
/// columns and rows, else Cost Explorer results; a CSV file (or `.gz`) is
/// FOCUS when its header has FOCUS's cost and currency columns, else a ledger.
pub fn detect(path: &Path) -> Result<Format, Error> {
    if is_parquet(path) {
        return Ok(Format::Focus);
    }
    let shown = path.display().to_string();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        // Cost Management results name their columns; Cost Explorer's do not.
        let head = std::fs::read_to_string(path).map_err(Error::read(&shown))?;
        return Ok(
            if head.contains("\"columns\"") && head.contains("\"rows\"") {
                Format::CostManagement
            } else {
                Format::CostExplorer
            },
        );
    }
    let r = super::open(path, &indicatif::ProgressBar::hidden()).map_err(Error::read(&shown))?;
    let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(r);
    let headers = csv.headers().map_err(Error::header(&shown))?;
    let is_focus =
        headers.iter().any(|h| h == "BilledCost") && headers.iter().any(|h| h == "BillingCurrency");
    Ok(if is_focus {
        Format::Focus
    } else {
        Format::Ledger
    })
}
