//! A model of `n` cloud and on-prem resources built in memory (no YAML), for
//! benchmarking the carbon engine at scale.

use estate::inventory::kinds::{Provider, ResourceSpec, ResourceType, StorageClass, StorageSpec};
use estate::model::{Model, Node};
use serde_saphyr::{Location, Spanned};

fn spanned<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Location::UNKNOWN, Location::UNKNOWN)
}

pub fn model(n: usize, seed: u64) -> Model {
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
    let mut m = Model::default();
    for i in 0..n {
        let (provider, t, region) = if rng.u8(..3) == 0 {
            (
                Provider::Azure,
                azure[rng.usize(..azure.len())],
                azure_regions[rng.usize(..azure_regions.len())],
            )
        } else {
            (
                Provider::Aws,
                aws[rng.usize(..aws.len())],
                aws_regions[rng.usize(..aws_regions.len())],
            )
        };
        let mut spec = ResourceSpec::new(ResourceType::Compute, provider);
        spec.region = Some(spanned(region.to_string()));
        spec.instance_type = Some(t.to_string());
        spec.hours = Some(spanned(f64::from(730 * (1 + rng.u32(..12)))));
        spec.utilisation = rng.bool().then(|| spanned(rng.f64()));
        spec.storage = vec![StorageSpec {
            class: if rng.bool() {
                StorageClass::Ssd
            } else {
                StorageClass::Hdd
            },
            size_gb: f64::from(8 + rng.u32(..1000)),
            replication: None,
        }];
        spec.network_gb = Some(f64::from(rng.u32(..100)));
        let name = format!("r{i}");
        m.add_node(Node::resource(format!("resource:{name}"), name, spec, ""));
    }
    m
}
