//! `estate report`: the report site. Takes everything assessed of the estate
//! (model, carbon, spend, policy findings), turns it into tables, charts and
//! diagrams, renders the pages with tera templates (the shipped ones under
//! reports/, each overridable by a file of the same name in the estate's
//! reports/), and writes the site, its Markdown summary, a CSV per table,
//! the data as JSON and the diagrams as code — into a temporary directory
//! that replaces the previous report in one rename.
//!
//! Each page and each other file is a module under `pages/`, registered once
//! in [`PAGES`] (which is also the navigation) or [`FILES`]. `build` only
//! runs them: pages are built one after another, then rendered on every core
//! and written as they are done; figures come from `assess`, this module
//! only lays them out.

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
use crate::settings::Period;
use pages::Kind::{Each, One};
use pages::{Page, Write};
use shared::Shared;

/// The shipped templates (reports/ in the repository), by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../reports/base.html")),
    ("macros.html", include_str!("../../../reports/macros.html")),
    ("style.css", include_str!("../../../reports/style.css")),
    ("script.js", include_str!("../../../reports/script.js")),
    ("index.html", include_str!("../../../reports/index.html")),
    ("map.html", include_str!("../../../reports/map.html")),
    (
        "systems.html",
        include_str!("../../../reports/systems.html"),
    ),
    ("system.html", include_str!("../../../reports/system.html")),
    ("spend.html", include_str!("../../../reports/spend.html")),
    ("carbon.html", include_str!("../../../reports/carbon.html")),
    (
        "policies.html",
        include_str!("../../../reports/policies.html"),
    ),
    (
        "roadmap.html",
        include_str!("../../../reports/roadmap.html"),
    ),
    ("summary.md", include_str!("../../../reports/summary.md")),
];

/// Every page of the site, in the navigation's order.
const PAGES: &[Page] = &[
    page(
        "index",
        "Overview",
        "index.html",
        "index.html",
        pages::overview::build,
    ),
    page(
        "map",
        "Estate map",
        "map.html",
        "map.html",
        pages::map::build,
    ),
    page(
        "systems",
        "Systems",
        "systems/index.html",
        "systems.html",
        pages::systems::build,
    ),
    Page {
        id: "systems",
        template: "system.html",
        kind: Each {
            of: pages::system::of,
            build: pages::system::build,
        },
    },
    page(
        "spend",
        "Spend",
        "spend.html",
        "spend.html",
        pages::spend::build,
    ),
    page(
        "carbon",
        "Carbon",
        "carbon.html",
        "carbon.html",
        pages::carbon::build,
    ),
    page(
        "policies",
        "Policies",
        "policies.html",
        "policies.html",
        pages::policies::build,
    ),
    page(
        "roadmap",
        "Roadmap",
        "roadmap.html",
        "roadmap.html",
        pages::roadmap::build,
    ),
];

/// The report's other files, written in this order after the pages.
const FILES: &[Write] = &[
    pages::assets::write,
    pages::summary::write,
    pages::csv::write,
    pages::data::write,
    pages::diagrams::write,
];

const fn page(
    id: &'static str,
    title: &'static str,
    path: &'static str,
    template: &'static str,
    build: pages::Build,
) -> Page {
    Page {
        id,
        template,
        kind: One { path, title, build },
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
    pub roadmaps: &'a [crate::plan::roadmap::Outcome],
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
    for (name, text) in TEMPLATES {
        let own = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let text = match own {
            Some(path) => std::fs::read_to_string(&path)
                .map_err(|source| Error::ReadTemplate { path, source })?,
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
fn template_error(e: &tera::Error, dir: Option<&Path>) -> Error {
    use std::error::Error;
    let mut message = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    let file = TEMPLATES
        .iter()
        .map(|(n, _)| *n)
        .find(|n| message.contains(&format!("'{n}'")))
        .map(|n| match dir.map(|d| d.join(n)).filter(|p| p.is_file()) {
            Some(p) => p.display().to_string(),
            None => format!("reports/{n} (built in)"),
        });
    self::Error::Template { file, message }
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

/// Build every page and file of the report.
/// Render the report into `out`; returns the number of pages.
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
                built.push((path, p.template, c));
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
                render(&path, p.template, c)
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
}
