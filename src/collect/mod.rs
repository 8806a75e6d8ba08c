//! Collectors: what the estate looks like according to sources outside the
//! inventory. Offline sources (exports a user hands over) are read here;
//! each source is one file or folder. `billing` reads cost exports.

pub mod billing;
