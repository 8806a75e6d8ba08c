//! AWS, live: `estate collect aws` calls the AWS APIs with aws-sdk-rust and
//! writes what they return in the offline layout
//! (`ACCOUNT/REGION/SERVICE-COMMAND.json`, the shapes the AWS CLI prints),
//! so the same reader ([`super::read_export`]) takes in a live run and a
//! hand-over export alike, plus `coverage.json`: every account and region
//! tried, what each service returned, the errors, and the operations called.
//!
//! Credentials come the way the AWS CLI finds them (aws-config's default
//! chain: environment, profiles, SSO, credential process, instance role), or
//! a named profile. Other accounts — a list, or every active account of the
//! AWS Organization — are entered by assuming a named role in each. Regions
//! are a list, or every region enabled for the account. Accounts × regions
//! run concurrently up to a bound, with the SDK's retries and throttling
//! back-off; one account or region failing is recorded and the rest go on.
//!
//! Also EKS clusters and node groups, ECS clusters and load balancers.
//!
//! Read-only by construction: every call is a Describe, List or Get (and
//! STS GetCallerIdentity/AssumeRole), each recorded in coverage.json under
//! the IAM action it needs; `iam/aws-read-only.json` grants exactly those.
//! Credentials are never written or logged. Async lives only here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use serde::Serialize;
use serde_json::{Value, json};

/// What to collect.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub profile: Option<String>,
    /// Regions; empty: every region enabled for each account.
    pub regions: Vec<String>,
    /// Accounts besides the caller's; entered by assuming `role` in each.
    pub accounts: Vec<String>,
    /// Every active account of the AWS Organization.
    pub organization: bool,
    /// The role name (or ARN pattern with `{account}`) to assume in other accounts.
    pub role: String,
    /// A custom endpoint (a test server); normal AWS otherwise.
    pub endpoint: Option<String>,
    /// The period utilisation is averaged over.
    pub period: (chrono::NaiveDate, chrono::NaiveDate),
    pub out: PathBuf,
    /// At most this many account × region tasks at once.
    pub concurrency: usize,
    pub quiet: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct AccountCoverage {
    pub account: String,
    /// `caller`, or the role assumed.
    pub via: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct ServiceCoverage {
    pub account: String,
    pub region: String,
    pub service: String,
    pub resources: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Coverage {
    pub started: String,
    pub finished: String,
    pub accounts: Vec<AccountCoverage>,
    pub services: Vec<ServiceCoverage>,
    /// IAM actions called (`ec2:DescribeInstances`), sorted.
    pub operations: Vec<String>,
}

impl Coverage {
    pub fn failures(&self) -> usize {
        self.accounts.iter().filter(|a| !a.ok).count()
            + self.services.iter().filter(|s| s.error.is_some()).count()
    }
}

type Ops = Arc<Mutex<BTreeSet<String>>>;

fn record(ops: &Ops, action: &str) {
    if let Ok(mut o) = ops.lock() {
        o.insert(action.to_string());
    }
}

/// Collect, on a runtime of its own, and write the files and coverage.json.
pub fn collect(opts: &Options) -> Result<Coverage, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let coverage = rt.block_on(run(opts))?;
    let text = serde_json::to_string_pretty(&coverage).map_err(|e| e.to_string())?;
    crate::output::write_atomic(&opts.out.join("coverage.json"), text.as_bytes())
        .map_err(|e| format!("{}: {e}", opts.out.display()))?;
    Ok(coverage)
}

async fn base_config(opts: &Options, region: &str) -> SdkConfig {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_string()));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &opts.endpoint {
        loader = loader.endpoint_url(e);
    }
    loader.load().await
}

fn err_text<E: std::error::Error>(e: &E) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// A config for another account, through its role.
async fn assume(
    base: &SdkConfig,
    opts: &Options,
    account: &str,
    ops: &Ops,
) -> Result<(SdkConfig, String), String> {
    let arn = if opts.role.starts_with("arn:") {
        opts.role.replace("{account}", account)
    } else {
        format!("arn:aws:iam::{account}:role/{}", opts.role)
    };
    record(ops, "sts:AssumeRole");
    let out = aws_sdk_sts::Client::new(base)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("estate-collect")
        .send()
        .await
        .map_err(|e| format!("cannot assume {arn}: {}", err_text(&e)))?;
    let c = out
        .credentials()
        .ok_or_else(|| format!("assuming {arn} returned no credentials"))?;
    let creds = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "estate-assume-role",
    );
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(base.region().cloned())
        .credentials_provider(creds);
    if let Some(e) = &opts.endpoint {
        loader = loader.endpoint_url(e);
    }
    Ok((loader.load().await, arn))
}

fn in_region(cfg: &SdkConfig, region: &str) -> SdkConfig {
    cfg.to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

async fn run(opts: &Options) -> Result<Coverage, String> {
    let ops: Ops = Arc::default();
    let mut cov = Coverage {
        started: chrono::Utc::now().to_rfc3339(),
        ..Coverage::default()
    };
    let home_region = opts
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1".into());
    let base = base_config(opts, &home_region).await;
    record(&ops, "sts:GetCallerIdentity");
    let me = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| format!("no usable AWS credentials: {}", err_text(&e)))?
        .account()
        .unwrap_or_default()
        .to_string();
    let mut accounts: Vec<String> = opts.accounts.clone();
    if opts.organization {
        record(&ops, "organizations:ListAccounts");
        let mut pages = aws_sdk_organizations::Client::new(&base)
            .list_accounts()
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                format!("cannot list the organization's accounts: {}", err_text(&e))
            })?;
            for a in page.accounts() {
                let active = a
                    .status()
                    .is_none_or(|s| *s == aws_sdk_organizations::types::AccountStatus::Active);
                if let (Some(id), true) = (a.id(), active) {
                    accounts.push(id.to_string());
                }
            }
        }
    }
    accounts.retain(|a| a != &me);
    accounts.sort();
    accounts.dedup();
    // The caller's account, then each other account through its role.
    let mut configs: Vec<(String, SdkConfig)> = vec![(me.clone(), base.clone())];
    cov.accounts.push(AccountCoverage {
        account: me.clone(),
        via: "caller".into(),
        ok: true,
        error: None,
    });
    for a in accounts {
        match assume(&base, opts, &a, &ops).await {
            Ok((cfg, arn)) => {
                cov.accounts.push(AccountCoverage {
                    account: a.clone(),
                    via: arn,
                    ok: true,
                    error: None,
                });
                configs.push((a, cfg));
            }
            Err(e) => cov.accounts.push(AccountCoverage {
                account: a,
                via: opts.role.clone(),
                ok: false,
                error: Some(e),
            }),
        }
    }
    // Regions per account: given, or every enabled one.
    let mut tasks: Vec<(String, String, SdkConfig)> = Vec::new();
    for (account, cfg) in &configs {
        let regions = if opts.regions.is_empty() {
            record(&ops, "ec2:DescribeRegions");
            match aws_sdk_ec2::Client::new(cfg)
                .describe_regions()
                .send()
                .await
            {
                Ok(r) => r
                    .regions()
                    .iter()
                    .filter_map(|x| x.region_name().map(String::from))
                    .collect(),
                Err(e) => {
                    cov.services.push(ServiceCoverage {
                        account: account.clone(),
                        region: home_region.clone(),
                        service: "ec2:regions".into(),
                        resources: 0,
                        error: Some(err_text(&e)),
                    });
                    continue;
                }
            }
        } else {
            opts.regions.clone()
        };
        for r in regions {
            tasks.push((account.clone(), r.clone(), in_region(cfg, &r)));
        }
        // Buckets are listed once per account.
        let (n, error) = match buckets(&in_region(cfg, &home_region), opts, &ops).await {
            Ok(v) => {
                let n = v["Buckets"].as_array().map_or(0, Vec::len);
                let written = write(&opts.out.join(account).join("s3api-list-buckets.json"), &v);
                (n, written.err())
            }
            Err(e) => (0, Some(e)),
        };
        cov.services.push(ServiceCoverage {
            account: account.clone(),
            region: "global".into(),
            service: "s3".into(),
            resources: n,
            error,
        });
    }
    let bar = if opts.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(tasks.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} account × region {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    };
    let limit = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for (account, region, cfg) in tasks {
        let (limit, ops, opts, bar) = (limit.clone(), ops.clone(), opts.clone(), bar.clone());
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            bar.set_message(format!("{account} {region}"));
            let out = region_services(&cfg, &account, &region, &opts, &ops).await;
            bar.inc(1);
            out
        });
    }
    while let Some(done) = set.join_next().await {
        match done {
            Ok(list) => cov.services.extend(list),
            Err(e) => return Err(format!("a collection task failed: {e}")),
        }
    }
    bar.finish_and_clear();
    cov.services.sort_by(|a, b| {
        (&a.account, &a.region, &a.service).cmp(&(&b.account, &b.region, &b.service))
    });
    cov.operations = ops
        .lock()
        .map(|o| o.iter().cloned().collect())
        .unwrap_or_default();
    cov.finished = chrono::Utc::now().to_rfc3339();
    Ok(cov)
}

fn write(path: &Path, v: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    crate::output::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn tags<'a>(pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> Value {
    Value::Array(
        pairs
            .map(|(k, v)| json!({"Key": k.unwrap_or(""), "Value": v.unwrap_or("")}))
            .collect(),
    )
}

/// Every service of one account and region, each written to its file.
async fn region_services(
    cfg: &SdkConfig,
    account: &str,
    region: &str,
    opts: &Options,
    ops: &Ops,
) -> Vec<ServiceCoverage> {
    let dir = opts.out.join(account).join(region);
    let mut out = Vec::new();
    let mut done = |service: &str, file: &str, result: Result<(Value, usize), String>| {
        let (resources, error) = match result {
            Ok((v, n)) => match write(&dir.join(format!("{file}.json")), &v) {
                Ok(()) => (n, None),
                Err(e) => (0, Some(e)),
            },
            Err(e) => (0, Some(e)),
        };
        out.push(ServiceCoverage {
            account: account.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            resources,
            error,
        });
    };
    let instances = instances(cfg, ops).await;
    let ids: Vec<String> = instances
        .as_ref()
        .map(|(v, _)| {
            v["Reservations"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|r| r["Instances"].as_array().cloned().unwrap_or_default())
                .filter_map(|i| i["InstanceId"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    done("ec2", "ec2-describe-instances", instances);
    done(
        "ec2:volumes",
        "ec2-describe-volumes",
        volumes(cfg, ops).await,
    );
    let dbs = databases(cfg, ops).await;
    let db_ids: Vec<String> = dbs
        .as_ref()
        .map(|(v, _)| {
            v["DBInstances"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["DBInstanceIdentifier"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    done("rds", "rds-describe-db-instances", dbs);
    done("lambda", "lambda-list-functions", functions(cfg, ops).await);
    done(
        "elasticloadbalancing",
        "elbv2-describe-load-balancers",
        load_balancers(cfg, ops).await,
    );
    done("ecs", "ecs-describe-clusters", ecs_clusters(cfg, ops).await);
    done(
        "cloudwatch",
        "cloudwatch-cpu-utilisation",
        utilisation(cfg, ops, &ids, &db_ids, opts.period).await,
    );
    match eks(cfg, ops).await {
        Ok(files) => {
            let n = files.len();
            let mut error = None;
            for (file, v) in files {
                if let Err(e) = write(&dir.join(format!("{file}.json")), &v) {
                    error = Some(e);
                }
            }
            out.push(ServiceCoverage {
                account: account.to_string(),
                region: region.to_string(),
                service: "eks".into(),
                resources: n,
                error,
            });
        }
        Err(e) => out.push(ServiceCoverage {
            account: account.to_string(),
            region: region.to_string(),
            service: "eks".into(),
            resources: 0,
            error: Some(e),
        }),
    }
    out
}

async fn instances(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "ec2:DescribeInstances");
    let mut pages = aws_sdk_ec2::Client::new(cfg)
        .describe_instances()
        .into_paginator()
        .send();
    let mut reservations = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for r in page.reservations() {
            let list: Vec<Value> = r
                .instances()
                .iter()
                .map(|i| {
                    n += 1;
                    json!({
                        "InstanceId": i.instance_id(),
                        "InstanceType": i.instance_type().map(|t| t.as_str()),
                        "State": {"Name": i.state().and_then(|s| s.name()).map(|s| s.as_str())},
                        "Placement": {"AvailabilityZone": i.placement().and_then(|p| p.availability_zone())},
                        "LaunchTime": i.launch_time().map(|t| t.to_string()),
                        "PlatformDetails": i.platform_details(),
                        "Architecture": i.architecture().map(|a| a.as_str()),
                        "VpcId": i.vpc_id(),
                        "SubnetId": i.subnet_id(),
                        "Tags": tags(i.tags().iter().map(|t| (t.key(), t.value()))),
                        "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({
                            "DeviceName": b.device_name(),
                            "Ebs": {"VolumeId": b.ebs().and_then(|e| e.volume_id())},
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            reservations.push(json!({"ReservationId": r.reservation_id(), "OwnerId": r.owner_id(), "Instances": list}));
        }
    }
    Ok((json!({ "Reservations": reservations }), n))
}

async fn volumes(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "ec2:DescribeVolumes");
    let mut pages = aws_sdk_ec2::Client::new(cfg)
        .describe_volumes()
        .into_paginator()
        .send();
    let mut list = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for v in page.volumes() {
            list.push(json!({
                "VolumeId": v.volume_id(),
                "Size": v.size(),
                "VolumeType": v.volume_type().map(|t| t.as_str()),
                "AvailabilityZone": v.availability_zone(),
                "State": v.state().map(|s| s.as_str()),
                "Encrypted": v.encrypted(),
                "Attachments": v.attachments().iter().map(|a| json!({"InstanceId": a.instance_id()})).collect::<Vec<_>>(),
                "Tags": tags(v.tags().iter().map(|t| (t.key(), t.value()))),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "Volumes": list }), n))
}

async fn databases(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "rds:DescribeDBInstances");
    let mut pages = aws_sdk_rds::Client::new(cfg)
        .describe_db_instances()
        .into_paginator()
        .send();
    let mut list = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for d in page.db_instances() {
            list.push(json!({
                "DBInstanceIdentifier": d.db_instance_identifier(),
                "DBInstanceClass": d.db_instance_class(),
                "Engine": d.engine(),
                "EngineVersion": d.engine_version(),
                "AllocatedStorage": d.allocated_storage(),
                "StorageType": d.storage_type(),
                "MultiAZ": d.multi_az(),
                "StorageEncrypted": d.storage_encrypted(),
                "AvailabilityZone": d.availability_zone(),
                "DBInstanceArn": d.db_instance_arn(),
                "TagList": tags(d.tag_list().iter().map(|t| (t.key(), t.value()))),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "DBInstances": list }), n))
}

async fn functions(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "lambda:ListFunctions");
    let mut pages = aws_sdk_lambda::Client::new(cfg)
        .list_functions()
        .into_paginator()
        .send();
    let mut list = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for f in page.functions() {
            list.push(json!({
                "FunctionName": f.function_name(),
                "FunctionArn": f.function_arn(),
                "Runtime": f.runtime().map(|r| r.as_str()),
                "MemorySize": f.memory_size(),
                "Architectures": f.architectures().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "Functions": list }), n))
}

async fn buckets(cfg: &SdkConfig, opts: &Options, ops: &Ops) -> Result<Value, String> {
    record(ops, "s3:ListAllMyBuckets");
    let s3cfg = aws_sdk_s3::config::Builder::from(cfg)
        .force_path_style(opts.endpoint.is_some())
        .build();
    let out = aws_sdk_s3::Client::from_conf(s3cfg)
        .list_buckets()
        .send()
        .await
        .map_err(|e| err_text(&e))?;
    let list: Vec<Value> = out
        .buckets()
        .iter()
        .map(|b| {
            json!({
                "Name": b.name(),
                "CreationDate": b.creation_date().map(|d| d.to_string()),
                "BucketRegion": b.bucket_region(),
            })
        })
        .collect();
    Ok(json!({ "Buckets": list }))
}

/// Average CPU over the period per EC2 instance and RDS instance, percent.
async fn utilisation(
    cfg: &SdkConfig,
    ops: &Ops,
    instances: &[String],
    databases: &[String],
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<(Value, usize), String> {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Statistic};
    let client = aws_sdk_cloudwatch::Client::new(cfg);
    let start = period
        .0
        .and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp());
    let end = period
        .1
        .and_hms_opt(23, 59, 59)
        .map_or(0, |d| d.and_utc().timestamp());
    let mut out = serde_json::Map::new();
    for (namespace, dimension, ids) in [
        ("AWS/EC2", "InstanceId", instances),
        ("AWS/RDS", "DBInstanceIdentifier", databases),
    ] {
        for id in ids {
            record(ops, "cloudwatch:GetMetricStatistics");
            let r = client
                .get_metric_statistics()
                .namespace(namespace)
                .metric_name("CPUUtilization")
                .dimensions(Dimension::builder().name(dimension).value(id).build())
                .start_time(DateTime::from_secs(start))
                .end_time(DateTime::from_secs(end))
                .period(86_400)
                .statistics(Statistic::Average)
                .send()
                .await
                .map_err(|e| err_text(&e))?;
            let points: Vec<f64> = r.datapoints().iter().filter_map(|d| d.average()).collect();
            if !points.is_empty() {
                out.insert(
                    id.clone(),
                    json!({"Average": points.iter().sum::<f64>() / points.len() as f64, "Datapoints": points.len()}),
                );
            }
        }
    }
    let n = out.len();
    Ok((Value::Object(out), n))
}

async fn load_balancers(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "elasticloadbalancing:DescribeLoadBalancers");
    let mut pages = aws_sdk_elasticloadbalancingv2::Client::new(cfg)
        .describe_load_balancers()
        .into_paginator()
        .send();
    let mut list = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for lb in page.load_balancers() {
            list.push(json!({
                "LoadBalancerArn": lb.load_balancer_arn(),
                "LoadBalancerName": lb.load_balancer_name(),
                "Scheme": lb.scheme().map(|s| s.as_str()),
                "Type": lb.r#type().map(|t| t.as_str()),
                "VpcId": lb.vpc_id(),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "LoadBalancers": list }), n))
}

async fn ecs_clusters(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    let client = aws_sdk_ecs::Client::new(cfg);
    record(ops, "ecs:ListClusters");
    let mut arns = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        arns.extend(
            page.map_err(|e| err_text(&e))?
                .cluster_arns()
                .iter()
                .cloned(),
        );
    }
    let mut list = Vec::new();
    // DescribeClusters takes at most 100 clusters a call.
    for chunk in arns.chunks(100) {
        record(ops, "ecs:DescribeClusters");
        let out = client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| err_text(&e))?;
        for c in out.clusters() {
            list.push(json!({
                "clusterArn": c.cluster_arn(),
                "clusterName": c.cluster_name(),
                "status": c.status(),
                "activeServicesCount": c.active_services_count(),
                "runningTasksCount": c.running_tasks_count(),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "clusters": list }), n))
}

/// EKS clusters and their node groups, one file each (as `aws eks describe-*` prints).
async fn eks(cfg: &SdkConfig, ops: &Ops) -> Result<Vec<(String, Value)>, String> {
    let client = aws_sdk_eks::Client::new(cfg);
    record(ops, "eks:ListClusters");
    let mut names = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        names.extend(page.map_err(|e| err_text(&e))?.clusters().iter().cloned());
    }
    let mut files = Vec::new();
    for name in names {
        record(ops, "eks:DescribeCluster");
        let c = client
            .describe_cluster()
            .name(&name)
            .send()
            .await
            .map_err(|e| err_text(&e))?;
        if let Some(c) = c.cluster() {
            files.push((
                format!("eks-describe-cluster-{name}"),
                json!({"cluster": {
                    "name": c.name(),
                    "arn": c.arn(),
                    "version": c.version(),
                    "status": c.status().map(|s| s.as_str()),
                    "tags": c.tags(),
                }}),
            ));
        }
        record(ops, "eks:ListNodegroups");
        let mut groups = Vec::new();
        let mut pages = client
            .list_nodegroups()
            .cluster_name(&name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            groups.extend(page.map_err(|e| err_text(&e))?.nodegroups().iter().cloned());
        }
        for g in groups {
            record(ops, "eks:DescribeNodegroup");
            let out = client
                .describe_nodegroup()
                .cluster_name(&name)
                .nodegroup_name(&g)
                .send()
                .await
                .map_err(|e| err_text(&e))?;
            if let Some(n) = out.nodegroup() {
                files.push((
                    format!("eks-describe-nodegroup-{name}-{g}"),
                    json!({"nodegroup": {
                        "nodegroupName": n.nodegroup_name(),
                        "nodegroupArn": n.nodegroup_arn(),
                        "clusterName": n.cluster_name(),
                        "instanceTypes": n.instance_types(),
                        "scalingConfig": {"desiredSize": n.scaling_config().and_then(|s| s.desired_size())},
                        "capacityType": n.capacity_type().map(|c| c.as_str()),
                        "tags": n.tags(),
                    }}),
                ));
            }
        }
    }
    Ok(files)
}
