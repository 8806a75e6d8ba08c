//! What the collected sources said, as plain data: the resources a
//! collector found ([`Found`]), each collector's account of what it read
//! (Terraform state, AWS and Azure exports, registers, Kubernetes clusters,
//! Prometheus collections), and what merging them into the graph did
//! ([`Merged`], [`Collected`]). The collectors in `collect` produce these;
//! the pipeline, the assessments (Kubernetes allocation) and the reports
//! (`estate sources`) read them without depending on any collector.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::inventory::kinds::ResourceSpec;

/// A resource a collector found.
#[derive(Clone, Debug)]
pub struct Found {
    /// Canonical: the ARN; the Azure resource id, lower-cased.
    pub id: String,
    pub name: String,
    pub spec: ResourceSpec,
    /// `terraform`, `aws`, …
    pub source: String,
    /// Where it was found: a file and address, an account and region.
    pub origin: String,
    /// What the source says it depends on (Terraform addresses).
    pub depends_on: Vec<String>,
    /// Facts outside the spec (state, platform, engine), shown on the node.
    pub annotations: indexmap::IndexMap<String, String>,
    /// The canonical id of the machine a volume is attached to.
    pub attached_to: Option<String>,
    /// The canonical id of the group whose capacity this machine is (an EKS
    /// node group, else its cluster).
    pub member_of: Option<String>,
}

/// What merging found resources did.
#[derive(Debug, Default, Serialize)]
pub struct Merged {
    /// Found per source.
    pub by_source: BTreeMap<String, usize>,
    /// New resource nodes.
    pub added: usize,
    /// Found resources that are an inventory resource (by `external_id`, else by provider and name).
    pub declared: usize,
    /// Found by more than one source (one node).
    pub seen_twice: usize,
    /// New resources no Mapping rule attaches to a system.
    pub unmapped: Vec<String>,
    /// Groups (EKS node groups, clusters) whose instances were found: their
    /// own capacity is counted on the instances, not twice.
    pub groups_with_instances: usize,
    /// With both Terraform state and a live source: what differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
}

/// Terraform state against what a live source saw.
#[derive(Debug, Default, Serialize)]
pub struct Drift {
    /// Live resources in no state: not managed as code.
    pub unmanaged: Vec<String>,
    /// In state, in an account and region the live source read, but not there.
    pub gone: Vec<String>,
    /// Found by both.
    pub managed: usize,
}

/// What the collected sources held and how they merged.
#[derive(Default)]
pub struct Collected {
    /// Terraform state: (path, what it held).
    pub states: Vec<(String, terraform::State)>,
    /// AWS CLI exports: (path, what they held).
    pub exports: Vec<(String, aws::Export)>,
    pub merged: Merged,
    pub prometheus: Vec<prometheus::Applied>,
    pub kubernetes: Vec<kubernetes::Applied>,
    /// The Kubernetes clusters as read, for allocating their nodes to pods.
    pub clusters: Vec<kubernetes::Cluster>,
    pub azure: Vec<(String, azure::Export)>,
    pub registers: Vec<register::Read>,
}

pub mod terraform {
    //! Terraform state.
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::Found;

    /// What reading state produced: resources, and what could not be used.
    #[derive(Debug, Default)]
    pub struct State {
        pub found: Vec<Found>,
        /// Managed resource types with no mapping: type → instances.
        pub unmapped_types: BTreeMap<String, usize>,
        /// Data sources and other non-managed entries skipped.
        pub data_sources: usize,
        /// `.json` files in a state folder that are not state.
        pub skipped: Vec<PathBuf>,
        /// Resources mapped (kept when `found` has been handed on).
        pub resources: usize,
        pub files: Vec<PathBuf>,
    }
}

pub mod aws {
    //! An AWS CLI export folder.
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::Found;

    /// What an export folder held.
    #[derive(Debug, Default)]
    pub struct Export {
        pub found: Vec<Found>,
        /// (account, region, service) read; region `global` for buckets.
        pub covered: BTreeSet<(String, String, String)>,
        /// Files not read: not JSON, or for commands Estate does not read.
        pub skipped: Vec<PathBuf>,
        pub files: usize,
        /// Resources found (kept when `found` has been handed on).
        pub found_count: usize,
        /// Cost Explorer results (`ce-get-cost-and-usage.json`): billing inputs.
        pub billing: Vec<PathBuf>,
    }
}

pub mod azure {
    //! An Azure Resource Graph export.
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::Found;

    /// What an Azure export held.
    #[derive(Debug, Default, Serialize)]
    pub struct Export {
        #[serde(skip)]
        pub found: Vec<Found>,
        pub files: usize,
        pub rows: usize,
        pub resources: usize,
        /// Rows not taken as resources (system databases): why → count.
        pub skipped: BTreeMap<String, usize>,
        /// Types kept as `other` (no carbon or spend model): type → count.
        pub other_types: BTreeMap<String, usize>,
        /// Subscriptions seen.
        pub subscriptions: Vec<String>,
        /// VMs with measured CPU from Azure Monitor.
        pub measured: usize,
    }
}

pub mod register {
    //! Asset registers and RVTools exports.
    use serde::Serialize;

    use super::Found;

    /// Which spreadsheet.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Sheet {
        AssetRegister,
        Rvtools,
    }

    #[derive(Debug, Default, Serialize)]
    pub struct Read {
        pub path: String,
        pub rows: usize,
        pub resources: usize,
        /// (line, why) of rows not used.
        pub skipped: Vec<(u64, String)>,
        #[serde(skip)]
        pub found: Vec<Found>,
    }
}

pub mod kubernetes {
    //! Kubernetes clusters as kubectl lists them.
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use serde::Serialize;

    /// A node: what it can run and which machine it is.
    #[derive(Clone, Debug, Default, Serialize)]
    pub struct Node {
        pub name: String,
        /// `aws:///eu-west-2a/i-…`, `azure:///subscriptions/…`.
        pub provider_id: Option<String>,
        pub instance_type: Option<String>,
        pub region: Option<String>,
        pub zone: Option<String>,
        /// Capacity (what allocation divides by) and allocatable, in millicores and bytes.
        pub cpu_milli: u64,
        pub memory_bytes: u64,
        pub allocatable_cpu_milli: u64,
        pub allocatable_memory_bytes: u64,
        pub labels: BTreeMap<String, String>,
    }

    /// A pod with its requests, usage and workload.
    #[derive(Clone, Debug, Default, Serialize)]
    pub struct Pod {
        pub namespace: String,
        pub name: String,
        pub node: Option<String>,
        pub phase: String,
        /// The workload it belongs to: (kind, name); a bare pod is its own.
        pub workload: (String, String),
        pub labels: BTreeMap<String, String>,
        pub cpu_request_milli: u64,
        pub memory_request_bytes: u64,
        /// Measured by metrics-server, when it was there.
        pub cpu_usage_milli: Option<u64>,
        pub memory_usage_bytes: Option<u64>,
    }

    /// A workload (Deployment, StatefulSet, DaemonSet, CronJob, Job, or a bare Pod).
    #[derive(Clone, Debug, Default, Serialize)]
    pub struct Workload {
        pub kind: String,
        pub namespace: String,
        pub name: String,
        pub labels: BTreeMap<String, String>,
    }

    /// A persistent volume claim and what it is bound to.
    #[derive(Clone, Debug, Default, Serialize)]
    pub struct Claim {
        pub namespace: String,
        pub name: String,
        pub storage_class: Option<String>,
        pub bytes: u64,
        pub volume: Option<String>,
    }

    /// One cluster as read.
    #[derive(Clone, Debug, Default, Serialize)]
    pub struct Cluster {
        pub name: String,
        pub path: PathBuf,
        pub nodes: Vec<Node>,
        pub namespaces: Vec<String>,
        pub workloads: Vec<Workload>,
        pub pods: Vec<Pod>,
        pub services: usize,
        pub ingresses: usize,
        pub claims: Vec<Claim>,
        pub volumes: usize,
        /// Whether metrics-server's usage was read.
        pub usage: bool,
        /// Items of kinds Estate does not read: kind → count.
        pub other_kinds: BTreeMap<String, usize>,
        /// Objects with a quantity that could not be read, and why.
        pub problems: Vec<String>,
    }

    /// What putting a cluster into the model did.
    #[derive(Debug, Default, Serialize)]
    pub struct Applied {
        pub file: String,
        pub cluster: String,
        /// Node → the model resource it is: its cloud VM, or a new node.
        pub nodes: Vec<(String, String)>,
        /// Nodes no resource is (added as `k8s:CLUSTER/node/NAME`).
        pub added: usize,
        pub pods: usize,
        pub running: usize,
        pub workloads: usize,
        pub namespaces: usize,
        pub services: usize,
        pub ingresses: usize,
        pub claims: usize,
        pub usage: bool,
        pub other_kinds: BTreeMap<String, usize>,
        pub problems: Vec<String>,
    }
}

pub mod prometheus {
    //! Prometheus collections: hosts' measured utilisation and power.
    use serde::{Deserialize, Serialize};

    /// One host as Prometheus sees it.
    #[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
    pub struct Host {
        /// The `instance` label (`host:9100`).
        pub instance: String,
        /// `node_uname_info`'s nodename.
        #[serde(default)]
        pub nodename: Option<String>,
        /// Average CPU busy share, 0–1.
        #[serde(default)]
        pub cpu_utilisation: Option<f64>,
        #[serde(default)]
        pub memory_utilisation: Option<f64>,
        #[serde(default)]
        pub cpus: Option<u32>,
        #[serde(default)]
        pub memory_gb: Option<f64>,
        /// Average measured power, watts.
        #[serde(default)]
        pub power_w: Option<f64>,
        /// The exporter metric it came from.
        #[serde(default)]
        pub power_source: Option<String>,
        /// Points averaged for the CPU figure.
        #[serde(default)]
        pub samples: usize,
    }

    /// One query and what it returned.
    #[derive(Clone, Debug, Default, Serialize, Deserialize)]
    pub struct Query {
        pub name: String,
        pub expr: String,
        pub series: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error: Option<String>,
    }

    /// Everything one collection found (the file `estate collect prometheus` writes).
    #[derive(Clone, Debug, Default, Serialize, Deserialize)]
    pub struct Scrape {
        pub url: String,
        /// The window actually averaged over (RFC 3339).
        pub start: String,
        pub end: String,
        pub step_seconds: u64,
        pub hosts: Vec<Host>,
        pub queries: Vec<Query>,
    }

    /// What applying a collection did.
    #[derive(Debug, Default, Serialize)]
    pub struct Applied {
        pub file: String,
        pub hosts: usize,
        /// (instance, resource id, what was set).
        pub matched: Vec<(String, String, String)>,
        /// Hosts no on-prem resource is named after.
        pub unmatched: Vec<String>,
    }
}

pub mod aws_live {
    //! What `estate collect` covered.
    use serde::Serialize;

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
}

pub mod azure_live {
    //! What `estate collect` covered.
    use serde::Serialize;

    #[derive(Debug, Default, Serialize)]
    pub struct SubscriptionCoverage {
        pub subscription: String,
        pub resources: usize,
        pub pages: usize,
        pub vms_with_cpu: usize,
        pub cost_rows: usize,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub errors: Vec<String>,
    }

    #[derive(Debug, Default, Serialize)]
    pub struct Coverage {
        pub subscriptions: Vec<SubscriptionCoverage>,
        /// Requests sent (after retries: one each).
        pub requests: usize,
    }

    impl Coverage {
        pub fn failures(&self) -> usize {
            self.subscriptions
                .iter()
                .filter(|s| !s.errors.is_empty())
                .count()
        }
    }
}

pub mod kubernetes_live {
    //! What `estate collect` covered.
    use serde::Serialize;

    #[derive(Debug, Default, Serialize)]
    pub struct ClusterCoverage {
        pub context: String,
        pub objects: usize,
        /// Pages fetched, all kinds.
        pub pages: usize,
        pub metrics: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub error: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub file: Option<String>,
    }
}
