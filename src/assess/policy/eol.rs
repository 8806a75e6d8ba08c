//! End-of-life dates: a snapshot of endoflife.date's product data (MIT,
//! `policies/endoflife/products.json`), read and matched to Technology
//! nodes. Refreshing the snapshot from the endoflife.date API is network
//! I/O and lives in `collect::endoflife`.
//!
//! A technology's declared `end_of_life` wins; otherwise its `product` is
//! mapped to an endoflife.date slug (an alias table covers the common
//! differences: `mssql-server` → `mssqlserver`, SQL Server's year names →
//! its build-number cycles) and its `version` to a release cycle: equal,
//! or the version inside the cycle (`15.4` → `15`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::inventory::Spec;
use crate::model::Node;

/// The snapshot shipped with Estate, used when the pack has none.
const SHIPPED: &str = include_str!("../../../policies/endoflife/products.json");

pub use crate::model::endoflife::{Cycle, Product, Snapshot};

/// Estate product names that differ from endoflife.date's slugs.
const PRODUCT_ALIASES: &[(&str, &str)] = &[
    ("mssql-server", "mssqlserver"),
    ("sql-server", "mssqlserver"),
    ("vmware-esxi", "esxi"),
    ("java", "oracle-jdk"),
    ("temurin", "eclipse-temurin"),
    ("exchange", "msexchange"),
    ("apache", "apache-http-server"),
    ("httpd", "apache-http-server"),
    ("eks", "amazon-eks"),
    ("aks", "azure-kubernetes-service"),
    ("node", "nodejs"),
    ("oracle", "oracle-database"),
    ("red-hat-enterprise-linux", "rhel"),
    ("dotnet-framework", "dotnetfx"),
];

/// Version names that differ from the slug's cycle names.
const VERSION_ALIASES: &[(&str, &str, &str)] = &[
    ("mssqlserver", "2008-r2", "10.50-sp3"),
    ("mssqlserver", "2012", "11.0-sp4"),
    ("mssqlserver", "2014", "12.0-sp3"),
    ("mssqlserver", "2016", "13.0-sp3"),
    ("mssqlserver", "2017", "14.0"),
    ("mssqlserver", "2019", "15.0"),
    ("mssqlserver", "2022", "16.0"),
    ("mssqlserver", "2025", "17.0"),
    ("oracle-database", "11g", "11.2"),
    ("oracle-database", "12c", "12.2"),
    ("oracle-database", "18c", "18"),
    ("oracle-database", "19c", "19"),
    ("oracle-database", "21c", "21"),
    ("oracle-database", "23ai", "23"),
];

/// Why the pack's snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EolError {
    #[error("{}:{line}:{column}: {error}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        error: serde_json::Error,
    },
    #[error("cannot read `{}`: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Eol {
    pub snapshot: Snapshot,
}

impl Eol {
    /// The pack's snapshot (`DIR/endoflife/products.json`) if it has one, else the shipped one.
    pub fn load(policies: &Path) -> Result<Eol, EolError> {
        let path = policies.join("endoflife").join("products.json");
        let snapshot = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|error| EolError::Parse {
                line: error.line(),
                column: error.column(),
                path: path.clone(),
                error,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Eol::shipped().snapshot,
            Err(error) => return Err(EolError::Read { path, error }),
        };
        Ok(Eol { snapshot })
    }

    pub fn shipped() -> Eol {
        Eol {
            snapshot: serde_json::from_str(SHIPPED).expect("the shipped snapshot is valid JSON"),
        }
    }

    /// The release cycle a technology matches, with its product slug.
    pub fn cycle(&self, product: &str, version: &str) -> Option<(&str, &Cycle)> {
        let p = product.to_ascii_lowercase();
        let slug = PRODUCT_ALIASES
            .iter()
            .find(|(a, _)| *a == p)
            .map(|(_, s)| *s)
            .unwrap_or(&p);
        let (slug, prod) = self.snapshot.products.get_key_value(slug)?;
        let v = norm(version);
        let v = VERSION_ALIASES
            .iter()
            .find(|(s, a, _)| s == slug && *a == v)
            .map(|(_, _, c)| c.to_string())
            .unwrap_or(v);
        let found = prod
            .cycles
            .iter()
            .find(|c| norm(&c.cycle) == v)
            .or_else(|| {
                // `15.4` is in cycle `15`: the longest cycle the version starts with.
                prod.cycles
                    .iter()
                    .filter(|c| {
                        let c = norm(&c.cycle);
                        v.starts_with(&c) && v[c.len()..].starts_with(['.', '-'])
                    })
                    .max_by_key(|c| c.cycle.len())
            })?;
        Some((slug.as_str(), found))
    }

    /// A technology's end of life: declared, else from the snapshot.
    pub fn end_of_life(&self, node: &Node) -> Option<NaiveDate> {
        let Some(Spec::Technology(t)) = &node.spec else {
            return None;
        };
        if let Some(d) = &t.end_of_life {
            return Some(d.0);
        }
        let (_, c) = self.cycle(&t.product, &t.version)?;
        date(c.eol.as_ref()?)
    }
}

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace([' ', '_'], "-")
}

fn date(v: &serde_json::Value) -> Option<NaiveDate> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::Eol;

    #[test]
    fn versions_match_cycles_through_aliases_and_prefixes() {
        let eol = Eol::shipped();
        let (slug, c) = eol.cycle("mssql-server", "2014").unwrap();
        assert_eq!((slug, c.cycle.as_str()), ("mssqlserver", "12.0-sp3"));
        assert_eq!(eol.cycle("postgresql", "15.4").unwrap().1.cycle, "15");
        assert_eq!(
            eol.cycle("windows-server", "2012-R2").unwrap().1.cycle,
            "2012-r2"
        );
        assert_eq!(eol.cycle("vmware-esxi", "6.7").unwrap().1.cycle, "6.7");
        assert_eq!(eol.cycle("oracle-database", "12c").unwrap().1.cycle, "12.2");
        // `1.3` is not in cycle `1.33`.
        assert!(
            eol.cycle("amazon-eks", "1.3")
                .is_none_or(|(_, c)| c.cycle != "1.33")
        );
        assert!(eol.cycle("no-such-product", "1").is_none());
    }
}
