//! Architecture diagrams for the report: the domain landscape (domains and
//! the integrations between them, laid out by the `layout-rs` crate) and a
//! system-context view per system (what it depends on, what depends on it,
//! where it runs, who supplies it), both as inline SVG; and the estate as
//! Structurizr DSL for people who keep diagrams as code (DOT and Mermaid come
//! from `report::graph`).

use std::collections::BTreeMap;
use std::fmt::Write;

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;

use super::svg::escape;
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model, Node};

fn label(n: &Node) -> &str {
    n.title.as_deref().unwrap_or(&n.name)
}

/// Systems per domain, and integrations between systems of different domains.
fn domain_links(model: &Model) -> (BTreeMap<String, usize>, BTreeMap<(String, String), usize>) {
    let domain_of = |s: NodeIndex| -> String {
        model
            .neighbours(s, Direction::Outgoing, &[EdgeKind::PartOf])
            .into_iter()
            .find(|d| model.node(*d).kind == Kind::Domain)
            .map(|d| model.node(d).id.to_string())
            .unwrap_or_else(|| "(no domain)".into())
    };
    let mut systems: BTreeMap<String, usize> = BTreeMap::new();
    for s in model.nodes_of(Kind::System) {
        *systems.entry(domain_of(s)).or_default() += 1;
    }
    let mut links: BTreeMap<(String, String), usize> = BTreeMap::new();
    for i in model.nodes_of(Kind::Integration) {
        if let Some(Spec::Integration(spec)) = &model.node(i).spec
            && let (Some(a), Some(b)) = (
                model.get(&spec.from.value.id()),
                model.get(&spec.to.value.id()),
            )
        {
            let (da, db) = (domain_of(a), domain_of(b));
            if da != db {
                *links.entry((da, db)).or_default() += 1;
            }
        }
    }
    (systems, links)
}

/// The most domains and links the landscape draws: layout-rs's crossing
/// reduction grows fast with size, and a bigger picture is unreadable anyway.
pub const LANDSCAPE_DOMAINS: usize = 24;
pub const LANDSCAPE_LINKS: usize = 60;

/// The domain landscape: a box per domain (with its number of systems), an
/// arrow per pair of domains with integrations between them (with the count).
/// Laid out by `layout-rs`; its SVG escapes every text it writes. Large
/// estates show their largest domains and busiest links (see the constants).
pub fn landscape_svg(model: &Model) -> String {
    use layout::backends::svg::SVGWriter;
    use layout::core::base::Orientation;
    use layout::core::geometry::Point;
    use layout::core::style::StyleAttr;
    use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
    use layout::topo::layout::VisualGraph;

    let (mut systems, mut links) = domain_links(model);
    if systems.is_empty() {
        return String::new();
    }
    if systems.len() > LANDSCAPE_DOMAINS {
        let mut by_size: Vec<(String, usize)> = systems.into_iter().collect();
        by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_size.truncate(LANDSCAPE_DOMAINS);
        systems = by_size.into_iter().collect();
        links.retain(|(a, b), _| systems.contains_key(a) && systems.contains_key(b));
    }
    if links.len() > LANDSCAPE_LINKS {
        let mut busiest: Vec<((String, String), usize)> = links.into_iter().collect();
        busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        busiest.truncate(LANDSCAPE_LINKS);
        links = busiest.into_iter().collect();
    }
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = BTreeMap::new();
    for (d, n) in &systems {
        let title = model
            .get(d)
            .map(|i| label(model.node(i)).to_string())
            .unwrap_or_else(|| d.clone());
        let text = format!("{title}\n{n} systems");
        let width = (title.chars().count().max(10) as f64) * 8.5 + 20.0;
        let shape = ShapeKind::new_box(&text);
        let mut look = StyleAttr::simple();
        look.font_size = 13;
        look.rounded = 6;
        let e = Element::create(
            shape,
            look,
            Orientation::LeftToRight,
            Point::new(width, 52.0),
        );
        handles.insert(d.clone(), vg.add_node(e));
    }
    for ((a, b), n) in &links {
        if let (Some(x), Some(y)) = (handles.get(a), handles.get(b)) {
            vg.add_edge(Arrow::simple(&n.to_string()), *x, *y);
        }
    }
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    let out = sorted_styles(&svg.finalize());
    // Inline in HTML: no XML declaration; scale to the page.
    let out = match out.find("<svg") {
        Some(p) => out[p..].to_string(),
        None => out,
    };
    out.replacen(
        "<svg ",
        r#"<svg class="diagram" role="img" aria-label="Domains and the integrations between them" "#,
        1,
    )
}

/// layout-rs writes its `<style>` rules from a HashMap, in an order that
/// changes from run to run: sort them, so the same estate gives the same bytes.
fn sorted_styles(svg: &str) -> String {
    let Some(start) = svg.find("<style>\n").map(|p| p + "<style>\n".len()) else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find("</style>").map(|p| start + p) else {
        return svg.to_string();
    };
    let mut rules: Vec<&str> = svg[start..end].lines().collect();
    rules.sort_unstable();
    let mut out = String::with_capacity(svg.len());
    out.push_str(&svg[..start]);
    for r in rules {
        out.push_str(r);
        out.push('\n');
    }
    out.push_str(&svg[end..]);
    out
}

/// A system's context: dependents on the left, the system in the middle,
/// dependencies on the right, hosting and suppliers underneath. Boxes of
/// systems link to their pages (`href(id)`).
pub fn context_svg(model: &Model, idx: NodeIndex, href: &dyn Fn(&str) -> Option<String>) -> String {
    let node = model.node(idx);
    let systems = |dir: Direction| -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = model
            .neighbours(idx, dir, &[EdgeKind::DependsOn])
            .into_iter()
            .filter(|n| model.node(*n).kind == Kind::System)
            .collect();
        // Integrations count as links too.
        for i in model.neighbours(idx, Direction::Incoming, &[EdgeKind::IntegratesWith]) {
            if let Some(Spec::Integration(s)) = &model.node(i).spec {
                let (from, to) = (s.from.value.id(), s.to.value.id());
                let other = match dir {
                    Direction::Incoming if to == node.id => model.get(&from),
                    Direction::Outgoing if from == node.id => model.get(&to),
                    _ => None,
                };
                if let Some(o) = other
                    && !v.contains(&o)
                {
                    v.push(o);
                }
            }
        }
        v.sort_by(|a, b| model.node(*a).name.cmp(&model.node(*b).name));
        v
    };
    let left = systems(Direction::Incoming);
    let right = systems(Direction::Outgoing);
    let mut below: Vec<NodeIndex> = model
        .neighbours(
            idx,
            Direction::Outgoing,
            &[EdgeKind::RunsOn, EdgeKind::SuppliedBy],
        )
        .into_iter()
        .collect();
    below.extend(
        model
            .neighbours(idx, Direction::Outgoing, &[EdgeKind::DependsOn])
            .into_iter()
            .filter(|n| model.node(*n).kind == Kind::Resource),
    );
    below.sort();
    below.dedup();
    // A system used by thousands would draw thousands of boxes: each side
    // shows its first boxes and one that counts the rest (the page's tables
    // list them).
    let (left, left_more) = slots(left, CONTEXT_SIDE);
    let (right, right_more) = slots(right, CONTEXT_SIDE);
    let (below, below_more) = slots(below, CONTEXT_BELOW);
    let (bw, bh, gap) = (210.0, 40.0, 12.0);
    let rows = left.len().max(right.len()).max(1);
    let below_rows = below.len().div_ceil(3);
    let col_h = rows as f64 * (bh + gap);
    let width = 3.0 * bw + 2.0 * 90.0;
    let height = col_h + 40.0 + below_rows as f64 * (bh + gap) + 30.0;
    let cx = bw + 90.0;
    let cy = (col_h - bh) / 2.0 + 20.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="diagram" role="img" aria-label="Context of {t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>Context of {t}</title><defs><marker id="ctx-arrow" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto"><polygon points="0 0, 10 3.5, 0 7"/></marker></defs>"#,
        t = escape(label(node))
    );
    let boxed = |s: &mut String, n: NodeIndex, x: f64, y: f64, class: &str| {
        let nd = model.node(n);
        let kind = nd.kind.as_str();
        let text = escape(&truncate(label(nd), 26));
        let inner = format!(
            r#"<rect x="{x:.0}" y="{y:.0}" width="{bw}" height="{bh}" rx="6" class="{class}"/><text x="{tx:.0}" y="{ty:.0}" class="box-kind">{kind}</text><text x="{tx:.0}" y="{ly:.0}" class="box-label">{text}</text>"#,
            tx = x + 8.0,
            ty = y + 14.0,
            ly = y + 31.0,
        );
        match href(&nd.id) {
            Some(h) if n != idx => {
                let _ = write!(
                    s,
                    r#"<a href="{}"><title>{}</title>{inner}</a>"#,
                    escape(&h),
                    escape(&nd.id)
                );
            }
            _ => {
                let _ = write!(s, r#"<g><title>{}</title>{inner}</g>"#, escape(&nd.id));
            }
        }
    };
    let more = |s: &mut String, n: usize, x: f64, y: f64| {
        let _ = write!(
            s,
            r#"<g class="more"><rect x="{x:.0}" y="{y:.0}" width="{bw}" height="{bh}" rx="6" class="box"/><text x="{tx:.0}" y="{ly:.0}" class="box-label">+{n} more (in the tables below)</text></g>"#,
            tx = x + 8.0,
            ly = y + 25.0,
        );
    };
    let draw =
        |s: &mut String, slot: Option<NodeIndex>, rest: usize, x: f64, y: f64, class: &str| {
            match slot {
                Some(n) => boxed(s, n, x, y, class),
                None => more(s, rest, x, y),
            }
        };
    let column = |v: &[Option<NodeIndex>]| -> Vec<f64> {
        let top = (col_h - v.len() as f64 * (bh + gap)) / 2.0 + 20.0;
        (0..v.len()).map(|i| top + i as f64 * (bh + gap)).collect()
    };
    for (n, y) in left.iter().zip(column(&left)) {
        let _ = write!(
            s,
            r#"<line x1="{x1}" y1="{y1:.0}" x2="{x2}" y2="{y2:.0}" class="edge" marker-end="url(#ctx-arrow)"/>"#,
            x1 = bw,
            y1 = y + bh / 2.0,
            x2 = cx,
            y2 = cy + bh / 2.0
        );
        draw(&mut s, *n, left_more, 0.0, y, "box");
    }
    for (n, y) in right.iter().zip(column(&right)) {
        let _ = write!(
            s,
            r#"<line x1="{x1}" y1="{y1:.0}" x2="{x2}" y2="{y2:.0}" class="edge" marker-end="url(#ctx-arrow)"/>"#,
            x1 = cx + bw,
            y1 = cy + bh / 2.0,
            x2 = cx + bw + 90.0,
            y2 = y + bh / 2.0
        );
        draw(&mut s, *n, right_more, cx + bw + 90.0, y, "box");
    }
    let by = col_h + 40.0;
    for (i, n) in below.iter().enumerate() {
        let x = (i % 3) as f64 * (bw + 90.0);
        let y = by + (i / 3) as f64 * (bh + gap);
        let _ = write!(
            s,
            r#"<line x1="{x1}" y1="{y1:.0}" x2="{x2}" y2="{y:.0}" class="edge dashed"/>"#,
            x1 = cx + bw / 2.0,
            y1 = cy + bh,
            x2 = x + bw / 2.0,
        );
        draw(&mut s, *n, below_more, x, y, "box infra");
    }
    boxed(&mut s, idx, cx, cy, "box focus");
    s.push_str("</svg>");
    s
}

/// The most boxes a context diagram draws on its left and right, and below.
const CONTEXT_SIDE: usize = 40;
const CONTEXT_BELOW: usize = 60;

/// At most `limit` slots: the first nodes, and when there are more, a last
/// slot (`None`) standing for the number of the rest, which is returned.
fn slots(v: Vec<NodeIndex>, limit: usize) -> (Vec<Option<NodeIndex>>, usize) {
    if v.len() <= limit {
        return (v.into_iter().map(Some).collect(), 0);
    }
    let rest = v.len() - (limit - 1);
    let mut out: Vec<Option<NodeIndex>> = v.into_iter().take(limit - 1).map(Some).collect();
    out.push(None);
    (out, rest)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// A Structurizr DSL identifier for a node id.
fn ident(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The estate as a Structurizr workspace: software systems grouped by domain,
/// their dependencies and integrations, deployment onto sites and cloud
/// regions, and the system landscape, a context view per system and the
/// deployment view.
pub fn structurizr(model: &Model, name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "workspace {} {{", quoted(name));
    let _ = writeln!(s, "    !identifiers hierarchical\n    model {{");
    let mut by_domain: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for i in model.nodes_of(Kind::System) {
        let d = model
            .neighbours(i, Direction::Outgoing, &[EdgeKind::PartOf])
            .into_iter()
            .find(|d| model.node(*d).kind == Kind::Domain)
            .map(|d| label(model.node(d)).to_string())
            .unwrap_or_else(|| "No domain".into());
        by_domain.entry(d).or_default().push(i);
    }
    for (d, systems) in &by_domain {
        let _ = writeln!(s, "        group {} {{", quoted(d));
        for i in systems {
            let n = model.node(*i);
            let _ = writeln!(
                s,
                "            {} = softwareSystem {} {}",
                ident(&n.id),
                quoted(label(n)),
                quoted(n.description.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(s, "        }}");
    }
    let is_system = |i: NodeIndex| model.node(i).kind == Kind::System;
    for i in model.nodes_of(Kind::System) {
        for d in model.neighbours(i, Direction::Outgoing, &[EdgeKind::DependsOn]) {
            if is_system(d) {
                let _ = writeln!(
                    s,
                    "        {} -> {} \"Depends on\"",
                    ident(&model.node(i).id),
                    ident(&model.node(d).id)
                );
            }
        }
    }
    for i in model.nodes_of(Kind::Integration) {
        if let Some(Spec::Integration(spec)) = &model.node(i).spec
            && let (Some(a), Some(b)) = (
                model.get(&spec.from.value.id()),
                model.get(&spec.to.value.id()),
            )
            && is_system(a)
            && is_system(b)
        {
            let style = serde_json::to_value(spec.style)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "        {} -> {} {} {}",
                ident(&model.node(a).id),
                ident(&model.node(b).id),
                quoted(label(model.node(i))),
                quoted(&style)
            );
        }
    }
    // Deployment: systems onto the sites and regions their resources are in.
    let mut places: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for i in model.nodes_of(Kind::System) {
        let mut seen = Vec::new();
        for r in model.neighbours(
            i,
            Direction::Outgoing,
            &[EdgeKind::RunsOn, EdgeKind::DependsOn],
        ) {
            if model.node(r).kind != Kind::Resource {
                continue;
            }
            for p in model.neighbours(r, Direction::Outgoing, &[EdgeKind::HostedIn]) {
                let place = label(model.node(p)).to_string();
                if !seen.contains(&place) {
                    seen.push(place.clone());
                    places.entry(place).or_default().push(i);
                }
            }
        }
    }
    let _ = writeln!(s, "        live = deploymentEnvironment \"Live\" {{");
    for (n, (place, systems)) in places.iter().enumerate() {
        let _ = writeln!(s, "            p{n} = deploymentNode {} {{", quoted(place));
        for i in systems {
            let _ = writeln!(
                s,
                "                softwareSystemInstance {}",
                ident(&model.node(*i).id)
            );
        }
        let _ = writeln!(s, "            }}");
    }
    let _ = writeln!(s, "        }}\n    }}\n    views {{");
    let _ = writeln!(
        s,
        "        systemLandscape \"Landscape\" {{\n            include *\n            autoLayout\n        }}"
    );
    for i in model.nodes_of(Kind::System) {
        let id = ident(&model.node(i).id);
        let _ = writeln!(
            s,
            "        systemContext {id} \"Context-{id}\" {{\n            include *\n            autoLayout\n        }}"
        );
    }
    let _ = writeln!(
        s,
        "        deployment * live \"Deployment\" {{\n            include *\n            autoLayout\n        }}"
    );
    let _ = writeln!(s, "    }}\n}}");
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers_and_strings_are_safe() {
        assert_eq!(super::ident("system:a-b.c"), "system_a_b_c");
        assert_eq!(super::quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }

    #[test]
    fn a_context_diagram_draws_its_first_boxes_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from(
            "apiVersion: estate/v1\nkind: System\nmetadata: {name: hub}\nspec: {lifecycle: {phase: active}}\n",
        );
        for i in 0..100 {
            text.push_str(&format!(
                "---\napiVersion: estate/v1\nkind: System\nmetadata: {{name: s{i:03}}}\nspec: {{lifecycle: {{phase: active}}, depends_on: [system:hub]}}\n"
            ));
        }
        std::fs::write(dir.path().join("systems.yaml"), text).unwrap();
        let (model, ds) = crate::model::build(crate::inventory::load(dir.path()));
        assert_eq!(ds.errors(), 0);
        let hub = model.get("system:hub").unwrap();
        let svg = super::context_svg(&model, hub, &|_| None);
        // 39 dependants, one box for the other 61, and the system itself.
        assert_eq!(svg.matches("<rect").count(), super::CONTEXT_SIDE + 1);
        assert!(svg.contains(">+61 more (in the tables below)<"), "{svg}");
        assert!(svg.contains("s038") && !svg.contains("s039"));
    }

    #[test]
    fn the_landscape_is_the_same_bytes_every_time() {
        let inv = crate::inventory::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory"),
        );
        let (model, _) = crate::model::build(inv);
        let first = super::landscape_svg(&model);
        assert!(first.contains("<style>"), "{first}");
        // layout-rs orders its style rules by a HashMap seeded per map: a
        // dozen renderings would not all agree without the sort.
        for _ in 0..6 {
            assert_eq!(super::landscape_svg(&model), first);
        }
        assert_eq!(
            super::sorted_styles("<svg><style>\n.b {}\n.a {}\n</style>\n<g/>"),
            "<svg><style>\n.a {}\n.b {}\n</style>\n<g/>"
        );
    }
}
