//! Suppliers on billing lines: names normalised so finance's spelling
//! (`HALCYON SOFTWARE LTD`) meets the inventory's (`Halcyon Software`), a
//! cloud provider recognised from its name, a provider's ledger invoice told
//! apart from its other lines, and ledger lines from suppliers the inventory
//! does not know judged for shadow IT: a known technology vendor (the list
//! in `vendors.txt`) or a description that names technology.

use std::collections::HashSet;

use crate::inventory::kinds::Provider;

/// Words in a ledger line's description (upper case) that mark it as technology.
const TECH_WORDS: [&str; 15] = [
    "SOFTWARE",
    "LICENCE",
    "LICENSE",
    "SUBSCRIPTION",
    "SAAS",
    "CLOUD",
    "HOSTING",
    "DOMAIN",
    "BROADBAND",
    "TELECOM",
    "MOBILE",
    "LAPTOP",
    "IT SUPPORT",
    "APP ",
    "ONLINE",
];

/// Upper case, letters and digits only, legal suffixes dropped: `Halcyon Software Ltd.` → `HALCYON SOFTWARE`.
pub fn normalise_supplier(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let suffixes = [
        "LTD",
        "LIMITED",
        "PLC",
        "LLP",
        "LLC",
        "INC",
        "UC",
        "CO",
        "UNLIMITED",
        "PTY",
        "GMBH",
        "BV",
        "SA",
        "SARL",
        "CORP",
        "CORPORATION",
        "THE",
        "UK",
        "EMEA",
        "EUROPE",
        "INTERNATIONAL",
        "IRELAND",
        "COM",
    ];
    let mut end = words.len();
    while end > 1 && suffixes.contains(&words[end - 1]) {
        end -= 1;
    }
    let start = usize::from(words.first() == Some(&"THE") && end > 1);
    words[start..end].join(" ")
}

/// The known technology vendors (`vendors.txt`), normalised.
pub(super) fn vendors() -> HashSet<String> {
    include_str!("vendors.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(normalise_supplier)
        .collect()
}

/// Why a ledger line from a supplier the inventory does not know is a
/// shadow-IT candidate, if it is: `normal` is the supplier's normalised
/// name, `supplier` as written.
pub(super) fn shadow_reason(
    vendors: &HashSet<String>,
    normal: &str,
    supplier: &str,
    description: &str,
) -> Option<String> {
    let desc = description.to_ascii_uppercase();
    let vendor =
        vendors.contains(normal) || vendors.iter().any(|v| normal.starts_with(&format!("{v} ")));
    if vendor {
        Some(format!(
            "`{supplier}` is a known technology vendor not in the inventory"
        ))
    } else {
        TECH_WORDS.iter().find(|w| desc.contains(*w)).map(|w| {
            format!(
                "the line describes {} and the supplier is not in the inventory",
                w.trim().to_lowercase()
            )
        })
    }
}

/// Whether a ledger line from a cloud provider's supplier is its cloud bill
/// (which a FOCUS export details) rather than, say, licences: any line
/// invoiced by the provider's cloud entity or describing the cloud service.
pub(super) fn is_cloud_consumption(p: Provider, supplier: &str, description: &str) -> bool {
    let text = format!("{} {}", supplier, description).to_ascii_lowercase();
    let words: &[&str] = match p {
        Provider::Aws => &[
            "aws",
            "amazon web services",
            "ec2",
            "savings plan",
            "reserved instance",
        ],
        Provider::Azure => &["azure"],
        Provider::Gcp => &["google cloud", "gcp"],
        Provider::OnPrem | Provider::Other => &[],
    };
    words.iter().any(|w| text.contains(w))
}

pub(super) fn provider_of(name: &str) -> Option<Provider> {
    let n = name.to_ascii_lowercase();
    if n.contains("amazon") || n == "aws" {
        Some(Provider::Aws)
    } else if n.contains("microsoft") || n.contains("azure") {
        Some(Provider::Azure)
    } else if n.contains("google") || n == "gcp" {
        Some(Provider::Gcp)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_names_normalise() {
        assert_eq!(
            normalise_supplier("Halcyon Software Ltd."),
            "HALCYON SOFTWARE"
        );
        assert_eq!(
            normalise_supplier("HALCYON SOFTWARE LIMITED"),
            "HALCYON SOFTWARE"
        );
        assert_eq!(
            normalise_supplier("Zoom Video Communications, Inc."),
            "ZOOM VIDEO COMMUNICATIONS"
        );
        assert_eq!(normalise_supplier("The Access Group"), "ACCESS GROUP");
    }
}
