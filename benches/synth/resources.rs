//! `n` cloud usage rows (provider, region, instance type, hours, utilisation,
//! storage, network), deterministic from a seed, as a model built in memory
//! (no YAML) for the carbon engine and as the JSON rows Cloud Carbon
//! Footprint's estimator reads (tests/tools/ccf/reference.mjs), so both are
//! measured on the same usage.

use estate::inventory::kinds::{Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec};
use estate::model::{Model, Node};
use serde_saphyr::{Location, Spanned};

fn spanned<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Location::UNKNOWN, Location::UNKNOWN)
}

/// One resource's usage.
pub struct Row {
    aws: bool,
    region: &'static str,
    instance_type: &'static str,
    hours: u32,
    utilisation: Option<f64>,
    ssd: bool,
    size_gb: u32,
    network_gb: u32,
}

pub fn rows(n: usize, seed: u64) -> Vec<Row> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let aws = [
        "m5.large",
        "m5.xlarge",
        "t3.medium",
        "c5.xlarge",
        "r5.large",
        "m6g.large",
        "t3.micro",
        "c6i.2xlarge",
    ];
    let azure = [
        "Standard_D4s_v5",
        "Standard_B2ms",
        "Standard_D2s_v3",
        "Standard_E4s_v3",
    ];
    let aws_regions = ["eu-west-2", "eu-west-1", "us-east-1", "eu-central-1"];
    let azure_regions = ["uksouth", "ukwest", "westeurope", "northeurope"];
    (0..n)
        .map(|_| {
            let is_aws = rng.u8(..3) != 0;
            let (t, region) = if is_aws {
                (
                    aws[rng.usize(..aws.len())],
                    aws_regions[rng.usize(..aws_regions.len())],
                )
            } else {
                (
                    azure[rng.usize(..azure.len())],
                    azure_regions[rng.usize(..azure_regions.len())],
                )
            };
            Row {
                aws: is_aws,
                region,
                instance_type: t,
                hours: 730 * (1 + rng.u32(..12)),
                utilisation: rng.bool().then(|| rng.f64()),
                ssd: rng.bool(),
                size_gb: 8 + rng.u32(..1000),
                network_gb: rng.u32(..100),
            }
        })
        .collect()
}

#[allow(dead_code)] // the criterion bench's; carbon-scale builds from rows
pub fn model(n: usize, seed: u64) -> Model {
    model_of(&rows(n, seed))
}

pub fn model_of(rows: &[Row]) -> Model {
    let mut m = Model::default();
    for (i, r) in rows.iter().enumerate() {
        let provider = if r.aws {
            Provider::Aws
        } else {
            Provider::Azure
        };
        let mut spec = ResourceSpec::new(ResourceType::Compute, provider);
        spec.region = Some(spanned(r.region.to_string()));
        spec.instance_type = Some(r.instance_type.to_string());
        spec.hours = Some(spanned(f64::from(r.hours)));
        spec.utilisation = r.utilisation.map(spanned);
        spec.storage = vec![StorageSpec {
            class: if r.ssd {
                StorageClass::Ssd
            } else {
                StorageClass::Hdd
            },
            size_gb: f64::from(r.size_gb),
            replication: None,
        }];
        spec.network_gb = Some(f64::from(r.network_gb));
        let name = format!("r{i}");
        m.add_node(Node::resource(format!("resource:{name}"), name, spec, ""));
    }
    m
}

/// The rows as reference.mjs's input.
#[allow(dead_code)] // carbon-scale writes it; the criterion bench does not
pub fn usage_json(rows: &[Row]) -> serde_json::Value {
    rows.iter()
        .map(|r| {
            serde_json::json!({
                "provider": if r.aws { "aws" } else { "azure" },
                "region": r.region,
                "instance_type": r.instance_type,
                "hours": r.hours,
                "utilisation": r.utilisation,
                "storage": [{
                    "class": if r.ssd { "ssd" } else { "hdd" },
                    "size_gb": r.size_gb,
                    "service": if r.aws { "ebs" } else { "managed-disk" },
                }],
                "network_gb": r.network_gb,
            })
        })
        .collect()
}
