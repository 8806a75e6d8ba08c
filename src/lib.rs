//! Estate maps an organisation's technology estate — systems, dependencies,
//! hosting, suppliers, spend and carbon — into one graph, and reports on it.
//!
//! The modules are the pipeline: `inventory` (estate-as-code YAML) feeds
//! `model` (the petgraph graph and its queries), which `report` renders.
//! `cli` and `settings` are the edge; `diagnostic` carries located problems
//! from every stage that reads user files.

pub mod assess;
pub mod cli;
pub mod collect;
pub mod diagnostic;
pub mod inventory;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod run;
pub mod settings;
pub mod timings;
