//! CloudWatch: daily averages of many metrics through GetMetricData (500
//! metrics a call, paged by `NextToken`), used for the average CPU over the
//! period of the EC2 and RDS instances found before it in the same task
//! (`cloudwatch-cpu-utilisation.json`) and for S3 buckets' size and object
//! count (see `s3`).

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::{Call, Error, Fetched, Ops, Service, ec2, rds, record};
use crate::collect::paging::Pager;

pub(super) const CPU: Service = Service {
    name: "cloudwatch",
    fetch: |c| Box::pin(utilisation(c)),
};

/// One CloudWatch metric to read: what it is for, and which metric.
pub(super) struct Query {
    pub key: (String, &'static str),
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
}

/// Daily averages of many metrics over the period, newest first.
pub(super) async fn metric_data(
    cfg: &SdkConfig,
    ops: &Ops,
    queries: &[Query],
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<Vec<((String, &'static str), Vec<f64>)>, Error> {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let client = aws_sdk_cloudwatch::Client::new(cfg);
    let at = |d: chrono::NaiveDate, h, m, s| {
        d.and_hms_opt(h, m, s)
            .map_or(0, |d| d.and_utc().timestamp())
    };
    let (start, end) = (at(period.0, 0, 0, 0), at(period.1, 23, 59, 59));
    let mut out = Vec::new();
    for chunk in queries.chunks(500) {
        record(ops, "cloudwatch:GetMetricData");
        let list: Vec<MetricDataQuery> = chunk
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let mut metric = Metric::builder()
                    .namespace(q.namespace)
                    .metric_name(q.metric);
                for (k, v) in &q.dimensions {
                    metric = metric.dimensions(Dimension::builder().name(*k).value(v).build());
                }
                MetricDataQuery::builder()
                    .id(format!("m{i}"))
                    .metric_stat(
                        MetricStat::builder()
                            .metric(metric.build())
                            .period(86_400)
                            .stat("Average")
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); chunk.len()];
        let mut pager = Pager::default();
        while let Some(token) = pager.next_page() {
            let page = client
                .get_metric_data()
                .set_metric_data_queries(Some(list.clone()))
                .start_time(DateTime::from_secs(start))
                .end_time(DateTime::from_secs(end))
                .set_next_token(token)
                .send()
                .await?;
            for r in page.metric_data_results() {
                let i = r
                    .id()
                    .and_then(|id| id.strip_prefix('m'))
                    .and_then(|n| n.parse::<usize>().ok());
                if let Some(v) = i.and_then(|i| values.get_mut(i)) {
                    v.extend_from_slice(r.values());
                }
            }
            pager.turn(page.next_token())?;
        }
        out.extend(chunk.iter().map(|q| q.key.clone()).zip(values));
    }
    Ok(out)
}

/// Average CPU over the period per EC2 instance and RDS instance, percent
/// (the mean of the daily averages).
async fn utilisation(c: &Call<'_>) -> Result<Fetched, Error> {
    let ids = |service: &Service| c.ids.get(service.name).map_or(&[][..], Vec::as_slice);
    let mut queries = Vec::new();
    for (namespace, dimension, ids) in [
        ("AWS/EC2", "InstanceId", ids(&ec2::INSTANCES)),
        ("AWS/RDS", "DBInstanceIdentifier", ids(&rds::INSTANCES)),
    ] {
        queries.extend(ids.iter().map(|id| Query {
            key: (id.clone(), ""),
            namespace,
            metric: "CPUUtilization",
            dimensions: vec![(dimension, id.clone())],
        }));
    }
    let mut out = serde_json::Map::new();
    if !queries.is_empty() {
        for ((id, _), points) in metric_data(c.cfg, c.ops, &queries, c.opts.period).await? {
            if !points.is_empty() {
                out.insert(
                    id,
                    json!({"Average": points.iter().sum::<f64>() / points.len() as f64, "Datapoints": points.len()}),
                );
            }
        }
    }
    let n = out.len();
    Ok(Fetched::file(
        "cloudwatch-cpu-utilisation.json",
        Value::Object(out),
        n,
    ))
}
