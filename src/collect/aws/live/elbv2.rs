//! Elastic Load Balancing v2: the region's application, network and
//! gateway load balancers (`elbv2-describe-load-balancers.json`), paged by
//! `Marker`.

use serde_json::json;

use super::{Call, Error, Fetched, Service, record};
use crate::collect::paging::Pager;

pub(super) const LOAD_BALANCERS: Service = Service {
    name: "elasticloadbalancing",
    fetch: |c| Box::pin(load_balancers(c)),
};

async fn load_balancers(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "elasticloadbalancing:DescribeLoadBalancers");
    let client = aws_sdk_elasticloadbalancingv2::Client::new(c.cfg);
    let mut list = Vec::new();
    let mut pager = Pager::default();
    while let Some(marker) = pager.next_page() {
        let page = client
            .describe_load_balancers()
            .set_marker(marker)
            .send()
            .await?;
        for lb in page.load_balancers() {
            list.push(json!({
                "LoadBalancerArn": lb.load_balancer_arn(),
                "LoadBalancerName": lb.load_balancer_name(),
                "Scheme": lb.scheme().map(|s| s.as_str()),
                "Type": lb.r#type().map(|t| t.as_str()),
                "VpcId": lb.vpc_id(),
            }));
        }
        pager.turn(page.next_marker())?;
    }
    let n = list.len();
    Ok(Fetched::file(
        "elbv2-describe-load-balancers.json",
        json!({ "LoadBalancers": list }),
        n,
    ))
}
