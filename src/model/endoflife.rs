//! End-of-life data as endoflife.date publishes it (the shipped
//! `policies/endoflife/products.json` and what `estate policies
//! refresh-eol` fetches): products and their release cycles with support
//! and end-of-life dates. Plain data, read by the policies and written by
//! the refresh.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Snapshot {
    pub source: String,
    pub url: String,
    pub licence: String,
    pub retrieved: String,
    pub products: BTreeMap<String, Product>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Product {
    pub title: String,
    pub cycles: Vec<Cycle>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Cycle {
    pub cycle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    /// A date, or `false` (no end yet) / `true` (ended, date not published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eol: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_support: Option<serde_json::Value>,
}
