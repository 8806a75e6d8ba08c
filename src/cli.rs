//! The command line: clap derive definitions, nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Map an organisation's technology estate, its spend and its carbon footprint.
#[derive(Debug, Parser)]
#[command(name = "estate", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The estate repository (holding estate.yaml); default the current directory
    #[arg(long, global = true, env = "ESTATE_DIR", value_name = "DIR")]
    pub estate: Option<PathBuf>,
    /// The inventory directory; default `inventory/` or what estate.yaml says
    #[arg(long, global = true, env = "ESTATE_INVENTORY", value_name = "DIR")]
    pub inventory: Option<PathBuf>,
    /// The reporting period, START..END (dates); default the last full calendar year
    #[arg(long, global = true, value_name = "START..END")]
    pub period: Option<String>,
    /// More logging (-v, -vv); RUST_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// After the command, print each pipeline stage's wall time and the peak memory to stderr
    #[arg(long, global = true)]
    pub timings: bool,
    /// Colour on stderr
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people
    #[default]
    Table,
    /// One JSON document on stdout
    Json,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT
    #[default]
    Dot,
    /// Mermaid flowchart
    Mermaid,
    /// Nodes and edges as JSON
    Json,
}

#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Systems to retire and capabilities to consolidate, with the spend and carbon each frees and what depends on them
    Portfolio {
        /// A capability is a consolidation candidate from this many active systems
        #[arg(long, value_name = "N", default_value_t = 3)]
        min_systems: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Migration waves: strongly connected systems move together, in dependency order
    Waves {
        /// Which systems: all, domain:NAME, capability:NAME, hosting:on-prem|cloud|saas|hybrid, or system ids (comma-separated)
        #[arg(long, value_name = "SELECTOR", default_value = "all")]
        systems: String,
        /// At most this many systems per wave (a group that must move together may exceed it)
        #[arg(long, value_name = "N", default_value_t = 10)]
        max_per_wave: usize,
        /// Move what depends on others first (default: what is depended on moves first)
        #[arg(long)]
        dependents_first: bool,
        /// Show each wave's spend and carbon change if migrated to PROVIDER:REGION[:FAMILY] (such as aws:eu-west-2:m6i)
        #[arg(long, value_name = "TARGET")]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// A Terraform plan (`terraform show -json plan.out`): monthly carbon and cost change, resource by resource
    Terraform {
        /// The plan in JSON
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: RoadmapFormat,
    },
    /// Roadmaps: each phase's actions applied in turn, with the trajectory of spend and carbon, one-off costs, payback and warnings; two or more compared side by side
    Roadmap {
        /// Roadmap names (none: the only one, or all of them compared)
        names: Vec<String>,
        /// Do not run the policy pack on each phase's target state
        #[arg(long)]
        no_policies: bool,
        #[arg(long, value_enum, default_value_t)]
        format: RoadmapFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum CollectSource {
    /// On-prem hosts from a Prometheus server: node_exporter CPU and memory, measured power (IPMI, Kepler, Scaphandre), averaged over the period; written as one JSON file for estate.yaml's `sources: - prometheus: PATH`
    Prometheus {
        /// The server, e.g. http://prometheus:9090
        #[arg(long, env = "ESTATE_PROMETHEUS_URL")]
        url: String,
        /// Seconds between points (default: the period in at most 10,000 steps, at least 60)
        #[arg(long)]
        step: Option<u64>,
        /// Where to write (default: OUT/collected/prometheus.json)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// AWS: EC2 instances and volumes, RDS, S3, Lambda, CloudWatch CPU, in every account and region asked for; written as ACCOUNT/REGION/*.json with coverage.json
    Aws(AwsArgs),
    /// Azure: every resource of each subscription through Resource Graph, VMs' CPU from Azure Monitor, and with --cost-management the period's cost by resource; written as resources.json, metrics/, cost-management/ with coverage.json
    Azure {
        /// Subscription ids, comma-separated (default: every one the credential can see)
        #[arg(long, value_delimiter = ',')]
        subscriptions: Vec<String>,
        /// cli, client-secret, managed-identity or workload-identity (default: from the environment, else the Azure CLI's login)
        #[arg(long)]
        credential: Option<String>,
        /// Also read Cost Management's actual cost by resource and month
        #[arg(long)]
        cost_management: bool,
        /// The management endpoint (a sovereign cloud's)
        #[arg(long, default_value = "https://management.azure.com")]
        endpoint: String,
        /// Where to write (default: OUT/collected/azure)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Kubernetes: nodes, namespaces, workloads, pods (requests, owners), services, ingresses, volumes, and metrics-server usage, from each kubeconfig context; written as CONTEXT.json (kubectl's List) and CONTEXT.metrics.json
    Kubernetes {
        /// A kubeconfig file (default: kubectl's: KUBECONFIG, ~/.kube/config; in-cluster when none)
        #[arg(long)]
        kubeconfig: Option<PathBuf>,
        /// Contexts, one per cluster, comma-separated (default: the current one)
        #[arg(long, value_delimiter = ',')]
        context: Vec<String>,
        /// Objects per page
        #[arg(long, default_value_t = 500)]
        page_size: u32,
        /// Where to write (default: OUT/collected/kubernetes)
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// What `estate collect aws` reads, and how.
#[derive(Debug, clap::Args)]
pub struct AwsArgs {
    /// A named profile (default: the AWS CLI's credential chain)
    #[arg(long)]
    pub profile: Option<String>,
    /// Regions, comma-separated (default: every region enabled for each account)
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Other accounts, comma-separated, entered through --role
    #[arg(long, value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Every active account of the AWS Organization, entered through --role
    #[arg(long)]
    pub organization: bool,
    /// The role to assume in other accounts: a name, or an ARN with {account}
    #[arg(long, default_value = "EstateReadOnly")]
    pub role: String,
    /// A custom endpoint URL (a test server)
    #[arg(long, env = "ESTATE_AWS_ENDPOINT")]
    pub endpoint: Option<String>,
    /// At most this many account × region collections at once
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Also read Cost Explorer's monthly cost per account and service from
    /// the caller's (payer) account (AWS charges USD 0.01 a request)
    #[arg(long)]
    pub cost_explorer: bool,
    /// Where to write (default: OUT/collected/aws)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum RoadmapFormat {
    /// Tables for people
    #[default]
    Table,
    /// One JSON document on stdout
    Json,
    /// Markdown, for a pull request or a paper
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Call a live API (read-only calls only) and store what it returns under out/collected/
    Collect {
        #[command(subcommand)]
        source: CollectSource,
    },
    /// Kubernetes allocation: each node's emissions and cost split across its pods (max of request and usage), idle capacity per node, roll-ups to workload, namespace and system
    Kubernetes {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The collected sources estate.yaml names (Terraform state, AWS and Azure exports, Kubernetes clusters, Prometheus, asset registers, RVTools): what each found, what merged with the inventory, what no rule maps, what is left out
    Sources {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check the inventory: every problem, with its file, line and column
    Validate {
        /// The inventory directory (overrides --inventory)
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Counts by kind; systems by domain, lifecycle, hosting and TIME quadrant
    Summary {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One node: its attributes and its incoming and outgoing relations
    Show {
        /// An id (`system:crm`, an ARN) or a name unique across kinds
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The estate graph as DOT, Mermaid or JSON
    Graph {
        #[arg(long, value_enum, default_value_t)]
        format: GraphFormat,
        /// Only the neighbourhood of this node
        #[arg(long, value_name = "ID")]
        focus: Option<String>,
        /// Hops from --focus (default 1)
        #[arg(long, value_name = "N", requires = "focus")]
        depth: Option<usize>,
        /// Only these node kinds (e.g. system,capability); default all but
        /// integrations, mappings and roadmaps
        #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
        kinds: Vec<String>,
    },
    /// Carbon footprint: energy and emissions with ranges, by method, scope and category
    Carbon {
        /// Location-based (grid average) or market-based (after renewable tariffs)
        #[arg(long, value_enum, default_value_t)]
        basis: crate::assess::carbon::Basis,
        /// The factor set (default: estate.yaml's `factors`, else `default`)
        #[arg(long, value_name = "SET")]
        factors: Option<String>,
        /// The breakdown shown as a table
        #[arg(long, value_enum, default_value_t)]
        by: crate::report::carbon::By,
        #[arg(long, value_enum, default_value_t)]
        format: DataFormat,
    },
    /// Technology spend attributed to systems, reconciled exactly; contracts and shadow IT
    Spend {
        #[command(subcommand)]
        view: Option<SpendView>,
        /// The breakdown shown as a table
        #[arg(long, value_enum, default_value_t)]
        by: crate::report::spend::By,
        /// A FOCUS export or ledger CSV (repeatable); replaces estate.yaml's `billing:`
        #[arg(long, value_name = "FILE", global = true)]
        billing: Vec<PathBuf>,
        /// Report unreadable rows but do not fail because of them
        #[arg(long, global = true)]
        allow_bad_rows: bool,
        #[arg(long, value_enum, default_value_t, global = true)]
        format: DataFormat,
    },
    /// Check the estate against the policy pack: findings by severity, with savings
    Check {
        /// The estate's policy folder, over the shipped pack file by file (default: estate.yaml's `policies.dir`, else `policies/`; the shipped pack alone when there is none)
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
        /// Only these rules (repeatable)
        #[arg(long = "rule", value_name = "ID")]
        rules: Vec<String>,
        /// Leave out findings below this severity
        #[arg(long, value_enum, value_name = "SEVERITY")]
        severity_min: Option<SeverityArg>,
        /// Exit 1 when a finding is at or above this severity
        #[arg(long, value_enum, value_name = "SEVERITY", default_value = "high")]
        fail_on: SeverityArg,
        /// The date waivers and end-of-life dates are judged against (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: CheckFormat,
    },
    /// The whole pipeline into a report site: overview, estate map, a page per system, spend, carbon, policies, roadmaps
    Report {
        /// Where to write the report (default: estate.yaml's `out`, else `out/`, then `report/` in it)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Open the report in the default browser when written
        #[arg(long)]
        open: bool,
        /// The estate's policy folder, over the shipped pack file by file (default: estate.yaml's `policies.dir`, else `policies/`; the shipped pack alone when there is none)
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
        /// The date end-of-life dates, contracts and waivers are judged against (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
    /// Plan: roadmaps with their spend and carbon trajectories, migration waves, the application portfolio, a Terraform plan's carbon and cost
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// Store the assessed estate (nodes, edges, spend, carbon, findings) under out/snapshots/
    Snapshot {
        /// The date the snapshot describes (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// The estate's policy folder, over the shipped pack file by file (default: estate.yaml's `policies.dir`, else `policies/`; the shipped pack alone when there is none)
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
    /// What changed between two snapshots: systems and resources, spend, carbon, findings, by domain
    Diff {
        /// The earlier snapshot: a file, or a date under out/snapshots/
        a: String,
        /// The later snapshot: a file, or a date under out/snapshots/
        b: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The policy pack: list rules, explain one, refresh end-of-life data
    Policies {
        #[command(subcommand)]
        action: PoliciesAction,
        /// The estate's policy folder, over the shipped pack file by file (default: estate.yaml's `policies.dir`, else `policies/`; the shipped pack alone when there is none)
        #[arg(long, global = true, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
    /// The emission factors in use and where they come from
    Factors {
        #[command(subcommand)]
        action: FactorsAction,
        /// The factor set (default: estate.yaml's `factors`, else `default`)
        #[arg(long, global = true, value_name = "SET")]
        set: Option<String>,
    },
    /// Turn other catalogs into estate/v1 inventory files
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Tables for people
    #[default]
    Table,
    /// One JSON document on stdout
    Json,
    /// CSV rows on stdout
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum SpendView {
    /// Renewals and notice dates coming up, spend against contract value, supplier concentration
    Contracts {
        /// How far ahead to look (e.g. 180d, 6m)
        #[arg(long, default_value = "180d", value_name = "DURATION")]
        within: String,
        /// The date to look ahead from (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
    /// Ledger spend with technology suppliers the inventory does not know
    Shadow,
    /// Print the warehouse query (sql/focus-aggregate.sql) whose result `--billing` reads
    /// like the FOCUS export it sums, with the same totals
    Sql,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// Never (for `--fail-on`)
    None,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Tables for people
    #[default]
    Table,
    /// The JSON contract of DESIGN.md
    Json,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
    /// JUnit XML: a test case per rule
    Junit,
    /// Markdown, for a pull-request comment or a wiki
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum PoliciesAction {
    /// Every rule: id, severity, category, kinds, title
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// What a rule checks, its parameters and which nodes it applies to
    Explain {
        rule: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Refresh the endoflife.date snapshot (policies/endoflife/products.json) from its API
    RefreshEol {
        /// The endoflife.date site
        #[arg(long, default_value = "https://endoflife.date", value_name = "URL")]
        url: String,
        /// Only these products (slugs); default every product in the snapshot
        #[arg(long = "product", value_name = "SLUG")]
        products: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FactorsAction {
    /// Every factor file of the set, with its source, year and licence
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One factor's value and provenance, by id (as items cite them: `ccf/pue/aws`)
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Backstage catalog-info.yaml files (Location entities are followed)
    Backstage {
        /// Catalog files or directories
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the estate/v1 files
        #[arg(long, value_name = "DIR", default_value = "inventory/backstage")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
