//! Planning over the assessed estate: rationalisation candidates
//! (`portfolio`), and snapshots of the estate over time and the difference
//! between two (`snapshot`).

pub mod portfolio;
pub mod snapshot;
