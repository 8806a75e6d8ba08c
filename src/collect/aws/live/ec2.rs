//! EC2: the regions enabled for an account (`ec2:DescribeRegions`, which
//! decides the account × region tasks), and per region the instances
//! (`ec2-describe-instances.json`, their ids passed on to CloudWatch) and
//! the EBS volumes (`ec2-describe-volumes.json`). Both listings ask for
//! large pages with MaxResults: without it AWS answers in one page however
//! large the region.

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::{Call, Error, Fetched, Ops, Service, record, tags};
use crate::collect::paging::Pager;

pub(super) const INSTANCES: Service = Service {
    name: "ec2",
    fetch: |c| Box::pin(instances(c)),
};

pub(super) const VOLUMES: Service = Service {
    name: "ec2:volumes",
    fetch: |c| Box::pin(volumes(c)),
};

/// Every region enabled for the account, of every partition.
pub(super) async fn regions(cfg: &SdkConfig, ops: &Ops) -> Result<Vec<String>, Error> {
    record(ops, "ec2:DescribeRegions");
    let out = aws_sdk_ec2::Client::new(cfg)
        .describe_regions()
        .send()
        .await?;
    Ok(out
        .regions()
        .iter()
        .filter_map(|x| x.region_name().map(String::from))
        .collect())
}

async fn instances(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "ec2:DescribeInstances");
    let client = aws_sdk_ec2::Client::new(c.cfg);
    let mut reservations = Vec::new();
    let mut ids = Vec::new();
    let mut n = 0;
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let page = client
            .describe_instances()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await?;
        for r in page.reservations() {
            let list: Vec<Value> = r
                .instances()
                .iter()
                .map(|i| {
                    n += 1;
                    ids.extend(i.instance_id().map(String::from));
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
        pager.turn(page.next_token())?;
    }
    Ok(Fetched {
        files: vec![(
            "ec2-describe-instances.json".into(),
            json!({ "Reservations": reservations }),
        )],
        resources: n,
        ids,
    })
}

async fn volumes(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "ec2:DescribeVolumes");
    let client = aws_sdk_ec2::Client::new(c.cfg);
    let mut list = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let page = client
            .describe_volumes()
            .max_results(500)
            .set_next_token(token)
            .send()
            .await?;
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
        pager.turn(page.next_token())?;
    }
    let n = list.len();
    Ok(Fetched::file(
        "ec2-describe-volumes.json",
        json!({ "Volumes": list }),
        n,
    ))
}
