//! Building the graph from a loaded inventory.
//!
//! Each kind's references are listed once, in [`links`], with the kinds they
//! may point at and the edge they make; resolving them and adding the edges
//! happen in one pass, so a reference is checked exactly where it becomes an
//! edge. Value checks that types cannot express (ranges, date order, country
//! codes, cycles in `parent` chains) follow; everything is reported together.

use std::collections::{HashMap, HashSet};

use serde_saphyr::Spanned;

use super::{Edge, EdgeKind, Model, Node, Provenance, Time};
use crate::diagnostic::{Diagnostic, Diagnostics, Loc};
use crate::inventory::kinds::*;
use crate::inventory::scalar::did_you_mean;
use crate::inventory::{Entity, Inventory, Kind, Ref, Spec};

/// One reference inside an entity.
struct Link<'a> {
    field: &'static str,
    target: &'a Spanned<Ref>,
    expects: &'static [Kind],
    /// The edge it makes (from the entity to the target unless `reverse`).
    edge: Option<EdgeKind>,
    reverse: bool,
    label: Option<String>,
}

fn link<'a>(
    field: &'static str,
    target: &'a Spanned<Ref>,
    expects: &'static [Kind],
    edge: Option<EdgeKind>,
) -> Link<'a> {
    Link {
        field,
        target,
        expects,
        edge,
        reverse: false,
        label: None,
    }
}

const TEAM: &[Kind] = &[Kind::Team];
const DOMAIN: &[Kind] = &[Kind::Domain];
const CAPABILITY: &[Kind] = &[Kind::Capability];
const SYSTEM: &[Kind] = &[Kind::System];
const SUPPLIER: &[Kind] = &[Kind::Supplier];
const CONTRACT: &[Kind] = &[Kind::Contract];
const COST_CENTRE: &[Kind] = &[Kind::CostCentre];
const TECHNOLOGY: &[Kind] = &[Kind::Technology];
const ASSET: &[Kind] = &[Kind::InformationAsset];
const SITE: &[Kind] = &[Kind::Site];
const RESOURCE: &[Kind] = &[Kind::Resource];
const FLEET: &[Kind] = &[Kind::DeviceFleet];
const SYSTEM_OR_RESOURCE: &[Kind] = &[Kind::System, Kind::Resource];

fn opt<'a>(
    v: &mut Vec<Link<'a>>,
    field: &'static str,
    t: &'a Option<Spanned<Ref>>,
    expects: &'static [Kind],
    edge: Option<EdgeKind>,
) {
    if let Some(t) = t {
        v.push(link(field, t, expects, edge));
    }
}

/// Every reference an entity makes, with what it must point at and the edge it makes.
fn links(spec: &Spec) -> Vec<Link<'_>> {
    use EdgeKind::*;
    let mut v = Vec::new();
    match spec {
        Spec::Domain(s) => {
            opt(&mut v, "parent", &s.parent, DOMAIN, Some(PartOf));
            opt(&mut v, "owner", &s.owner, TEAM, Some(OwnedBy));
        }
        Spec::Capability(s) => {
            opt(&mut v, "parent", &s.parent, CAPABILITY, Some(PartOf));
            opt(&mut v, "domain", &s.domain, DOMAIN, Some(PartOf));
        }
        Spec::Team(s) => opt(&mut v, "parent", &s.parent, TEAM, Some(PartOf)),
        Spec::System(s) => {
            opt(&mut v, "owner", &s.owner, TEAM, Some(OwnedBy));
            opt(&mut v, "domain", &s.domain, DOMAIN, Some(PartOf));
            v.extend(
                s.capabilities
                    .iter()
                    .map(|t| link("capabilities", t, CAPABILITY, Some(Supports))),
            );
            opt(&mut v, "supplier", &s.supplier, SUPPLIER, Some(SuppliedBy));
            opt(&mut v, "contract", &s.contract, CONTRACT, Some(CoveredBy));
            opt(
                &mut v,
                "cost_centre",
                &s.cost_centre,
                COST_CENTRE,
                Some(ChargedTo),
            );
            v.extend(
                s.technologies
                    .iter()
                    .map(|t| link("technologies", t, TECHNOLOGY, Some(Uses))),
            );
            v.extend(s.data.iter().map(|d| Link {
                label: Some(match d.role {
                    DataRole::Master => "master".into(),
                    DataRole::Copy => "copy".into(),
                }),
                ..link("data.asset", &d.asset, ASSET, Some(Holds))
            }));
            v.extend(
                s.depends_on
                    .iter()
                    .map(|t| link("depends_on", t, SYSTEM_OR_RESOURCE, Some(DependsOn))),
            );
            opt(&mut v, "part_of", &s.part_of, SYSTEM, Some(PartOf));
        }
        Spec::Integration(s) => {
            v.push(Link {
                label: Some("from".into()),
                ..link("from", &s.from, SYSTEM, Some(IntegratesWith))
            });
            v.push(Link {
                label: Some("to".into()),
                ..link("to", &s.to, SYSTEM, Some(IntegratesWith))
            });
            v.extend(s.data.iter().map(|t| link("data", t, ASSET, Some(Holds))));
        }
        Spec::InformationAsset(s) => opt(&mut v, "owner", &s.owner, TEAM, Some(OwnedBy)),
        Spec::Supplier(_) => {}
        Spec::Contract(s) => {
            v.push(link("supplier", &s.supplier, SUPPLIER, Some(SuppliedBy)));
            opt(
                &mut v,
                "cost_centre",
                &s.cost_centre,
                COST_CENTRE,
                Some(ChargedTo),
            );
        }
        Spec::CostCentre(s) => {
            opt(&mut v, "parent", &s.parent, COST_CENTRE, Some(PartOf));
            opt(&mut v, "owner", &s.owner, TEAM, Some(OwnedBy));
        }
        Spec::Site(s) => opt(&mut v, "supplier", &s.supplier, SUPPLIER, Some(SuppliedBy)),
        Spec::Resource(s) => {
            opt(&mut v, "site", &s.site, SITE, Some(HostedIn));
            if let Some(t) = &s.system {
                v.push(Link {
                    reverse: true,
                    ..link("system", t, SYSTEM, Some(RunsOn))
                });
            }
            opt(&mut v, "host", &s.host, RESOURCE, Some(RunsOn));
            v.extend(
                s.technologies
                    .iter()
                    .map(|t| link("technologies", t, TECHNOLOGY, Some(Uses))),
            );
            opt(
                &mut v,
                "cost_centre",
                &s.cost_centre,
                COST_CENTRE,
                Some(ChargedTo),
            );
        }
        Spec::DeviceFleet(s) => {
            opt(&mut v, "site", &s.site, SITE, Some(HostedIn));
            opt(&mut v, "owner", &s.owner, TEAM, Some(OwnedBy));
            opt(
                &mut v,
                "cost_centre",
                &s.cost_centre,
                COST_CENTRE,
                Some(ChargedTo),
            );
            opt(&mut v, "supplier", &s.supplier, SUPPLIER, Some(SuppliedBy));
        }
        Spec::Technology(s) => opt(&mut v, "vendor", &s.vendor, SUPPLIER, Some(SuppliedBy)),
        Spec::Mapping(s) => {
            for r in &s.rules {
                opt(&mut v, "rules.system", &r.system, SYSTEM, None);
                v.extend(
                    r.split
                        .iter()
                        .map(|sh| link("rules.split.system", &sh.system, SYSTEM, None)),
                );
            }
        }
        Spec::Roadmap(s) => {
            for a in s.phases.iter().flat_map(|p| &p.actions) {
                v.extend(a.systems.iter().map(|t| link("systems", t, SYSTEM, None)));
                v.extend(
                    a.resources
                        .iter()
                        .map(|t| link("resources", t, RESOURCE, None)),
                );
                v.extend(a.fleets.iter().map(|t| link("fleets", t, FLEET, None)));
                // A site action moves what a closed site hosts `into` another site.
                let into = if a.action.value == ActionKind::Site {
                    SITE
                } else {
                    SYSTEM
                };
                opt(&mut v, "into", &a.into, into, None);
                opt(&mut v, "supplier", &a.supplier, SUPPLIER, None);
                opt(&mut v, "site", &a.site, SITE, None);
            }
        }
    }
    v
}

/// Build the model from an inventory, with every problem found on the way.
pub fn build(inv: Inventory) -> (Model, Diagnostics) {
    let Inventory {
        entities,
        sources,
        mut diagnostics,
        ..
    } = inv;
    let mut model = Model {
        sources,
        ..Model::default()
    };
    let mut kept: Vec<(usize, petgraph::stable_graph::NodeIndex)> =
        Vec::with_capacity(entities.len());
    let mut names_by_kind: HashMap<Kind, Vec<&str>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let id = e.id();
        if model.index.contains_key(id.as_str()) {
            continue; // a duplicate, already reported by the loader
        }
        names_by_kind.entry(e.kind).or_default().push(e.name());
        let idx = model.add_node(node_of(e));
        kept.push((i, idx));
    }
    for &(i, from) in &kept {
        let e = &entities[i];
        for l in links(&e.spec) {
            let at = e.loc_of(l.target);
            let r = &l.target.value;
            if !l.expects.contains(&r.kind) {
                let wanted = l
                    .expects
                    .iter()
                    .map(|k| format!("`{}:…`", k.prefix()))
                    .collect::<Vec<_>>()
                    .join(" or ");
                diagnostics.push(Diagnostic::error(
                    at,
                    format!("`{}` must reference {wanted}, found `{r}`", l.field),
                ));
                continue;
            }
            let Some(to) = model.get(&r.id()) else {
                let names = names_by_kind
                    .get(&r.kind)
                    .map(|v| v.as_slice())
                    .unwrap_or(&[]);
                let help = did_you_mean(&r.name, names.iter().copied())
                    .map(|n| format!("did you mean `{}:{n}`?", r.kind.prefix()));
                diagnostics.push(
                    Diagnostic::error(
                        at,
                        format!(
                            "dangling reference `{r}`: no {} named `{}` is declared",
                            r.kind, r.name
                        ),
                    )
                    .with_label("not declared")
                    .maybe_help(help.or_else(|| {
                        Some(format!(
                            "declare `kind: {}` with `name: {}` in a file under the inventory",
                            r.kind, r.name
                        ))
                    })),
                );
                continue;
            };
            let Some(kind) = l.edge else { continue };
            let (a, b) = if l.reverse { (to, from) } else { (from, to) };
            model.graph.add_edge(
                a,
                b,
                Edge {
                    kind,
                    label: l.label,
                },
            );
        }
        check_values(e, &mut diagnostics);
    }
    add_integration_edges(&mut model);
    add_regions(&mut model);
    check_cycles(&model, &mut diagnostics);
    check_roadmaps(&entities, &mut diagnostics);
    diagnostics.sort();
    (model, diagnostics)
}

fn node_of(e: &Entity) -> Node {
    let time = match &e.spec {
        Spec::System(s) => match (&s.functional_fit, &s.technical_fit) {
            (Some(f), Some(t)) if (1..=4).contains(&f.value) && (1..=4).contains(&t.value) => {
                Some(Time::from_fit(f.value, t.value))
            }
            _ => None,
        },
        _ => None,
    };
    let source = if e.metadata.annotations.contains_key("backstage.io/entity") {
        "backstage"
    } else {
        "inventory"
    };
    Node {
        id: e.id().into(),
        kind: e.kind,
        name: e.name().to_string(),
        title: e.metadata.title.clone(),
        description: e.metadata.description.clone(),
        tags: e.metadata.tags.clone(),
        labels: e.metadata.labels.clone(),
        annotations: e.metadata.annotations.clone(),
        provenance: Provenance {
            source: source.into(),
            loc: e.loc,
            file: Some(e.file),
            line_offset: e.line_offset,
        },
        spec: Some(e.spec.clone()),
        time,
    }
}

/// An integration also links its two systems directly, labelled with the integration.
fn add_integration_edges(model: &mut Model) {
    let mut add = Vec::new();
    for idx in model.nodes_of(Kind::Integration) {
        if let Some(Spec::Integration(s)) = &model.graph[idx].spec
            && let (Some(a), Some(b)) = (model.get(&s.from.value.id()), model.get(&s.to.value.id()))
            && a != b
        {
            add.push((a, b, model.graph[idx].id.to_string()));
        }
    }
    for (a, b, via) in add {
        model.graph.add_edge(
            a,
            b,
            Edge {
                kind: EdgeKind::IntegratesWith,
                label: Some(via),
            },
        );
    }
}

/// Cloud resources are `hosted_in` a derived `region:<provider>:<region>` node.
fn add_regions(model: &mut Model) {
    for idx in model.nodes_of(Kind::Resource) {
        let Some(Spec::Resource(r)) = &model.graph[idx].spec else {
            continue;
        };
        let (Some(region), false) = (&r.region, matches!(r.provider, Provider::OnPrem)) else {
            continue;
        };
        let (provider, region) = (r.provider, region.value.clone());
        let region_idx = region_node(model, provider, &region);
        model.graph.add_edge(
            idx,
            region_idx,
            Edge {
                kind: EdgeKind::HostedIn,
                label: None,
            },
        );
    }
}

fn country_ok(c: &str) -> bool {
    // `UK` is only reserved in ISO 3166; the United Kingdom is `GB`.
    c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) && c != "UK"
}

/// Checks of values a type cannot express.
fn check_values(e: &Entity, ds: &mut Diagnostics) {
    let mut err = |at: Option<Loc>, msg: String| ds.push(Diagnostic::error(at, msg));
    let range_f = |err: &mut dyn FnMut(Option<Loc>, String),
                   field: &str,
                   v: &Option<Spanned<f64>>,
                   lo: f64,
                   hi: f64| {
        if let Some(v) = v
            && !(lo..=hi).contains(&v.value)
        {
            err(
                e.loc_of(v),
                format!("`{field}` must be between {lo} and {hi}, found {}", v.value),
            );
        }
    };
    let country = |err: &mut dyn FnMut(Option<Loc>, String), field: &str, v: &Spanned<String>| {
        if !country_ok(&v.value) {
            err(
                e.loc_of(v),
                format!(
                    "`{field}` must be a two-letter ISO country code such as GB, found `{}`",
                    v.value
                ),
            );
        }
    };
    match &e.spec {
        Spec::Capability(s) => {
            if let Some(l) = &s.level
                && !(1..=3).contains(&l.value)
            {
                err(
                    e.loc_of(l),
                    format!("`level` must be 1, 2 or 3, found {}", l.value),
                );
            }
        }
        Spec::System(s) => {
            for (field, fit) in [
                ("functional_fit", &s.functional_fit),
                ("technical_fit", &s.technical_fit),
            ] {
                if let Some(f) = fit
                    && !(1..=4).contains(&f.value)
                {
                    err(
                        e.loc_of(f),
                        format!("`{field}` must be 1 to 4, found {}", f.value),
                    );
                }
            }
            if let Some(c) = &s.data_location {
                country(&mut err, "data_location", c);
            }
            if let Some(Lifecycle {
                start: Some(a),
                end_of_life: Some(b),
                ..
            }) = &s.lifecycle
                && b.value < a.value
            {
                err(
                    e.loc_of(b),
                    format!("`end_of_life` {} is before `start` {}", b.value, a.value),
                );
            }
            if let Some(p) = &s.part_of
                && p.value.name == e.name()
            {
                err(e.loc_of(p), "a system cannot be `part_of` itself".into());
            }
        }
        Spec::Integration(s) if s.from.value == s.to.value => {
            err(
                e.loc_of(&s.to),
                format!(
                    "an integration must join two different systems; `from` and `to` are both `{}`",
                    s.to.value
                ),
            );
        }
        Spec::Supplier(s) => {
            if let Some(c) = &s.country {
                country(&mut err, "country", c);
            }
        }
        Spec::Contract(s) => {
            if s.end.value < s.start.value {
                err(
                    e.loc_of(&s.end),
                    format!("`end` {} is before `start` {}", s.end.value, s.start.value),
                );
            }
            if let Some(c) = &s.currency
                && !(c.value.len() == 3 && c.value.bytes().all(|b| b.is_ascii_uppercase()))
            {
                err(
                    e.loc_of(c),
                    format!(
                        "`currency` must be a three-letter ISO 4217 code such as GBP, found `{}`",
                        c.value
                    ),
                );
            }
        }
        Spec::Site(s) => {
            country(&mut err, "country", &s.country);
            range_f(&mut err, "pue", &s.pue, 1.0, 5.0);
            range_f(&mut err, "renewable_share", &s.renewable_share, 0.0, 1.0);
        }
        Spec::Resource(r) => {
            range_f(&mut err, "utilisation", &r.utilisation, 0.0, 1.0);
            range_f(&mut err, "hours", &r.hours, 0.0, 8784.0);
            if let Some(c) = &r.count
                && c.value == 0
            {
                err(e.loc_of(c), "`count` must be at least 1".into());
            }
            match (r.provider, &r.region, &r.site) {
                (Provider::OnPrem, Some(region), _) => err(
                    e.loc_of(region),
                    "an on-prem resource names its `site`, not a `region`".into(),
                ),
                (Provider::Aws | Provider::Azure | Provider::Gcp, None, None) => {
                    ds.push(Diagnostic::warning(
                        e.loc,
                        format!(
                            "cloud resource `{}` has no `region`; its carbon cannot be located",
                            e.name()
                        ),
                    ))
                }
                _ => {}
            }
        }
        Spec::DeviceFleet(f) => {
            let y = &f.purchase_year;
            if !(1980..=2100).contains(&y.value) {
                err(
                    e.loc_of(y),
                    format!(
                        "`purchase_year` must be a four-digit year, found {}",
                        y.value
                    ),
                );
            }
        }
        Spec::Mapping(m) => {
            for r in &m.rules {
                match (&r.system, r.split.is_empty()) {
                    (Some(_), false) => err(
                        e.loc_of(&r.matches),
                        "a mapping rule names either `system` or `split`, not both".into(),
                    ),
                    (None, true) => err(
                        e.loc_of(&r.matches),
                        "a mapping rule needs a `system` (or a `split` of a shared resource)"
                            .into(),
                    ),
                    _ => {}
                }
                for sh in &r.split {
                    if !(sh.weight.value > 0.0 && sh.weight.value.is_finite()) {
                        err(
                            e.loc_of(&sh.weight),
                            format!("a split weight must be positive, found {}", sh.weight.value),
                        );
                    }
                }
            }
        }
        Spec::Roadmap(r) => {
            for p in &r.phases {
                if p.end.value < p.start.value {
                    err(
                        e.loc_of(&p.end),
                        format!(
                            "phase `{}` ends ({}) before it starts ({})",
                            p.name, p.end.value, p.start.value
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

/// Cycles in `parent` chains (domains, capabilities, teams, cost centres) and in `part_of` between systems.
fn check_cycles(model: &Model, ds: &mut Diagnostics) {
    let mut reported: HashSet<String> = HashSet::new();
    for kind in [
        Kind::Domain,
        Kind::Capability,
        Kind::Team,
        Kind::CostCentre,
        Kind::System,
    ] {
        for start in model.nodes_of(kind) {
            let mut chain = vec![start];
            let mut cur = start;
            loop {
                let next = model
                    .graph
                    .edges_directed(cur, petgraph::Direction::Outgoing)
                    .find(|e| {
                        e.weight().kind == EdgeKind::PartOf
                            && model.graph[petgraph::visit::EdgeRef::target(e)].kind == kind
                    })
                    .map(|e| petgraph::visit::EdgeRef::target(&e));
                let Some(next) = next else { break };
                if let Some(pos) = chain.iter().position(|n| *n == next) {
                    let cycle: Vec<&str> = chain[pos..]
                        .iter()
                        .map(|n| model.graph[*n].id.as_str())
                        .collect();
                    let mut key: Vec<&str> = cycle.clone();
                    key.sort();
                    if reported.insert(key.join(",")) {
                        let field = if kind == Kind::System {
                            "part_of"
                        } else {
                            "parent"
                        };
                        let first = &model.graph[chain[pos]];
                        let path = cycle
                            .iter()
                            .chain(std::iter::once(&cycle[0]))
                            .copied()
                            .collect::<Vec<_>>()
                            .join(" → ");
                        ds.push(Diagnostic::error(
                            first.provenance.loc,
                            format!("cycle in `{field}`: {path}"),
                        ));
                    }
                    break;
                }
                chain.push(next);
                cur = next;
            }
        }
    }
}

/// Roadmap actions name the fields their action needs.
fn check_roadmaps(entities: &[Entity], ds: &mut Diagnostics) {
    for e in entities {
        let Spec::Roadmap(r) = &e.spec else { continue };
        for p in &r.phases {
            for a in &p.actions {
                let at = e.loc_of(&a.action);
                let need = |ok: bool, what: &str, ds: &mut Diagnostics| {
                    if !ok {
                        ds.push(Diagnostic::error(
                            at,
                            format!("a `{}` action needs {what}", a.action.value.as_str()),
                        ));
                    }
                };
                match a.action.value {
                    ActionKind::Retire => need(
                        !a.systems.is_empty() || !a.resources.is_empty(),
                        "`systems` or `resources`",
                        ds,
                    ),
                    ActionKind::Migrate => {
                        need(
                            !a.systems.is_empty() || !a.resources.is_empty(),
                            "`systems` or `resources`",
                            ds,
                        );
                        need(a.to.is_some(), "a target `to`", ds);
                    }
                    ActionKind::Consolidate => {
                        need(!a.systems.is_empty(), "the `systems` to consolidate", ds);
                        need(a.into.is_some(), "the surviving system `into`", ds);
                    }
                    ActionKind::Replace => {
                        need(!a.systems.is_empty(), "the `systems` replaced", ds);
                        need(a.supplier.is_some(), "the `supplier` replacing them", ds);
                    }
                    ActionKind::Rightsize => {
                        need(!a.resources.is_empty(), "`resources`", ds);
                        need(a.instance_type.is_some(), "the new `instance_type`", ds);
                    }
                    ActionKind::Site => need(a.site.is_some(), "a `site`", ds),
                    ActionKind::Devices => need(!a.fleets.is_empty(), "`fleets`", ds),
                }
                if let Some(d) = &a.date
                    && (d.value < p.start.value || d.value > p.end.value)
                {
                    ds.push(Diagnostic::warning(
                        e.loc_of(d),
                        format!(
                            "action date {} is outside its phase `{}` ({} to {})",
                            d.value, p.name, p.start.value, p.end.value
                        ),
                    ));
                }
            }
        }
    }
}

/// The derived node of a cloud region, added if the model has none yet.
pub fn region_node(
    model: &mut Model,
    provider: Provider,
    region: &str,
) -> petgraph::stable_graph::NodeIndex {
    let id = format!("region:{}:{}", provider.as_str(), region);
    if let Some(i) = model.get(&id) {
        return i;
    }
    let info = super::regions::lookup(provider.as_str(), region);
    model.add_node(Node {
        id: id.clone().into(),
        kind: Kind::Region,
        name: format!("{}:{}", provider.as_str(), region),
        title: Some(match info {
            Some(i) => format!("{} {} ({})", provider.as_str(), region, i.location),
            None => format!("{} {}", provider.as_str(), region),
        }),
        description: None,
        tags: Vec::new(),
        labels: info
            .map(|i| {
                [("country", &i.country), ("jurisdiction", &i.jurisdiction)]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        annotations: Default::default(),
        provenance: Provenance {
            source: "derived".into(),
            ..Provenance::default()
        },
        spec: None,
        time: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::load::load_text;

    fn model_of(text: &str) -> (Model, Vec<String>) {
        let mut inv = Inventory::default();
        let mut bs = Vec::new();
        load_text(&mut inv, "t.yaml".into(), text.to_string(), &mut bs);
        let (m, ds) = build(inv);
        let msgs = ds
            .items
            .iter()
            .map(|d| {
                format!(
                    "{}: {}",
                    d.loc
                        .map(|l| format!("{}:{}", l.line, l.column))
                        .unwrap_or_default(),
                    d.message
                )
            })
            .collect();
        (m, msgs)
    }

    const DOC: &str = "apiVersion: estate/v1\n";

    #[test]
    fn dangling_and_wrongly_kinded_references_are_located() {
        let text = format!(
            "{DOC}kind: Team\nmetadata: {{name: crm-team}}\n---\n{DOC}kind: System\nmetadata: {{name: crm}}\nspec:\n  owner: system:crm\n  depends_on: [system:crn, system:gis]\n"
        );
        let (_, msgs) = model_of(&text);
        assert_eq!(
            msgs,
            vec![
                "9:10: `owner` must reference `team:…`, found `system:crm`",
                "10:16: dangling reference `system:crn`: no System named `crn` is declared",
                "10:28: dangling reference `system:gis`: no System named `gis` is declared",
            ]
        );
    }

    #[test]
    fn parent_cycles_are_errors() {
        let text = format!(
            "{DOC}kind: Domain\nmetadata: {{name: a}}\nspec: {{parent: domain:b}}\n---\n{DOC}kind: Domain\nmetadata: {{name: b}}\nspec: {{parent: domain:a}}\n"
        );
        let (_, msgs) = model_of(&text);
        assert_eq!(
            msgs,
            vec!["3:18: cycle in `parent`: domain:a → domain:b → domain:a"]
        );
    }

    #[test]
    fn time_quadrants_follow_the_fits() {
        assert_eq!(Time::from_fit(4, 4), Time::Invest);
        assert_eq!(Time::from_fit(2, 3), Time::Tolerate);
        assert_eq!(Time::from_fit(3, 2), Time::Migrate);
        assert_eq!(Time::from_fit(1, 1), Time::Eliminate);
        let text = format!(
            "{DOC}kind: System\nmetadata: {{name: a}}\nspec: {{functional_fit: 4, technical_fit: 1}}\n"
        );
        let (m, msgs) = model_of(&text);
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(m.node(m.get("system:a").unwrap()).time, Some(Time::Migrate));
    }

    #[test]
    fn out_of_range_values_are_located() {
        let text = format!(
            "{DOC}kind: Site\nmetadata: {{name: dc}}\nspec: {{type: server-room, country: UK, pue: 0.9}}\n"
        );
        let (_, msgs) = model_of(&text);
        assert_eq!(
            msgs,
            vec![
                "4:36: `country` must be a two-letter ISO country code such as GB, found `UK`",
                "4:45: `pue` must be between 1 and 5, found 0.9",
            ]
        );
    }
}
