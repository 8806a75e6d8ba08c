//! diagrams/: the estate as code for other tools — DOT and Mermaid of the
//! default graph view, and a Structurizr workspace.

use crate::report::site::shared::Shared;
use crate::report::site::table::Table;
use crate::report::site::{Error, Writer};
use crate::report::{diagram, graph};

pub(crate) fn write(sh: &Shared<'_>, _: &[Table], w: &Writer<'_>) -> Result<(), Error> {
    let model = sh.model;
    let sel = graph::select(model, &graph::default_kinds(), None, 0);
    w.out
        .put("diagrams/estate.dot", graph::to_dot(model, &sel).as_bytes())?;
    w.out.put(
        "diagrams/estate.mmd",
        graph::to_mermaid(model, &sel).as_bytes(),
    )?;
    w.out.put(
        "diagrams/workspace.dsl",
        diagram::structurizr(model, sh.i.name).as_bytes(),
    )
}
