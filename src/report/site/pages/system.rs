//! A system's own page (systems/NAME.html): its facts, technologies and
//! their end of life, what it runs on, its integrations, the information it
//! holds, its suppliers and contracts, its carbon by item and method, its
//! findings, and its context diagram. One page per system, each built and
//! written by itself (see `Kind::Each`).

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

use crate::assess::carbon::{Basis, rollup};
use crate::inventory::kinds::SystemSpec;
use crate::inventory::{Kind, Spec};
use crate::model::EdgeKind;
use crate::report::diagram;
use crate::report::site::format::{
    co2, enum_text, file_name, format_plain, node_link, or_dash, system_page, thousands,
};
use crate::report::site::shared::Shared;
use crate::report::site::table::{Table, cell, classed, num};

/// Every system has a page.
pub(crate) fn of<'r>(sh: &'r Shared<'_>) -> &'r [NodeIndex] {
    &sh.systems
}

pub(crate) fn build(sh: &Shared<'_>, s: NodeIndex, c: &mut tera::Context) -> String {
    let (model, f) = (sh.model, &sh.f);
    let n = model.node(s);
    let spec = match &n.spec {
        Some(Spec::System(x)) => Some(x.as_ref()),
        _ => None,
    };
    c.insert(
        "system",
        &json!({
            "id": n.id,
            "title": n.title.clone().unwrap_or_else(|| n.name.clone()),
            "description": n.description,
            "declared_at": n.provenance.loc.map(|l| sh.i.sources.describe(l)),
            "tags": n.tags,
            "labels": n.labels,
            "facts": spec.map(|x| facts(sh, s, x)).unwrap_or_default(),
        }),
    );
    let hosts: Vec<NodeIndex> = model
        .neighbours(
            s,
            Direction::Outgoing,
            &[EdgeKind::RunsOn, EdgeKind::DependsOn],
        )
        .into_iter()
        .filter(|r| model.node(*r).kind == Kind::Resource)
        .collect();
    let items = sh.carbon_by_system.get(n.id.as_str());
    let mut carbon = Table::new(
        &format!("carbon-{}", n.name),
        "Carbon by item and method",
        &["Item", "Method", "Quality", "Low", "Central", "High"],
        &[false, false, false, true, true, true],
    );
    for it in items.into_iter().flatten() {
        let r = it.co2e(Basis::Location);
        carbon.rows.push(vec![
            cell(sh.title_of(&it.id)),
            cell(it.method),
            cell(enum_text(&it.quality)),
            num(co2(r.low), r.low),
            num(co2(r.central), r.central),
            num(co2(r.high), r.high),
        ]);
    }
    let cs = rollup::sum(items.into_iter().flatten().copied(), Basis::Location);
    let spend = sh.spend_of(&n.id);
    c.insert(
        "numbers",
        &json!({
            "spend_billed": spend.map(|x| f.money_dec(x.0)),
            "spend_effective": spend.map(|x| f.money_dec(x.1)),
            "co2": co2(cs.central),
            "co2_range": format!("{} – {}", co2(cs.low), co2(cs.high)),
        }),
    );
    let mut fs = Table::new(
        &format!("findings-{}", n.name),
        "Policy findings",
        &["Severity", "Rule", "Finding"],
        &[false; 3],
    );
    for fd in sh
        .findings_by_node
        .get(n.id.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        fs.rows.push(vec![
            classed(
                fd.severity.as_str(),
                format!("sev-{}", fd.severity.as_str()),
            ),
            cell(fd.rule.clone()),
            cell(fd.message.clone()),
        ]);
    }
    c.insert(
        "context",
        &diagram::context_svg(model, s, &|id| system_page(id).map(|p| format!("../{p}"))),
    );
    let mut own = vec![
        technologies(sh, s, &hosts),
        hosting(sh, s, &hosts),
        integrations(sh, s),
        assets(sh, s, spec),
        suppliers(sh, s),
        carbon,
        fs,
    ];
    for t in &mut own {
        t.export = false;
    }
    c.insert("tables", &own);
    format!("systems/{}.html", file_name(&n.name))
}

/// The facts panel: owner, domain, capabilities, lifecycle and the rest.
fn facts(sh: &Shared<'_>, s: NodeIndex, x: &SystemSpec) -> Vec<(String, String)> {
    let n = sh.model.node(s);
    vec![
        (
            "Owner",
            x.owner
                .as_ref()
                .map(|r| sh.title_of(&r.value.id()))
                .unwrap_or_else(|| "No owner recorded".into()),
        ),
        (
            "Domain",
            or_dash(x.domain.as_ref().map(|r| sh.title_of(&r.value.id()))),
        ),
        (
            "Capabilities",
            x.capabilities
                .iter()
                .map(|r| sh.title_of(&r.value.id()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Lifecycle",
            or_dash(x.lifecycle.as_ref().map(|l| {
                let mut t = enum_text(&l.phase);
                if let Some(e) = &l.end_of_life {
                    t.push_str(&format!(" (end of life {})", e.value));
                }
                t
            })),
        ),
        (
            "Criticality",
            or_dash(x.criticality.as_ref().map(enum_text)),
        ),
        ("Hosting", or_dash(x.hosting.as_ref().map(enum_text))),
        (
            "TIME quadrant",
            or_dash(n.time.map(|t| t.as_str().to_string())),
        ),
        (
            "Disposition (7R)",
            or_dash(x.disposition.as_ref().map(enum_text)),
        ),
        ("Users", or_dash(x.users.map(|u| thousands(u as f64, 0)))),
        (
            "Data location",
            or_dash(x.data_location.as_ref().map(|d| d.value.clone())),
        ),
        (
            "Recovery",
            or_dash(x.recovery.as_ref().map(|r| {
                format!(
                    "RTO {} h, RPO {} h{}",
                    r.rto_hours.map(format_plain).unwrap_or_else(|| "?".into()),
                    r.rpo_hours.map(format_plain).unwrap_or_else(|| "?".into()),
                    r.tested
                        .map(|t| format!(", tested {t}"))
                        .unwrap_or_default()
                )
            })),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Technologies: the system's own and its resources', with their end of life.
fn technologies(sh: &Shared<'_>, s: NodeIndex, hosts: &[NodeIndex]) -> Table {
    let (model, i) = (sh.model, sh.i);
    let n = model.node(s);
    let mut techs = Table::new(
        &format!("technologies-{}", n.name),
        "Technologies",
        &["Technology", "Product", "Version", "End of life", "Status"],
        &[false; 5],
    );
    let mut tech_idx: Vec<NodeIndex> = model.neighbours(s, Direction::Outgoing, &[EdgeKind::Uses]);
    for h in hosts {
        tech_idx.extend(model.neighbours(*h, Direction::Outgoing, &[EdgeKind::Uses]));
    }
    tech_idx.sort();
    tech_idx.dedup();
    for t in tech_idx {
        let tn = model.node(t);
        let (product, version) = match &tn.spec {
            Some(Spec::Technology(ts)) => (ts.product.clone(), ts.version.clone()),
            _ => (String::new(), String::new()),
        };
        let eol = i.eol.get(tn.id.as_str()).cloned();
        let status = match &eol {
            Some(d) if d.as_str() < i.today.to_string().as_str() => {
                classed("Past end of life", "sev-high".into())
            }
            Some(_) => cell("Supported"),
            None => cell("Unknown"),
        };
        techs.rows.push(vec![
            cell(tn.title.clone().unwrap_or_else(|| tn.name.clone())),
            cell(product),
            cell(version),
            cell(eol.unwrap_or_else(|| "—".into())),
            status,
        ]);
    }
    techs
}

/// The hosting chain: resources the system runs on or depends on.
fn hosting(sh: &Shared<'_>, s: NodeIndex, hosts: &[NodeIndex]) -> Table {
    let model = sh.model;
    let mut hosting = Table::new(
        &format!("hosting-{}", model.node(s).name),
        "Runs on",
        &[
            "Resource",
            "Type",
            "Provider",
            "Region or site",
            "Instance type",
        ],
        &[false; 5],
    );
    for h in hosts {
        let hn = model.node(*h);
        if let Some(Spec::Resource(r)) = &hn.spec {
            hosting.rows.push(vec![
                cell(hn.name.clone()),
                cell(enum_text(&r.resource_type)),
                cell(enum_text(&r.provider)),
                cell(
                    r.region
                        .as_ref()
                        .map(|x| x.value.clone())
                        .or_else(|| r.site.as_ref().map(|x| sh.title_of(&x.value.id())))
                        .unwrap_or_else(|| "—".into()),
                ),
                cell(r.instance_type.clone().unwrap_or_else(|| "—".into())),
            ]);
        }
    }
    hosting
}

/// Integrations the system takes part in.
fn integrations(sh: &Shared<'_>, s: NodeIndex) -> Table {
    let model = sh.model;
    let mut integ = Table::new(
        &format!("integrations-{}", model.node(s).name),
        "Integrations",
        &["Integration", "From", "To", "Style", "Frequency"],
        &[false; 5],
    );
    for it in model.neighbours(s, Direction::Incoming, &[EdgeKind::IntegratesWith]) {
        if let Some(Spec::Integration(x)) = &model.node(it).spec {
            integ.rows.push(vec![
                cell(sh.title_of(&model.node(it).id)),
                node_link(model, &x.from.value.id(), ""),
                node_link(model, &x.to.value.id(), ""),
                cell(enum_text(&x.style)),
                cell(
                    x.frequency
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
            ]);
        }
    }
    integ
}

/// Information assets the system holds, with their classification.
fn assets(sh: &Shared<'_>, s: NodeIndex, spec: Option<&SystemSpec>) -> Table {
    let model = sh.model;
    let mut assets = Table::new(
        &format!("data-{}", model.node(s).name),
        "Information held",
        &["Asset", "Classification", "Role"],
        &[false; 3],
    );
    for d in spec.map(|x| x.data.as_slice()).unwrap_or_default() {
        let class = model
            .get(&d.asset.value.id())
            .and_then(|a| match &model.node(a).spec {
                Some(Spec::InformationAsset(ia)) => Some(enum_text(&ia.classification)),
                _ => None,
            });
        assets.rows.push(vec![
            cell(sh.title_of(&d.asset.value.id())),
            cell(class.unwrap_or_default()),
            cell(enum_text(&d.role)),
        ]);
    }
    assets
}

/// Suppliers through the system's contracts, else its suppliers with none recorded.
fn suppliers(sh: &Shared<'_>, s: NodeIndex) -> Table {
    let (model, f) = (sh.model, &sh.f);
    let mut suppliers = Table::new(
        &format!("suppliers-{}", model.node(s).name),
        "Suppliers and contracts",
        &["Supplier", "Contract", "Annual value", "Ends"],
        &[false, false, true, false],
    );
    for ct in model.neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy]) {
        if let Some(Spec::Contract(x)) = &model.node(ct).spec {
            let annual = x.annual_value.as_ref().map(|m| m.0).unwrap_or(x.value.0);
            suppliers.rows.push(vec![
                cell(sh.title_of(&x.supplier.value.id())),
                cell(sh.title_of(&model.node(ct).id)),
                num(f.money_dec(annual), annual.to_f64().unwrap_or(0.0)),
                cell(x.end.value.to_string()),
            ]);
        }
    }
    if suppliers.rows.is_empty() {
        for sup in model.neighbours(s, Direction::Outgoing, &[EdgeKind::SuppliedBy]) {
            suppliers.rows.push(vec![
                cell(sh.title_of(&model.node(sup).id)),
                cell("No contract recorded"),
                num(String::new(), 0.0),
                cell(""),
            ]);
        }
    }
    suppliers
}
