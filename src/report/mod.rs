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

/// A text cell for CSV (and any spreadsheet Estate writes), safe from
/// formula injection as OWASP recommends: text starting `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'`, so a spreadsheet shows it
/// as text instead of running it. Only for text: Estate's own numbers (a
/// negative amount) are written as they are and stay numbers.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn csv_text_cells_that_a_spreadsheet_would_run_are_quoted() {
        for (given, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Acme = good", "Acme = good"),
            ("", ""),
        ] {
            assert_eq!(super::csv_text(given), written);
        }
    }
}
