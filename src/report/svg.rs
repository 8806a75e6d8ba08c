//! Charts as inline SVG for the report site: horizontal bars (with an
//! optional low–high range), a stacked share bar, and a squarified treemap.
//! Every label passes through [`escape`]; charts carry a `<title>` and an
//! `aria-label`, and values are printed beside their marks so colour is
//! never the only signal.

use std::fmt::Write;

pub use super::escape;

/// A colour-blind-safe palette (Okabe–Ito), cycled.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
];

/// One bar: a label, a value, an optional (low, high) range and a link.
#[derive(Clone, Debug, Default)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub range: Option<(f64, f64)>,
    pub href: Option<String>,
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Horizontal bars, largest first as given; `fmt` prints a value with its unit.
pub fn bars(title: &str, items: &[Bar], fmt: &dyn Fn(f64) -> String) -> String {
    let (label_w, bar_w, value_w, row) = (190.0, 250.0, 100.0, 22.0);
    let width = label_w + bar_w + value_w;
    let height = row * items.len().max(1) as f64 + 8.0;
    let max = items
        .iter()
        .map(|b| b.range.map_or(b.value, |r| r.1.max(b.value)))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    if items.is_empty() {
        let _ = write!(
            s,
            r#"<text x="0" y="16" class="muted">No data</text></svg>"#
        );
        return s;
    }
    for (i, b) in items.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let w = (b.value.max(0.0) / max * bar_w).max(if b.value > 0.0 { 1.0 } else { 0.0 });
        let label = escape(&truncate(&b.label, 28));
        let full = escape(&b.label);
        let text = match &b.href {
            Some(h) => format!(r#"<a href="{}">{label}</a>"#, escape(h)),
            None => label,
        };
        let _ = write!(
            s,
            r#"<g><title>{full}: {v}</title><text x="{lx}" y="{ty}" text-anchor="end" class="label">{text}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{h}" fill="{c}"/>"#,
            v = escape(&fmt(b.value)),
            lx = label_w - 8.0,
            ty = y + 13.0,
            h = row - 8.0,
            c = PALETTE[0],
        );
        if let Some((lo, hi)) = b.range {
            let x1 = label_w + lo.max(0.0) / max * bar_w;
            let x2 = label_w + hi.max(0.0) / max * bar_w;
            let my = y + (row - 8.0) / 2.0;
            let _ = write!(
                s,
                r#"<line x1="{x1:.1}" x2="{x2:.1}" y1="{my}" y2="{my}" class="range"/><line x1="{x1:.1}" x2="{x1:.1}" y1="{a}" y2="{b}" class="range"/><line x1="{x2:.1}" x2="{x2:.1}" y1="{a}" y2="{b}" class="range"/>"#,
                a = my - 5.0,
                b = my + 5.0,
            );
        }
        let _ = write!(
            s,
            r#"<text x="{vx}" y="{ty}" class="value">{v}</text></g>"#,
            vx = label_w + bar_w + 6.0,
            ty = y + 13.0,
            v = escape(&fmt(b.value)),
        );
    }
    s.push_str("</svg>");
    s
}

/// One stacked bar of shares with a legend underneath (value and share in text).
pub fn share_bar(title: &str, items: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> String {
    let total: f64 = items.iter().map(|(_, v)| v.max(0.0)).sum();
    let width = 760.0;
    let legend_rows = items.len().div_ceil(2);
    let height = 40.0 + 20.0 * legend_rows as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    let mut x = 0.0;
    for (i, (label, v)) in items.iter().enumerate() {
        let share = if total > 0.0 { v.max(0.0) / total } else { 0.0 };
        let w = share * width;
        let c = PALETTE[i % PALETTE.len()];
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="0" width="{w:.1}" height="24" fill="{c}"><title>{l}: {v} ({p:.0}%)</title></rect>"#,
            l = escape(label),
            v = escape(&fmt(*v)),
            p = share * 100.0
        );
        x += w;
        let (lx, ly) = ((i % 2) as f64 * width / 2.0, 44.0 + (i / 2) as f64 * 20.0);
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{ry}" width="12" height="12" fill="{c}"/><text x="{tx}" y="{ly}" class="label">{l} — {v} ({p:.0}%)</text>"#,
            ry = ly - 10.0,
            tx = lx + 18.0,
            l = escape(&truncate(label, 40)),
            v = escape(&fmt(*v)),
            p = share * 100.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A squarified treemap of positive values, labelled where a cell is big enough.
pub fn treemap(title: &str, items: &[Bar], fmt: &dyn Fn(f64) -> String) -> String {
    let (width, height) = (760.0, 360.0);
    let mut cells: Vec<(usize, f64)> = items
        .iter()
        .enumerate()
        .filter(|(_, b)| b.value > 0.0)
        .map(|(i, b)| (i, b.value))
        .collect();
    cells.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f64 = cells.iter().map(|c| c.1).sum();
    let mut rects = Vec::new();
    if total > 0.0 {
        let scale = width * height / total;
        let areas: Vec<(usize, f64)> = cells.iter().map(|(i, v)| (*i, v * scale)).collect();
        squarify(&areas, (0.0, 0.0, width, height), &mut rects);
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for (n, (i, (x, y, w, h))) in rects.iter().enumerate() {
        let b = &items[*i];
        let c = PALETTE[n % PALETTE.len()];
        let _ = write!(
            s,
            r##"<g><title>{l}: {v}</title><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{c}" stroke="#fff"/>"##,
            l = escape(&b.label),
            v = escape(&fmt(b.value)),
        );
        if *w > 70.0 && *h > 34.0 {
            let chars = ((w - 8.0) / 7.0) as usize;
            let _ = write!(
                s,
                r#"<text x="{tx:.1}" y="{ty:.1}" class="cell">{l}</text><text x="{tx:.1}" y="{vy:.1}" class="cell">{v}</text>"#,
                tx = x + 4.0,
                ty = y + 15.0,
                vy = y + 30.0,
                l = escape(&truncate(&b.label, chars)),
                v = escape(&fmt(b.value)),
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

type Rect = (f64, f64, f64, f64);

/// Squarified treemap (Bruls, Huizing and van Wijk): rows laid along the
/// shorter side, closed when adding a cell would worsen the worst aspect ratio.
fn squarify(items: &[(usize, f64)], area: Rect, out: &mut Vec<(usize, Rect)>) {
    let (mut x, mut y, mut w, mut h) = area;
    let mut rest = items;
    while !rest.is_empty() {
        let side = w.min(h);
        let worst = |row: &[(usize, f64)]| {
            let sum: f64 = row.iter().map(|r| r.1).sum();
            let (mx, mn) = row
                .iter()
                .fold((0.0_f64, f64::MAX), |(a, b), r| (a.max(r.1), b.min(r.1)));
            let s2 = side * side;
            (s2 * mx / (sum * sum)).max(sum * sum / (s2 * mn))
        };
        let mut n = 1;
        while n < rest.len() && worst(&rest[..n + 1]) <= worst(&rest[..n]) {
            n += 1;
        }
        let row = &rest[..n];
        let sum: f64 = row.iter().map(|r| r.1).sum();
        if w >= h {
            let rw = if h > 0.0 { sum / h } else { 0.0 };
            let mut cy = y;
            for (i, a) in row {
                let rh = if rw > 0.0 { a / rw } else { 0.0 };
                out.push((*i, (x, cy, rw, rh)));
                cy += rh;
            }
            x += rw;
            w -= rw;
        } else {
            let rh = if w > 0.0 { sum / w } else { 0.0 };
            let mut cx = x;
            for (i, a) in row {
                let rw = if rh > 0.0 { a / rh } else { 0.0 };
                out.push((*i, (cx, y, rw, rh)));
                cx += rw;
            }
            y += rh;
            h -= rh;
        }
        rest = &rest[n..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64) -> String {
        format!("{v:.0}")
    }

    #[test]
    fn labels_are_escaped() {
        let b = vec![Bar {
            label: "<script>alert(1)</script>".into(),
            value: 3.0,
            range: Some((1.0, 5.0)),
            href: Some("x\"onmouseover=\"y".into()),
        }];
        for svg in [bars("t<", &b, &fmt), treemap("t", &b, &fmt)] {
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "{svg}");
            assert!(!svg.contains("\"onmouseover"), "{svg}");
        }
        let s = share_bar("t", &[("<b>".into(), 1.0)], &fmt);
        assert!(s.contains("&lt;b&gt;") && !s.contains("<b>"));
    }

    #[test]
    fn bars_scale_to_the_largest_value_and_print_values() {
        let items: Vec<Bar> = [("a", 10.0), ("b", 5.0)]
            .iter()
            .map(|(l, v)| Bar {
                label: l.to_string(),
                value: *v,
                ..Default::default()
            })
            .collect();
        let svg = bars("t", &items, &fmt);
        assert!(svg.contains(r#"width="250.0""#), "{svg}");
        assert!(svg.contains(r#"width="125.0""#), "{svg}");
        assert!(svg.contains(">10<") && svg.contains(">5<"));
        assert!(bars("t", &[], &fmt).contains("No data"));
    }

    #[test]
    fn treemap_cells_tile_the_area_exactly() {
        let areas: Vec<(usize, f64)> = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0]
            .iter()
            .enumerate()
            .map(|(i, v)| (i, v * 10.0))
            .collect();
        let mut out = Vec::new();
        squarify(&areas, (0.0, 0.0, 60.0, 40.0), &mut out);
        assert_eq!(out.len(), 7);
        let total: f64 = out.iter().map(|(_, r)| r.2 * r.3).sum();
        assert!((total - 240.0).abs() < 1e-6, "{total}");
        for (i, (_, r)) in out.iter().enumerate() {
            assert!((r.2 * r.3 - areas[i].1).abs() < 1e-6);
            assert!(
                r.0 >= -1e-9
                    && r.1 >= -1e-9
                    && r.0 + r.2 <= 60.0 + 1e-6
                    && r.1 + r.3 <= 40.0 + 1e-6
            );
        }
    }
}

/// One line of a line chart, with an optional low–high band.
#[derive(Clone, Debug, Default)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub band: Option<Vec<(f64, f64)>>,
    pub dashed: bool,
}

/// Lines over labelled steps (quarters), a legend and each line's last
/// value in text. The y axis starts at zero, or (`from_zero` false) just
/// below the smallest value, so that small changes show; its labels say where.
pub fn lines(
    title: &str,
    labels: &[String],
    series: &[Series],
    from_zero: bool,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (left, right, top, plot_h, plot_w) = (96.0, 150.0, 10.0, 180.0, 500.0);
    let width = left + plot_w + right;
    let height = top + plot_h + 46.0 + 16.0 * series.len() as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    let n = labels.len();
    if n == 0 || series.is_empty() {
        s.push_str(r#"<text x="0" y="16" class="muted">No data</text></svg>"#);
        return s;
    }
    let max = series
        .iter()
        .flat_map(|x| {
            x.values
                .iter()
                .copied()
                .chain(x.band.iter().flatten().map(|b| b.1))
        })
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let min = if from_zero {
        0.0
    } else {
        series
            .iter()
            .flat_map(|x| {
                x.values
                    .iter()
                    .copied()
                    .chain(x.band.iter().flatten().map(|b| b.0))
            })
            .fold(f64::INFINITY, f64::min)
            .max(0.0)
    };
    let pad = ((max - min) * 0.1).max(max * 0.005);
    let (min, max) = (
        if from_zero { 0.0 } else { (min - pad).max(0.0) },
        max + pad,
    );
    let x = |i: usize| {
        left + if n > 1 {
            i as f64 / (n - 1) as f64 * plot_w
        } else {
            plot_w / 2.0
        }
    };
    let y = |v: f64| top + plot_h - (v.max(min) - min) / (max - min) * plot_h;
    // Axes: bottom, middle and top, and every label (thinned to fit).
    for v in [min, (min + max) / 2.0, max] {
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{r}" y1="{yy:.1}" y2="{yy:.1}" class="grid"/><text x="{lx}" y="{ty:.1}" text-anchor="end" class="label">{v}</text>"#,
            r = left + plot_w,
            yy = y(v),
            lx = left - 6.0,
            ty = y(v) + 4.0,
            v = escape(&fmt(v)),
        );
    }
    let every = n.div_ceil(8).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                s,
                r#"<text x="{xx:.1}" y="{ty}" text-anchor="middle" class="label">{l}</text>"#,
                xx = x(i),
                ty = top + plot_h + 16.0,
                l = escape(l),
            );
        }
    }
    for (k, line) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        if let Some(band) = &line.band {
            let mut pts: Vec<String> = band
                .iter()
                .enumerate()
                .map(|(i, b)| format!("{:.1},{:.1}", x(i), y(b.1)))
                .collect();
            pts.extend(
                band.iter()
                    .enumerate()
                    .rev()
                    .map(|(i, b)| format!("{:.1},{:.1}", x(i), y(b.0))),
            );
            let _ = write!(
                s,
                r#"<polygon points="{}" fill="{colour}" fill-opacity="0.18" stroke="none"><title>{} range</title></polygon>"#,
                pts.join(" "),
                escape(&line.name)
            );
        }
        let pts: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{}><title>{}</title></polyline>"#,
            pts.join(" "),
            if line.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            },
            escape(&line.name)
        );
        for (i, v) in line.values.iter().enumerate() {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"><title>{}: {} {}</title></circle>"#,
                x(i),
                y(*v),
                escape(&line.name),
                escape(&labels[i]),
                escape(&fmt(*v))
            );
        }
        if let Some(last) = line.values.last() {
            let _ = write!(
                s,
                r#"<text x="{lx}" y="{ly:.1}" class="value">{v}</text>"#,
                lx = left + plot_w + 6.0,
                ly = y(*last) + 4.0 + if k % 2 == 1 { 12.0 } else { 0.0 },
                v = escape(&fmt(*last)),
            );
        }
        let ly = top + plot_h + 34.0 + 16.0 * k as f64;
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{l2}" y1="{yy}" y2="{yy}" stroke="{colour}" stroke-width="2"{d}/><text x="{tx}" y="{ty}" class="label">{name}</text>"#,
            l2 = left + 24.0,
            yy = ly - 4.0,
            d = if line.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            },
            tx = left + 30.0,
            ty = ly,
            name = escape(&line.name),
        );
    }
    s.push_str("</svg>");
    s
}

/// A timeline: phases as bands between their dates, actions as numbered
/// marks on them (the numbers refer to the actions table).
pub fn timeline(
    title: &str,
    phases: &[(String, chrono::NaiveDate, chrono::NaiveDate)],
    marks: &[(chrono::NaiveDate, String)],
) -> String {
    let (left, plot_w, row) = (24.0, 712.0, 26.0);
    let height = 30.0 + row * phases.len().max(1) as f64 + 24.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {w} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title),
        w = left * 2.0 + plot_w
    );
    let (Some(start), Some(end)) = (
        phases.iter().map(|p| p.1).min(),
        phases.iter().map(|p| p.2).max(),
    ) else {
        s.push_str(r#"<text x="0" y="16" class="muted">No phases</text></svg>"#);
        return s;
    };
    let span = ((end - start).num_days().max(1)) as f64;
    let x = |d: chrono::NaiveDate| {
        left + ((d - start).num_days() as f64 / span).clamp(0.0, 1.0) * plot_w
    };
    for (k, (name, a, b)) in phases.iter().enumerate() {
        let y = 24.0 + row * k as f64;
        let _ = write!(
            s,
            r#"<g><title>{n}: {a} to {b}</title><rect x="{x1:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{c}" fill-opacity="0.25" stroke="{c}"/><text x="{tx:.1}" y="{ty}" class="label">{n}</text></g>"#,
            n = escape(name),
            x1 = x(*a),
            w = (x(*b) - x(*a)).max(2.0),
            h = row - 6.0,
            c = PALETTE[k % PALETTE.len()],
            tx = x(*a) + 4.0,
            ty = y + 14.0,
        );
    }
    let axis_y = 24.0 + row * phases.len() as f64 + 4.0;
    let _ = write!(
        s,
        r#"<line x1="{left}" x2="{r}" y1="{axis_y}" y2="{axis_y}" class="grid"/>"#,
        r = left + plot_w
    );
    use chrono::Datelike;
    for year in start.year()..=end.year() + 1 {
        if let Some(d) = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
            && d >= start
            && d <= end
        {
            let _ = write!(
                s,
                r#"<text x="{xx:.1}" y="{ty}" text-anchor="middle" class="label">{year}</text>"#,
                xx = x(d),
                ty = axis_y + 16.0
            );
        }
    }
    for (i, (d, label)) in marks.iter().enumerate() {
        let _ = write!(
            s,
            r#"<g><title>{n}. {d}: {l}</title><circle cx="{xx:.1}" cy="12" r="6" fill="{c}"/><text x="{xx:.1}" y="15.5" text-anchor="middle" class="mark">{n}</text><line x1="{xx:.1}" x2="{xx:.1}" y1="18" y2="{axis_y}" class="tick"/></g>"#,
            n = i + 1,
            l = escape(label),
            xx = x(*d),
            c = PALETTE[5],
        );
    }
    s.push_str("</svg>");
    s
}
