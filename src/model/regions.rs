//! Where cloud regions are: provider region code → country and
//! data-protection jurisdiction (`GB`, `EU` for the EU/EEA, else the
//! country), from the table `cloud-regions.csv` embedded at build time.
//!
//! Data-residency policies and the "greener region in the same
//! jurisdiction" rule read it through the derived Region nodes' labels.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionInfo {
    pub provider: String,
    pub region: String,
    /// ISO 3166-1 alpha-2; empty for multi-country regions.
    pub country: String,
    pub jurisdiction: String,
    pub location: String,
}

const TABLE: &str = include_str!("cloud-regions.csv");

fn table() -> &'static HashMap<String, RegionInfo> {
    static T: OnceLock<HashMap<String, RegionInfo>> = OnceLock::new();
    T.get_or_init(|| {
        let mut r = csv::Reader::from_reader(TABLE.as_bytes());
        r.records()
            .filter_map(Result::ok)
            .map(|rec| {
                let info = RegionInfo {
                    provider: rec[0].to_string(),
                    region: rec[1].to_string(),
                    country: rec[2].to_string(),
                    jurisdiction: rec[3].to_string(),
                    location: rec[4].to_string(),
                };
                (key(&info.provider, &info.region), info)
            })
            .collect()
    })
}

fn key(provider: &str, region: &str) -> String {
    format!(
        "{}:{}",
        provider.to_ascii_lowercase(),
        region.to_ascii_lowercase()
    )
}

/// The region of `provider` (`aws`, `azure`, `gcp`) named `region`, any case.
pub fn lookup(provider: &str, region: &str) -> Option<&'static RegionInfo> {
    table().get(&key(provider, region))
}

/// Every known region.
pub fn all() -> impl Iterator<Item = &'static RegionInfo> {
    table().values()
}

#[cfg(test)]
mod tests {
    #[test]
    fn london_is_in_great_britain_and_frankfurt_in_the_eu() {
        let l = super::lookup("aws", "eu-west-2").unwrap();
        assert_eq!((l.country.as_str(), l.jurisdiction.as_str()), ("GB", "GB"));
        let f = super::lookup("AWS", "EU-CENTRAL-1").unwrap();
        assert_eq!((f.country.as_str(), f.jurisdiction.as_str()), ("DE", "EU"));
        assert_eq!(super::lookup("azure", "uksouth").unwrap().country, "GB");
        assert!(super::all().count() > 150);
        assert!(super::lookup("aws", "mars-north-1").is_none());
    }
}
