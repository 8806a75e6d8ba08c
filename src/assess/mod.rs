//! Assessing the model: carbon (energy and emissions with ranges), and,
//! later, spend and policies. Assessors read the model and their own data
//! (carbon-factors/ for carbon) and return plain data for `report`.

pub mod carbon;
pub mod spend;
