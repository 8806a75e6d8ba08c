//! The typed entities of the estate/v1 inventory format, one struct per kind.
//!
//! These are the user's words as written: every struct denies unknown fields,
//! and references, names and range-checked numbers keep the line and column
//! they were written at (`Spanned`) so later stages can point back at them.
//! What the fields mean is documented in docs/inventory-format.md; resolving
//! references and building the graph belongs to `model`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::scalar::{Date, Duration, Kind, Money, Ref};

/// `metadata:` of every document.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
}

impl Metadata {
    pub fn named(name: &str) -> Metadata {
        Metadata {
            name: spanned(name.to_string()),
            title: None,
            description: None,
            tags: Vec::new(),
            labels: IndexMap::new(),
            annotations: IndexMap::new(),
        }
    }
}

/// Wrap a value built in code (not read from a file) as `Spanned` with no location.
pub fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(
        value,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

type SRef = Spanned<Ref>;
type Refs = Vec<Spanned<Ref>>;

/// The `spec:` of a document, by kind.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Spec {
    Domain(DomainSpec),
    Capability(CapabilitySpec),
    Team(TeamSpec),
    System(Box<SystemSpec>),
    Integration(IntegrationSpec),
    InformationAsset(InformationAssetSpec),
    Supplier(SupplierSpec),
    Contract(ContractSpec),
    CostCentre(CostCentreSpec),
    Site(SiteSpec),
    Resource(Box<ResourceSpec>),
    DeviceFleet(DeviceFleetSpec),
    Technology(TechnologySpec),
    Mapping(MappingSpec),
    Roadmap(RoadmapSpec),
}

impl Spec {
    pub fn kind(&self) -> Kind {
        match self {
            Spec::Domain(_) => Kind::Domain,
            Spec::Capability(_) => Kind::Capability,
            Spec::Team(_) => Kind::Team,
            Spec::System(_) => Kind::System,
            Spec::Integration(_) => Kind::Integration,
            Spec::InformationAsset(_) => Kind::InformationAsset,
            Spec::Supplier(_) => Kind::Supplier,
            Spec::Contract(_) => Kind::Contract,
            Spec::CostCentre(_) => Kind::CostCentre,
            Spec::Site(_) => Kind::Site,
            Spec::Resource(_) => Kind::Resource,
            Spec::DeviceFleet(_) => Kind::DeviceFleet,
            Spec::Technology(_) => Kind::Technology,
            Spec::Mapping(_) => Kind::Mapping,
            Spec::Roadmap(_) => Kind::Roadmap,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SRef>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilitySpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Spanned<u8>>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Plan,
    PhaseIn,
    Active,
    PhaseOut,
    Retired,
}

impl Phase {
    pub const ALL: [Phase; 5] = [
        Phase::Plan,
        Phase::PhaseIn,
        Phase::Active,
        Phase::PhaseOut,
        Phase::Retired,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Plan => "plan",
            Phase::PhaseIn => "phase-in",
            Phase::Active => "active",
            Phase::PhaseOut => "phase-out",
            Phase::Retired => "retired",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    pub phase: Phase,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Spanned<Date>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<Spanned<Date>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hosting {
    OnPrem,
    Cloud,
    Saas,
    Hybrid,
}

impl Hosting {
    pub fn as_str(self) -> &'static str {
        match self {
            Hosting::OnPrem => "on-prem",
            Hosting::Cloud => "cloud",
            Hosting::Saas => "saas",
            Hosting::Hybrid => "hybrid",
        }
    }
}

/// The 7R migration strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    Rehost,
    Replatform,
    Refactor,
    Repurchase,
    Retire,
    Retain,
    Relocate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataRole {
    Master,
    Copy,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataHolding {
    pub asset: SRef,
    pub role: DataRole,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tested: Option<Date>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SystemSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<SRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Refs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Criticality>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<Hosting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functional_fit: Option<Spanned<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_fit: Option<Spanned<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technologies: Refs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataHolding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Refs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_location: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_facing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Recovery>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntegrationStyle {
    Api,
    File,
    Database,
    Message,
    Manual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    RealTime,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    AdHoc,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationSpec {
    pub from: SRef,
    pub to: SRef,
    pub style: IntegrationStyle,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Refs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    Public,
    Internal,
    Personal,
    SpecialCategory,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InformationAssetSpec {
    pub classification: Classification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupplierCategory {
    Saas,
    Software,
    Hardware,
    Cloud,
    Hosting,
    Services,
    Telecoms,
    Consultancy,
    Other,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedEmissions {
    pub year: i32,
    pub co2e_kg: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierSpec {
    pub category: SupplierCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_emissions: Option<ReportedEmissions>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Renewal {
    Auto,
    Option,
    None,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSpec {
    pub supplier: SRef,
    pub value: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_value: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Spanned<String>>,
    pub start: Spanned<Date>,
    pub end: Spanned<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_period: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<Renewal>,
    /// What the organisation decided to do at the end of the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<ContractDecision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<SRef>,
}

/// The recorded decision on a contract approaching its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractDecision {
    Renew,
    Extend,
    Reprocure,
    Exit,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CostCentreSpec {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteType {
    Datacentre,
    ServerRoom,
    Colocation,
    Office,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    #[serde(rename = "type")]
    pub site_type: SiteType,
    pub country: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewable_share: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceType {
    Compute,
    Database,
    Storage,
    Network,
    Function,
    ContainerCluster,
    Other,
}

impl ResourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Compute => "compute",
            ResourceType::Database => "database",
            ResourceType::Storage => "storage",
            ResourceType::Network => "network",
            ResourceType::Function => "function",
            ResourceType::ContainerCluster => "container-cluster",
            ResourceType::Other => "other",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
    OnPrem,
    /// Known only from a catalog that does not say (Backstage resources).
    Other,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
            Provider::OnPrem => "on-prem",
            Provider::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        [
            Provider::Aws,
            Provider::Azure,
            Provider::Gcp,
            Provider::OnPrem,
            Provider::Other,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StorageClass {
    Ssd,
    Hdd,
    Archive,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSpec {
    pub class: StorageClass,
    pub size_gb: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<u32>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CpuSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default = "one")]
    pub sockets: u32,
    pub cores: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DriveSpec {
    #[serde(rename = "type")]
    pub drive_type: StorageClass,
    pub size_gb: f64,
    #[serde(default = "one")]
    pub count: u32,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PowerSpec {
    pub idle_w: f64,
    pub max_w: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilisation: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<StorageSpec>,
    /// Data sent out of the region or data centre in the period, GB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drives: Vec<DriveSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<PowerSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_w: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_w: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technologies: Refs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// Block storage: whether a machine uses it (`false` = an orphaned volume).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_facing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
}

impl ResourceSpec {
    /// A resource of a type and provider with nothing else known (for importers and generators).
    pub fn new(resource_type: ResourceType, provider: Provider) -> ResourceSpec {
        ResourceSpec {
            resource_type,
            provider,
            region: None,
            site: None,
            account: None,
            instance_type: None,
            count: None,
            hours: None,
            utilisation: None,
            storage: Vec::new(),
            network_gb: None,
            system: None,
            cpu: None,
            memory_gb: None,
            drives: Vec::new(),
            power: None,
            measured_w: None,
            rated_w: None,
            host: None,
            vcpus: None,
            technologies: Vec::new(),
            cost_centre: None,
            public: None,
            encrypted: None,
            attached: None,
            internet_facing: None,
            external_id: None,
            tags: IndexMap::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceCategory {
    Laptop,
    Desktop,
    ThinClient,
    Tablet,
    Phone,
    Monitor,
    Printer,
    Other,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceFleetSpec {
    pub category: DeviceCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    pub model: String,
    pub count: u32,
    pub purchase_year: Spanned<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<Duration>,
    /// The year the fleet is (or was) replaced, when planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_centre: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embodied_co2e_kg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_kwh_per_year: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TechnologyCategory {
    Os,
    Database,
    Runtime,
    Framework,
    Middleware,
    Platform,
    Application,
    Other,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologySpec {
    pub product: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<TechnologyCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_support: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<Date>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MappingMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MappingRule {
    /// The system what matches belongs to; or, for a shared resource, `split`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SRef>,
    /// Shares of a shared resource (a platform, a cluster): its cost is split by these weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<Share>,
    #[serde(rename = "match")]
    pub matches: Spanned<MappingMatch>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub system: SRef,
    pub weight: Spanned<f64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    pub rules: Vec<MappingRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Retire,
    Migrate,
    Consolidate,
    Replace,
    Rightsize,
    Site,
    Devices,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Retire => "retire",
            ActionKind::Migrate => "migrate",
            ActionKind::Consolidate => "consolidate",
            ActionKind::Replace => "replace",
            ActionKind::Rightsize => "rightsize",
            ActionKind::Site => "site",
            ActionKind::Devices => "devices",
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Disposition>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: Spanned<ActionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Spanned<Date>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Refs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Refs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleets: Refs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<MigrationTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewable_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_cost: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_cost: Option<Money>,
    /// Spend the action stops that the ledger shares with systems that stay
    /// (a module dropped from a shared contract), as the roadmap's author knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_saving: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapPhase {
    pub name: String,
    pub start: Spanned<Date>,
    pub end: Spanned<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Date>,
    pub phases: Vec<RoadmapPhase>,
}
