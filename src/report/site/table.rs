//! The table every page shows and every CSV export writes: columns, rows of
//! cells (text, an optional link, sort key and class), which columns are
//! numeric, and whether it is exported. A page fills tables; the CSV
//! export writes the exported ones with their numbers unformatted.

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::format::format_plain;

/// The most rows of one table a page shows. A page is for reading: a table
/// of a whole large estate (100,000 findings or systems) would make a page
/// of tens of megabytes that a browser struggles to open. The rows come in
/// the table's own order (most severe, largest or first by name), and the
/// page says how many more there are and where they all are (the table's
/// CSV export, or data.json for a system page's tables).
pub const PAGE_ROWS: usize = 500;

/// A table as pages show it and as its CSV export. Pages see it through
/// `Serialize`: at most [`PAGE_ROWS`] rows, with `total` the number of rows
/// in all; the CSV export ([`Table::to_csv`]) writes every row.
#[derive(Clone, Debug)]
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

impl Serialize for Table {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_struct("Table", 7)?;
        t.serialize_field("name", &self.name)?;
        t.serialize_field("caption", &self.caption)?;
        t.serialize_field("columns", &self.columns)?;
        t.serialize_field("rows", &self.rows[..self.rows.len().min(PAGE_ROWS)])?;
        t.serialize_field("total", &self.rows.len())?;
        t.serialize_field("numeric", &self.numeric)?;
        t.serialize_field("export", &self.export)?;
        t.end()
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

#[cfg(test)]
mod tests {
    use super::{PAGE_ROWS, Table, cell, num};

    #[test]
    fn a_page_shows_the_first_rows_and_says_where_all_of_them_are() {
        let mut t = Table::new("big", "Big", &["Name", "Amount"], &[false, true]);
        for i in 0..PAGE_ROWS + 100 {
            t.rows
                .push(vec![cell(format!("n{i}")), num(i.to_string(), i as f64)]);
        }
        let shown = serde_json::to_value(&t).unwrap();
        assert_eq!(shown["rows"].as_array().unwrap().len(), PAGE_ROWS);
        assert_eq!(shown["total"], PAGE_ROWS + 100);
        // The CSV holds every row.
        assert_eq!(t.to_csv().unwrap().lines().count(), PAGE_ROWS + 101);
        // The shipped table macro says how many more there are and links the CSV.
        let mut tera = super::super::templates(None).unwrap();
        tera.add_raw_template(
            "t.html",
            "{% import \"macros.html\" as m %}{{ m::table(t=t, root=\"\") }}",
        )
        .unwrap();
        let mut c = tera::Context::new();
        c.insert("t", &t);
        let html = tera.render("t.html", &c).unwrap();
        assert_eq!(
            html.matches("<tr>").count(),
            PAGE_ROWS + 1,
            "the head and the rows"
        );
        assert!(
            html.contains(&format!(
                "The first {PAGE_ROWS} of {} rows (sorting and the filter see these); every row is in <a href=\"csv/big.csv\" download>csv/big.csv</a>.",
                PAGE_ROWS + 100
            )),
            "{html}"
        );
        t.export = false;
        c.insert("t", &t);
        let html = tera.render("t.html", &c).unwrap();
        assert!(html.contains("every row is in <a href=\"data.json\">data.json</a>"));
    }
}
