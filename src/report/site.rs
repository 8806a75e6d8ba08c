//! `estate report`: the report site. Takes everything assessed of the estate
//! (model, carbon, spend, policy findings), turns it into tables, charts and
//! diagrams, renders the pages with tera templates (the shipped ones under
//! reports/, each overridable by a file of the same name in the estate's
//! reports/), and writes the site, its Markdown summary, a CSV per table,
//! the data as JSON and the diagrams as code — into a temporary directory
//! that replaces the previous report in one rename.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::{Value, json};

use super::svg::{self, Bar};
use crate::assess::carbon::{Basis, Estimate, FactorSet, Item};
use crate::assess::policy::{Finding, Outcome};
use crate::assess::spend::Spend;
use crate::diagnostic::Sources;
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model};
use crate::settings::Period;

/// The shipped templates (reports/ in the repository), by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../reports/base.html")),
    ("macros.html", include_str!("../../reports/macros.html")),
    ("style.css", include_str!("../../reports/style.css")),
    ("script.js", include_str!("../../reports/script.js")),
    ("index.html", include_str!("../../reports/index.html")),
    ("map.html", include_str!("../../reports/map.html")),
    ("systems.html", include_str!("../../reports/systems.html")),
    ("system.html", include_str!("../../reports/system.html")),
    ("spend.html", include_str!("../../reports/spend.html")),
    ("carbon.html", include_str!("../../reports/carbon.html")),
    ("policies.html", include_str!("../../reports/policies.html")),
    ("roadmap.html", include_str!("../../reports/roadmap.html")),
    ("summary.md", include_str!("../../reports/summary.md")),
];

/// Everything the report is made from.
pub struct Inputs<'a> {
    pub model: &'a Model,
    pub name: &'a str,
    pub currency: &'a str,
    pub period: Period,
    pub today: chrono::NaiveDate,
    pub carbon: &'a Estimate,
    pub factors: &'a FactorSet,
    pub spend: Option<&'a Spend>,
    pub findings: Option<&'a Outcome>,
    pub sources: &'a Sources,
    /// End-of-life date per technology id.
    pub eol: HashMap<String, String>,
    /// The estate's own template directory (overrides), if any.
    pub templates: Option<&'a Path>,
    /// The newest earlier snapshot: the overview's trends.
    pub previous: Option<&'a crate::plan::snapshot::Snapshot>,
    /// The inventory's roadmaps, applied.
    pub roadmaps: &'a [crate::plan::roadmap::Outcome],
}

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

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        ..Default::default()
    }
}

fn num(text: String, sort: f64) -> Cell {
    Cell {
        text,
        sort: Some(sort),
        ..Default::default()
    }
}

fn link(text: impl Into<String>, href: Option<String>) -> Cell {
    Cell {
        text: text.into(),
        href,
        ..Default::default()
    }
}

impl Table {
    fn new(name: &str, caption: &str, columns: &[&str], numeric: &[bool]) -> Table {
        Table {
            name: name.into(),
            caption: caption.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            numeric: numeric.to_vec(),
            export: true,
        }
    }

    fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns)?;
        for r in &self.rows {
            w.write_record(r.iter().map(|c| match c.sort {
                // Numbers unformatted in CSV.
                Some(v) => format_plain(v),
                None => c.text.clone(),
            }))?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn format_plain(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

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

struct Fmt {
    symbol: String,
}

impl Fmt {
    fn money(&self, v: f64) -> String {
        format!("{}{}", self.symbol, thousands(v, 0))
    }
    fn money_dec(&self, d: Decimal) -> String {
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

/// `system:crm` → `systems/crm.html` (relative to the site root).
fn system_page(id: &str) -> Option<String> {
    id.strip_prefix("system:")
        .map(|n| format!("systems/{}.html", file_name(n)))
}

/// A safe file name for a node name (names are DNS-label-like already).
fn file_name(name: &str) -> String {
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

/// A page to write: its path in the site and its template.
struct Page {
    path: String,
    template: &'static str,
    context: tera::Context,
}

/// The report being written: files go into a temporary directory beside
/// the destination as they are rendered, and it replaces the destination
/// only when every file is there, so an interrupted run leaves the previous
/// report as it was.
pub struct Staged {
    parent: PathBuf,
    tmp: tempfile::TempDir,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
}

/// Templates: the shipped ones, each replaced by the estate's file of the same name.
pub fn templates(dir: Option<&Path>) -> Result<tera::Tera, String> {
    let mut t = tera::Tera::default();
    // Markdown too: wikis and pull-request comments render raw HTML in it.
    t.autoescape_on(vec![".html", ".htm", ".xml", ".md"]);
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, text) in TEMPLATES {
        let own = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let text = match &own {
            Some(p) => std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read template `{}`: {e}", p.display()))?,
            None => text.to_string(),
        };
        sources.push((name.to_string(), text));
    }
    t.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| template_error(&e, dir))?;
    Ok(t)
}

/// A tera error as one message: the template (and its file when the estate
/// overrides it), with the line and column tera reports.
fn template_error(e: &tera::Error, dir: Option<&Path>) -> String {
    use std::error::Error;
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let file = TEMPLATES
        .iter()
        .map(|(n, _)| *n)
        .find(|n| msg.contains(&format!("'{n}'")))
        .map(|n| match dir.map(|d| d.join(n)).filter(|p| p.is_file()) {
            Some(p) => p.display().to_string(),
            None => format!("reports/{n} (built in)"),
        });
    match file {
        Some(f) => format!("template {f}: {msg}"),
        None => format!("template: {msg}"),
    }
}

/// Build every page and file of the report.
/// Render the report into `out`; returns the number of pages.
pub fn build(i: &Inputs<'_>, out: &Staged) -> Result<usize, String> {
    let tera = templates(i.templates)?;
    let f = Fmt {
        symbol: symbol(i.currency),
    };
    let model = i.model;
    let title = |idx: NodeIndex| {
        let n = model.node(idx);
        n.title.clone().unwrap_or_else(|| n.name.clone())
    };
    let title_of = |id: &str| model.get(id).map(title).unwrap_or_else(|| id.to_string());

    // ---- Numbers, keyed by node id --------------------------------------
    let ledger = i.spend.and_then(|s| s.currencies.get(i.currency));
    let spend_of = |id: &str| -> Option<(Decimal, Decimal)> {
        ledger
            .and_then(|l| l.by_system.get(id))
            .map(|c| (c.billed, c.effective))
    };
    // Carbon items by the system they serve (grouped once: system pages read them).
    let mut carbon_by_system: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in &i.carbon.items {
        if let Some(s) = &it.system {
            carbon_by_system.entry(s.as_str()).or_default().push(it);
        }
    }
    let empty = Outcome::default();
    let outcome = i.findings.unwrap_or(&empty);
    let mut findings_by_node: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for fd in &outcome.findings {
        findings_by_node.entry(fd.id.as_str()).or_default().push(fd);
    }

    // ---- Shared context ------------------------------------------------
    let (total_co2, _) = super::carbon::totals(i.carbon, Basis::Location);
    let (market_co2, _) = super::carbon::totals(i.carbon, Basis::Market);
    let systems = model.nodes_of(Kind::System);
    let spend_total = ledger.map(|l| l.total.effective);
    let by_sev = outcome.by_severity();
    let mut base = tera::Context::new();
    base.insert(
        "estate",
        &json!({
            "name": i.name,
            "currency": i.currency,
            "period": {"start": i.period.start.to_string(), "end": i.period.end.to_string()},
            "generated": i.today.to_string(),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    );
    let headline = json!({
        "systems": systems.len(),
        "spend": spend_total.map(|d| f.money(d.to_f64().unwrap_or(0.0))),
        "co2": co2(total_co2.central),
        "co2_range": format!("{} – {}", co2(total_co2.low), co2(total_co2.high)),
        "findings": crate::assess::policy::Severity::ALL
            .iter()
            .filter_map(|s| by_sev.get(s.as_str()).map(|n| json!({"severity": s.as_str(), "count": n})))
            .collect::<Vec<_>>(),
        "findings_total": outcome.findings.len(),
        "has_spend": ledger.is_some(),
        "has_findings": i.findings.is_some(),
    });
    base.insert("headline", &headline);
    if let Some(p) = i.previous {
        let signed = |v: f64, text: String| {
            if v > 0.0 {
                format!("▲ +{text}")
            } else if v < 0.0 {
                format!("▼ −{}", text.trim_start_matches('-'))
            } else {
                "no change".to_string()
            }
        };
        let spend_change = spend_total
            .and_then(|d| d.to_f64())
            .zip(p.spend_total.and_then(|d| d.to_f64()))
            .map(|(now, then)| signed(now - then, f.money((now - then).abs())));
        let co2_change = total_co2.central - p.carbon_total.1;
        let findings_change = outcome.findings.len() as f64 - p.findings.len() as f64;
        base.insert(
            "trend",
            &json!({
                "since": p.taken,
                "systems": signed(systems.len() as f64 - p.nodes.iter().filter(|n| n.kind == "System").count() as f64,
                    thousands((systems.len() as f64 - p.nodes.iter().filter(|n| n.kind == "System").count() as f64).abs(), 0)),
                "spend": spend_change,
                "co2": signed(co2_change, co2(co2_change.abs())),
                "findings": signed(findings_change, thousands(findings_change.abs(), 0)),
            }),
        );
    }

    let mut tables: Vec<Table> = Vec::new();
    let mut pages: Vec<Page> = Vec::new();

    // ---- Overview ------------------------------------------------------
    let domains: Vec<NodeIndex> = model.nodes_of(Kind::Domain);
    let mut spend_domain: Vec<Bar> = Vec::new();
    if let Some(l) = ledger {
        for (id, c) in &l.by_domain {
            spend_domain.push(Bar {
                label: if id == "(none)" {
                    "No domain".into()
                } else {
                    title_of(id)
                },
                value: c.effective.to_f64().unwrap_or(0.0),
                ..Default::default()
            });
        }
    }
    spend_domain.sort_by(|a, b| b.value.total_cmp(&a.value));
    let carbon_domain: Vec<Bar> = {
        let mut v: Vec<Bar> =
            super::carbon::breakdown(model, i.carbon, Basis::Location, super::carbon::By::Domain)
                .into_iter()
                .map(|(id, r)| Bar {
                    label: if id.starts_with('(') {
                        "Not attributed to a system".into()
                    } else {
                        title_of(&id)
                    },
                    value: r.central,
                    range: Some((r.low, r.high)),
                    href: None,
                })
                .collect();
        v.sort_by(|a, b| b.value.total_cmp(&a.value));
        v
    };
    let mut savings: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|x| {
            x.savings
                .as_ref()
                .is_some_and(|s| s.amount > Decimal::ZERO || s.co2e_kg > 0.0)
        })
        .collect();
    let saved = |x: &Finding| {
        x.savings
            .as_ref()
            .map_or((Decimal::ZERO, 0.0), |s| (s.amount, s.co2e_kg))
    };
    savings.sort_by(|a, b| {
        let (sa, sb) = (saved(a), saved(b));
        sb.0.cmp(&sa.0).then(sb.1.total_cmp(&sa.1))
    });
    let mut top = Table::new(
        "top-savings",
        "The ten largest savings the policy findings point at (per year; at most three per rule)",
        &["Finding", "Node", "Money", "kgCO2e", "Rule"],
        &[false, false, true, true, false],
    );
    let mut per_rule: HashMap<&str, usize> = HashMap::new();
    let varied: Vec<&&Finding> = savings
        .iter()
        .filter(|x| {
            let n = per_rule.entry(x.rule.as_str()).or_default();
            *n += 1;
            *n <= 3
        })
        .collect();
    for x in varied.into_iter().take(10) {
        let (amount, kg) = saved(x);
        top.rows.push(vec![
            cell(x.message.clone()),
            node_link(model, &x.id, ""),
            num(f.money_dec(amount), amount.to_f64().unwrap_or(0.0)),
            num(thousands(kg, 0), kg),
            cell(x.rule.clone()),
        ]);
    }
    let mut overview = base.clone();
    overview.insert("root", "");
    overview.insert("page", "index");
    overview.insert(
        "chart_spend_domain",
        &svg::bars("Spend by domain", &spend_domain, &|v| f.money(v)),
    );
    overview.insert(
        "chart_carbon_domain",
        &svg::bars(
            "Carbon by domain (central, with low–high range)",
            &carbon_domain,
            &co2,
        ),
    );
    overview.insert("top_savings", &top);
    tables.push(top);
    pages.push(Page {
        path: "index.html".into(),
        template: "index.html",
        context: overview,
    });

    // ---- Estate map ----------------------------------------------------
    let mut map_domains = Vec::new();
    for d in &domains {
        let caps: Vec<NodeIndex> = model
            .neighbours(*d, Direction::Incoming, &[EdgeKind::PartOf])
            .into_iter()
            .filter(|c| model.node(*c).kind == Kind::Capability)
            .collect();
        let mut cap_list = Vec::new();
        for c in caps {
            let mut sys: Vec<Value> = model
                .neighbours(c, Direction::Incoming, &[EdgeKind::Supports])
                .into_iter()
                .filter(|s| model.node(*s).kind == Kind::System)
                .map(|s| system_chip(model, s, ""))
                .collect();
            sys.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
            cap_list.push(json!({"id": model.node(c).id, "title": title(c), "systems": sys}));
        }
        cap_list.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
        map_domains
            .push(json!({"id": model.node(*d).id, "title": title(*d), "capabilities": cap_list}));
    }
    map_domains.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
    let mut map = base.clone();
    map.insert("root", "");
    map.insert("page", "map");
    map.insert("domains", &map_domains);
    map.insert("landscape", &super::diagram::landscape_svg(model));
    map.insert(
        "landscape_limits",
        &json!({"domains": super::diagram::LANDSCAPE_DOMAINS, "links": super::diagram::LANDSCAPE_LINKS}),
    );
    pages.push(Page {
        path: "map.html".into(),
        template: "map.html",
        context: map,
    });

    // ---- Systems ---------------------------------------------------------
    let mut sys_table = Table::new(
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
    for &s in &systems {
        let n = model.node(s);
        let Some(Spec::System(spec)) = &n.spec else {
            continue;
        };
        let (_, eff) = spend_of(&n.id).unwrap_or_default();
        let c = co2_range(carbon_by_system.get(n.id.as_str()));
        let nf = findings_by_node.get(n.id.as_str()).map_or(0, Vec::len);
        sys_table.rows.push(vec![
            link(title(s), system_page(&n.id)),
            spec.domain
                .as_ref()
                .map(|d| cell(title_of(&d.value.id())))
                .unwrap_or_else(|| cell("—")),
            spec.owner
                .as_ref()
                .map(|d| cell(title_of(&d.value.id())))
                .unwrap_or_else(|| Cell {
                    text: "No owner".into(),
                    class: Some("warn".into()),
                    ..Default::default()
                }),
            cell(
                spec.lifecycle
                    .as_ref()
                    .map(|l| enum_text(&l.phase))
                    .unwrap_or_else(|| "—".into()),
            ),
            cell(
                n.time
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "—".into()),
            ),
            cell(
                spec.disposition
                    .as_ref()
                    .map(enum_text)
                    .unwrap_or_else(|| "—".into()),
            ),
            num(
                f.money(eff.to_f64().unwrap_or(0.0)),
                eff.to_f64().unwrap_or(0.0),
            ),
            num(thousands(c.1 / 1000.0, 1), c.1 / 1000.0),
            num(nf.to_string(), nf as f64),
        ]);
    }
    sys_table.rows.sort_by(|a, b| a[0].text.cmp(&b[0].text));
    let mut sp = base.clone();
    sp.insert("root", "");
    sp.insert("page", "systems");
    sp.insert("systems", &sys_table);
    tables.push(sys_table);
    pages.push(Page {
        path: "systems/index.html".into(),
        template: "systems.html",
        context: {
            let mut c = sp;
            c.insert("root", "../");
            c
        },
    });
    // A page per system, rendered with the others below.

    // ---- Spend ---------------------------------------------------------
    if let (Some(sp), Some(l)) = (i.spend, ledger) {
        let mut c = base.clone();
        c.insert("root", "");
        c.insert("page", "spend");
        let breakdown = |name: &str,
                         caption: &str,
                         m: &BTreeMap<String, crate::assess::spend::Cost>,
                         links: bool| {
            let mut t = Table::new(
                name,
                caption,
                &["", "Billed", "Effective", "Share"],
                &[false, true, true, true],
            );
            let total = l
                .total
                .effective
                .to_f64()
                .unwrap_or(0.0)
                .max(f64::MIN_POSITIVE);
            let mut rows: Vec<(&String, &crate::assess::spend::Cost)> = m.iter().collect();
            rows.sort_by_key(|b| std::cmp::Reverse(b.1.effective));
            for (k, v) in rows {
                let e = v.effective.to_f64().unwrap_or(0.0);
                t.rows.push(vec![
                    if links {
                        node_link(model, k, "")
                    } else {
                        cell(if model.get(k).is_some() {
                            title_of(k)
                        } else {
                            k.clone()
                        })
                    },
                    num(f.money_dec(v.billed), v.billed.to_f64().unwrap_or(0.0)),
                    num(f.money_dec(v.effective), e),
                    num(format!("{:.1}%", e / total * 100.0), e / total * 100.0),
                ]);
            }
            t
        };
        let spend_tables = vec![
            breakdown("spend-by-supplier", "By supplier", &l.by_supplier, false),
            breakdown(
                "spend-by-cost-centre",
                "By cost centre",
                &l.by_cost_centre,
                false,
            ),
            breakdown(
                "spend-by-capability",
                "By capability",
                &l.by_capability,
                false,
            ),
            breakdown("spend-by-domain", "By domain", &l.by_domain, false),
            breakdown(
                "spend-by-provider",
                "By provider (billing exports; the ledger as one line)",
                &l.by_provider,
                false,
            ),
            breakdown("spend-by-service", "By cloud service", &l.by_service, false),
            breakdown("spend-by-system", "By system", &l.by_system, true),
            breakdown(
                "spend-unallocated",
                "Unallocated, by reason",
                &l.unallocated_by,
                false,
            ),
        ];
        let supplier_bars: Vec<Bar> = {
            let mut v: Vec<(&String, &crate::assess::spend::Cost)> = l.by_supplier.iter().collect();
            v.sort_by_key(|b| std::cmp::Reverse(b.1.effective));
            v.into_iter()
                .take(15)
                .map(|(k, v)| Bar {
                    label: if model.get(k).is_some() {
                        title_of(k)
                    } else {
                        k.clone()
                    },
                    value: v.effective.to_f64().unwrap_or(0.0),
                    ..Default::default()
                })
                .collect()
        };
        c.insert(
            "chart_suppliers",
            &svg::bars("Top suppliers by effective spend", &supplier_bars, &|v| {
                f.money(v)
            }),
        );
        c.insert(
            "chart_domains",
            &svg::treemap("Spend by domain", &spend_domain, &|v| f.money(v)),
        );
        let mut shadow = Table::new(
            "shadow-it",
            "Shadow IT: technology suppliers on the ledger the inventory does not know",
            &["Supplier", "Amount", "Lines", "Cost centres", "Why"],
            &[false, true, true, false, false],
        );
        for s in &sp.shadow {
            shadow.rows.push(vec![
                cell(s.supplier.clone()),
                num(
                    format!(
                        "{} {}",
                        s.currency,
                        thousands(s.total.to_f64().unwrap_or(0.0), 2)
                    ),
                    s.total.to_f64().unwrap_or(0.0),
                ),
                num(s.lines.to_string(), s.lines as f64),
                cell(s.cost_centres.join(", ")),
                cell(s.why.clone()),
            ]);
        }
        let mut contracts = Table::new(
            "contracts",
            "Contracts: value, term and notice",
            &[
                "Contract",
                "Supplier",
                "Annual value",
                "Start",
                "End",
                "Notice by",
                "Renewal",
                "Decision",
            ],
            &[false, false, true, false, false, false, false, false],
        );
        for ci in model.nodes_of(Kind::Contract) {
            if let Some(Spec::Contract(ct)) = &model.node(ci).spec {
                let annual = ct.annual_value.as_ref().map(|m| m.0).unwrap_or(ct.value.0);
                let notice = ct
                    .notice_period
                    .map(|d| d.before(ct.end.value.0).to_string())
                    .unwrap_or_else(|| "—".into());
                contracts.rows.push(vec![
                    cell(title(ci)),
                    cell(title_of(&ct.supplier.value.id())),
                    num(f.money_dec(annual), annual.to_f64().unwrap_or(0.0)),
                    cell(ct.start.value.to_string()),
                    cell(ct.end.value.to_string()),
                    cell(notice),
                    cell(
                        ct.renewal
                            .as_ref()
                            .map(enum_text)
                            .unwrap_or_else(|| "—".into()),
                    ),
                    cell(
                        ct.decision
                            .as_ref()
                            .map(enum_text)
                            .unwrap_or_else(|| "—".into()),
                    ),
                ]);
            }
        }
        contracts.rows.sort_by(|a, b| a[4].text.cmp(&b[4].text));
        let rec = super::spend::to_json(sp, i.period, i.currency);
        c.insert("reconciliation", &rec["reconciliation"]);
        c.insert("totals", &json!({
            "billed": f.money_dec(l.total.billed),
            "effective": f.money_dec(l.total.effective),
            "allocated": f.money_dec(l.allocated.effective),
            "unallocated": f.money_dec(l.unallocated.effective),
            "bad_rows": sp.bad_rows.len(),
            "files": sp.files.iter().map(|x| x.path.clone()).collect::<Vec<_>>(),
            "other_currencies": sp.currencies.keys().filter(|k| k.as_str() != i.currency).cloned().collect::<Vec<_>>(),
        }));
        c.insert("tables", &spend_tables);
        c.insert("shadow", &shadow);
        c.insert("contracts", &contracts);
        tables.extend(spend_tables);
        tables.push(shadow);
        tables.push(contracts);
        pages.push(Page {
            path: "spend.html".into(),
            template: "spend.html",
            context: c,
        });
    }

    // ---- Carbon --------------------------------------------------------
    {
        let mut c = base.clone();
        c.insert("root", "");
        c.insert("page", "carbon");
        let by = |b: super::carbon::By, name: &str, caption: &str| -> (Table, Vec<Bar>) {
            let rows = super::carbon::breakdown(model, i.carbon, Basis::Location, b);
            let mut t = Table::new(
                name,
                caption,
                &["", "Low", "Central", "High", "Share"],
                &[false, true, true, true, true],
            );
            let total = total_co2.central.max(f64::MIN_POSITIVE);
            let mut bars = Vec::new();
            for (k, r) in rows {
                let label = if k.starts_with('(') {
                    "Not attributed".to_string()
                } else if model.get(&k).is_some() {
                    title_of(&k)
                } else {
                    k.clone()
                };
                t.rows.push(vec![
                    if b == super::carbon::By::System {
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
        };
        let (cat, cat_bars) = by(
            super::carbon::By::Category,
            "carbon-by-category",
            "By category",
        );
        let (scope, _) = by(
            super::carbon::By::Scope,
            "carbon-by-scope",
            "By scope (GHG Protocol)",
        );
        let (site, _) = by(super::carbon::By::Site, "carbon-by-site", "By site");
        let (system, mut sys_bars) = by(super::carbon::By::System, "carbon-by-system", "By system");
        sys_bars.retain(|b| b.label != "Not attributed");
        sys_bars.truncate(15);
        let mut quality: BTreeMap<String, f64> = BTreeMap::new();
        for it in &i.carbon.items {
            *quality.entry(enum_text(&it.quality)).or_default() += it.co2e(Basis::Location).central;
        }
        let quality: Vec<(String, f64)> = quality.into_iter().collect();
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
                .push(vec![node_link(model, &n.id, ""), cell(n.reason.clone())]);
        }
        c.insert("totals", &json!({
            "location": {"low": co2(total_co2.low), "central": co2(total_co2.central), "high": co2(total_co2.high)},
            "market": {"low": co2(market_co2.low), "central": co2(market_co2.central), "high": co2(market_co2.high)},
            "factor_set": i.factors.name,
            "items": i.carbon.items.len(),
        }));
        let ctables = vec![cat, scope, site, system];
        c.insert("tables", &ctables);
        c.insert("factors", &factors);
        c.insert("not_estimated", &not_est);
        tables.extend(ctables);
        tables.push(factors);
        tables.push(not_est);
        pages.push(Page {
            path: "carbon.html".into(),
            template: "carbon.html",
            context: c,
        });
    }

    // ---- Policies ------------------------------------------------------
    if i.findings.is_some() {
        let mut c = base.clone();
        c.insert("root", "");
        c.insert("page", "policies");
        let mut groups: BTreeMap<
            (std::cmp::Reverse<crate::assess::policy::Severity>, String),
            Vec<&Finding>,
        > = BTreeMap::new();
        for fd in &outcome.findings {
            groups
                .entry((std::cmp::Reverse(fd.severity), fd.rule.clone()))
                .or_default()
                .push(fd);
        }
        let mut findings = Table::new(
            "findings",
            "Every finding",
            &["Severity", "Rule", "Node", "Finding", "Money", "kgCO2e"],
            &[false, false, false, false, true, true],
        );
        let mut rule_groups = Vec::new();
        for ((sev, rule), list) in &groups {
            let mut t = Table::new(
                &format!("findings-{rule}"),
                rule,
                &["Node", "Finding", "Money saved", "kgCO2e saved"],
                &[false, false, true, true],
            );
            for fd in list {
                let (m, k) = fd
                    .savings
                    .as_ref()
                    .map(|s| (s.amount, s.co2e_kg))
                    .unwrap_or_default();
                let row = vec![
                    node_link(model, &fd.id, ""),
                    cell(fd.message.clone()),
                    num(
                        if m > Decimal::ZERO {
                            f.money_dec(m)
                        } else {
                            String::new()
                        },
                        m.to_f64().unwrap_or(0.0),
                    ),
                    num(
                        if k > 0.0 {
                            thousands(k, 0)
                        } else {
                            String::new()
                        },
                        k,
                    ),
                ];
                let mut full = vec![
                    Cell {
                        text: sev.0.as_str().into(),
                        class: Some(format!("sev-{}", sev.0.as_str())),
                        ..Default::default()
                    },
                    cell(rule.clone()),
                ];
                full.extend(row.iter().cloned());
                findings.rows.push(full);
                t.rows.push(row);
            }
            rule_groups.push(json!({"rule": rule, "severity": sev.0.as_str(), "count": list.len(), "remediation": list[0].remediation, "category": list[0].category.as_str(), "table": t}));
            tables.push(t);
        }
        let mut waived = Table::new(
            "waived",
            "Waived findings",
            &["Rule", "Node", "Finding", "Reason", "Approver", "Until"],
            &[false; 6],
        );
        for w in &outcome.waived {
            let note = w.waiver.as_ref();
            waived.rows.push(vec![
                cell(w.rule.clone()),
                node_link(model, &w.id, ""),
                cell(w.message.clone()),
                cell(note.map(|n| n.reason.clone()).unwrap_or_default()),
                cell(note.map(|n| n.approver.clone()).unwrap_or_default()),
                cell(note.map(|n| n.expires.clone()).unwrap_or_default()),
            ]);
        }
        c.insert("groups", &rule_groups);
        c.insert("waived", &waived);
        c.insert("summary", &json!({"rules": outcome.rules, "evaluated": outcome.evaluated, "errors": outcome.errors.len(), "unused_waivers": outcome.unused_waivers}));
        tables.push(findings);
        tables.push(waived);
        pages.push(Page {
            path: "policies.html".into(),
            template: "policies.html",
            context: c,
        });
    }

    // ---- Roadmaps -------------------------------------------------------
    if !i.roadmaps.is_empty() {
        let mut c = base.clone();
        c.insert("root", "");
        c.insert("page", "roadmap");
        let (list, rtables) = roadmap_context(i.roadmaps, i.currency, &f);
        c.insert("roadmaps", &list);
        if i.roadmaps.len() > 1 {
            let cmp = roadmap_comparison(i.roadmaps, i.currency);
            c.insert("comparison", &cmp);
            tables.push(cmp);
        }
        tables.extend(rtables);
        pages.push(Page {
            path: "roadmap.html".into(),
            template: "roadmap.html",
            context: c,
        });
    }

    // ---- Render --------------------------------------------------------
    let nav: Vec<Value> = [
        ("index", "index.html", "Overview"),
        ("map", "map.html", "Estate map"),
        ("systems", "systems/index.html", "Systems"),
        ("spend", "spend.html", "Spend"),
        ("carbon", "carbon.html", "Carbon"),
        ("policies", "policies.html", "Policies"),
        ("roadmap", "roadmap.html", "Roadmap"),
    ]
    .iter()
    .filter(|(_, p, _)| pages.iter().any(|x| x.path == *p))
    .map(|(id, p, t)| json!({"id": id, "href": p, "title": t}))
    .collect();
    let page_count = pages.len() + systems.len();
    // Pages render on every core and go to disk as they are done.
    {
        use rayon::prelude::*;
        let render = |p: Page| {
            let mut ctx = p.context;
            ctx.insert("nav", &nav);
            let html = tera
                .render(p.template, &ctx)
                .map_err(|e| template_error(&e, i.templates))?;
            out.put(&p.path, html.as_bytes())
        };
        pages.into_par_iter().try_for_each(render)?;
        // System pages are built, rendered and written one by one on each
        // core, so an estate's thousands of them are never all in memory.
        systems.par_iter().try_for_each(|&s| {
            render(system_page_context(
                i,
                &base,
                &f,
                s,
                &findings_by_node,
                &carbon_by_system,
                spend_of(&model.node(s).id),
            ))
        })?;
    }
    for asset in ["style.css", "script.js"] {
        let text = tera
            .render(asset, &base)
            .map_err(|e| template_error(&e, i.templates))?;
        out.put(asset, text.as_bytes())?;
    }
    // Markdown summary.
    let mut md = base.clone();
    md.insert(
        "domains_spend",
        &spend_domain
            .iter()
            .take(10)
            .map(|b| json!({"label": b.label, "value": f.money(b.value)}))
            .collect::<Vec<_>>(),
    );
    md.insert(
        "top_savings",
        &tables.iter().find(|t| t.name == "top-savings"),
    );
    md.insert(
        "rules",
        &outcome
            .findings
            .iter()
            .fold(BTreeMap::<String, usize>::new(), |mut m, x| {
                *m.entry(x.rule.clone()).or_default() += 1;
                m
            }),
    );
    let summary = tera
        .render("summary.md", &md)
        .map_err(|e| template_error(&e, i.templates))?;
    out.put("summary.md", summary.as_bytes())?;
    for t in tables.iter().filter(|t| t.export) {
        let text = t
            .to_csv()
            .map_err(|e| format!("csv export of `{}`: {e}", t.name))?;
        out.put(&format!("csv/{}.csv", t.name), text.as_bytes())?;
    }
    // Data and diagrams as code.
    // Serialised directly: at scale the carbon items are most of the file.
    #[derive(Serialize)]
    struct Data<'a> {
        estate: Value,
        summary: Value,
        carbon: super::carbon::Json<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        spend: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        check: Option<Value>,
    }
    let data = Data {
        estate: json!({"name": i.name, "currency": i.currency, "period": {"start": i.period.start.to_string(), "end": i.period.end.to_string()}}),
        summary: serde_json::to_value(super::summary::summarise(model, i.name))
            .map_err(|e| e.to_string())?,
        carbon: super::carbon::json_of(model, i.carbon, i.period, Basis::Location),
        spend: i
            .spend
            .map(|sp| super::spend::to_json(sp, i.period, i.currency)),
        check: i.findings.map(|o| super::check::to_json(o, i.sources)),
    };
    // Compact and streamed to disk: at a million items it is gigabytes pretty.
    out.put_with("data.json", |w| {
        serde_json::to_writer(&mut *w, &data)?;
        w.write_all(b"\n")
    })?;
    let sel = super::graph::select(model, &super::graph::default_kinds(), None, 0);
    out.put(
        "diagrams/estate.dot",
        super::graph::to_dot(model, &sel).as_bytes(),
    )?;
    out.put(
        "diagrams/estate.mmd",
        super::graph::to_mermaid(model, &sel).as_bytes(),
    )?;
    out.put(
        "diagrams/workspace.dsl",
        super::diagram::structurizr(model, i.name).as_bytes(),
    )?;
    Ok(page_count)
}

/// (low, central, high) location-based kgCO2e of a system's items.
fn co2_range(items: Option<&Vec<&Item>>) -> (f64, f64, f64) {
    items.into_iter().flatten().fold((0.0, 0.0, 0.0), |a, it| {
        let r = it.co2e(Basis::Location);
        (a.0 + r.low, a.1 + r.central, a.2 + r.high)
    })
}

fn enum_text<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// A cell naming a node, linked to its page when it is a system.
fn node_link(model: &Model, id: &str, root: &str) -> Cell {
    let text = model
        .get(id)
        .map(|i| {
            let n = model.node(i);
            n.title.clone().unwrap_or_else(|| n.name.clone())
        })
        .unwrap_or_else(|| id.to_string());
    link(text, system_page(id).map(|p| format!("{root}{p}")))
}

fn system_chip(model: &Model, s: NodeIndex, root: &str) -> Value {
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

#[allow(clippy::too_many_arguments)]
fn system_page_context(
    i: &Inputs<'_>,
    base: &tera::Context,
    f: &Fmt,
    s: NodeIndex,
    findings: &HashMap<&str, Vec<&Finding>>,
    carbon_by_system: &HashMap<&str, Vec<&Item>>,
    spend: Option<(Decimal, Decimal)>,
) -> Page {
    let model = i.model;
    let n = model.node(s);
    let title_of = |id: &str| {
        model
            .get(id)
            .map(|x| {
                let m = model.node(x);
                m.title.clone().unwrap_or_else(|| m.name.clone())
            })
            .unwrap_or_else(|| id.to_string())
    };
    let spec = match &n.spec {
        Some(Spec::System(x)) => Some(x.as_ref()),
        _ => None,
    };
    let mut c = base.clone();
    c.insert("root", "../");
    c.insert("page", "systems");
    let facts: Vec<(String, String)> = spec
        .map(|x| {
            vec![
                (
                    "Owner",
                    x.owner
                        .as_ref()
                        .map(|r| title_of(&r.value.id()))
                        .unwrap_or_else(|| "No owner recorded".into()),
                ),
                (
                    "Domain",
                    x.domain
                        .as_ref()
                        .map(|r| title_of(&r.value.id()))
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Capabilities",
                    x.capabilities
                        .iter()
                        .map(|r| title_of(&r.value.id()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                (
                    "Lifecycle",
                    x.lifecycle
                        .as_ref()
                        .map(|l| {
                            let mut t = enum_text(&l.phase);
                            if let Some(e) = &l.end_of_life {
                                t.push_str(&format!(" (end of life {})", e.value));
                            }
                            t
                        })
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Criticality",
                    x.criticality
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Hosting",
                    x.hosting
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "TIME quadrant",
                    n.time
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Disposition (7R)",
                    x.disposition
                        .as_ref()
                        .map(enum_text)
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Users",
                    x.users
                        .map(|u| thousands(u as f64, 0))
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Data location",
                    x.data_location
                        .as_ref()
                        .map(|d| d.value.clone())
                        .unwrap_or_else(|| "—".into()),
                ),
                (
                    "Recovery",
                    x.recovery
                        .as_ref()
                        .map(|r| {
                            format!(
                                "RTO {} h, RPO {} h{}",
                                r.rto_hours.map(format_plain).unwrap_or_else(|| "?".into()),
                                r.rpo_hours.map(format_plain).unwrap_or_else(|| "?".into()),
                                r.tested
                                    .map(|t| format!(", tested {t}"))
                                    .unwrap_or_default()
                            )
                        })
                        .unwrap_or_else(|| "—".into()),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .unwrap_or_default();
    c.insert(
        "system",
        &json!({
            "id": n.id,
            "title": n.title.clone().unwrap_or_else(|| n.name.clone()),
            "description": n.description,
            "declared_at": n.provenance.loc.map(|l| i.sources.describe(l)),
            "tags": n.tags,
            "labels": n.labels,
            "facts": facts,
        }),
    );
    // Technologies (its own and its resources').
    let mut techs = Table::new(
        &format!("technologies-{}", n.name),
        "Technologies",
        &["Technology", "Product", "Version", "End of life", "Status"],
        &[false; 5],
    );
    let mut tech_idx: Vec<NodeIndex> = model.neighbours(s, Direction::Outgoing, &[EdgeKind::Uses]);
    let hosts: Vec<NodeIndex> = model
        .neighbours(
            s,
            Direction::Outgoing,
            &[EdgeKind::RunsOn, EdgeKind::DependsOn],
        )
        .into_iter()
        .filter(|r| model.node(*r).kind == Kind::Resource)
        .collect();
    for h in &hosts {
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
        let eol = i.eol.get(&tn.id).cloned();
        let status = match &eol {
            Some(d) if d.as_str() < i.today.to_string().as_str() => Cell {
                text: "Past end of life".into(),
                class: Some("sev-high".into()),
                ..Default::default()
            },
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
    // Hosting chain.
    let mut hosting = Table::new(
        &format!("hosting-{}", n.name),
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
    for h in &hosts {
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
                        .or_else(|| r.site.as_ref().map(|x| title_of(&x.value.id())))
                        .unwrap_or_else(|| "—".into()),
                ),
                cell(r.instance_type.clone().unwrap_or_else(|| "—".into())),
            ]);
        }
    }
    // Integrations.
    let mut integ = Table::new(
        &format!("integrations-{}", n.name),
        "Integrations",
        &["Integration", "From", "To", "Style", "Frequency"],
        &[false; 5],
    );
    for it in model.neighbours(s, Direction::Incoming, &[EdgeKind::IntegratesWith]) {
        if let Some(Spec::Integration(x)) = &model.node(it).spec {
            integ.rows.push(vec![
                cell(title_of(&model.node(it).id)),
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
    // Information assets.
    let mut assets = Table::new(
        &format!("data-{}", n.name),
        "Information held",
        &["Asset", "Classification", "Role"],
        &[false; 3],
    );
    if let Some(x) = spec {
        for d in &x.data {
            let class = model
                .get(&d.asset.value.id())
                .and_then(|a| match &model.node(a).spec {
                    Some(Spec::InformationAsset(ia)) => Some(enum_text(&ia.classification)),
                    _ => None,
                });
            assets.rows.push(vec![
                cell(title_of(&d.asset.value.id())),
                cell(class.unwrap_or_default()),
                cell(enum_text(&d.role)),
            ]);
        }
    }
    // Suppliers and contracts.
    let mut suppliers = Table::new(
        &format!("suppliers-{}", n.name),
        "Suppliers and contracts",
        &["Supplier", "Contract", "Annual value", "Ends"],
        &[false, false, true, false],
    );
    for ct in model.neighbours(s, Direction::Outgoing, &[EdgeKind::CoveredBy]) {
        if let Some(Spec::Contract(x)) = &model.node(ct).spec {
            let annual = x.annual_value.as_ref().map(|m| m.0).unwrap_or(x.value.0);
            suppliers.rows.push(vec![
                cell(title_of(&x.supplier.value.id())),
                cell(title_of(&model.node(ct).id)),
                num(f.money_dec(annual), annual.to_f64().unwrap_or(0.0)),
                cell(x.end.value.to_string()),
            ]);
        }
    }
    if suppliers.rows.is_empty() {
        for sup in model.neighbours(s, Direction::Outgoing, &[EdgeKind::SuppliedBy]) {
            suppliers.rows.push(vec![
                cell(title_of(&model.node(sup).id)),
                cell("No contract recorded"),
                num(String::new(), 0.0),
                cell(""),
            ]);
        }
    }
    // Carbon by method.
    let mut carbon = Table::new(
        &format!("carbon-{}", n.name),
        "Carbon by item and method",
        &["Item", "Method", "Quality", "Low", "Central", "High"],
        &[false, false, false, true, true, true],
    );
    let items = carbon_by_system.get(n.id.as_str());
    for it in items.into_iter().flatten() {
        let r = it.co2e(Basis::Location);
        carbon.rows.push(vec![
            cell(title_of(&it.id)),
            cell(it.method),
            cell(enum_text(&it.quality)),
            num(co2(r.low), r.low),
            num(co2(r.central), r.central),
            num(co2(r.high), r.high),
        ]);
    }
    let cs = co2_range(items);
    c.insert(
        "numbers",
        &json!({
            "spend_billed": spend.map(|x| f.money_dec(x.0)),
            "spend_effective": spend.map(|x| f.money_dec(x.1)),
            "co2": co2(cs.1),
            "co2_range": format!("{} – {}", co2(cs.0), co2(cs.2)),
        }),
    );
    let mut fs = Table::new(
        &format!("findings-{}", n.name),
        "Policy findings",
        &["Severity", "Rule", "Finding"],
        &[false; 3],
    );
    for fd in findings
        .get(n.id.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        fs.rows.push(vec![
            Cell {
                text: fd.severity.as_str().into(),
                class: Some(format!("sev-{}", fd.severity.as_str())),
                ..Default::default()
            },
            cell(fd.rule.clone()),
            cell(fd.message.clone()),
        ]);
    }
    c.insert(
        "context",
        &super::diagram::context_svg(model, s, &|id| system_page(id).map(|p| format!("../{p}"))),
    );
    let mut own = vec![techs, hosting, integ, assets, suppliers, carbon, fs];
    for t in &mut own {
        t.export = false;
    }
    c.insert("tables", &own);
    Page {
        path: format!("systems/{}.html", file_name(&n.name)),
        template: "system.html",
        context: c,
    }
}

/// Write the site into `dir` (its parent created): files go to a temporary
/// sibling directory first, which then replaces `dir` in one rename.
impl Staged {
    /// A temporary directory beside `dir` (the report's destination).
    pub fn new(dir: &Path) -> std::io::Result<Staged> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".report-")
            .tempdir_in(&parent)?;
        Ok(Staged {
            parent,
            tmp,
            files: Default::default(),
            bytes: Default::default(),
        })
    }

    /// Write one file of the report (any thread).
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.put_with(path, |w| w.write_all(bytes))
    }

    /// Write one file of the report through `write` (streamed, never whole in memory).
    pub fn put_with(
        &self,
        path: &str,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<(), String> {
        use std::sync::atomic::Ordering::Relaxed;
        let p = self.tmp.path().join(path);
        let written = (|| {
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d)?;
            }
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&p)?);
            write(&mut w)?;
            w.flush()?;
            w.get_ref().metadata().map(|m| m.len())
        })();
        let bytes = written.map_err(|e| format!("writing {}: {e}", p.display()))?;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
        Ok(())
    }

    /// Files and bytes written so far.
    pub fn written(&self) -> (usize, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.files.load(Relaxed), self.bytes.load(Relaxed))
    }

    /// Put the finished report in place of `dir`'s previous one.
    pub fn publish(self, dir: &Path) -> std::io::Result<()> {
        let staged = self.tmp.keep();
        if dir.exists() {
            let old = self
                .parent
                .join(format!(".report-old-{}", std::process::id()));
            std::fs::rename(dir, &old)?;
            if let Err(e) = std::fs::rename(&staged, dir) {
                // Put the previous report back rather than leave none.
                let _ = std::fs::rename(&old, dir);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)?;
        } else {
            std::fs::rename(&staged, dir)?;
        }
        Ok(())
    }
}

fn range_text(r: crate::assess::carbon::Range) -> String {
    format!("{} ({} – {})", co2(r.central), co2(r.low), co2(r.high))
}

/// Each roadmap's headline, charts and tables (also exported as CSV).
fn roadmap_context(
    all: &[crate::plan::roadmap::Outcome],
    currency: &str,
    f: &Fmt,
) -> (Vec<Value>, Vec<Table>) {
    use crate::report::svg;
    let mut list = Vec::new();
    let mut tables = Vec::new();
    let money = |d: Decimal| super::money(currency, d, 0, false);
    let signed = |d: Decimal| super::money(currency, d, 0, true);
    for o in all {
        let key = file_name(&o.name);
        let labels: Vec<String> = o.trajectory.iter().map(|q| q.quarter.clone()).collect();
        // Baseline (dashed) and plan over the quarters, each with an optional band.
        type Bounds = dyn Fn(&crate::plan::roadmap::Point) -> (f64, f64);
        let pair = |value: &dyn Fn(&crate::plan::roadmap::Point) -> f64,
                    band: Option<&Bounds>,
                    plan_name: &str| {
            [(true, "Baseline"), (false, plan_name)].map(|(is_base, name)| {
                let pick =
                    |q: &crate::plan::roadmap::Quarter| if is_base { q.baseline } else { q.plan };
                svg::Series {
                    name: name.into(),
                    values: o.trajectory.iter().map(|q| value(&pick(q))).collect(),
                    band: band.map(|b| o.trajectory.iter().map(|q| b(&pick(q))).collect()),
                    dashed: is_base,
                }
            })
        };
        let spend_chart = svg::lines(
            &format!("{}: spend a year, baseline and plan", o.title),
            &labels,
            &pair(&|p| p.spend.to_f64().unwrap_or(0.0), None, "Plan"),
            false,
            &|v| f.money(v),
        );
        let carbon_chart = svg::lines(
            &format!(
                "{}: tCO2e a year, baseline and plan with their ranges",
                o.title
            ),
            &labels,
            &pair(
                &|p| p.co2e_kg.central,
                Some(&|p| (p.co2e_kg.low, p.co2e_kg.high)),
                "Plan (low–high band)",
            ),
            false,
            &co2,
        );
        let phases: Vec<(String, chrono::NaiveDate, chrono::NaiveDate)> = o
            .phases
            .iter()
            .map(|p| (p.name.clone(), p.start, p.end))
            .collect();
        let marks: Vec<(chrono::NaiveDate, String)> = o
            .actions
            .iter()
            .map(|a| (a.date, format!("{} {}", a.action, a.targets.join(", "))))
            .collect();
        let timeline = svg::timeline(&format!("{}: phases and actions", o.title), &phases, &marks);
        let mut pt = Table::new(
            &format!("roadmap-{key}-phases"),
            "Phases",
            &[
                "Phase",
                "From",
                "To",
                "One-off",
                "Spend a year at end",
                "CO2e a year at end",
                "New policy findings",
            ],
            &[false, false, false, true, true, true, true],
        );
        for p in &o.phases {
            pt.rows.push(vec![
                cell(p.name.clone()),
                cell(p.start.to_string()),
                cell(p.end.to_string()),
                num(
                    money(p.one_off_cost),
                    p.one_off_cost.to_f64().unwrap_or(0.0),
                ),
                num(
                    money(p.at_end.spend),
                    p.at_end.spend.to_f64().unwrap_or(0.0),
                ),
                num(range_text(p.at_end.co2e_kg), p.at_end.co2e_kg.central),
                num(
                    p.new_findings.len().to_string(),
                    p.new_findings.len() as f64,
                ),
            ]);
        }
        let mut at = Table::new(
            &format!("roadmap-{key}-actions"),
            "Actions",
            &[
                "#",
                "Date",
                "Phase",
                "Action",
                "Targets",
                "Detail",
                "One-off",
                "Spend a year",
                "kgCO2e a year",
                "Note",
            ],
            &[
                true, false, false, false, false, false, true, true, true, false,
            ],
        );
        for (n, a) in o.actions.iter().enumerate() {
            at.rows.push(vec![
                num((n + 1).to_string(), (n + 1) as f64),
                cell(a.date.to_string()),
                cell(a.phase.clone()),
                cell(a.action),
                cell(a.targets.join(", ")),
                cell(a.detail.clone()),
                num(
                    money(a.one_off_cost),
                    a.one_off_cost.to_f64().unwrap_or(0.0),
                ),
                num(signed(a.spend_delta), a.spend_delta.to_f64().unwrap_or(0.0)),
                num(
                    thousands(a.co2e_delta_kg.central, 0),
                    a.co2e_delta_kg.central,
                ),
                cell(a.note.clone().unwrap_or_default()),
            ]);
        }
        let mut tt = Table::new(
            &format!("roadmap-{key}-trajectory"),
            "Trajectory by quarter",
            &[
                "Quarter",
                "Spend a year (plan)",
                "tCO2e a year (plan)",
                "Low",
                "High",
                "One-off to date",
                "Saved to date",
                "CO2e avoided",
            ],
            &[false, true, true, true, true, true, true, true],
        );
        for q in &o.trajectory {
            tt.rows.push(vec![
                cell(q.quarter.clone()),
                num(money(q.plan.spend), q.plan.spend.to_f64().unwrap_or(0.0)),
                num(co2(q.plan.co2e_kg.central), q.plan.co2e_kg.central),
                num(co2(q.plan.co2e_kg.low), q.plan.co2e_kg.low),
                num(co2(q.plan.co2e_kg.high), q.plan.co2e_kg.high),
                num(
                    money(q.one_off_to_date),
                    q.one_off_to_date.to_f64().unwrap_or(0.0),
                ),
                num(
                    signed(q.saved_to_date),
                    q.saved_to_date.to_f64().unwrap_or(0.0),
                ),
                num(co2(q.co2e_avoided_kg), q.co2e_avoided_kg),
            ]);
        }
        let mut wt = Table::new(
            &format!("roadmap-{key}-warnings"),
            "Warnings",
            &["Date", "Phase", "Kind", "Warning"],
            &[false; 4],
        );
        for w in &o.warnings {
            wt.rows.push(vec![
                cell(w.date.to_string()),
                cell(w.phase.clone()),
                cell(w.kind),
                cell(w.message.clone()),
            ]);
        }
        let mut ft = Table::new(
            &format!("roadmap-{key}-findings"),
            "Policies each phase's end state breaks (not broken at the baseline)",
            &["Phase", "Severity", "Rule", "Node", "Finding"],
            &[false; 5],
        );
        for p in &o.phases {
            for fd in &p.new_findings {
                ft.rows.push(vec![
                    cell(p.name.clone()),
                    Cell {
                        text: fd.severity.clone(),
                        class: Some(format!("sev-{}", fd.severity)),
                        ..Default::default()
                    },
                    cell(fd.rule.clone()),
                    cell(fd.id.clone()),
                    cell(fd.message.clone()),
                ]);
            }
        }
        let payback = match &o.payback {
            Some(p) if p.after_roadmap => format!(
                "{} ({} months; after the roadmap, at its final run-rate)",
                p.date, p.months
            ),
            Some(p) => format!("{} ({} months)", p.date, p.months),
            None if o.one_off_total.is_zero() => "no one-off costs".into(),
            None => "never".into(),
        };
        list.push(json!({
            "name": o.name,
            "title": o.title,
            "description": o.description,
            "period": o.period,
            "baseline_spend": money(o.baseline.spend),
            "end_spend": money(o.at_end.spend),
            "saving": signed(-o.annual_saving),
            "one_off": money(o.one_off_total),
            "payback": payback,
            "baseline_co2e": range_text(o.baseline.co2e_kg),
            "end_co2e": range_text(o.at_end.co2e_kg),
            "reduction": co2(o.co2e_reduction_kg.central),
            "timeline": timeline,
            "spend_chart": spend_chart,
            "carbon_chart": carbon_chart,
            "phases": pt,
            "actions": at,
            "trajectory": tt,
            "warnings": wt,
            "findings": ft,
            "assumptions": o.assumptions,
        }));
        tables.extend([pt, at, tt, wt, ft]);
    }
    (list, tables)
}

/// Roadmaps side by side.
fn roadmap_comparison(all: &[crate::plan::roadmap::Outcome], currency: &str) -> Table {
    let money = |d: Decimal| super::money(currency, d, 0, false);
    let mut cols = vec!["".to_string()];
    cols.extend(all.iter().map(|o| o.title.clone()));
    let cols_ref: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut numeric = vec![false];
    numeric.extend(all.iter().map(|_| true));
    let mut t = Table::new(
        "roadmap-comparison",
        "Roadmaps side by side",
        &cols_ref,
        &numeric,
    );
    let each = |f: &dyn Fn(&crate::plan::roadmap::Outcome) -> String| -> Vec<String> {
        all.iter().map(f).collect()
    };
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("One-off costs", each(&|o| money(o.one_off_total))),
        ("Spend a year when done", each(&|o| money(o.at_end.spend))),
        ("Saving a year", each(&|o| money(o.annual_saving))),
        (
            "Payback",
            each(&|o| {
                o.payback
                    .as_ref()
                    .map(|p| p.date.to_string())
                    .unwrap_or_else(|| "never".into())
            }),
        ),
        (
            "tCO2e a year when done",
            each(&|o| range_text(o.at_end.co2e_kg)),
        ),
        (
            "Carbon reduction a year",
            each(&|o| co2(o.co2e_reduction_kg.central)),
        ),
        ("Warnings", each(&|o| o.warnings.len().to_string())),
    ];
    for (label, values) in rows {
        let mut r = vec![cell(label)];
        r.extend(values.into_iter().map(cell));
        t.rows.push(r);
    }
    t
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

    #[test]
    fn shipped_templates_parse() {
        super::templates(None).unwrap();
    }
}
