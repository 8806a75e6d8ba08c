//! AWS, offline: the JSON the AWS CLI prints, laid out as
//! `ACCOUNT/REGION/SERVICE-COMMAND.json` (`318452906174/eu-west-2/ec2-describe-instances.json`;
//! buckets, being global, at `ACCOUNT/s3api-list-buckets.json`), for
//! estates where Estate cannot be given credentials.
//!
//! Read: EC2 instances (type, state, platform, launch time, tags, VPC,
//! attached volumes), EBS volumes (type, size, attachment; unattached ones
//! flagged), RDS instances (class, engine and version, storage, Multi-AZ),
//! S3 buckets, Lambda functions (memory, architecture, runtime), EKS
//! clusters and node groups (`eks-describe-cluster-NAME.json`,
//! `eks-describe-nodegroup-NAME.json`: type and desired size), ECS clusters,
//! load balancers (scheme), and the
//! average CPU per instance and database (`cloudwatch-cpu-utilisation.json`,
//! as `estate collect aws` writes it) as measured utilisation. RDS clusters
//! (`rds-describe-db-clusters`) with their member instances; EKS instances
//! (tagged `eks:cluster-name`/`eks:nodegroup-name`) as their node group's
//! capacity; bucket details (`s3-bucket-details.json`: region, size,
//! objects, encryption, public-access block). Cost Explorer results
//! (`ce-get-cost-and-usage.json`) are listed as a billing input. Every
//! resource gets its ARN as its canonical id. Each account and region read is
//! recorded as covered, so Terraform state in a covered place that is not
//! there can be reported as gone; a file that cannot be read is an error at
//! its line and column. Files for other commands are listed, not read.

#[cfg(feature = "live")]
pub mod live;

pub use crate::model::collected::aws::Export;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Found;
use crate::inventory::kinds::{
    Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec, spanned,
};

fn tags(list: Option<&Value>) -> indexmap::IndexMap<String, String> {
    list.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| {
                    Some((
                        t.get("Key")?.as_str()?.to_string(),
                        t.get("Value")?.as_str().unwrap_or("").to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|x| !x.is_empty())
}

fn class(volume_type: &str) -> StorageClass {
    match volume_type {
        "st1" | "sc1" | "standard" => StorageClass::Hdd,
        _ => StorageClass::Ssd,
    }
}

fn found(id: String, name: String, mut spec: ResourceSpec, origin: &Path) -> Found {
    spec.external_id = Some(id.clone());
    Found {
        id,
        name,
        spec,
        source: "aws".into(),
        origin: origin.display().to_string(),
        depends_on: Vec::new(),
        annotations: Default::default(),
        attached_to: None,
        member_of: None,
    }
}

/// Facts the API gives that are not part of a resource's spec, kept as annotations.
fn note(f: &mut Found, pairs: &[(&str, Option<&str>)]) {
    for (k, v) in pairs {
        if let Some(v) = v {
            f.annotations.insert((*k).to_string(), (*v).to_string());
        }
    }
}

fn base(rt: ResourceType, account: &str, region: Option<&str>) -> ResourceSpec {
    let mut spec = ResourceSpec::new(rt, Provider::Aws);
    spec.account = Some(account.to_string());
    spec.region = region.map(|r| spanned(r.to_string()));
    spec
}

/// Resources in one command's output.
fn read_command(
    command: &str,
    v: &Value,
    account: &str,
    region: Option<&str>,
    path: &Path,
) -> Option<Vec<Found>> {
    let r = region.unwrap_or("");
    let mut out = Vec::new();
    let arr = |k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match command {
        "ec2-describe-instances" => {
            for res in arr("Reservations") {
                let owner = s(&res, "OwnerId").unwrap_or(account).to_string();
                for i in res
                    .get("Instances")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(iid) = s(i, "InstanceId") else {
                        continue;
                    };
                    let mut spec = base(ResourceType::Compute, &owner, region);
                    spec.instance_type = s(i, "InstanceType").map(String::from);
                    spec.tags = tags(i.get("Tags"));
                    let state = i.pointer("/State/Name").and_then(Value::as_str);
                    if matches!(state, Some("stopped" | "terminated")) {
                        spec.hours = Some(spanned(0.0));
                    }
                    let name = spec
                        .tags
                        .get("Name")
                        .cloned()
                        .unwrap_or_else(|| iid.to_string());
                    let mut f = found(
                        format!("arn:aws:ec2:{r}:{owner}:instance/{iid}"),
                        name,
                        spec,
                        path,
                    );
                    note(
                        &mut f,
                        &[
                            ("aws/state", state),
                            ("aws/platform", s(i, "PlatformDetails")),
                            ("aws/launch-time", s(i, "LaunchTime")),
                            ("aws/vpc", s(i, "VpcId")),
                            ("aws/subnet", s(i, "SubnetId")),
                        ],
                    );
                    out.push(f);
                }
            }
        }
        "ec2-describe-volumes" => {
            for vol in arr("Volumes") {
                let Some(vid) = s(&vol, "VolumeId") else {
                    continue;
                };
                let mut spec = base(ResourceType::Storage, account, region);
                if let Some(gb) = vol.get("Size").and_then(Value::as_f64) {
                    spec.storage.push(StorageSpec {
                        class: class(s(&vol, "VolumeType").unwrap_or("gp3")),
                        size_gb: gb,
                        replication: None,
                    });
                }
                spec.encrypted = vol.get("Encrypted").and_then(Value::as_bool);
                let attached = vol
                    .get("Attachments")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                spec.attached = Some(attached);
                spec.tags = tags(vol.get("Tags"));
                let name = spec
                    .tags
                    .get("Name")
                    .cloned()
                    .unwrap_or_else(|| vid.to_string());
                let mut f = found(
                    format!("arn:aws:ec2:{r}:{account}:volume/{vid}"),
                    name,
                    spec,
                    path,
                );
                f.attached_to = vol
                    .pointer("/Attachments/0/InstanceId")
                    .and_then(Value::as_str)
                    .map(|i| format!("arn:aws:ec2:{r}:{account}:instance/{i}"));
                out.push(f);
            }
        }
        "rds-describe-db-instances" => {
            for db in arr("DBInstances") {
                let Some(ident) = s(&db, "DBInstanceIdentifier") else {
                    continue;
                };
                let mut spec = base(ResourceType::Database, account, region);
                spec.instance_type = s(&db, "DBInstanceClass").map(String::from);
                if let Some(gb) = db.get("AllocatedStorage").and_then(Value::as_f64) {
                    spec.storage.push(StorageSpec {
                        class: class(s(&db, "StorageType").unwrap_or("gp3")),
                        size_gb: gb,
                        replication: db
                            .get("MultiAZ")
                            .and_then(Value::as_bool)
                            .filter(|m| *m)
                            .map(|_| 2),
                    });
                }
                spec.encrypted = db.get("StorageEncrypted").and_then(Value::as_bool);
                spec.tags = tags(db.get("TagList"));
                // A stopped instance runs no hours (RDS restarts it after 7 days).
                let status = s(&db, "DBInstanceStatus");
                if matches!(status, Some("stopped" | "stopping")) {
                    spec.hours = Some(spanned(0.0));
                }
                let arn = s(&db, "DBInstanceArn")
                    .map(String::from)
                    .unwrap_or_else(|| format!("arn:aws:rds:{r}:{account}:db:{ident}"));
                let mut f = found(arn, ident.to_string(), spec, path);
                f.member_of = s(&db, "DBClusterIdentifier")
                    .map(|c| format!("arn:aws:rds:{r}:{account}:cluster:{c}"));
                note(
                    &mut f,
                    &[
                        ("aws/engine", s(&db, "Engine")),
                        ("aws/engine-version", s(&db, "EngineVersion")),
                        ("aws/status", status),
                    ],
                );
                out.push(f);
            }
        }
        "rds-describe-db-clusters" => {
            for c in arr("DBClusters") {
                let Some(ident) = s(&c, "DBClusterIdentifier") else {
                    continue;
                };
                let mut spec = base(ResourceType::Database, account, region);
                spec.instance_type = s(&c, "DBClusterInstanceClass").map(String::from);
                // Aurora reports 1 GB allocated: its storage grows with use and is not known here.
                if let Some(gb) = c
                    .get("AllocatedStorage")
                    .and_then(Value::as_f64)
                    .filter(|g| *g > 1.0)
                {
                    spec.storage.push(StorageSpec {
                        class: class(s(&c, "StorageType").unwrap_or("gp3")),
                        size_gb: gb,
                        replication: None,
                    });
                }
                spec.encrypted = c.get("StorageEncrypted").and_then(Value::as_bool);
                spec.tags = tags(c.get("TagList"));
                let arn = s(&c, "DBClusterArn")
                    .map(String::from)
                    .unwrap_or_else(|| format!("arn:aws:rds:{r}:{account}:cluster:{ident}"));
                let mut f = found(arn, ident.to_string(), spec, path);
                let members = c
                    .get("DBClusterMembers")
                    .and_then(Value::as_array)
                    .map(|m| m.len().to_string());
                note(
                    &mut f,
                    &[
                        ("aws/engine", s(&c, "Engine")),
                        ("aws/engine-version", s(&c, "EngineVersion")),
                        ("aws/engine-mode", s(&c, "EngineMode")),
                        ("aws/members", members.as_deref()),
                    ],
                );
                out.push(f);
            }
        }
        "s3api-list-buckets" => {
            for b in arr("Buckets") {
                let Some(name) = s(&b, "Name") else { continue };
                let spec = base(ResourceType::Storage, account, s(&b, "BucketRegion"));
                let mut f = found(format!("arn:aws:s3:::{name}"), name.to_string(), spec, path);
                note(&mut f, &[("aws/created", s(&b, "CreationDate"))]);
                out.push(f);
            }
        }
        "lambda-list-functions" => {
            for f in arr("Functions") {
                let Some(name) = s(&f, "FunctionName") else {
                    continue;
                };
                let mut spec = base(ResourceType::Function, account, region);
                spec.memory_gb = f
                    .get("MemorySize")
                    .and_then(Value::as_f64)
                    .map(|mb| mb / 1024.0);
                spec.tags = tags(None);
                let arn = s(&f, "FunctionArn")
                    .map(String::from)
                    .unwrap_or_else(|| format!("arn:aws:lambda:{r}:{account}:function:{name}"));
                let mut x = found(arn, name.to_string(), spec, path);
                note(
                    &mut x,
                    &[
                        ("aws/runtime", s(&f, "Runtime")),
                        (
                            "aws/architecture",
                            f.pointer("/Architectures/0").and_then(Value::as_str),
                        ),
                    ],
                );
                out.push(x);
            }
        }
        "elbv2-describe-load-balancers" => {
            for lb in arr("LoadBalancers") {
                let Some(arn) = s(&lb, "LoadBalancerArn") else {
                    continue;
                };
                let mut spec = base(ResourceType::Network, account, region);
                spec.internet_facing = s(&lb, "Scheme").map(|x| x == "internet-facing");
                let name = s(&lb, "LoadBalancerName").unwrap_or(arn).to_string();
                let mut f = found(arn.to_string(), name, spec, path);
                note(
                    &mut f,
                    &[("aws/type", s(&lb, "Type")), ("aws/vpc", s(&lb, "VpcId"))],
                );
                out.push(f);
            }
        }
        "ecs-describe-clusters" => {
            for c in v
                .get("clusters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(arn) = s(c, "clusterArn") else {
                    continue;
                };
                let spec = base(ResourceType::ContainerCluster, account, region);
                let name = s(c, "clusterName").unwrap_or(arn).to_string();
                let mut f = found(arn.to_string(), name, spec, path);
                let services = c.get("activeServicesCount").map(Value::to_string);
                note(
                    &mut f,
                    &[
                        ("aws/status", s(c, "status")),
                        ("aws/active-services", services.as_deref()),
                    ],
                );
                out.push(f);
            }
        }
        // One file per cluster or node group: `eks-describe-cluster-NAME.json`.
        c if c.starts_with("eks-describe-cluster") => {
            let Some(c) = v.get("cluster") else {
                return Some(out);
            };
            let Some(arn) = s(c, "arn") else {
                return Some(out);
            };
            let mut spec = base(ResourceType::ContainerCluster, account, region);
            spec.tags = super::string_map(c.get("tags"));
            let name = s(c, "name").unwrap_or(arn).to_string();
            let mut f = found(arn.to_string(), name, spec, path);
            note(
                &mut f,
                &[
                    ("aws/kubernetes-version", s(c, "version")),
                    ("aws/status", s(c, "status")),
                ],
            );
            out.push(f);
        }
        c if c.starts_with("eks-describe-nodegroup") => {
            let Some(g) = v.get("nodegroup") else {
                return Some(out);
            };
            let Some(arn) = s(g, "nodegroupArn") else {
                return Some(out);
            };
            let mut spec = base(ResourceType::Compute, account, region);
            spec.instance_type = g
                .pointer("/instanceTypes/0")
                .and_then(Value::as_str)
                .map(String::from);
            spec.count = g
                .pointer("/scalingConfig/desiredSize")
                .and_then(Value::as_u64)
                .map(|n| spanned(n as u32));
            spec.tags = super::string_map(g.get("tags"));
            let name = s(g, "nodegroupName").unwrap_or(arn).to_string();
            let mut f = found(arn.to_string(), name, spec, path);
            note(
                &mut f,
                &[
                    ("aws/cluster", s(g, "clusterName")),
                    ("aws/capacity-type", s(g, "capacityType")),
                ],
            );
            out.push(f);
        }
        _ => return None,
    }
    Some(out)
}

/// The key each command's output is read from: without it the file holds
/// something else (say, output reshaped by `--query`), not "no resources".
fn expected_key(command: &str) -> Option<&'static str> {
    Some(match command {
        "ec2-describe-instances" => "Reservations",
        "ec2-describe-volumes" => "Volumes",
        "rds-describe-db-instances" => "DBInstances",
        "rds-describe-db-clusters" => "DBClusters",
        "s3api-list-buckets" => "Buckets",
        "lambda-list-functions" => "Functions",
        "elbv2-describe-load-balancers" => "LoadBalancers",
        "ecs-describe-clusters" => "clusters",
        c if c.starts_with("eks-describe-cluster") => "cluster",
        c if c.starts_with("eks-describe-nodegroup") => "nodegroup",
        _ => return None,
    })
}

/// Read an export folder.
pub fn read_export(dir: &Path) -> Result<Export, crate::collect::ReadError> {
    let mut ex = Export::default();
    let list = |d: &Path| -> Result<Vec<PathBuf>, crate::collect::ReadError> {
        let mut v: Vec<PathBuf> = crate::collect::source::read_dir(d)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        v.sort();
        Ok(v)
    };
    for account_dir in list(dir)? {
        if !account_dir.is_dir() {
            continue;
        }
        let account = account_dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let account_first = ex.found.len();
        let mut details: HashMap<String, Value> = HashMap::new();
        for entry in list(&account_dir)? {
            let (region, files) = if entry.is_dir() {
                let region = entry
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                (Some(region), list(&entry)?)
            } else {
                (None, vec![entry])
            };
            let first = ex.found.len();
            let mut cpu: HashMap<String, f64> = HashMap::new();
            for f in files {
                if f.extension().is_none_or(|e| e != "json") {
                    ex.skipped.push(f);
                    continue;
                }
                let command = f
                    .file_stem()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let v: Value = crate::collect::source::read_json(&f, None)?;
                // Cost Explorer results: a billing input, not resources.
                if command == "ce-get-cost-and-usage" {
                    ex.files += 1;
                    ex.billing.push(f);
                    continue;
                }
                // Bucket details (what `estate collect aws` writes), applied below.
                if command == "s3-bucket-details" {
                    if let Some(m) = v.as_object() {
                        for (name, d) in m {
                            details.insert(name.clone(), d.clone());
                        }
                    }
                    ex.files += 1;
                    continue;
                }
                // Average CPU per instance (what `estate collect aws` writes from CloudWatch).
                if command == "cloudwatch-cpu-utilisation" {
                    if let Some(m) = v.as_object() {
                        for (id, x) in m {
                            if let Some(avg) = x.get("Average").and_then(Value::as_f64) {
                                crate::collect::numbers::percent(&f, id, avg)?;
                                cpu.insert(id.clone(), avg);
                            }
                        }
                    }
                    ex.files += 1;
                    continue;
                }
                if let Some(key) = expected_key(&command)
                    && v.get(key).is_none_or(|x| !(x.is_array() || x.is_object()))
                {
                    return Err(crate::collect::ReadError::Content(format!(
                        "{}: not what `aws {}` prints: no `{key}` at the top (output reshaped by `--query`?)",
                        f.display(),
                        command.replacen('-', " ", 1)
                    )));
                }
                match read_command(&command, &v, &account, region.as_deref(), &f) {
                    Some(found) => {
                        ex.files += 1;
                        let service = command.split('-').next().unwrap_or("");
                        let service = if service == "elbv2" {
                            "elasticloadbalancing"
                        } else {
                            service
                        };
                        ex.covered.insert((
                            account.clone(),
                            region.clone().unwrap_or_else(|| "global".into()),
                            if service == "s3api" { "s3" } else { service }.to_string(),
                        ));
                        ex.found_count += found.len();
                        ex.found.extend(found);
                    }
                    None => ex.skipped.push(f),
                }
            }
            // EKS instances are their node group's capacity (by the tags EKS puts on them).
            let groups: HashMap<(String, String), String> = ex.found[first..]
                .iter()
                .filter(|f| f.id.contains(":nodegroup/"))
                .filter_map(|f| {
                    let cluster = f.annotations.get("aws/cluster")?;
                    Some(((cluster.clone(), f.name.clone()), f.id.clone()))
                })
                .collect();
            for found in &mut ex.found[first..] {
                if let (Some(cluster), true) = (
                    found.spec.tags.get("eks:cluster-name").cloned(),
                    found.id.contains(":instance/"),
                ) {
                    let group = found.spec.tags.get("eks:nodegroup-name").cloned();
                    let r = found.spec.region.as_ref().map_or("", |r| r.value.as_str());
                    let owner = found.spec.account.as_deref().unwrap_or(&account);
                    found.member_of = group
                        .and_then(|g| groups.get(&(cluster.clone(), g)).cloned())
                        .or_else(|| Some(format!("arn:aws:eks:{r}:{owner}:cluster/{cluster}")));
                }
            }
            // Measured utilisation, by the instance id or database name the ARN ends with.
            for found in &mut ex.found[first..] {
                let key = found.id.rsplit([':', '/']).next().unwrap_or("");
                if let Some(avg) = cpu.get(key) {
                    found.spec.utilisation = Some(spanned(avg / 100.0));
                }
            }
        }
        for found in &mut ex.found[account_first..] {
            if let Some(d) = found
                .id
                .strip_prefix("arn:aws:s3:::")
                .and_then(|n| details.get(n))
            {
                bucket_details(found, d);
            }
        }
    }
    Ok(ex)
}

/// A bucket's region, encryption, public-access block, size and objects.
fn bucket_details(f: &mut Found, d: &Value) {
    if let Some(r) = s(d, "Region") {
        f.spec.region = Some(spanned(r.to_string()));
    }
    f.spec.encrypted = Some(d.get("Encryption").is_some_and(|e| !e.is_null()));
    if let Some(bytes) = d.get("BucketSizeBytes").and_then(Value::as_f64) {
        f.spec.storage.push(StorageSpec {
            class: StorageClass::Hdd,
            size_gb: bytes / 1e9,
            replication: None,
        });
    }
    // Every public-access block on: the bucket cannot be public. Otherwise
    // whether it is depends on its policy and ACLs, not read here.
    let block = d
        .get("PublicAccessBlockConfiguration")
        .and_then(Value::as_object);
    let all = block.is_some_and(|b| b.values().all(|v| v.as_bool() == Some(true)));
    if all {
        f.spec.public = Some(false);
    }
    let objects = d.get("NumberOfObjects").map(Value::to_string);
    let pab = if all {
        "all blocked"
    } else if block.is_some() {
        "partly blocked"
    } else {
        "none"
    };
    note(
        f,
        &[
            ("aws/objects", objects.as_deref()),
            ("aws/public-access-block", Some(pab)),
            ("aws/encryption", s(d, "Encryption")),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_reads_into_resources_with_arns_and_coverage() {
        let dir = tempfile::tempdir().unwrap();
        let region = dir.path().join("111122223333/eu-west-2");
        std::fs::create_dir_all(&region).unwrap();
        let put = |name: &str, v: serde_json::Value| {
            std::fs::write(region.join(name), v.to_string()).unwrap();
        };
        put(
            "eks-describe-cluster-prod.json",
            serde_json::json!({"cluster": {
            "name": "prod", "arn": "arn:aws:eks:eu-west-2:111122223333:cluster/prod",
            "version": "1.33", "tags": {"app": "web"}}}),
        );
        put(
            "eks-describe-nodegroup-general.json",
            serde_json::json!({"nodegroup": {
            "nodegroupName": "general", "clusterName": "prod",
            "nodegroupArn": "arn:aws:eks:eu-west-2:111122223333:nodegroup/prod/general/1a",
            "instanceTypes": ["m6g.large"], "scalingConfig": {"desiredSize": 4}}}),
        );
        put(
            "elbv2-describe-load-balancers.json",
            serde_json::json!({"LoadBalancers": [{
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:eu-west-2:111122223333:loadbalancer/app/web/50dc6c",
            "LoadBalancerName": "web", "Scheme": "internet-facing", "Type": "application"}]}),
        );
        put(
            "ecs-describe-clusters.json",
            serde_json::json!({"clusters": [{
            "clusterArn": "arn:aws:ecs:eu-west-2:111122223333:cluster/jobs", "clusterName": "jobs",
            "status": "ACTIVE", "activeServicesCount": 3}]}),
        );
        put(
            "ec2-describe-instances.json",
            serde_json::json!({"Reservations": [{"OwnerId": "111122223333",
            "Instances": [{"InstanceId": "i-1", "InstanceType": "m5.large", "State": {"Name": "running"}}]}]}),
        );
        put(
            "cloudwatch-cpu-utilisation.json",
            serde_json::json!({"i-1": {"Average": 42.0, "Datapoints": 12}}),
        );
        put("iam-list-roles.json", serde_json::json!({"Roles": []}));
        let ex = read_export(dir.path()).unwrap();
        let by = |id: &str| {
            ex.found
                .iter()
                .find(|f| f.id == id)
                .unwrap_or_else(|| panic!("{id}"))
        };
        let ng = by("arn:aws:eks:eu-west-2:111122223333:nodegroup/prod/general/1a");
        assert_eq!(ng.spec.instance_type.as_deref(), Some("m6g.large"));
        assert_eq!(ng.spec.count.as_ref().map(|c| c.value), Some(4));
        assert_eq!(
            ng.annotations.get("aws/cluster").map(String::as_str),
            Some("prod")
        );
        let cluster = by("arn:aws:eks:eu-west-2:111122223333:cluster/prod");
        assert_eq!(
            cluster.spec.tags.get("app").map(String::as_str),
            Some("web")
        );
        let lb =
            by("arn:aws:elasticloadbalancing:eu-west-2:111122223333:loadbalancer/app/web/50dc6c");
        assert_eq!(lb.spec.internet_facing, Some(true));
        assert_eq!(lb.spec.resource_type, ResourceType::Network);
        let ecs = by("arn:aws:ecs:eu-west-2:111122223333:cluster/jobs");
        assert_eq!(
            ecs.annotations
                .get("aws/active-services")
                .map(String::as_str),
            Some("3")
        );
        let i = by("arn:aws:ec2:eu-west-2:111122223333:instance/i-1");
        assert_eq!(i.spec.utilisation.as_ref().map(|u| u.value), Some(0.42));
        let services: Vec<&str> = ex.covered.iter().map(|c| c.2.as_str()).collect();
        for s in ["ec2", "ecs", "eks", "elasticloadbalancing"] {
            assert!(services.contains(&s), "{services:?}");
        }
        assert_eq!(ex.skipped.len(), 1, "iam-list-roles is listed, not read");
        assert_eq!(ex.found.len(), 5);
    }
}
