//! Planning over the assessed estate: roadmaps of dated actions and what
//! they do to spend and carbon (`roadmap`, one file per action),
//! rationalisation candidates (`portfolio`), migration waves from the
//! dependency graph (`waves`), what a Terraform plan changes (`terraform`),
//! and snapshots of the estate over time and the difference between two
//! (`snapshot`). Plan computes and never renders: its results go to
//! `report` (or straight to JSON), and the files it assesses are read by
//! `collect`.

pub mod portfolio;
pub mod roadmap;
pub mod snapshot;
pub mod terraform;
pub mod waves;
