//! The table every page shows and every CSV export writes: columns, rows of
//! cells (text, an optional link, sort key and class), which columns are
//! numeric, and whether it is exported. A page fills tables; the CSV
//! export writes the exported ones with their numbers unformatted.

use serde::Serialize;

use super::format::format_plain;

/// A table as pages show it and as its CSV export.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    pub name: String,
    pub caption: String,
    pub columns: Vec<String>,
    /// Cells; a cell may carry a link (`href`) and a sort key (`sort`).
    pub rows: Vec<Vec<Cell>>,
    /// Columns holding numbers (right-aligned, sorted numerically).
    pub numeric: Vec<bool>,
    /// Written as csv/NAME.csv and linked (a system page's tables are not:
    /// the site-wide tables hold their rows).
    pub export: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Cell {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// A cell of text.
pub(crate) fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        ..Default::default()
    }
}

/// A number: its text, and the value it sorts (and exports) by.
pub(crate) fn num(text: String, sort: f64) -> Cell {
    Cell {
        text,
        sort: Some(sort),
        ..Default::default()
    }
}

/// Text linked to `href`, when there is one.
pub(crate) fn link(text: impl Into<String>, href: Option<String>) -> Cell {
    Cell {
        text: text.into(),
        href,
        ..Default::default()
    }
}

/// Text with a CSS class (`warn`, `sev-high`).
pub(crate) fn classed(text: impl Into<String>, class: String) -> Cell {
    Cell {
        text: text.into(),
        class: Some(class),
        ..Default::default()
    }
}

impl Table {
    pub(crate) fn new(name: &str, caption: &str, columns: &[&str], numeric: &[bool]) -> Table {
        Table {
            name: name.into(),
            caption: caption.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            numeric: numeric.to_vec(),
            export: true,
        }
    }

    /// The table as CSV: numbers unformatted.
    pub(crate) fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns)?;
        for r in &self.rows {
            w.write_record(r.iter().map(|c| match c.sort {
                // Numbers unformatted in CSV.
                Some(v) => format_plain(v),
                // Text made safe from formula injection.
                None => crate::report::csv_text(&c.text).into_owned(),
            }))?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
