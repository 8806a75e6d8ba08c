//! RDS: database instances (`rds-describe-db-instances.json`, their
//! identifiers passed on to CloudWatch) and Aurora/Multi-AZ clusters
//! (`rds-describe-db-clusters.json`), paged by `Marker`.

use serde_json::json;

use super::{Call, Error, Fetched, Service, record, tags};
use crate::collect::paging::Pager;

pub(super) const INSTANCES: Service = Service {
    name: "rds",
    fetch: |c| Box::pin(instances(c)),
};

pub(super) const CLUSTERS: Service = Service {
    name: "rds:clusters",
    fetch: |c| Box::pin(clusters(c)),
};

async fn instances(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "rds:DescribeDBInstances");
    let client = aws_sdk_rds::Client::new(c.cfg);
    let mut list = Vec::new();
    let mut ids = Vec::new();
    let mut pager = Pager::default();
    while let Some(marker) = pager.next_page() {
        let page = client
            .describe_db_instances()
            .set_marker(marker)
            .send()
            .await?;
        for d in page.db_instances() {
            ids.extend(d.db_instance_identifier().map(String::from));
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
        pager.turn(page.marker())?;
    }
    Ok(Fetched {
        resources: list.len(),
        files: vec![(
            "rds-describe-db-instances.json".into(),
            json!({ "DBInstances": list }),
        )],
        ids,
    })
}

async fn clusters(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "rds:DescribeDBClusters");
    let client = aws_sdk_rds::Client::new(c.cfg);
    let mut list = Vec::new();
    let mut pager = Pager::default();
    while let Some(marker) = pager.next_page() {
        let page = client
            .describe_db_clusters()
            .set_marker(marker)
            .send()
            .await?;
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
        pager.turn(page.marker())?;
    }
    let n = list.len();
    Ok(Fetched::file(
        "rds-describe-db-clusters.json",
        json!({ "DBClusters": list }),
        n,
    ))
}
