//! FOCUS exports in Parquet, as AWS Data Exports and others write them.
//!
//! Only the columns Estate uses are read (column projection). Money columns
//! stored as DECIMAL are converted exactly; stored as DOUBLE (some exporters
//! do), they are converted from their shortest decimal representation, which
//! is as exact as the file. Timestamps become ISO dates; a Tags map becomes
//! a JSON object, as in CSV exports. A row that cannot be used is reported
//! with its row number.

use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use rust_decimal::Decimal;

use super::focus::Stats;
use super::{BadRow, Charge, Currency, Error};

const COLUMNS: [&str; 17] = [
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ChargeCategory",
    "ChargePeriodStart",
    "ProviderName",
    "InvoiceIssuerName",
    "ServiceName",
    "ServiceCategory",
    "RegionId",
    "ResourceId",
    "ResourceName",
    "SubAccountId",
    "Tags",
    "ChargeDescription",
    "x_CostCentre",
    "x_RowCount",
];

/// A Parquet value as exact decimal, if it is a number.
fn decimal(f: &Field) -> Option<Decimal> {
    match f {
        Field::Decimal(d) => {
            let bytes = d.data();
            if bytes.len() > 16 {
                return None;
            }
            // Big-endian two's complement, sign-extended to 128 bits.
            let mut v: i128 = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
                -1
            } else {
                0
            };
            for b in bytes {
                v = (v << 8) | i128::from(*b);
            }
            Decimal::try_from_i128_with_scale(v, u32::try_from(d.scale()).ok()?).ok()
        }
        Field::Double(x) => x.is_finite().then(|| x.to_string().parse().ok()).flatten(),
        Field::Float(x) => x.is_finite().then(|| x.to_string().parse().ok()).flatten(),
        Field::Int(i) => Some(Decimal::from(*i)),
        Field::Long(i) => Some(Decimal::from(*i)),
        Field::Str(s) => super::parse_decimal(s),
        _ => None,
    }
}

/// A Parquet value as the text a CSV export would hold.
fn text(f: &Field) -> String {
    match f {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::TimestampMicros(us) => chrono::DateTime::from_timestamp_micros(*us)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Field::TimestampMillis(ms) => chrono::DateTime::from_timestamp_millis(*ms)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Field::Date(days) => chrono::NaiveDate::from_num_days_from_ce_opt(719_163 + days)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Field::MapInternal(m) => {
            let mut obj = serde_json::Map::new();
            for (k, v) in m.entries() {
                obj.insert(text(k), serde_json::Value::String(text(v)));
            }
            serde_json::Value::Object(obj).to_string()
        }
        other => other.to_string().trim_matches('"').to_string(),
    }
}

/// Stream every row of a FOCUS Parquet file into `visit`.
///
/// The parquet crate asserts on some damaged page data rather than return
/// an error (found by fuzzing: a truncated bit-packed run), so the read runs
/// guarded: such a panic makes the file an error naming where the decoder
/// failed, and its message is kept off the terminal.
pub fn read(
    path: &Path,
    file: usize,
    currency: Option<Currency>,
    visit: &mut dyn FnMut(Charge<'_>),
) -> Result<Stats, Error> {
    match guarded(|| read_rows(path, file, currency, visit)) {
        Ok(read) => read,
        Err(failure) => Err(Error::NotParquet {
            path: path.display().to_string(),
            error: parquet::errors::ParquetError::General(format!(
                "the Parquet decoder failed on the file's data ({failure}); the file is damaged"
            )),
        }),
    }
}

thread_local! {
    /// Set while this thread runs [`guarded`] code.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The last guarded panic on this thread (files may be read on several
    /// threads at once, each its own).
    static FAILURE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Run `f`, turning a panic into its message and location. The panic hook
/// is wrapped once so that a guarded panic is not printed (nor passed to a
/// hook that aborts, as a fuzzer's does); every other panic goes to the
/// hook as before.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(std::cell::Cell::get) {
                let at = info
                    .location()
                    .map(|l| {
                        format!(
                            " at {}:{}",
                            l.file().rsplit('/').next().unwrap_or(""),
                            l.line()
                        )
                    })
                    .unwrap_or_default();
                let what = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                FAILURE.with(|f| *f.borrow_mut() = format!("{what}{at}"));
            } else {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    result.map_err(|_| FAILURE.with(|f| f.take()))
}

fn read_rows(
    path: &Path,
    file: usize,
    currency: Option<Currency>,
    visit: &mut dyn FnMut(Charge<'_>),
) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let f = std::fs::File::open(path).map_err(Error::read(&shown))?;
    let reader = SerializedFileReader::new(f).map_err(|error| Error::NotParquet {
        path: shown.clone(),
        error,
    })?;
    check_chunks(reader.metadata(), &shown)?;
    let schema = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema()
        .clone();
    let fields: Vec<_> = schema
        .get_fields()
        .iter()
        .filter(|t| COLUMNS.contains(&t.name()))
        .cloned()
        .collect();
    if let Some((missing, hint)) =
        super::focus::missing(|c| fields.iter().any(|t| t.name() == c), currency)
    {
        return Err(Error::NotFocusParquet {
            path: shown,
            missing,
            hint,
        });
    }
    let fixed_currency = currency.filter(|_| !fields.iter().any(|t| t.name() == "BillingCurrency"));
    let projection = parquet::schema::types::Type::group_type_builder(schema.name())
        .with_fields(fields)
        .build()
        .map_err(|error| Error::Parquet {
            path: shown.clone(),
            error,
        })?;
    let rows = reader
        .get_row_iter(Some(projection))
        .map_err(|error| Error::Parquet {
            path: shown.clone(),
            error,
        })?;
    let mut stats = Stats {
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        warnings: fixed_currency
            .map(|c| {
                format!(
                    "no BillingCurrency column: every row taken as {} (`currency:` on this billing input)",
                    c.as_str()
                )
            })
            .into_iter()
            .collect(),
        ..Stats::default()
    };
    for (n, row) in rows.enumerate() {
        let number = n as u64 + 1;
        stats.rows += 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                // The row reader repeats a broken page's error for ever (found
                // by fuzzing): the rest of the file cannot be read, so stop.
                stats.bad.push(BadRow {
                    file: shown.clone(),
                    line: number,
                    reason: format!(
                        "row {number}: unreadable: {e}; the rows after it were not read"
                    ),
                    amount_text: None,
                });
                break;
            }
        };
        let mut values: [Option<&Field>; 17] = [None; 17];
        for (name, field) in row.get_column_iter() {
            if let Some(i) = COLUMNS.iter().position(|c| c == name) {
                values[i] = Some(field);
            }
        }
        let get = |i: usize| values[i].map(text).unwrap_or_default();
        let (Some(billed), Some(effective)) =
            (values[0].and_then(decimal), values[1].and_then(decimal))
        else {
            stats.bad.push(BadRow {
                file: shown.clone(),
                line: number,
                reason: format!("row {number}: BilledCost or EffectiveCost is not a number"),
                amount_text: Some(get(0)),
            });
            continue;
        };
        let bad = |reason: String| BadRow {
            file: shown.clone(),
            line: number,
            reason: format!("row {number}: {reason}"),
            amount_text: Some(get(0)),
        };
        let currency = match fixed_currency {
            Some(c) => c,
            None => match super::focus::billing_currency(&get(2)) {
                Ok(c) => c,
                Err(reason) => {
                    stats.bad.push(bad(reason));
                    continue;
                }
            },
        };
        let count = match values[16] {
            None | Some(Field::Null) => Ok(1),
            Some(f) => match decimal(f) {
                Some(d) => super::focus::row_count(&d.normalize().to_string()),
                None => super::focus::row_count(&text(f)),
            },
        };
        let count = match count {
            Ok(n) => n,
            Err(reason) => {
                stats.bad.push(bad(reason));
                continue;
            }
        };
        let day = match super::focus::charge_day(&get(4)) {
            Ok(d) => d,
            Err(reason) => {
                stats.bad.push(bad(reason));
                continue;
            }
        };
        stats.rows = stats.rows.saturating_add(count.saturating_sub(1));
        let owned: Vec<String> = (0..16).map(get).collect();
        let date = day.as_ref().map_or("", super::Day::as_str);
        let issuer = if owned[6].is_empty() {
            &owned[5]
        } else {
            &owned[6]
        };
        visit(Charge {
            file,
            line: number,
            rows: count,
            billed,
            effective,
            currency: currency.as_str(),
            category: &owned[3],
            date,
            provider: &owned[5],
            service: &owned[7],
            service_category: &owned[8],
            region: &owned[9],
            resource_id: &owned[10],
            resource_name: &owned[11],
            sub_account: &owned[12],
            tags: &owned[13],
            supplier: issuer,
            cost_centre: &owned[15],
            description: &owned[14],
            invoice: "",
        });
    }
    Ok(stats)
}

/// Refuse a file whose footer places a column chunk before the start of
/// the file or with a negative size: the parquet crate asserts on those
/// (a panic found by fuzzing) rather than returning an error.
fn check_chunks(meta: &parquet::file::metadata::ParquetMetaData, shown: &str) -> Result<(), Error> {
    for (g, group) in meta.row_groups().iter().enumerate() {
        for c in group.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            if start < 0 || c.data_page_offset() < 0 || c.compressed_size() < 0 {
                return Err(Error::NotParquet {
                    path: shown.to_string(),
                    error: parquet::errors::ParquetError::General(format!(
                        "row group {g}, column `{}`: the footer gives a negative offset or size (the file is damaged)",
                        c.column_path()
                    )),
                });
            }
        }
    }
    Ok(())
}
