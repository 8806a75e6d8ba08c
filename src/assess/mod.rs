//! Assessing the model: carbon (energy and emissions with ranges, and the
//! one set of roll-ups), spend (charges attributed to systems, reconciled
//! exactly), policies (rules in CEL over the graph) and Kubernetes allocation
//! (node footprints split across pods). Assessors read the model, the
//! charges `collect` streams to them and their own data (carbon-factors/,
//! the policy pack, end-of-life data); they open no billing file and call no
//! network, and return plain data for `plan` and `report`.

pub mod carbon;
pub mod kubernetes;
pub mod policy;
pub mod spend;
