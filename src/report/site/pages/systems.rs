//! The systems list (systems/index.html): every system with its domain,
//! owner, lifecycle, TIME quadrant, disposition, spend, carbon and number of
//! findings, each linked to its own page.

use rust_decimal::prelude::ToPrimitive;

use crate::assess::carbon::{Basis, rollup};
use crate::inventory::Spec;
use crate::report::site::format::{enum_text, or_dash, system_page, thousands};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, classed, link, num};

pub(crate) fn build(sh: &Shared<'_>, c: &mut tera::Context) -> Option<Vec<Table>> {
    let (model, f) = (sh.model, &sh.f);
    let mut t = Table::new(
        "systems",
        "Every system",
        &[
            "System",
            "Domain",
            "Owner",
            "Lifecycle",
            "TIME",
            "Disposition",
            "Spend",
            "tCO2e",
            "Findings",
        ],
        &[false, false, false, false, false, false, true, true, true],
    );
    for &s in &sh.systems {
        let n = model.node(s);
        let Some(Spec::System(spec)) = &n.spec else {
            continue;
        };
        let (_, eff) = sh.spend_of(&n.id).unwrap_or_default();
        let kg = rollup::sum(
            sh.carbon_by_system
                .get(n.id.as_str())
                .into_iter()
                .flatten()
                .copied(),
            Basis::Location,
        )
        .central;
        let nf = sh.findings_by_node.get(n.id.as_str()).map_or(0, Vec::len);
        t.rows.push(vec![
            link(sh.title(s), system_page(&n.id)),
            cell(or_dash(
                spec.domain.as_ref().map(|d| sh.title_of(&d.value.id())),
            )),
            spec.owner
                .as_ref()
                .map(|d| cell(sh.title_of(&d.value.id())))
                .unwrap_or_else(|| classed("No owner", "warn".into())),
            cell(or_dash(
                spec.lifecycle.as_ref().map(|l| enum_text(&l.phase)),
            )),
            cell(or_dash(n.time.map(|t| t.as_str().to_string()))),
            cell(or_dash(spec.disposition.as_ref().map(enum_text))),
            num(
                f.money(eff.to_f64().unwrap_or(0.0)),
                eff.to_f64().unwrap_or(0.0),
            ),
            num(thousands(kg / 1000.0, 1), kg / 1000.0),
            num(nf.to_string(), nf as f64),
        ]);
    }
    t.rows.sort_by(|a, b| a[0].text.cmp(&b[0].text));
    c.insert("systems", &t);
    Some(vec![t])
}
