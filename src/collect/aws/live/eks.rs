//! EKS: the region's clusters and each cluster's managed node groups, one
//! file each as `aws eks describe-cluster` / `describe-nodegroup` print
//! them (`eks-describe-cluster-NAME.json`,
//! `eks-describe-nodegroup-CLUSTER-GROUP.json`); the count in coverage.json
//! is the number of files.

use serde_json::json;

use super::{Call, Error, Fetched, Service, record};
use crate::collect::paging::Pager;

pub(super) const CLUSTERS: Service = Service {
    name: "eks",
    fetch: |c| Box::pin(clusters(c)),
};

async fn clusters(c: &Call<'_>) -> Result<Fetched, Error> {
    let client = aws_sdk_eks::Client::new(c.cfg);
    record(c.ops, "eks:ListClusters");
    let mut names = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let page = client.list_clusters().set_next_token(token).send().await?;
        names.extend(page.clusters().iter().cloned());
        pager.turn(page.next_token())?;
    }
    let mut files = Vec::new();
    for name in names {
        record(c.ops, "eks:DescribeCluster");
        let out = client.describe_cluster().name(&name).send().await?;
        if let Some(c) = out.cluster() {
            files.push((
                format!("eks-describe-cluster-{name}.json"),
                json!({"cluster": {
                    "name": c.name(),
                    "arn": c.arn(),
                    "version": c.version(),
                    "status": c.status().map(|s| s.as_str()),
                    "tags": c.tags(),
                }}),
            ));
        }
        record(c.ops, "eks:ListNodegroups");
        let mut groups = Vec::new();
        let mut pager = Pager::default();
        while let Some(token) = pager.next_page() {
            let page = client
                .list_nodegroups()
                .cluster_name(&name)
                .set_next_token(token)
                .send()
                .await?;
            groups.extend(page.nodegroups().iter().cloned());
            pager.turn(page.next_token())?;
        }
        for g in groups {
            record(c.ops, "eks:DescribeNodegroup");
            let out = client
                .describe_nodegroup()
                .cluster_name(&name)
                .nodegroup_name(&g)
                .send()
                .await?;
            if let Some(n) = out.nodegroup() {
                files.push((
                    format!("eks-describe-nodegroup-{name}-{g}.json"),
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
    Ok(Fetched {
        resources: files.len(),
        files,
        ids: Vec::new(),
    })
}
