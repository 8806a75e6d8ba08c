//! Rendering the model for people and tools: terminal tables, JSON, and the
//! graph as DOT, Mermaid or JSON. Reports never query an API or read files
//! other than templates; they take the model and what was assessed of it.

pub mod carbon;
pub mod check;
pub mod diagram;
pub mod diff;
pub mod graph;
pub mod roadmap;
pub mod show;
pub mod site;
pub mod sources;
pub mod spend;
pub mod summary;
pub mod svg;

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
