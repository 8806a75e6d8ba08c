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

use super::{BadRow, Charge, Error, FileRead, Format, Input, focus};

/// Plain FOCUS files larger than this are read in parallel parts.
const PARTS_FROM: u64 = 64 << 20;

/// Read one input and fold its charges: `init` makes an empty accumulator
/// (one for the file, and one per part when it is read in parts), `step`
/// adds a charge to one — or refuses it, saying why, and the row becomes a
/// bad row at its line — and `merge` adds a part's accumulator to the
/// file's, in file order (or says why it cannot). `file` is the input's
/// index, carried on every charge; `default_currency` is a ledger's
/// currency when neither it nor its input names one (with a warning).
pub fn fold<A: Send>(
    file: usize,
    input: &Input,
    path: &Path,
    default_currency: &str,
    init: impl Fn(Format) -> A + Sync,
    step: impl Fn(&mut A, Charge<'_>) -> Result<(), String> + Sync,
    merge: impl Fn(&mut A, A) -> Result<(), String>,
) -> Result<(FileRead, A), Error> {
    use rayon::prelude::*;
    let shown = path.display().to_string();
    super::regular_file(path)?;
    let currency = match input.currency.as_deref() {
        None => None,
        Some(text) => Some(super::currency(text).ok_or_else(|| Error::BadCurrency {
            path: shown.clone(),
            text: text.to_string(),
        })?),
    };
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
    // Each reader's visitor: the charge folded in, or refused as a bad row.
    let visit = |a: &mut A, refused: &mut Vec<BadRow>, c: Charge<'_>| {
        if let Err(reason) = step(a, c) {
            refused.push(BadRow {
                file: shown.clone(),
                line: c.line,
                reason,
                amount_text: Some(c.billed.to_string()),
            });
        }
    };
    let mut refused = Vec::new();
    let mut stats = match format {
        // Large plain FOCUS files are read in parts, one per thread, and merged in order.
        Format::Focus if big && !gz && !is_parquet(path) => {
            let (cols, first_line, parts) =
                focus::parts(path, rayon::current_num_threads(), currency)?;
            let results: Vec<(A, focus::Stats)> = parts
                .par_iter()
                .map(|part| {
                    let mut a = init(format);
                    let mut refused = Vec::new();
                    focus::read_part(path, file, part, &cols, &bar, |c| {
                        visit(&mut a, &mut refused, c)
                    })
                    .map(|mut s| {
                        // Part-relative lines, like the part's own bad rows: `settle` numbers both.
                        s.bad.append(&mut refused);
                        (a, s)
                    })
                })
                .collect::<Result<_, _>>()?;
            let (accs, mut part_stats): (Vec<A>, Vec<focus::Stats>) = results.into_iter().unzip();
            if focus::settle(first_line, &mut part_stats) {
                let mut stats = focus::Stats::default();
                for (a, s) in accs.into_iter().zip(part_stats) {
                    merge(&mut acc, a).map_err(|reason| Error::Sum {
                        path: shown.clone(),
                        reason,
                    })?;
                    stats.rows = stats.rows.saturating_add(s.rows);
                    stats.bytes += s.bytes;
                    stats.bad.extend(s.bad);
                    stats.warnings = s.warnings;
                }
                stats
            } else {
                // A cut fell inside a quoted field: read the file in one pass instead.
                tracing::info!(file = %path.display(), "parts cut inside quotes; reading sequentially");
                bar.set_position(0);
                focus::read(path, file, currency, &bar, |c| {
                    visit(&mut acc, &mut refused, c)
                })?
            }
        }
        Format::Focus if is_parquet(path) => {
            super::parquet::read(path, file, currency, &mut |c| {
                visit(&mut acc, &mut refused, c)
            })?
        }
        Format::Focus => focus::read(path, file, currency, &bar, |c| {
            visit(&mut acc, &mut refused, c)
        })?,
        Format::CostExplorer => {
            super::cost_explorer::read(path, file, |c| visit(&mut acc, &mut refused, c))?
        }
        Format::CostManagement => {
            super::cost_management::read(path, file, |c| visit(&mut acc, &mut refused, c))?
        }
        Format::Ledger => {
            let columns = input.columns.clone().unwrap_or_default();
            let currency = match currency {
                Some(c) => super::ledger::Default::Given(c),
                None => super::ledger::Default::Estate(
                    super::currency(default_currency).ok_or_else(|| Error::BadCurrency {
                        path: shown.clone(),
                        text: default_currency.to_string(),
                    })?,
                ),
            };
            super::ledger::read(
                path,
                file,
                &columns,
                input.date_format.as_deref(),
                currency,
                &bar,
                |c| visit(&mut acc, &mut refused, c),
            )?
        }
    };
    bar.finish_and_clear();
    stats.bad.append(&mut refused);
    stats.bad.sort_by_key(|b| b.line);
    let read = FileRead {
        path: shown,
        format,
        rows: stats.rows,
        bytes: stats.bytes,
        bad: stats.bad,
        warnings: stats.warnings,
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
/// FOCUS when its header has FOCUS's columns (`focus::is_focus`), else a ledger.
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
    Ok(if focus::is_focus(headers.iter()) {
        Format::Focus
    } else {
        Format::Ledger
    })
}
