//! Planning over the assessed estate. So far: snapshots of the estate over
//! time and the difference between two (`snapshot`).

pub mod snapshot;
