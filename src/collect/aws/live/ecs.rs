//! ECS: the region's clusters, listed by ARN then described 100 at a time
//! (DescribeClusters' limit) with their service and task counts
//! (`ecs-describe-clusters.json`).

use serde_json::json;

use super::{Call, Error, Fetched, Service, record};
use crate::collect::paging::Pager;

pub(super) const CLUSTERS: Service = Service {
    name: "ecs",
    fetch: |c| Box::pin(clusters(c)),
};

async fn clusters(c: &Call<'_>) -> Result<Fetched, Error> {
    let client = aws_sdk_ecs::Client::new(c.cfg);
    record(c.ops, "ecs:ListClusters");
    let mut arns = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let page = client.list_clusters().set_next_token(token).send().await?;
        arns.extend(page.cluster_arns().iter().cloned());
        pager.turn(page.next_token())?;
    }
    let mut list = Vec::new();
    for chunk in arns.chunks(100) {
        record(c.ops, "ecs:DescribeClusters");
        let out = client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .send()
            .await?;
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
    Ok(Fetched::file(
        "ecs-describe-clusters.json",
        json!({ "clusters": list }),
        n,
    ))
}
