//! `estate graph`: the model (or the neighbourhood of one node) as DOT,
//! Mermaid or JSON.

use anyhow::Result;

use super::Ctx;
use crate::cli::GraphFormat;
use crate::inventory::Kind;
use crate::output::{BAD_INPUT, print, print_json};
use crate::{pipeline, report};

pub fn run(
    ctx: &Ctx,
    format: GraphFormat,
    focus: Option<String>,
    depth: Option<usize>,
    kinds: &[String],
) -> Result<u8> {
    let Some((_, model)) = pipeline::load_model(ctx.overrides(), &ctx.term)? else {
        return Ok(BAD_INPUT);
    };
    let kinds = match parse_kinds(kinds) {
        Ok(k) => k,
        Err(msg) => {
            crate::say!("error: {msg}");
            return Ok(BAD_INPUT);
        }
    };
    let focus = match focus.map(|f| report::show::find(&model, &f)).transpose() {
        Ok(f) => f,
        Err(msg) => {
            crate::say!("error: {msg}");
            return Ok(BAD_INPUT);
        }
    };
    let sel = report::graph::select(&model, &kinds, focus, depth.unwrap_or(1));
    match format {
        GraphFormat::Dot => print(&report::graph::to_dot(&model, &sel)),
        GraphFormat::Mermaid => print(&report::graph::to_mermaid(&model, &sel)),
        GraphFormat::Json => print_json(&report::graph::to_json(&model, &sel)),
    }
}

/// A `--kinds` name that is no kind.
#[derive(Debug, thiserror::Error)]
#[error("unknown kind `{name}`; kinds are {}", kind_names())]
struct UnknownKind {
    name: String,
}

fn kind_names() -> String {
    let all = Kind::DECLARABLE
        .iter()
        .map(|k| k.prefix())
        .chain(["region"]);
    all.collect::<Vec<_>>().join(", ")
}

/// `--kinds` names (prefixes or kind names); the default set when none.
fn parse_kinds(names: &[String]) -> Result<Vec<Kind>, UnknownKind> {
    if names.is_empty() {
        return Ok(report::graph::default_kinds());
    }
    names
        .iter()
        .map(|n| {
            let n = n.trim();
            Kind::from_prefix(&n.to_ascii_lowercase())
                .or_else(|| Kind::from_name(n))
                .ok_or_else(|| UnknownKind {
                    name: n.to_string(),
                })
        })
        .collect()
}
