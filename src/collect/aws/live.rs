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
//! Also RDS clusters, EKS clusters and node groups, ECS clusters, load
//! balancers, S3 bucket details (region, public-access block, encryption,
//! size and objects from CloudWatch), CPU through GetMetricData (500 metrics
//! a call), and Cost Explorer's monthly cost per linked account and service
//! (`ce-get-cost-and-usage.json`, a billing input) from the caller's account.
//!
//! Read-only by construction: every call is a Describe, List or Get (and
//! STS GetCallerIdentity/AssumeRole), each recorded in coverage.json under
//! the IAM action it needs; `iam/aws-read-only.json` grants exactly those.
//! Credentials are never written or logged. Async lives only here.

use std::collections::BTreeSet;
use std::path::PathBuf;
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
    /// Read Cost Explorer (each request is charged).
    pub cost_explorer: bool,
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
    let rt = crate::collect::runtime()?;
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

/// The AWS partition a region is in.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso") {
        "aws-iso"
    } else {
        "aws"
    }
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
                // Regions of the caller's partition (a test server lists every partition's).
                Ok(r) => r
                    .regions()
                    .iter()
                    .filter_map(|x| x.region_name().map(String::from))
                    .filter(|x| partition(x) == partition(&home_region))
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
        // Buckets (global) are listed once per account, in the account's task list.
        tasks.push((account.clone(), GLOBAL.into(), in_region(cfg, &home_region)));
    }
    // Cost Explorer, once, in the caller's account: the payer sees every linked account.
    if opts.cost_explorer {
        let (n, error) = match cost_and_usage(&configs[0].1, opts, &ops).await {
            Ok(v) => {
                let n = v["ResultsByTime"].as_array().map_or(0, |p| {
                    p.iter()
                        .map(|x| x["Groups"].as_array().map_or(0, Vec::len))
                        .sum()
                });
                let written = crate::collect::write_json(&opts.out.join(&me).join(COST_FILE), &v);
                (n, written.err())
            }
            Err(e) => (0, Some(e)),
        };
        cov.services.push(ServiceCoverage {
            account: me.clone(),
            region: GLOBAL.into(),
            service: "ce".into(),
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
            let out = if region == GLOBAL {
                global_services(&cfg, &account, &opts, &ops).await
            } else {
                region_services(&cfg, &account, &region, &opts, &ops).await
            };
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
    // An account where every call was refused (a role that grants nothing) failed.
    for a in &mut cov.accounts {
        let mine: Vec<&ServiceCoverage> = cov
            .services
            .iter()
            .filter(|x| x.account == a.account)
            .collect();
        if a.ok && !mine.is_empty() && mine.iter().all(|x| x.error.is_some()) {
            a.ok = false;
            a.error = mine
                .iter()
                .find_map(|x| x.error.clone())
                .map(|e| format!("every call failed: {e}"));
        }
    }
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

/// The pseudo-region of an account's global services (S3 buckets, Cost Explorer).
const GLOBAL: &str = "global";
/// Where Cost Explorer results go, under the caller's account.
pub const COST_FILE: &str = "ce-get-cost-and-usage.json";

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
            Ok((v, n)) => match crate::collect::write_json(&dir.join(format!("{file}.json")), &v) {
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
    done(
        "rds:clusters",
        "rds-describe-db-clusters",
        db_clusters(cfg, ops).await,
    );
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
                if let Err(e) = crate::collect::write_json(&dir.join(format!("{file}.json")), &v) {
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
        // Without MaxResults AWS answers in one page however large the region.
        .max_results(1000)
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
        .max_results(500)
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
                "DBClusterIdentifier": d.db_cluster_identifier(),
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

/// An account's global services: its S3 buckets with their region,
/// public-access block, default encryption, and size and object count from
/// CloudWatch's daily storage metrics (`s3-bucket-details.json`).
async fn global_services(
    cfg: &SdkConfig,
    account: &str,
    opts: &Options,
    ops: &Ops,
) -> Vec<ServiceCoverage> {
    let dir = opts.out.join(account);
    let (resources, error) = match buckets(cfg, opts, ops).await {
        Ok((list, details)) => {
            let n = list["Buckets"].as_array().map_or(0, Vec::len);
            let written = crate::collect::write_json(&dir.join("s3api-list-buckets.json"), &list)
                .and_then(|()| {
                    crate::collect::write_json(&dir.join("s3-bucket-details.json"), &details)
                });
            (n, written.err())
        }
        Err(e) => (0, Some(e)),
    };
    vec![ServiceCoverage {
        account: account.to_string(),
        region: GLOBAL.into(),
        service: "s3".into(),
        resources,
        error,
    }]
}

fn s3_client(cfg: &SdkConfig, opts: &Options, region: &str) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&in_region(cfg, region))
        .force_path_style(opts.endpoint.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// The error code of a failed call, when the service gave one.
fn code<E: aws_sdk_s3::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_s3::error::SdkError<E, R>,
) -> Option<&str> {
    e.as_service_error().and_then(|x| x.code())
}

async fn buckets(cfg: &SdkConfig, opts: &Options, ops: &Ops) -> Result<(Value, Value), String> {
    record(ops, "s3:ListAllMyBuckets");
    let home = cfg.region().map_or("us-east-1", |r| r.as_ref()).to_string();
    let client = s3_client(cfg, opts, &home);
    let out = client
        .list_buckets()
        .send()
        .await
        .map_err(|e| err_text(&e))?;
    let mut list = Vec::new();
    let mut details = serde_json::Map::new();
    let mut by_region: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for b in out.buckets() {
        let Some(name) = b.name() else { continue };
        // The bucket's region: as listed, else asked for (`null` is us-east-1, `EU` eu-west-1).
        let region = match b.bucket_region() {
            Some(r) => r.to_string(),
            None => {
                record(ops, "s3:GetBucketLocation");
                let l = client
                    .get_bucket_location()
                    .bucket(name)
                    .send()
                    .await
                    .map_err(|e| format!("{name}: {}", err_text(&e)))?;
                match l.location_constraint().map(|c| c.as_str()) {
                    None | Some("") => "us-east-1".to_string(),
                    Some("EU") => "eu-west-1".to_string(),
                    Some(r) => r.to_string(),
                }
            }
        };
        let here = s3_client(cfg, opts, &region);
        record(ops, "s3:GetBucketPublicAccessBlock");
        let block = match here.get_public_access_block().bucket(name).send().await {
            Ok(o) => o.public_access_block_configuration().map(|c| {
                json!({
                    "BlockPublicAcls": c.block_public_acls(),
                    "IgnorePublicAcls": c.ignore_public_acls(),
                    "BlockPublicPolicy": c.block_public_policy(),
                    "RestrictPublicBuckets": c.restrict_public_buckets(),
                })
            }),
            Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => None,
            Err(e) => return Err(format!("{name}: {}", err_text(&e))),
        };
        record(ops, "s3:GetEncryptionConfiguration");
        let encryption = match here.get_bucket_encryption().bucket(name).send().await {
            Ok(o) => o
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_string()),
            Err(e) if code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => None,
            Err(e) => return Err(format!("{name}: {}", err_text(&e))),
        };
        list.push(json!({
            "Name": name,
            "CreationDate": b.creation_date().map(|d| d.to_string()),
            "BucketRegion": region,
        }));
        details.insert(
            name.to_string(),
            json!({"Region": region, "PublicAccessBlockConfiguration": block, "Encryption": encryption}),
        );
        by_region.entry(region).or_default().push(name.to_string());
    }
    // Size and objects: the latest daily storage metric, from each region's CloudWatch.
    for (region, names) in by_region {
        let queries: Vec<Query> = names
            .iter()
            .flat_map(|n| {
                [
                    ("BucketSizeBytes", "StandardStorage"),
                    ("NumberOfObjects", "AllStorageTypes"),
                ]
                .map(|(metric, storage)| Query {
                    key: (n.clone(), metric),
                    namespace: "AWS/S3",
                    metric,
                    dimensions: vec![("BucketName", n.clone()), ("StorageType", storage.into())],
                })
            })
            .collect();
        let values = metric_data(&in_region(cfg, &region), ops, &queries, opts.period).await?;
        for ((name, metric), v) in values {
            // Newest first: the latest day.
            if let (Some(latest), Some(d)) = (v.first(), details.get_mut(&name)) {
                d[metric] = json!(*latest as u64);
            }
        }
    }
    Ok((json!({ "Buckets": list }), Value::Object(details)))
}

/// One CloudWatch metric to read: what it is for, and which metric.
struct Query {
    key: (String, &'static str),
    namespace: &'static str,
    metric: &'static str,
    dimensions: Vec<(&'static str, String)>,
}

/// Daily averages of many metrics over the period, newest first, through
/// GetMetricData (500 metrics a call, paginated).
async fn metric_data(
    cfg: &SdkConfig,
    ops: &Ops,
    queries: &[Query],
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<Vec<((String, &'static str), Vec<f64>)>, String> {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let client = aws_sdk_cloudwatch::Client::new(cfg);
    let at = |d: chrono::NaiveDate, h, m, s| {
        d.and_hms_opt(h, m, s)
            .map_or(0, |d| d.and_utc().timestamp())
    };
    let (start, end) = (at(period.0, 0, 0, 0), at(period.1, 23, 59, 59));
    let mut out = Vec::new();
    for chunk in queries.chunks(500) {
        record(ops, "cloudwatch:GetMetricData");
        let list: Vec<MetricDataQuery> = chunk
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let mut metric = Metric::builder()
                    .namespace(q.namespace)
                    .metric_name(q.metric);
                for (k, v) in &q.dimensions {
                    metric = metric.dimensions(Dimension::builder().name(*k).value(v).build());
                }
                MetricDataQuery::builder()
                    .id(format!("m{i}"))
                    .metric_stat(
                        MetricStat::builder()
                            .metric(metric.build())
                            .period(86_400)
                            .stat("Average")
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); chunk.len()];
        let mut pages = client
            .get_metric_data()
            .set_metric_data_queries(Some(list))
            .start_time(DateTime::from_secs(start))
            .end_time(DateTime::from_secs(end))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for r in page.map_err(|e| err_text(&e))?.metric_data_results() {
                let i = r
                    .id()
                    .and_then(|id| id.strip_prefix('m'))
                    .and_then(|n| n.parse::<usize>().ok());
                if let Some(v) = i.and_then(|i| values.get_mut(i)) {
                    v.extend_from_slice(r.values());
                }
            }
        }
        out.extend(chunk.iter().map(|q| q.key.clone()).zip(values));
    }
    Ok(out)
}

/// Monthly cost per linked account and service over the period, as
/// `aws ce get-cost-and-usage` prints it (pages joined).
async fn cost_and_usage(cfg: &SdkConfig, opts: &Options, ops: &Ops) -> Result<Value, String> {
    use aws_sdk_costexplorer::types::{
        DateInterval, Granularity, GroupDefinition, GroupDefinitionType,
    };
    record(ops, "ce:GetCostAndUsage");
    // Cost Explorer's endpoint is in us-east-1.
    let client = aws_sdk_costexplorer::Client::new(&in_region(cfg, "us-east-1"));
    let end = period_end(opts.period.1);
    let interval = DateInterval::builder()
        .start(opts.period.0.to_string())
        .end(end.to_string())
        .build()
        .map_err(|e| e.to_string())?;
    let group = |key: &str| {
        GroupDefinition::builder()
            .r#type(GroupDefinitionType::Dimension)
            .key(key)
            .build()
    };
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    let mut results = Vec::new();
    loop {
        let out = client
            .get_cost_and_usage()
            .time_period(interval.clone())
            .granularity(Granularity::Monthly)
            .metrics("UnblendedCost")
            .metrics("AmortizedCost")
            .group_by(group("LINKED_ACCOUNT"))
            .group_by(group("SERVICE"))
            .set_next_page_token(token.clone())
            .send()
            .await
            .map_err(|e| err_text(&e))?;
        let amount = |m: Option<
            &std::collections::HashMap<String, aws_sdk_costexplorer::types::MetricValue>,
        >| {
            let mut o = serde_json::Map::new();
            for (k, v) in m.into_iter().flatten() {
                o.insert(k.clone(), json!({"Amount": v.amount(), "Unit": v.unit()}));
            }
            Value::Object(o)
        };
        for r in out.results_by_time() {
            results.push(json!({
                "TimePeriod": {
                    "Start": r.time_period().map(|t| t.start()),
                    "End": r.time_period().map(|t| t.end()),
                },
                "Total": amount(r.total()),
                "Groups": r.groups().iter().map(|g| json!({
                    "Keys": g.keys(),
                    "Metrics": amount(g.metrics()),
                })).collect::<Vec<_>>(),
                "Estimated": r.estimated(),
            }));
        }
        token = out.next_page_token().map(String::from);
        match &token {
            Some(t) => crate::collect::repeated_token(&mut seen, t)?,
            None => break,
        }
    }
    Ok(json!({
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
            {"Type": "DIMENSION", "Key": "SERVICE"},
        ],
        "ResultsByTime": results,
    }))
}

/// Cost Explorer's end date is exclusive: the day after the period.
fn period_end(last: chrono::NaiveDate) -> chrono::NaiveDate {
    last.succ_opt().unwrap_or(last)
}

/// Average CPU over the period per EC2 instance and RDS instance, percent
/// (the mean of the daily averages).
async fn utilisation(
    cfg: &SdkConfig,
    ops: &Ops,
    instances: &[String],
    databases: &[String],
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<(Value, usize), String> {
    let mut queries = Vec::new();
    for (namespace, dimension, ids) in [
        ("AWS/EC2", "InstanceId", instances),
        ("AWS/RDS", "DBInstanceIdentifier", databases),
    ] {
        queries.extend(ids.iter().map(|id| Query {
            key: (id.clone(), ""),
            namespace,
            metric: "CPUUtilization",
            dimensions: vec![(dimension, id.clone())],
        }));
    }
    let mut out = serde_json::Map::new();
    if !queries.is_empty() {
        for ((id, _), points) in metric_data(cfg, ops, &queries, period).await? {
            if !points.is_empty() {
                out.insert(
                    id,
                    json!({"Average": points.iter().sum::<f64>() / points.len() as f64, "Datapoints": points.len()}),
                );
            }
        }
    }
    let n = out.len();
    Ok((Value::Object(out), n))
}

async fn db_clusters(cfg: &SdkConfig, ops: &Ops) -> Result<(Value, usize), String> {
    record(ops, "rds:DescribeDBClusters");
    let mut pages = aws_sdk_rds::Client::new(cfg)
        .describe_db_clusters()
        .into_paginator()
        .send();
    let mut list = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err_text(&e))?;
        for c in page.db_clusters() {
            list.push(json!({
                "DBClusterIdentifier": c.db_cluster_identifier(),
                "DBClusterArn": c.db_cluster_arn(),
                "Engine": c.engine(),
                "EngineVersion": c.engine_version(),
                "EngineMode": c.engine_mode(),
                "DBClusterInstanceClass": c.db_cluster_instance_class(),
                "AllocatedStorage": c.allocated_storage(),
                "StorageType": c.storage_type(),
                "MultiAZ": c.multi_az(),
                "StorageEncrypted": c.storage_encrypted(),
                "DBClusterMembers": c.db_cluster_members().iter().map(|m| json!({
                    "DBInstanceIdentifier": m.db_instance_identifier(),
                    "IsClusterWriter": m.is_cluster_writer(),
                })).collect::<Vec<_>>(),
                "TagList": tags(c.tag_list().iter().map(|t| (t.key(), t.value()))),
            }));
        }
    }
    let n = list.len();
    Ok((json!({ "DBClusters": list }), n))
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
