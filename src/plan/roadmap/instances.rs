//! Instance types in the factor set's tables: looking one up in a
//! provider's naming, and picking the smallest of a family that fits.

use crate::assess::carbon::{self, FactorSet};
use crate::inventory::kinds::Provider;

/// An instance type in the factor set's table for a provider.
pub(super) fn instance<'f>(
    factors: &'f FactorSet,
    provider: Provider,
    t: &str,
) -> Option<&'f carbon::factors::Instance> {
    let cloud = factors.cloud.get(&provider)?;
    let t = t.to_ascii_lowercase();
    let alt = t
        .trim_start_matches("db.")
        .trim_start_matches("standard_")
        .replace('_', " ");
    cloud
        .instances
        .get(&t)
        .or_else(|| cloud.instances.get(&alt))
}

/// The smallest type of a family (`m6i`, `Dsv5`) with at least these vCPUs
/// (and memory, when known), in the provider's naming.
pub(super) fn pick(
    factors: &FactorSet,
    provider: Provider,
    family: &str,
    vcpus: f64,
    memory_gb: Option<f64>,
) -> Option<String> {
    let cloud = factors.cloud.get(&provider)?;
    let fam = family.to_ascii_lowercase().replace([' ', '_'], "");
    let family_of = |key: &str| -> String {
        match provider {
            Provider::Aws => key.split('.').next().unwrap_or("").to_string(),
            // `d4s v5` → `dsv5`: the size's digits go, the version's stay.
            _ => {
                let (size, version) = key.split_once(' ').unwrap_or((key, ""));
                let size: String = size.chars().filter(|c| !c.is_ascii_digit()).collect();
                format!("{size}{}", version.replace(' ', ""))
            }
        }
    };
    let mut best: Option<(&String, f64)> = None;
    for (key, i) in &cloud.instances {
        if family_of(key) != fam {
            continue;
        }
        let (Some(v), m) = (i.vcpus, i.memory_gb) else {
            continue;
        };
        if v < vcpus || memory_gb.is_some_and(|need| m.is_some_and(|m| m < need)) {
            continue;
        }
        if best.is_none_or(|(bk, bv)| v < bv || (v == bv && key < bk)) {
            best = Some((key, v));
        }
    }
    let (key, _) = best?;
    Some(match provider {
        Provider::Azure => {
            let mut c = key.replace(' ', "_");
            if let Some(f) = c.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            format!("Standard_{c}")
        }
        _ => key.clone(),
    })
}
