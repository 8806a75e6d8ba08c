//! Carbon (carbon.html): location- and market-based totals with their
//! ranges, the breakdowns by category, scope, site and system, the largest
//! systems and the method quality as charts, the emission factors used with
//! their sources, and what could not be estimated. The figures come from
//! `assess::carbon::rollup`.

use serde_json::json;

use crate::assess::carbon::Basis;
use crate::assess::carbon::rollup::{self, By};
use crate::report::site::format::{co2, node_link};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, num};
use crate::report::svg::{self, Bar};

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let i = sh.i;
    let (cat, cat_bars) = breakdown(sh, By::Category, "carbon-by-category", "By category");
    let (scope, _) = breakdown(sh, By::Scope, "carbon-by-scope", "By scope (GHG Protocol)");
    let (site, _) = breakdown(sh, By::Site, "carbon-by-site", "By site");
    let (system, mut sys_bars) = breakdown(sh, By::System, "carbon-by-system", "By system");
    sys_bars.retain(|b| b.label != "Not attributed");
    sys_bars.truncate(15);
    let quality: Vec<(String, f64)> = rollup::by_quality(i.carbon, Basis::Location)
        .into_iter()
        .map(|(k, r)| (k, r.central))
        .collect();
    c.insert(
        "chart_category",
        &svg::bars("Carbon by category (central, with range)", &cat_bars, &co2),
    );
    c.insert(
        "chart_systems",
        &svg::bars(
            "The fifteen systems with the largest footprint",
            &sys_bars,
            &co2,
        ),
    );
    c.insert(
        "chart_quality",
        &svg::share_bar(
            "Method quality: share of the central estimate",
            &quality,
            &co2,
        ),
    );
    let mut factors = Table::new(
        "emission-factors",
        "Emission factors used, with their sources",
        &["File", "Source", "Year", "Licence", "URL"],
        &[false, false, false, false, false],
    );
    for p in i.factors.files.values() {
        factors.rows.push(vec![
            cell(format!("{}/{}", p.set, p.file)),
            cell(p.source.clone()),
            cell(p.year.clone()),
            cell(p.licence.clone()),
            cell(p.url.clone()),
        ]);
    }
    let mut not_est = Table::new(
        "carbon-not-estimated",
        "Not estimated, and why",
        &["Node", "Reason"],
        &[false, false],
    );
    for n in &i.carbon.not_estimated {
        not_est
            .rows
            .push(vec![node_link(sh.model, &n.id, ""), cell(n.reason.clone())]);
    }
    let (total, market) = (sh.total_co2, sh.market_co2);
    c.insert("totals", &json!({
        "location": {"low": co2(total.low), "central": co2(total.central), "high": co2(total.high)},
        "market": {"low": co2(market.low), "central": co2(market.central), "high": co2(market.high)},
        "factor_set": i.factors.name,
        "items": i.carbon.items.len(),
    }));
    let mut tables = vec![cat, scope, site, system];
    c.insert("tables", &tables);
    c.insert("factors", &factors);
    c.insert("not_estimated", &not_est);
    tables.push(factors);
    tables.push(not_est);
    Some(tables)
}

/// A location-based breakdown as a table (with shares of the total) and as bars.
fn breakdown(sh: &Shared<'_>, by: By, name: &str, caption: &str) -> (Table, Vec<Bar>) {
    let model = sh.model;
    let rows = rollup::breakdown(model, sh.i.carbon, Basis::Location, by);
    let mut t = Table::new(
        name,
        caption,
        &["", "Low", "Central", "High", "Share"],
        &[false, true, true, true, true],
    );
    let total = sh.total_co2.central.max(f64::MIN_POSITIVE);
    let mut bars = Vec::new();
    for (k, r) in rows {
        let label = if k == rollup::UNATTRIBUTED {
            "Not attributed".to_string()
        } else if model.get(&k).is_some() {
            sh.title_of(&k)
        } else {
            k.clone()
        };
        t.rows.push(vec![
            if by == By::System {
                node_link(model, &k, "")
            } else {
                cell(label.clone())
            },
            num(co2(r.low), r.low),
            num(co2(r.central), r.central),
            num(co2(r.high), r.high),
            num(
                format!("{:.1}%", r.central / total * 100.0),
                r.central / total * 100.0,
            ),
        ]);
        bars.push(Bar {
            label,
            value: r.central,
            range: Some((r.low, r.high)),
            href: None,
        });
    }
    (t, bars)
}
