//! Estate maps an organisation's technology estate — systems, dependencies,
//! hosting, suppliers, spend and carbon — into one graph, and reports on it.
//!
//! The modules are the pipeline: `inventory` (estate-as-code YAML) and
//! `collect` (exports, state, billing, live APIs) feed `model` (the petgraph
//! graph, its queries and the plain data every stage shares); `assess`
//! estimates carbon, attributes spend and checks policies; `plan` applies
//! roadmaps and plans waves; `report` renders. `pipeline` calls the stages in
//! one place and one order, and `commands` (one file per subcommand) load
//! through it and render. `cli` and `settings` are the edge; `diagnostic`
//! carries located problems from every stage that reads user files, `files`
//! opens them (regular files only, bounded reads), and `output` the terminal
//! and atomic writes; `fuzzing` holds one entry point per family of input
//! files for the fuzz targets and their CI check. Dependencies point toward
//! `model` (docs/architecture.md; tests/cli/layering.rs keeps it so).

pub mod assess;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod diagnostic;
pub mod files;
pub mod fuzzing;
pub mod inventory;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod settings;
pub mod timings;
