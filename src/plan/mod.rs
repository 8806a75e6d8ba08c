//! Planning over the assessed estate: rationalisation candidates
//! (`portfolio`), migration waves from the dependency graph (`waves`), and
//! snapshots of the estate over time and the difference between two
//! (`snapshot`).

pub mod portfolio;
pub mod roadmap;
pub mod snapshot;
pub mod terraform;
pub mod waves;
