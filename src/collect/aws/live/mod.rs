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
//! This file owns the run — accounts, regions, the account × region tasks,
//! writing each service's files and coverage.json — and the list of
//! services. Each AWS service is a file of its own (EC2 instances and
//! volumes, RDS instances and clusters, Lambda, load balancers, ECS, EKS,
//! CloudWatch CPU, S3 buckets, Cost Explorer; STS and Organizations for the
//! accounts) that fetches one or more listings through the one paging
//! helper, [`crate::collect::paging`]. Adding a service is a new file
//! declaring a [`Service`], its `mod` line and one entry in [`REGIONAL`]
//! or [`GLOBAL_SERVICES`] here, and its IAM actions in
//! `iam/aws-read-only.json`.
//!
//! Read-only by construction: every call is a Describe, List or Get (and
//! STS GetCallerIdentity/AssumeRole), each recorded in coverage.json under
//! the IAM action it needs; `iam/aws-read-only.json` grants exactly those.
//! Credentials are never written or logged. Async lives only here.

mod cloudwatch;
mod cost_explorer;
mod ec2;
mod ecs;
mod eks;
mod elbv2;
mod lambda;
mod organizations;
mod rds;
mod s3;
mod sts;

pub use crate::model::collected::aws_live::{AccountCoverage, Coverage, ServiceCoverage};

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use serde_json::{Value, json};

use crate::collect::paging::RepeatedToken;
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

/// Why collecting stopped, or why one service's listing failed (its text is
/// what coverage.json records for that service).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The runtime could not start, or a file could not be written.
    #[error(transparent)]
    Live(#[from] crate::collect::LiveError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The caller's own identity could not be read.
    #[error("no usable AWS credentials: {0}")]
    Credentials(Box<Error>),
    #[error("cannot list the organization's accounts: {0}")]
    Organization(Box<Error>),
    #[error("cannot assume {arn}: {reason}")]
    Assume { arn: String, reason: Box<Error> },
    #[error("assuming {arn} returned no credentials")]
    NoCredentials { arn: String },
    #[error("a collection task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A call the service refused or that never arrived, with its causes.
    #[error("{0}")]
    Call(String),
    /// A call about one S3 bucket.
    #[error("{bucket}: {reason}")]
    Bucket { bucket: String, reason: Box<Error> },
    /// A request the SDK would not build.
    #[error("{0}")]
    Build(#[from] aws_sdk_costexplorer::error::BuildError),
    #[error(transparent)]
    Paging(#[from] RepeatedToken),
}

impl<E, R> From<aws_sdk_sts::error::SdkError<E, R>> for Error
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    fn from(e: aws_sdk_sts::error::SdkError<E, R>) -> Self {
        Error::Call(err_text(&e))
    }
}

/// An error with each of its causes, `: `-joined.
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

/// The IAM actions called so far, shared by every task.
type Ops = Arc<Mutex<BTreeSet<String>>>;

fn record(ops: &Ops, action: &str) {
    if let Ok(mut o) = ops.lock() {
        o.insert(action.to_string());
    }
}

/// One AWS service (or one listing of it) read in an account and region:
/// its name in coverage.json (`ec2`, `rds:clusters`) and how it is fetched.
struct Service {
    name: &'static str,
    fetch: for<'a> fn(&'a Call<'a>) -> Fetch<'a>,
}

type Fetch<'a> = Pin<Box<dyn Future<Output = Result<Fetched, Error>> + Send + 'a>>;

/// What a service is fetched with.
struct Call<'a> {
    cfg: &'a SdkConfig,
    opts: &'a Options,
    ops: &'a Ops,
    /// Ids the services before this one found in the same task, by service
    /// name (EC2 and RDS instance ids, for CloudWatch).
    ids: &'a BTreeMap<&'static str, Vec<String>>,
}

/// What a service returned: files to write (name, content) and how many
/// resources they hold.
#[derive(Default)]
struct Fetched {
    files: Vec<(String, Value)>,
    resources: usize,
    /// Ids later services of the task read (see [`Call::ids`]).
    ids: Vec<String>,
}

impl Fetched {
    fn file(name: impl Into<String>, v: Value, resources: usize) -> Self {
        Fetched {
            files: vec![(name.into(), v)],
            resources,
            ids: Vec::new(),
        }
    }
}

/// The services read in each account and region, in this order (CloudWatch
/// after the EC2 and RDS instances whose CPU it reads).
const REGIONAL: &[Service] = &[
    ec2::INSTANCES,
    ec2::VOLUMES,
    rds::INSTANCES,
    rds::CLUSTERS,
    lambda::FUNCTIONS,
    elbv2::LOAD_BALANCERS,
    ecs::CLUSTERS,
    cloudwatch::CPU,
    eks::CLUSTERS,
];

/// The services read once per account (region [`GLOBAL`]).
const GLOBAL_SERVICES: &[Service] = &[s3::BUCKETS];

/// The pseudo-region of an account's global services (S3 buckets, Cost Explorer).
const GLOBAL: &str = "global";
/// Where Cost Explorer results go, under the caller's account.
pub const COST_FILE: &str = "ce-get-cost-and-usage.json";

/// Collect, on a runtime of its own, and write the files and coverage.json.
pub fn collect(opts: &Options) -> Result<Coverage, Error> {
    let rt = crate::collect::runtime()?;
    let coverage = rt.block_on(run(opts))?;
    let text = serde_json::to_string_pretty(&coverage)?;
    crate::output::write_atomic(&opts.out.join("coverage.json"), text.as_bytes()).map_err(
        |source| crate::collect::LiveError::Write {
            path: opts.out.display().to_string(),
            source,
        },
    )?;
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

/// One account × region to read (region [`GLOBAL`]: the account's global services).
struct Task {
    account: String,
    region: String,
    cfg: SdkConfig,
}

async fn run(opts: &Options) -> Result<Coverage, Error> {
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
    let me = sts::caller_account(&base, &ops).await?;
    let configs = accounts(&base, &me, opts, &ops, &mut cov).await?;
    let tasks = tasks(&configs, &home_region, opts, &ops, &mut cov).await;
    // Cost Explorer, once, in the caller's account: the payer sees every linked account.
    if opts.cost_explorer {
        cov.services.extend(
            services(
                &[cost_explorer::COST],
                &configs[0].1,
                &me,
                GLOBAL,
                opts,
                &ops,
            )
            .await,
        );
    }
    cov.services.extend(run_tasks(tasks, opts, &ops).await?);
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

/// The caller's account, then each other account (listed, or the
/// organization's) through its role: a config for each one entered.
async fn accounts(
    base: &SdkConfig,
    me: &str,
    opts: &Options,
    ops: &Ops,
    cov: &mut Coverage,
) -> Result<Vec<(String, SdkConfig)>, Error> {
    let mut accounts: Vec<String> = opts.accounts.clone();
    if opts.organization {
        accounts.extend(organizations::active_accounts(base, ops).await?);
    }
    accounts.retain(|a| a != me);
    accounts.sort();
    accounts.dedup();
    let mut configs: Vec<(String, SdkConfig)> = vec![(me.to_string(), base.clone())];
    cov.accounts.push(AccountCoverage {
        account: me.to_string(),
        via: "caller".into(),
        ok: true,
        error: None,
    });
    for a in accounts {
        match sts::assume(base, opts, &a, ops).await {
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
                error: Some(e.to_string()),
            }),
        }
    }
    Ok(configs)
}

/// Regions per account (given, or every enabled one), then the account's
/// global services; an account whose regions cannot be listed is recorded.
async fn tasks(
    configs: &[(String, SdkConfig)],
    home_region: &str,
    opts: &Options,
    ops: &Ops,
    cov: &mut Coverage,
) -> Vec<Task> {
    let mut tasks = Vec::new();
    for (account, cfg) in configs {
        let regions = if opts.regions.is_empty() {
            match ec2::regions(cfg, ops).await {
                // Regions of the caller's partition (a test server lists every partition's).
                Ok(list) => list
                    .into_iter()
                    .filter(|x| partition(x) == partition(home_region))
                    .collect(),
                Err(e) => {
                    cov.services.push(ServiceCoverage {
                        account: account.clone(),
                        region: home_region.to_string(),
                        service: "ec2:regions".into(),
                        resources: 0,
                        error: Some(e.to_string()),
                    });
                    continue;
                }
            }
        } else {
            opts.regions.clone()
        };
        for r in regions {
            tasks.push(Task {
                account: account.clone(),
                cfg: in_region(cfg, &r),
                region: r,
            });
        }
        // Buckets (global) are listed once per account, in the account's task list.
        tasks.push(Task {
            account: account.clone(),
            region: GLOBAL.into(),
            cfg: in_region(cfg, home_region),
        });
    }
    tasks
}

/// Every task, concurrently up to the bound, with a progress bar.
async fn run_tasks(
    tasks: Vec<Task>,
    opts: &Options,
    ops: &Ops,
) -> Result<Vec<ServiceCoverage>, Error> {
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
    for task in tasks {
        let (limit, ops, opts, bar) = (limit.clone(), ops.clone(), opts.clone(), bar.clone());
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let Task {
                account,
                region,
                cfg,
            } = task;
            bar.set_message(format!("{account} {region}"));
            let list = if region == GLOBAL {
                GLOBAL_SERVICES
            } else {
                REGIONAL
            };
            let out = services(list, &cfg, &account, &region, &opts, &ops).await;
            bar.inc(1);
            out
        });
    }
    let mut out = Vec::new();
    while let Some(done) = set.join_next().await {
        out.extend(done?);
    }
    bar.finish_and_clear();
    Ok(out)
}

/// Read `list` in one account and region, in order, each service's files
/// written as it returns: `ACCOUNT/REGION/`, or `ACCOUNT/` for [`GLOBAL`].
async fn services(
    list: &[Service],
    cfg: &SdkConfig,
    account: &str,
    region: &str,
    opts: &Options,
    ops: &Ops,
) -> Vec<ServiceCoverage> {
    let dir = if region == GLOBAL {
        opts.out.join(account)
    } else {
        opts.out.join(account).join(region)
    };
    let mut ids = BTreeMap::new();
    let mut out = Vec::new();
    for service in list {
        let call = Call {
            cfg,
            opts,
            ops,
            ids: &ids,
        };
        let (resources, error) = match (service.fetch)(&call).await {
            Ok(f) => {
                ids.insert(service.name, f.ids);
                (
                    f.resources,
                    write(&dir, &f.files).err().map(|e| e.to_string()),
                )
            }
            Err(e) => (0, Some(e.to_string())),
        };
        out.push(ServiceCoverage {
            account: account.to_string(),
            region: region.to_string(),
            service: service.name.to_string(),
            resources,
            error,
        });
    }
    out
}

/// Write a service's files, stopping at the first that fails.
fn write(dir: &Path, files: &[(String, Value)]) -> Result<(), crate::collect::LiveError> {
    files
        .iter()
        .try_for_each(|(name, v)| crate::collect::write_json(&dir.join(name), v))
}

/// Tags as the AWS CLI prints them: `[{"Key": …, "Value": …}]`.
fn tags<'a>(pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> Value {
    Value::Array(
        pairs
            .map(|(k, v)| json!({"Key": k.unwrap_or(""), "Value": v.unwrap_or("")}))
            .collect(),
    )
}
