//! How the report writes values: numbers with thousands separators, money
//! with its currency symbol, kgCO2e as kg or tonnes, enum values as their
//! YAML names, and the links and chips that name a node (a system links to
//! its page). Pure text: nothing here reads the estate beyond the node asked for.

use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::{Value, json};

use super::table::{Cell, link};
use crate::inventory::Spec;
use crate::model::Model;

/// 1234567.891 → "1,234,568" (`decimals` places).
pub fn thousands(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (s.clone(), String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if v < 0.0 && (v.abs() * 10f64.powi(decimals as i32)).round() > 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{out}{frac}")
}

pub fn symbol(currency: &str) -> String {
    match currency {
        "GBP" => "£".into(),
        "EUR" => "€".into(),
        "USD" => "$".into(),
        c => format!("{c} "),
    }
}

/// Money in the estate's currency, as pages show it.
pub(crate) struct Fmt {
    pub symbol: String,
}

impl Fmt {
    /// Whole units: `£1,235`.
    pub fn money(&self, v: f64) -> String {
        format!("{}{}", self.symbol, thousands(v, 0))
    }
    /// Two decimals: `£1,234.50`.
    pub fn money_dec(&self, d: Decimal) -> String {
        format!("{}{}", self.symbol, thousands(d.to_f64().unwrap_or(0.0), 2))
    }
}

/// kg → "12.3 t" (or kg when small).
pub fn co2(kg: f64) -> String {
    if kg.abs() >= 1000.0 {
        format!("{} t", thousands(kg / 1000.0, 1))
    } else {
        format!("{} kg", thousands(kg, 1))
    }
}

/// A range as "central (low – high)".
pub(crate) fn range_text(r: crate::assess::carbon::Range) -> String {
    format!("{} ({} – {})", co2(r.central), co2(r.low), co2(r.high))
}

/// A number for CSV: at most two decimals, no trailing zeros.
pub(crate) fn format_plain(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A value, or a dash where there is none.
pub(crate) fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

/// An enum value as the inventory writes it (`phase-out`, `replatform`).
pub(crate) fn enum_text<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// `system:crm` → `systems/crm.html` (relative to the site root).
pub(crate) fn system_page(id: &str) -> Option<String> {
    id.strip_prefix("system:")
        .map(|n| format!("systems/{}.html", file_name(n)))
}

/// A safe file name for a node name (names are DNS-label-like already).
pub(crate) fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A node's title, or its id when the model does not have it.
pub(crate) fn title_of(model: &Model, id: &str) -> String {
    model
        .get(id)
        .map(|i| title(model, i))
        .unwrap_or_else(|| id.to_string())
}

/// A node's title, else its name.
pub(crate) fn title(model: &Model, idx: NodeIndex) -> String {
    let n = model.node(idx);
    n.title.clone().unwrap_or_else(|| n.name.clone())
}

/// A cell naming a node, linked to its page when it is a system.
pub(crate) fn node_link(model: &Model, id: &str, root: &str) -> Cell {
    link(
        title_of(model, id),
        system_page(id).map(|p| format!("{root}{p}")),
    )
}

/// A system as the map and lists show it: title, link, TIME and phase.
pub(crate) fn system_chip(model: &Model, s: NodeIndex, root: &str) -> Value {
    let n = model.node(s);
    let phase = match &n.spec {
        Some(Spec::System(x)) => x.lifecycle.as_ref().map(|l| enum_text(&l.phase)),
        _ => None,
    };
    json!({
        "id": n.id,
        "title": n.title.clone().unwrap_or_else(|| n.name.clone()),
        "href": system_page(&n.id).map(|p| format!("{root}{p}")),
        "time": n.time.map(|t| t.as_str()),
        "phase": phase,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(1234567.891, 0), "1,234,568");
        assert_eq!(super::thousands(999.5, 1), "999.5");
        assert_eq!(super::thousands(-1234.5, 2), "-1,234.50");
        assert_eq!(super::thousands(0.0, 0), "0");
        assert_eq!(super::co2(1_234_567.0), "1,234.6 t");
        assert_eq!(super::co2(12.34), "12.3 kg");
    }
}
