//! `estate report`: the report site. Takes everything assessed of the estate
//! (model, carbon, spend, policy findings), turns it into tables, charts and
//! diagrams, renders the pages with tera templates (the shipped ones under
//! reports/, each overridable by a file of the same name in the estate's
//! reports/), and writes the site, its Markdown summary, a CSV per table,
//! the data as JSON and the diagrams as code — into a temporary directory
//! that replaces the previous report in one rename.
//!
//! Each page and each other file is a module under `pages/`, registered once
//! in `PAGES` (with its template; the list is also the navigation) or
//! `FILES`. `build` only runs them: pages are built one after another, then
//! rendered on every core and written as they are done. Figures come from
//! `assess`; this module lays them out.

mod format;
mod pages;
mod shared;
mod staged;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub use format::{co2, symbol, thousands};
pub use staged::Staged;
pub use table::{Cell, Table};

use crate::assess::carbon::{Estimate, FactorSet};
use crate::assess::policy::Outcome;
use crate::assess::spend::Spend;
use crate::diagnostic::Sources;
use crate::model::Model;
use crate::model::Period;
use pages::Kind::{Each, One};
use pages::{Page, Write};
use shared::Shared;

/// A shipped template: its name and its text (reports/NAME, compiled in).
macro_rules! shipped {
    ($name:literal) => {
        ($name, include_str!(concat!("../../../reports/", $name)))
    };
}

/// Every page of the site, in the navigation's order, with its template.
#[rustfmt::skip]
const PAGES: &[Page] = &[
    one("index", "Overview", "index.html", shipped!("index.html"), pages::overview::build),
    one("map", "Estate map", "map.html", shipped!("map.html"), pages::map::build),
    one("systems", "Systems", "systems/index.html", shipped!("systems.html"), pages::systems::build),
    each("systems", shipped!("system.html"), pages::system::of, pages::system::build),
    one("spend", "Spend", "spend.html", shipped!("spend.html"), pages::spend::build),
    one("carbon", "Carbon", "carbon.html", shipped!("carbon.html"), pages::carbon::build),
    one("policies", "Policies", "policies.html", shipped!("policies.html"), pages::policies::build),
    one("roadmap", "Roadmap", "roadmap.html", shipped!("roadmap.html"), pages::roadmap::build),
];

/// The report's other files, written in this order after the pages.
const FILES: &[Write] = &[
    pages::assets::write,
    pages::summary::write,
    pages::csv::write,
    pages::data::write,
    pages::diagrams::write,
];

/// The templates the pages build on (and the stylesheet and script).
const LAYOUT: &[(&str, &str)] = &[
    shipped!("base.html"),
    shipped!("macros.html"),
    shipped!("style.css"),
    shipped!("script.js"),
];

/// The templates of the other files.
const OTHER: &[(&str, &str)] = &[shipped!("summary.md")];

/// The shipped templates (reports/ in the repository), by name: the
/// layout's, each page's, then the other files'.
pub fn shipped_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    LAYOUT
        .iter()
        .copied()
        .chain(PAGES.iter().map(|p| p.template))
        .chain(OTHER.iter().copied())
}

/// A page in the navigation.
const fn one(
    id: &'static str,
    title: &'static str,
    path: &'static str,
    template: (&'static str, &'static str),
    build: pages::Build,
) -> Page {
    Page {
        id,
        template,
        kind: One { path, title, build },
    }
}

/// A page per node, outside the navigation.
const fn each(
    id: &'static str,
    template: (&'static str, &'static str),
    of: pages::Of,
    build: pages::BuildEach,
) -> Page {
    Page {
        id,
        template,
        kind: Each { of, build },
    }
}

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
    pub roadmaps: &'a [crate::plan::roadmap::Projection],
}

/// Why the report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An estate's own template could not be read.
    #[error("cannot read template `{}`: {source}", path.display())]
    ReadTemplate {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A template does not parse or render: the template (its file when the
    /// estate overrides it) and tera's message with its causes.
    #[error("template{}: {message}", file.as_ref().map(|f| format!(" {f}")).unwrap_or_default())]
    Template {
        file: Option<String>,
        message: String,
    },
    /// A file of the report could not be written.
    #[error("writing {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A table could not be written as CSV.
    #[error("csv export of `{table}`: {source}")]
    Csv { table: String, source: csv::Error },
    /// The data could not be turned into JSON.
    #[error("{0}")]
    Json(serde_json::Error),
}

/// Templates: the shipped ones, each replaced by the estate's file of the same name.
pub fn templates(dir: Option<&Path>) -> Result<tera::Tera, Error> {
    let mut t = tera::Tera::default();
    // Markdown too: wikis and pull-request comments render raw HTML in it.
    t.autoescape_on(vec![".html", ".htm", ".xml", ".md"]);
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, text) in shipped_templates() {
        let own = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let text = match own {
            Some(path) => std::fs::read_to_string(&path)
                .map_err(|source| Error::ReadTemplate { path, source })?,
            None => text.to_string(),
        };
        if let Some((line, depth)) = too_deep(&text) {
            return Err(Error::Template {
                file: Some(format!("{}:{line}", template_file(name, dir))),
                message: format!(
                    "blocks or brackets nested {depth} deep (at most {MAX_TEMPLATE_NESTING}); a template this deep cannot be parsed safely"
                ),
            });
        }
        sources.push((name.to_string(), text));
    }
    t.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| template_error(&e, dir))?;
    Ok(t)
}

/// The deepest nesting of blocks (`{% if %}`, `{% for %}`, …) and brackets
/// inside tags a template may have: tera's parser and renderer recurse once
/// per level, so thousands of levels would overflow the stack.
const MAX_TEMPLATE_NESTING: usize = 64;

/// The first line where `text` nests blocks and brackets deeper than
/// [`MAX_TEMPLATE_NESTING`], and that depth; counted before tera parses it.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    const OPENERS: [&str; 6] = ["if", "for", "block", "macro", "filter", "with"];
    let mut depth = 0usize;
    let mut rest = text;
    let line_of = |rest: &str| text[..text.len() - rest.len()].matches('\n').count() + 1;
    while let Some(start) = rest.find(['{']) {
        rest = &rest[start..];
        let (close, is_block) = match rest.get(..2) {
            Some("{%") => ("%}", true),
            Some("{{") => ("}}", false),
            _ => {
                rest = &rest[1..];
                continue;
            }
        };
        // The closer is looked for after the opener: `{%}` opens, it does not close.
        let Some(end) = rest[2..].find(close).map(|e| e + 2) else {
            break;
        };
        let tag = &rest[2..end];
        if is_block {
            let word = tag
                .trim_start_matches(['-', ' ', '\t', '\n', '\r'])
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .unwrap_or("");
            if OPENERS.contains(&word) {
                depth += 1;
            } else if word.starts_with("end") {
                depth = depth.saturating_sub(1);
            }
        }
        let mut inner = 0usize;
        for c in tag.chars() {
            match c {
                '(' | '[' | '{' => inner += 1,
                ')' | ']' | '}' => inner = inner.saturating_sub(1),
                _ => {}
            }
            if depth + inner > MAX_TEMPLATE_NESTING {
                return Some((line_of(rest), depth + inner));
            }
        }
        if depth > MAX_TEMPLATE_NESTING {
            return Some((line_of(rest), depth));
        }
        rest = &rest[end + close.len()..];
    }
    None
}

/// A tera error as one message: the template (and its file when the estate
/// overrides it), with the line and column tera reports.
fn template_error(e: &tera::Error, dir: Option<&Path>) -> Error {
    use std::error::Error;
    let mut message = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    let file = shipped_templates()
        .map(|(n, _)| n)
        .find(|n| message.contains(&format!("'{n}'")))
        .map(|n| template_file(n, dir));
    self::Error::Template { file, message }
}

/// The estate's file of template `name`, or the shipped one's name.
fn template_file(name: &str, dir: Option<&Path>) -> String {
    match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
        Some(p) => p.display().to_string(),
        None => format!("reports/{name} (built in)"),
    }
}

/// Where the report goes: the templates, and the staged directory.
pub(crate) struct Writer<'a> {
    tera: tera::Tera,
    /// The estate's templates, named in errors.
    dir: Option<&'a Path>,
    pub out: &'a Staged,
}

impl Writer<'_> {
    /// Render `template` with `ctx` into the file `path`.
    pub fn write(&self, path: &str, template: &str, ctx: &tera::Context) -> Result<(), Error> {
        let text = self
            .tera
            .render(template, ctx)
            .map_err(|e| template_error(&e, self.dir))?;
        self.out.put(path, text.as_bytes())
    }
}

/// `../` for each folder `path` is in: the way back to the site's root.
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Build every page and file of the report into `out`; returns the number of pages.
pub fn build(i: &Inputs<'_>, out: &Staged) -> Result<usize, Error> {
    use rayon::prelude::*;
    let w = Writer {
        tera: templates(i.templates)?,
        dir: i.templates,
        out,
    };
    let empty = Outcome::default();
    let sh = Shared::new(i, i.findings.unwrap_or(&empty));
    let start = |p: &Page| {
        let mut c = sh.base.clone();
        c.insert("page", p.id);
        c
    };
    // Built in order (their tables exported in this order), rendered below.
    let mut built: Vec<(&str, &str, tera::Context)> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut nav: Vec<Value> = Vec::new();
    for p in PAGES {
        if let One { path, title, build } = p.kind {
            let mut c = start(p);
            c.insert("root", &root_of(path));
            if let Some(t) = build(&sh, &mut c) {
                tables.extend(t);
                built.push((path, p.template.0, c));
                nav.push(json!({"id": p.id, "href": path, "title": title}));
            }
        }
    }
    // Pages render on every core and go to disk as they are done.
    let render = |path: &str, template: &str, mut c: tera::Context| {
        c.insert("nav", &nav);
        w.write(path, template, &c)
    };
    let mut page_count = built.len();
    built
        .into_par_iter()
        .try_for_each(|(path, template, c)| render(path, template, c))?;
    for p in PAGES {
        if let Each { of, build } = p.kind {
            let nodes = of(&sh);
            page_count += nodes.len();
            // Built, rendered and written one by one on each core, so an
            // estate's thousands of them are never all in memory.
            nodes.par_iter().try_for_each(|&n| {
                let mut c = start(p);
                let path = build(&sh, n, &mut c);
                c.insert("root", &root_of(&path));
                render(&path, p.template.0, c)
            })?;
        }
    }
    for write in FILES {
        write(&sh, &tables, &w)?;
    }
    Ok(page_count)
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_templates_parse() {
        super::templates(None).unwrap();
    }

    fn nested_ifs(n: usize) -> String {
        "{% if true %}\n".repeat(n) + "x" + &"{% endif %}".repeat(n)
    }

    #[test]
    fn a_template_nested_too_deep_is_refused_at_its_line_before_tera_parses_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), nested_ifs(2000)).unwrap();
        let e = super::templates(Some(dir.path())).unwrap_err().to_string();
        let want = format!(
            "template {}:65: blocks or brackets nested 65 deep (at most 64)",
            dir.path().join("index.html").display()
        );
        assert!(e.starts_with(&want), "{e}");
        let brackets = format!("{{{{ {}1{} }}}}", "(".repeat(2000), ")".repeat(2000));
        std::fs::write(dir.path().join("index.html"), brackets).unwrap();
        let e = super::templates(Some(dir.path())).unwrap_err().to_string();
        assert!(
            e.contains("index.html:1: blocks or brackets nested 65 deep"),
            "{e}"
        );
        // The deepest allowed parses and renders on a test thread's stack.
        let mut t = tera::Tera::default();
        t.add_raw_template("deep", &nested_ifs(super::MAX_TEMPLATE_NESTING))
            .unwrap();
        assert_eq!(t.render("deep", &tera::Context::new()).unwrap().trim(), "x");
        assert_eq!(super::too_deep(&nested_ifs(64)), None);
        // A tag that closes where it opens (`{%}`, `{{}`) is no tag: found by
        // fuzzing, it sliced the text backwards.
        assert_eq!(super::too_deep("a {%} b {{} c {%}}}"), None);
    }
}
