//! The pipeline: the stages joined in one place, collect → model → assess, so that commands only load, call and render.

pub mod spend;
