//! Rendering for people and tools: terminal tables, JSON, CSV, SARIF and
//! JUnit, the report site (`site`, one module per page), charts and the
//! graph as DOT, Mermaid, JSON or Structurizr. Reports never query an API,
//! read files other than templates or compute figures; they take the model
//! and what was assessed and planned of it.

pub mod carbon;
pub mod check;
pub mod collect;
pub mod diagram;
pub mod diff;
pub mod graph;
pub mod import;
pub mod kubernetes;
pub mod portfolio;
pub mod roadmap;
pub mod show;
pub mod site;
pub mod sources;
pub mod spend;
pub mod summary;
pub mod svg;
pub mod terraform_plan;
pub mod waves;

/// An amount in a currency rounded to `dp` places for people: `£1,234`,
/// `-£56`; with `signed`, a positive amount shows `+`. (JSON keeps exact decimals.)
pub fn money(currency: &str, d: rust_decimal::Decimal, dp: usize, signed: bool) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let v = d.to_f64().unwrap_or(0.0);
    let shown = (v.abs() * 10f64.powi(dp as i32)).round() > 0.0;
    let sign = match (v < 0.0 && shown, signed && v > 0.0 && shown) {
        (true, _) => "-",
        (false, true) => "+",
        _ => "",
    };
    format!(
        "{sign}{}{}",
        site::symbol(currency),
        site::thousands(v.abs(), dp)
    )
}

/// Text for XML, SVG and HTML: `& < > " '` escaped, and the control
/// characters XML 1.0 cannot carry left out.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A terminal table with a header row, in the house style.
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    t
}
