//! Terraform: state files (format version 4, as `terraform state pull`
//! writes them; one file or a folder of them) and plan JSON (`terraform show
//! -json plan.out`).
//!
//! Managed resources of the common AWS and Azure types become resources
//! with the same canonical ids the live collectors give them (the ARN; the
//! Azure resource id, lower-cased), so a resource seen in state and live, or
//! declared in the inventory with that `external_id`, is one node. Types
//! with no mapping are counted by type and reported, never dropped silently.
//! A plan's resource changes are mapped the same way, before and after.

pub use crate::model::collected::terraform::State;

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Found;
use super::ReadError;
use crate::inventory::kinds::{
    Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec, spanned,
};
use crate::model::planned::{ProposedChange, ProposedChanges};

/// State files: `path` itself, or every `*.tfstate`/`*.json` under it (sorted).
pub fn read_state(path: &Path) -> Result<State, ReadError> {
    let mut files = Vec::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(d) = stack.pop() {
            let rd = super::source::read_dir(&d)?;
            for e in rd.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with('.') {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else if name.ends_with(".tfstate") || name.ends_with(".json") {
                    files.push(p);
                }
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    let mut state = State::default();
    for f in files {
        let text = super::source::read_text(&f)?;
        if let Some(why) = wrapped(&f, &text) {
            return Err(ReadError::Content(why));
        }
        let v: Value = super::json::parse(&text).map_err(|error| ReadError::Json {
            path: f.clone(),
            error,
            expected: None,
        })?;
        let version = v.get("version").and_then(Value::as_u64);
        // In a folder, a `.json` file that is not state (a plan, say) is listed, not read.
        let named_state = f.extension().is_some_and(|e| e == "tfstate") || f == path;
        if version != Some(4) && !named_state {
            state.skipped.push(f);
            continue;
        }
        match version {
            Some(4) => {}
            Some(n @ 1..=3) => {
                return Err(ReadError::Content(format!(
                    "{}:1:1: Terraform state format version {n} (written by Terraform 0.11 or earlier); Estate reads format version 4: upgrade it by running `terraform state pull > {}` with a current Terraform (0.12 or later) in that configuration, which reads version {n} and writes version 4",
                    f.display(),
                    f.file_name()
                        .map_or("terraform.tfstate".into(), |n| n.to_string_lossy())
                )));
            }
            _ => {
                return Err(ReadError::Content(format!(
                    "{}:1:1: expected Terraform state format version 4 (`\"version\": 4`), found {}",
                    f.display(),
                    version.map_or("none".into(), |n| n.to_string())
                )));
            }
        }
        let resources = v
            .get("resources")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for r in resources {
            let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
            if s("mode") != "managed" {
                state.data_sources += 1;
                continue;
            }
            let (ty, name, module) = (s("type"), s("name"), s("module"));
            let address = if module.is_empty() {
                format!("{ty}.{name}")
            } else {
                format!("{module}.{ty}.{name}")
            };
            for inst in r
                .get("instances")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                // An instance with no attributes cannot be mapped: counted with its type.
                let Some(attrs) = inst.get("attributes") else {
                    *state.unmapped_types.entry(ty.to_string()).or_default() += 1;
                    continue;
                };
                let key = match inst.get("index_key") {
                    Some(Value::String(k)) => format!("[\"{k}\"]"),
                    Some(Value::Number(n)) => format!("[{n}]"),
                    _ => String::new(),
                };
                match map(ty, attrs) {
                    Some(mut found) => {
                        found.source = "terraform".into();
                        found.origin = format!("{} {address}{key}", f.display());
                        found.depends_on = inst
                            .get("dependencies")
                            .and_then(Value::as_array)
                            .map(|d| {
                                d.iter()
                                    .filter_map(|x| x.as_str().map(String::from))
                                    .collect()
                            })
                            .unwrap_or_default();
                        state.found.push(found);
                        state.resources += 1;
                    }
                    None => *state.unmapped_types.entry(ty.to_string()).or_default() += 1,
                }
            }
        }
        state.files.push(f);
    }
    Ok(state)
}

/// Why a plan could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{}:{}: {source}", .path.display(), .source.line(), .source.column().max(1))]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{}:1:1: expected a Terraform plan in JSON (`terraform show -json plan.out`: `format_version` with `planned_values` or `resource_changes`){}",
        .path.display(),
        if *.state { "; this is a Terraform state file" } else { "" }
    )]
    NotAPlan { path: PathBuf, state: bool },
    /// Not JSON but what setup-terraform's wrapper printed around it.
    #[error("{0}")]
    Wrapped(String),
}

/// What hashicorp/setup-terraform's wrapper puts before the JSON (its
/// `[command]/…/terraform-bin show -json plan` line), said as an error with
/// how to get the JSON alone.
fn wrapped(path: &Path, text: &str) -> Option<String> {
    let first = text.trim_start_matches('\u{feff}').lines().next()?;
    first.starts_with("[command]").then(|| {
        format!(
            "{}:1:1: line 1 is `{}`, the command line hashicorp/setup-terraform's wrapper prints (with its exit code after the output), not JSON; write clean JSON with `terraform show -json plan > plan.json` after setting `terraform_wrapper: false` on the setup-terraform step (or run `terraform-bin`)",
            path.display(),
            first.chars().take(80).collect::<String>()
        )
    })
}

/// A plan in JSON (`terraform show -json plan.out`): its managed resources'
/// changes, each side mapped as state is. A side with no region takes the
/// AWS provider's, when the plan's configuration gives it a constant one.
pub fn read_plan(path: &Path) -> Result<ProposedChanges, PlanError> {
    let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(why) = wrapped(path, &text) {
        return Err(PlanError::Wrapped(why));
    }
    let v: Value = super::json::parse(&text).map_err(|source| PlanError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    // Terraform leaves `resource_changes` out of a plan that changes no
    // resource (only outputs, or nothing): a plan of zero changes.
    let is_plan = v.get("format_version").is_some_and(Value::is_string)
        && ["planned_values", "resource_changes", "output_changes"]
            .iter()
            .any(|k| v.get(k).is_some_and(|x| x.is_object() || x.is_array()));
    let changes = match v.get("resource_changes") {
        Some(Value::Array(c)) if is_plan => c.as_slice(),
        None if is_plan => &[],
        _ => {
            return Err(PlanError::NotAPlan {
                path: path.to_path_buf(),
                state: v.get("lineage").is_some() || v.get("values").is_some(),
            });
        }
    };
    // The AWS provider's region, for resources whose own region is not known yet.
    let default_region = v
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(String::from);
    let mut out = ProposedChanges {
        source: path.display().to_string(),
        ..Default::default()
    };
    for c in changes {
        let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
        if s("mode") != "managed" {
            continue;
        }
        let actions: Vec<&str> = c
            .pointer("/change/actions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let action = match actions.as_slice() {
            ["create"] => "create",
            ["delete"] => "delete",
            ["update"] => "update",
            [_, _] => "replace",
            _ => {
                out.unchanged += 1;
                continue;
            }
        };
        let (ty, address) = (s("type"), s("address"));
        let side = |key: &str| -> Option<ResourceSpec> {
            let attrs = c.pointer(&format!("/change/{key}"))?;
            if attrs.is_null() {
                return None;
            }
            let mut attrs = attrs.clone();
            if let Some(o) = attrs.as_object_mut()
                && !o.contains_key("arn")
                && !o.contains_key("id")
            {
                o.insert("id".into(), Value::from(address));
            }
            let mut spec = map(ty, &attrs)?.spec;
            if spec.region.is_none()
                && let Some(r) = &default_region
            {
                spec.region = Some(spanned(r.clone()));
            }
            Some(spec)
        };
        out.changes.push(ProposedChange {
            address: address.to_string(),
            action,
            resource_type: ty.to_string(),
            before: side("before"),
            after: side("after"),
        });
    }
    Ok(out)
}

/// AWS region from an ARN (`arn:aws:ec2:eu-west-2:…`) or an availability zone (`eu-west-2a`).
fn aws_region(attrs: &Value) -> Option<String> {
    let arn = attrs.get("arn").and_then(Value::as_str).unwrap_or("");
    let from_arn = arn.split(':').nth(3).filter(|r| !r.is_empty());
    from_arn
        .map(String::from)
        .or_else(|| {
            attrs
                .get("region")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .or_else(|| {
            attrs
                .get("availability_zone")
                .and_then(Value::as_str)
                .map(|az| {
                    az.trim_end_matches(|c: char| c.is_ascii_lowercase())
                        .to_string()
                })
                .filter(|r| !r.is_empty())
        })
}

/// Azure location as a region name (`UK South` → `uksouth`).
fn azure_region(attrs: &Value) -> Option<String> {
    attrs
        .get("location")
        .and_then(Value::as_str)
        .map(|l| l.to_ascii_lowercase().replace(' ', ""))
}

fn tags(attrs: &Value) -> indexmap::IndexMap<String, String> {
    attrs
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn num(attrs: &Value, key: &str) -> Option<f64> {
    match attrs.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text<'a>(attrs: &'a Value, key: &str) -> Option<&'a str> {
    attrs
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The first element's field of a nested block (`root_block_device[0].volume_size`).
fn nested(attrs: &Value, block: &str, key: &str) -> Option<Value> {
    attrs.get(block)?.as_array()?.first()?.get(key).cloned()
}

fn storage_class(kind: &str) -> StorageClass {
    let k = kind.to_ascii_lowercase();
    if k.starts_with("st") || k.starts_with("sc") || k == "standard" || k.contains("hdd") {
        StorageClass::Hdd
    } else {
        StorageClass::Ssd
    }
}

/// One resource's attributes as a found resource, for the mapped types.
pub fn map(ty: &str, attrs: &Value) -> Option<Found> {
    let aws = ty.starts_with("aws_");
    let provider = if aws {
        Provider::Aws
    } else if ty.starts_with("azurerm_") {
        Provider::Azure
    } else {
        return None;
    };
    let rt = match ty {
        "aws_instance"
        | "azurerm_linux_virtual_machine"
        | "azurerm_windows_virtual_machine"
        | "azurerm_virtual_machine"
        | "aws_eks_node_group" => ResourceType::Compute,
        "aws_db_instance"
        | "aws_rds_cluster"
        | "aws_rds_cluster_instance"
        | "azurerm_mssql_database"
        | "azurerm_postgresql_flexible_server"
        | "azurerm_mysql_flexible_server" => ResourceType::Database,
        "aws_s3_bucket" | "aws_ebs_volume" | "azurerm_managed_disk" | "azurerm_storage_account" => {
            ResourceType::Storage
        }
        "aws_lambda_function" | "azurerm_linux_function_app" | "azurerm_windows_function_app" => {
            ResourceType::Function
        }
        "aws_eks_cluster" | "aws_ecs_cluster" | "azurerm_kubernetes_cluster" => {
            ResourceType::ContainerCluster
        }
        "aws_lb" | "aws_alb" | "aws_elb" | "azurerm_lb" | "azurerm_application_gateway" => {
            ResourceType::Network
        }
        _ => return None,
    };
    let mut spec = ResourceSpec::new(rt, provider);
    let id = if aws {
        let arn = text(attrs, "arn").map(String::from).or_else(|| {
            // Buckets' ARNs are derivable; other types without one are keyed by id.
            (ty == "aws_s3_bucket")
                .then(|| text(attrs, "bucket").map(|b| format!("arn:aws:s3:::{b}")))
                .flatten()
        });
        arn.or_else(|| text(attrs, "id").map(String::from))?
    } else {
        text(attrs, "id")?.to_ascii_lowercase()
    };
    spec.region = if aws {
        aws_region(attrs)
    } else {
        azure_region(attrs)
    }
    .map(crate::inventory::kinds::spanned);
    spec.tags = tags(attrs);
    spec.account = if aws {
        id.split(':')
            .nth(4)
            .filter(|a| !a.is_empty())
            .map(String::from)
    } else {
        id.split('/').nth(2).map(String::from)
    };
    match ty {
        "aws_instance" => {
            spec.instance_type = text(attrs, "instance_type").map(String::from);
            if let Some(gb) =
                nested(attrs, "root_block_device", "volume_size").and_then(|v| v.as_f64())
            {
                let class = nested(attrs, "root_block_device", "volume_type")
                    .and_then(|v| v.as_str().map(storage_class))
                    .unwrap_or(StorageClass::Ssd);
                spec.storage.push(StorageSpec {
                    class,
                    size_gb: gb,
                    replication: None,
                });
            }
            if text(attrs, "instance_state") == Some("stopped") {
                spec.hours = Some(crate::inventory::kinds::spanned(0.0));
            }
        }
        "aws_db_instance" | "aws_rds_cluster_instance" => {
            spec.instance_type = text(attrs, "instance_class").map(String::from);
            if let Some(gb) = num(attrs, "allocated_storage").filter(|g| *g > 0.0) {
                spec.storage.push(StorageSpec {
                    class: storage_class(text(attrs, "storage_type").unwrap_or("gp2")),
                    size_gb: gb,
                    replication: attrs
                        .get("multi_az")
                        .and_then(Value::as_bool)
                        .filter(|m| *m)
                        .map(|_| 2),
                });
            }
            spec.encrypted = attrs.get("storage_encrypted").and_then(Value::as_bool);
        }
        "aws_ebs_volume" => {
            if let Some(gb) = num(attrs, "size") {
                spec.storage.push(StorageSpec {
                    class: storage_class(text(attrs, "type").unwrap_or("gp3")),
                    size_gb: gb,
                    replication: None,
                });
            }
            spec.encrypted = attrs.get("encrypted").and_then(Value::as_bool);
        }
        "aws_lambda_function" => {
            spec.memory_gb = num(attrs, "memory_size").map(|mb| mb / 1024.0);
        }
        "aws_eks_node_group" => {
            spec.instance_type = attrs
                .get("instance_types")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(String::from);
            spec.count = nested(attrs, "scaling_config", "desired_size")
                .and_then(|v| v.as_u64())
                .map(|n| crate::inventory::kinds::spanned(n as u32));
        }
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => {
            spec.instance_type = text(attrs, "size").map(String::from);
            if let Some(gb) = nested(attrs, "os_disk", "disk_size_gb").and_then(|v| v.as_f64()) {
                spec.storage.push(StorageSpec {
                    class: storage_class(
                        nested(attrs, "os_disk", "storage_account_type")
                            .and_then(|v| v.as_str().map(String::from))
                            .as_deref()
                            .unwrap_or("Premium_LRS"),
                    ),
                    size_gb: gb,
                    replication: None,
                });
            }
        }
        "azurerm_virtual_machine" => {
            spec.instance_type = text(attrs, "vm_size").map(String::from);
        }
        "azurerm_managed_disk" => {
            if let Some(gb) = num(attrs, "disk_size_gb") {
                spec.storage.push(StorageSpec {
                    class: storage_class(
                        text(attrs, "storage_account_type").unwrap_or("Premium_LRS"),
                    ),
                    size_gb: gb,
                    replication: None,
                });
            }
        }
        "azurerm_mssql_database" => {
            if let Some(gb) = num(attrs, "max_size_gb") {
                spec.storage.push(StorageSpec {
                    class: StorageClass::Ssd,
                    size_gb: gb,
                    replication: None,
                });
            }
        }
        "azurerm_kubernetes_cluster" => {
            spec.instance_type = nested(attrs, "default_node_pool", "vm_size")
                .and_then(|v| v.as_str().map(String::from));
            spec.count = nested(attrs, "default_node_pool", "node_count")
                .and_then(|v| v.as_u64())
                .map(|n| crate::inventory::kinds::spanned(n as u32));
        }
        _ => {}
    }
    let name = spec
        .tags
        .get("Name")
        .cloned()
        .or_else(|| text(attrs, "name").map(String::from))
        .or_else(|| text(attrs, "bucket").map(String::from))
        .or_else(|| text(attrs, "function_name").map(String::from))
        .or_else(|| text(attrs, "identifier").map(String::from))
        .unwrap_or_else(|| crate::model::mapping::id_name(&id).to_string());
    spec.external_id = Some(id.clone());
    Some(Found {
        id,
        name,
        spec,
        source: String::new(),
        origin: String::new(),
        depends_on: Vec::new(),
        annotations: Default::default(),
        attached_to: None,
        member_of: None,
    })
}

#[cfg(test)]
mod real_world {
    //! terraform-json's and Terraform's own test data (tests/real-world/terraform/PROVENANCE.md).
    use super::*;

    fn file(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/real-world/terraform")
            .join(name)
    }

    #[test]
    fn a_plan_without_resource_changes_is_a_plan_of_none() {
        let p = read_plan(&file("terraform-json-actions.plan.json")).unwrap();
        assert_eq!((p.changes.len(), p.unchanged), (0, 0));
        // terraform-json's basic plan: 7 managed creates (a data source is not a change).
        let p = read_plan(&file("terraform-json-basic.plan.json")).unwrap();
        assert_eq!((p.changes.len(), p.unchanged), (7, 0));
        assert!(p.changes.iter().all(|c| c.action == "create"));
    }

    #[test]
    fn wrapper_output_and_non_plans_say_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let plan = std::fs::read_to_string(file("terraform-json-actions.plan.json")).unwrap();
        let wrapped = dir.path().join("plan.json");
        std::fs::write(
            &wrapped,
            format!(
                "[command]/home/runner/work/_temp/3c1f/terraform-bin show -json tfplan\n{plan}\n::debug::Terraform exited with code 0.\n"
            ),
        )
        .unwrap();
        let e = read_plan(&wrapped).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "{}:1:1: line 1 is `[command]/home/runner/work/_temp/3c1f/terraform-bin show -json tfplan`, the command line hashicorp/setup-terraform's wrapper prints",
                wrapped.display()
            )),
            "{e}"
        );
        assert!(e.contains("`terraform show -json plan > plan.json`"), "{e}");
        assert!(e.contains("`terraform_wrapper: false`"), "{e}");
        // A state is not a plan.
        let e = read_plan(&file("terraform-v3-simple.tfstate"))
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("; this is a Terraform state file"), "{e}");
    }

    #[test]
    fn old_state_versions_say_how_to_upgrade() {
        for (name, n) in [
            ("terraform-v1-simple.tfstate", 1),
            ("terraform-v3-simple.tfstate", 3),
        ] {
            let e = read_state(&file(name)).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "{}:1:1: Terraform state format version {n} (written by Terraform 0.11 or earlier); Estate reads format version 4: upgrade it by running `terraform state pull > {name}` with a current Terraform (0.12 or later) in that configuration, which reads version {n} and writes version 4",
                    file(name).display()
                )
            );
        }
    }

    #[test]
    fn terraform_json_s_invalid_state_is_located() {
        let e = read_state(&file("terraform-json-invalid.state.json"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "{}:12:28: trailing characters at line 12 column 28",
                file("terraform-json-invalid.state.json").display()
            )
        );
    }

    #[test]
    fn a_second_resource_changes_is_refused_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("dup.json");
        let basic = std::fs::read_to_string(file("terraform-json-basic.plan.json")).unwrap();
        // The real plan with `"resource_changes": []` after its own: last-wins would read no changes.
        let body = basic.trim_end().strip_suffix('}').unwrap();
        let text = format!("{body},\n\"resource_changes\": []}}");
        std::fs::write(&p, &text).unwrap();
        let e = read_plan(&p).unwrap_err().to_string();
        assert!(e.contains("duplicate key `resource_changes`"), "{e}");
        assert!(e.starts_with(&format!("{}:", p.display())), "{e}");
    }
}
