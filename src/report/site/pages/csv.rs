//! csv/NAME.csv: every table the pages export, numbers unformatted.

use crate::report::site::shared::Shared;
use crate::report::site::table::Table;
use crate::report::site::{Error, Writer};

pub(crate) fn write(_: &Shared<'_>, tables: &[Table], w: &Writer<'_>) -> Result<(), Error> {
    for t in tables.iter().filter(|t| t.export) {
        let text = t.to_csv().map_err(|source| Error::Csv {
            table: t.name.clone(),
            source,
        })?;
        w.out.put(&format!("csv/{}.csv", t.name), text.as_bytes())?;
    }
    Ok(())
}
