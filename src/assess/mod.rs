//! Assessing the model: carbon (energy and emissions with ranges), spend
//! (billing and ledger attributed to systems, reconciled exactly) and
//! policies (rules in CEL over the graph). Assessors read the model and their own data
//! (carbon-factors/ for carbon) and return plain data for `report`.

pub mod carbon;
pub mod kubernetes;
pub mod policy;
pub mod spend;
