//! data.json: what the report was made from as one JSON document — the
//! estate, its summary, the carbon estimate with every item, and the spend
//! and check results when there are any. Compact, and streamed to disk: at
//! a million items it would be gigabytes pretty.

use std::io::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use crate::assess::carbon::Basis;
use crate::report;
use crate::report::site::shared::Shared;
use crate::report::site::table::Table;
use crate::report::site::{Error, Writer};

/// The document, serialised directly: at scale the carbon items are most of it.
#[derive(Serialize)]
struct Data<'a> {
    estate: Value,
    summary: Value,
    carbon: report::carbon::Json<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spend: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<Value>,
}

pub(crate) fn write(sh: &Shared<'_>, _: &[Table], w: &Writer<'_>) -> Result<(), Error> {
    let (i, model) = (sh.i, sh.model);
    let data = Data {
        estate: json!({"name": i.name, "currency": i.currency, "period": {"start": i.period.start.to_string(), "end": i.period.end.to_string()}}),
        summary: serde_json::to_value(report::summary::summarise(model, i.name))
            .map_err(Error::Json)?,
        carbon: report::carbon::json_of(model, i.carbon, i.period, Basis::Location),
        spend: i
            .spend
            .map(|sp| report::spend::to_json(sp, i.period, i.currency)),
        check: i.findings.map(|o| report::check::to_json(o, i.sources)),
    };
    w.out.put_with("data.json", |f| {
        serde_json::to_writer(&mut *f, &data)?;
        f.write_all(b"\n")
    })
}
