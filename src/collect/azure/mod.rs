//! Azure, offline: what `az graph query -q "Resources | …" -o json` prints
//! (`{count, data, skip_token, total_records}`), or `az resource list -o
//! json` (a plain array), one or more files in a folder, and Azure
//! Monitor's `Percentage CPU` (`az monitor metrics list … -o json`, the REST
//! shape) under `metrics/` beside them.
//!
//! Rows become resources under their lower-cased resource id: virtual
//! machines (size, power state: a deallocated or stopped machine counts as
//! not running), scale sets (size × capacity; an AKS node pool's scale set,
//! in the cluster's node resource group, is the cluster's capacity and
//! counted once), managed disks (size, SSD or HDD by SKU, attached to their
//! machine or flagged unattached), SQL databases and managed instances (the
//! vCore SKU, e.g. `GP_Gen5_8`; the system `master` database is skipped and
//! counted), storage accounts (replication from the SKU), AKS clusters
//! (their agent pools), networks, and every other type kept as `other` with
//! its type noted. Each VM's average CPU over the days with data becomes
//! its measured utilisation.

#[cfg(feature = "live")]
pub mod live;

pub use crate::model::collected::azure::Export;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Found;
use crate::inventory::kinds::{
    Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec, spanned,
};

fn s<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v.pointer(path)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
}

fn n(v: &Value, path: &str) -> Option<f64> {
    v.pointer(path).and_then(Value::as_f64)
}

/// Copies of the data a disk SKU keeps: `Premium_LRS`, `StandardSSD_ZRS`, `Standard_LRS` (HDD).
fn disk_class(sku: &str) -> StorageClass {
    if sku.starts_with("Standard_") {
        StorageClass::Hdd
    } else {
        StorageClass::Ssd
    }
}

/// Copies a storage account's SKU keeps: LRS and ZRS 3, GRS/RA-GRS/GZRS 6.
fn replication(sku: &str) -> Option<u32> {
    let r = sku.rsplit('_').next()?;
    Some(if r.contains("GRS") || r.contains("GZRS") {
        6
    } else {
        3
    })
}

/// One row as a resource (`None`: not a resource, with the reason).
fn row(v: &Value, origin: &Path) -> Result<Found, &'static str> {
    let id = s(v, "/id").ok_or("no id")?.to_ascii_lowercase();
    let ty = s(v, "/type").unwrap_or("").to_ascii_lowercase();
    let rt = match ty.as_str() {
        "microsoft.compute/virtualmachines" | "microsoft.compute/virtualmachinescalesets" => {
            ResourceType::Compute
        }
        "microsoft.compute/disks"
        | "microsoft.storage/storageaccounts"
        | "microsoft.netapp/netappaccounts/capacitypools/volumes" => ResourceType::Storage,
        "microsoft.sql/servers/databases" | "microsoft.sql/managedinstances" => {
            ResourceType::Database
        }
        "microsoft.containerservice/managedclusters" => ResourceType::ContainerCluster,
        t if t.starts_with("microsoft.network/") => ResourceType::Network,
        _ => ResourceType::Other,
    };
    let mut spec = ResourceSpec::new(rt, Provider::Azure);
    spec.region = s(v, "/location").map(|l| spanned(l.to_string()));
    // `az resource list` rows carry no subscriptionId: it is in the id.
    spec.account = s(v, "/subscriptionId").map(String::from).or_else(|| {
        id.strip_prefix("/subscriptions/")
            .and_then(|r| r.split('/').next())
            .map(String::from)
    });
    spec.tags = super::string_map(v.get("tags"));
    spec.external_id = Some(id.clone());
    let mut f = Found {
        id: id.clone(),
        name: s(v, "/name").unwrap_or(&id).to_string(),
        spec,
        source: "azure".into(),
        origin: origin.display().to_string(),
        depends_on: Vec::new(),
        annotations: Default::default(),
        attached_to: None,
        member_of: None,
    };
    f.annotations.insert("azure/type".into(), ty.clone());
    let spec = &mut f.spec;
    match ty.as_str() {
        "microsoft.compute/virtualmachines" => {
            spec.instance_type = s(v, "/properties/hardwareProfile/vmSize").map(String::from);
            let power = s(v, "/properties/extended/instanceView/powerState/code");
            if matches!(
                power,
                Some("PowerState/deallocated" | "PowerState/stopped" | "PowerState/deallocating")
            ) {
                spec.hours = Some(spanned(0.0));
            }
            if let Some(p) = power {
                f.annotations.insert(
                    "azure/power-state".into(),
                    p.trim_start_matches("PowerState/").into(),
                );
            }
            if let Some(os) = s(v, "/properties/extended/instanceView/osName") {
                f.annotations.insert("azure/os".into(), os.into());
            }
        }
        "microsoft.compute/virtualmachinescalesets" => {
            spec.instance_type = s(v, "/sku/name").map(String::from);
            spec.count = n(v, "/sku/capacity").map(|c| spanned(c as u32));
        }
        "microsoft.compute/disks" => {
            if let Some(gb) = n(v, "/properties/diskSizeGB") {
                spec.storage.push(StorageSpec {
                    class: disk_class(s(v, "/sku/name").unwrap_or("Premium_LRS")),
                    size_gb: gb,
                    replication: None,
                });
            }
            let state = s(v, "/properties/diskState");
            spec.attached = state.map(|d| d != "Unattached");
            spec.encrypted = s(v, "/properties/encryption/type").map(|_| true);
            f.attached_to = s(v, "/managedBy").map(str::to_ascii_lowercase);
        }
        "microsoft.storage/storageaccounts" => {
            let sku = s(v, "/sku/name").unwrap_or("");
            f.annotations.insert("azure/sku".into(), sku.into());
            if let Some(r) = replication(sku) {
                f.annotations
                    .insert("azure/replication".into(), r.to_string());
            }
            spec.public = v
                .pointer("/properties/allowBlobPublicAccess")
                .and_then(Value::as_bool);
        }
        "microsoft.netapp/netappaccounts/capacitypools/volumes" => {
            if let Some(bytes) = n(v, "/properties/usageThreshold") {
                spec.storage.push(StorageSpec {
                    class: StorageClass::Ssd,
                    size_gb: bytes / f64::from(1u32 << 30),
                    replication: None,
                });
            }
        }
        "microsoft.sql/servers/databases" => {
            let sku = s(v, "/sku/name").unwrap_or("");
            if sku == "System" {
                return Err("system database (master)");
            }
            spec.instance_type = Some(match n(v, "/sku/capacity") {
                Some(c) if sku.contains("_Gen") => format!("{sku}_{}", c as u32),
                _ => sku.to_string(),
            });
            if let Some(bytes) = n(v, "/properties/maxSizeBytes") {
                spec.storage.push(StorageSpec {
                    class: StorageClass::Ssd,
                    size_gb: bytes / 1e9,
                    replication: None,
                });
            }
        }
        "microsoft.sql/managedinstances" => {
            let sku = s(v, "/sku/name").unwrap_or("");
            let cores = n(v, "/properties/vCores").or_else(|| n(v, "/sku/capacity"));
            spec.instance_type = Some(match cores {
                Some(c) => format!("{sku}_{}", c as u32),
                None => sku.to_string(),
            });
            if let Some(gb) = n(v, "/properties/storageSizeInGB") {
                spec.storage.push(StorageSpec {
                    class: StorageClass::Ssd,
                    size_gb: gb,
                    replication: None,
                });
            }
        }
        "microsoft.containerservice/managedclusters" => {
            let pools = v
                .pointer("/properties/agentPoolProfiles")
                .and_then(Value::as_array);
            spec.instance_type = pools
                .and_then(|p| p.first())
                .and_then(|p| p["vmSize"].as_str())
                .map(String::from);
            let nodes: f64 = pools
                .into_iter()
                .flatten()
                .filter_map(|p| p["count"].as_f64())
                .sum();
            spec.count = Some(spanned(nodes as u32));
            if let Some(rg) = s(v, "/properties/nodeResourceGroup") {
                f.annotations
                    .insert("azure/node-resource-group".into(), rg.to_ascii_lowercase());
            }
        }
        _ => {}
    }
    Ok(f)
}

/// The rows of one file: `az graph query` (`data`) or `az resource list` (an array).
fn rows(v: &Value) -> Option<&Vec<Value>> {
    v.get("data")
        .and_then(Value::as_array)
        .or_else(|| v.as_array())
}

/// Read an export: a file, or a folder of them (with `metrics/`).
pub fn read_export(path: &Path) -> Result<Export, crate::collect::ReadError> {
    let mut ex = Export::default();
    let (files, metrics_dir): (Vec<PathBuf>, PathBuf) = if path.is_dir() {
        let mut v: Vec<PathBuf> = crate::collect::source::read_dir(path)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            // What `estate collect azure` records of its own run.
            .filter(|p| p.file_name().is_none_or(|n| n != "coverage.json"))
            .collect();
        v.sort();
        (v, path.join("metrics"))
    } else {
        (
            vec![path.to_path_buf()],
            path.parent().unwrap_or(Path::new(".")).join("metrics"),
        )
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Resource Graph output first: its rows carry properties `az resource list` lacks.
    let mut docs = Vec::new();
    for f in files {
        let v = crate::collect::source::read_json(&f, None)?;
        docs.push((v.is_array(), f, v));
    }
    docs.sort_by_key(|d| d.0);
    for (_, f, v) in docs {
        let Some(list) = rows(&v) else {
            return Err(crate::collect::ReadError::Content(format!(
                "{}: not Azure Resource Graph or `az resource list` output (expected `data` or a list)",
                f.display()
            )));
        };
        ex.files += 1;
        for r in list {
            ex.rows += 1;
            match row(r, &f) {
                Ok(found) => {
                    // The same resource in two files (az graph query and az resource list): once.
                    if let Some(&first) = seen.get(&found.id) {
                        let why = if ex.found[first].origin == found.origin {
                            "listed twice in one file (read once)"
                        } else {
                            "listed again in another file (read once)"
                        };
                        *ex.skipped.entry(why.into()).or_default() += 1;
                        continue;
                    }
                    seen.insert(found.id.clone(), ex.found.len());
                    if found.spec.resource_type == ResourceType::Other {
                        let t = found
                            .annotations
                            .get("azure/type")
                            .cloned()
                            .unwrap_or_default();
                        *ex.other_types.entry(t).or_default() += 1;
                    }
                    if let Some(sub) = &found.spec.account
                        && !ex.subscriptions.contains(sub)
                    {
                        ex.subscriptions.push(sub.clone());
                    }
                    ex.found.push(found);
                }
                Err(why) => *ex.skipped.entry(why.to_string()).or_default() += 1,
            }
        }
    }
    // An AKS cluster's node pools are scale sets in its node resource group: its capacity.
    let clusters: Vec<(String, String)> = ex
        .found
        .iter()
        .filter_map(|f| {
            Some((
                f.annotations.get("azure/node-resource-group")?.clone(),
                f.id.clone(),
            ))
        })
        .collect();
    for f in &mut ex.found {
        if f.id
            .contains("/providers/microsoft.compute/virtualmachinescalesets/")
            && let Some((_, cluster)) = clusters
                .iter()
                .find(|(rg, _)| f.id.contains(&format!("/resourcegroups/{rg}/")))
        {
            f.member_of = Some(cluster.clone());
        }
    }
    // Azure Monitor's CPU per VM.
    if metrics_dir.is_dir() {
        let mut cpu: HashMap<String, f64> = HashMap::new();
        let mut list: Vec<PathBuf> = crate::collect::source::read_dir(&metrics_dir)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        list.sort();
        for m in list {
            let v = crate::collect::source::read_json(&m, None)?;
            for metric in v["value"].as_array().into_iter().flatten() {
                let Some(id) = metric["id"].as_str() else {
                    continue;
                };
                let resource = id
                    .to_ascii_lowercase()
                    .split("/providers/microsoft.insights/")
                    .next()
                    .unwrap_or("")
                    .to_string();
                let points: Vec<f64> = metric["timeseries"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|t| t["data"].as_array().cloned().unwrap_or_default())
                    .filter_map(|d| d["average"].as_f64())
                    .collect();
                for p in &points {
                    crate::collect::numbers::percent(&m, &resource, *p)?;
                }
                if !points.is_empty() {
                    cpu.insert(resource, points.iter().sum::<f64>() / points.len() as f64);
                }
            }
        }
        for f in &mut ex.found {
            if let Some(avg) = cpu.get(&f.id) {
                f.spec.utilisation = Some(spanned(avg / 100.0));
                ex.measured += 1;
            }
        }
    }
    ex.resources = ex.found.len();
    Ok(ex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_export_reads_into_resources_with_sizes_states_and_cpu() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            root.join("exports/azure/resources.json"),
            dir.path().join("resources.json"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("metrics")).unwrap();
        for e in std::fs::read_dir(root.join("tests/fixtures/azure/api/metrics")).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.path().join("metrics").join(p.file_name().unwrap())).unwrap();
        }
        let ex = read_export(dir.path()).unwrap();
        assert_eq!(ex.rows, 58);
        assert_eq!(ex.skipped.get("system database (master)"), Some(&2));
        let by = |name: &str| ex.found.iter().find(|f| f.name == name).unwrap();
        let vm = by("vm-ardent-app01");
        assert_eq!(vm.spec.instance_type.as_deref(), Some("Standard_E4s_v5"));
        // The fixture README: December's mean CPU 21.00 %.
        assert!((vm.spec.utilisation.as_ref().unwrap().value - 0.21).abs() < 1e-9);
        assert_eq!(
            by("vm-tempbuild").spec.hours.as_ref().map(|h| h.value),
            Some(0.0),
            "deallocated"
        );
        let mi = by("sqlmi-ardent-prod");
        assert_eq!(mi.spec.instance_type.as_deref(), Some("BC_Gen5_8"));
        let aks = by("aks-integration-prod");
        assert_eq!(aks.spec.count.as_ref().map(|c| c.value), Some(3));
        let pool = by("aks-systempool-28411937-vmss");
        assert_eq!(pool.member_of.as_deref(), Some(aks.id.as_str()));
        assert_eq!(ex.measured, 9, "vm-tempbuild has no data");
    }
}
