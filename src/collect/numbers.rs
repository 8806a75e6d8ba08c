//! Numbers from collected data, checked as inventory numbers are: finite,
//! not negative, and within what a real resource can be. An export is data
//! a program wrote, but a bad one (a volume of `Size: 1e308`, a negative
//! size or CPU percentage) would otherwise make the estate's carbon `inf`
//! or quietly lower it. A number out of range is a [`ReadError`] naming the
//! file, the item and the field, and the range expected.

use std::path::Path;

use super::{Found, ReadError};
use crate::model::collected::prometheus::Host;

/// The largest volume or bucket: an exabyte, in GB.
const MAX_STORAGE_GB: f64 = 1e9;
/// The largest machine's memory: 100 TB (the largest cloud VMs have 32 TB).
const MAX_MEMORY_GB: f64 = 1e5;
/// The most a single device draws, in watts (a full rack is ~40 kW).
const MAX_WATTS: f64 = 1e5;
/// Data sent out of a region in a period, GB (an exabyte).
const MAX_NETWORK_GB: f64 = 1e9;
/// Running hours in a period (a leap year).
const MAX_HOURS: f64 = 8784.0;

fn out_of_range(file: &str, item: &str, field: &str, v: f64, lo: f64, hi: f64) -> ReadError {
    // 1e308 as written, not as 309 digits.
    let v = if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    };
    ReadError::Content(format!(
        "{file}: {item}: {field} {v} is out of range (expected a number from {lo} to {hi})"
    ))
}

/// `v` is finite and in `lo..=hi`, else the located error.
fn within(file: &str, item: &str, field: &str, v: f64, lo: f64, hi: f64) -> Result<(), ReadError> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(out_of_range(file, item, field, v, lo, hi))
    }
}

/// A measured CPU percentage (CloudWatch's or Azure Monitor's `Average`): 0–100.
pub fn percent(file: &Path, item: &str, v: f64) -> Result<(), ReadError> {
    within(
        &file.display().to_string(),
        item,
        "CPU percentage",
        v,
        0.0,
        100.0,
    )
}

/// Every number of a found resource's spec.
pub fn found(f: &Found) -> Result<(), ReadError> {
    let (file, item, r) = (f.origin.as_str(), f.id.as_str(), &f.spec);
    for s in &r.storage {
        within(
            file,
            item,
            "storage size (GB)",
            s.size_gb,
            0.0,
            MAX_STORAGE_GB,
        )?;
    }
    if let Some(u) = &r.utilisation {
        within(file, item, "utilisation", u.value, 0.0, 1.0)?;
    }
    if let Some(h) = &r.hours {
        within(file, item, "running hours", h.value, 0.0, MAX_HOURS)?;
    }
    let optional = [
        ("memory (GB)", r.memory_gb, MAX_MEMORY_GB),
        ("network out (GB)", r.network_gb, MAX_NETWORK_GB),
        ("measured power (W)", r.measured_w, MAX_WATTS),
        ("rated power (W)", r.rated_w, MAX_WATTS),
    ];
    for (field, v, hi) in optional {
        if let Some(v) = v {
            within(file, item, field, v, 0.0, hi)?;
        }
    }
    Ok(())
}

/// A Prometheus host's averages, as `estate collect prometheus` wrote them.
pub fn host(file: &Path, h: &Host) -> Result<(), ReadError> {
    let file = file.display().to_string();
    let item = format!("host `{}`", h.instance);
    let fields = [
        ("cpu_utilisation", h.cpu_utilisation, 1.0),
        ("memory_utilisation", h.memory_utilisation, 1.0),
        ("memory_gb", h.memory_gb, MAX_MEMORY_GB),
        ("power_w", h.power_w, MAX_WATTS),
    ];
    for (field, v, hi) in fields {
        if let Some(v) = v {
            within(&file, &item, field, v, 0.0, hi)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::kinds::{
        Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec,
    };

    fn volume(size_gb: f64) -> Found {
        let mut spec = ResourceSpec::new(ResourceType::Storage, Provider::Aws);
        spec.storage.push(StorageSpec {
            class: StorageClass::Ssd,
            size_gb,
            replication: None,
        });
        Found {
            id: "vol-1".into(),
            name: "vol-1".into(),
            spec,
            source: "aws".into(),
            origin: "v.json".into(),
            depends_on: Vec::new(),
            annotations: Default::default(),
            attached_to: None,
            member_of: None,
        }
    }

    #[test]
    fn sizes_must_be_finite_and_plausible() {
        assert!(found(&volume(100.0)).is_ok());
        assert_eq!(
            found(&volume(1e308)).unwrap_err().to_string(),
            "v.json: vol-1: storage size (GB) 1e308 is out of range (expected a number from 0 to 1000000000)"
        );
        assert!(found(&volume(-5.0)).is_err());
        assert!(found(&volume(f64::NAN)).is_err());
        assert!(percent(Path::new("c.json"), "i-1", -12.5).is_err());
        assert!(percent(Path::new("c.json"), "i-1", 100.0).is_ok());
    }
}
