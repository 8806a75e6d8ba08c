//! The report's pages and the other files it writes, one module each. A
//! page is a function that fills its template's context and returns the
//! tables it exports; a file is a function that writes it. Both are
//! registered once, in `site::PAGES` and `site::FILES`: adding a page is a
//! module here, a line there and its template under reports/.

pub mod assets;
pub mod carbon;
pub mod csv;
pub mod data;
pub mod diagrams;
pub mod map;
pub mod overview;
pub mod policies;
pub mod roadmap;
pub mod spend;
pub mod summary;
pub mod system;
pub mod systems;

use petgraph::stable_graph::NodeIndex;

use super::shared::Shared;
use super::table::Table;
use super::{Error, Writer};

/// Fills a page's context (it starts as the shared one with `root` and
/// `page` set) and returns the tables it exports as CSV; `None` leaves the
/// page out of the site and its navigation (no spend, no findings).
pub(crate) type Build = fn(&Shared<'_>, &mut tera::Context) -> Option<Vec<Table>>;

/// Fills the context of the page of one node and returns the page's path.
pub(crate) type BuildEach = fn(&Shared<'_>, NodeIndex, &mut tera::Context) -> String;

/// The nodes that each have a page.
pub(crate) type Of = for<'r, 's> fn(&'r Shared<'s>) -> &'r [NodeIndex];

/// Writes one of the report's other files, after every page; reads the
/// tables the pages exported.
pub(crate) type Write = fn(&Shared<'_>, &[Table], &Writer<'_>) -> Result<(), Error>;

/// One page of the site.
pub(crate) struct Page {
    /// The templates' `page` (the navigation highlights it).
    pub id: &'static str,
    /// Its template's name and shipped text.
    pub template: (&'static str, &'static str),
    pub kind: Kind,
}

pub(crate) enum Kind {
    /// A page at `path`, with `title` in the navigation.
    One {
        path: &'static str,
        title: &'static str,
        build: Build,
    },
    /// A page per node `of` lists (a system's page): each built, rendered
    /// and written by itself on some core, so an estate's thousands of them
    /// are never all in memory.
    Each { of: Of, build: BuildEach },
}
