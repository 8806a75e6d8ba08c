//! Cost Explorer: the monthly cost per linked account and service over the
//! period, as `aws ce get-cost-and-usage` prints it with its pages joined
//! ([`super::COST_FILE`], a billing input). Read once, in the caller's
//! account (the payer sees every linked account), from the us-east-1
//! endpoint, and only when asked: each request is charged.

use std::collections::HashMap;

use aws_sdk_costexplorer::types::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType, MetricValue,
};
use serde_json::{Value, json};

use super::{COST_FILE, Call, Error, Fetched, Service, in_region, record};
use crate::collect::paging::Pager;

pub(super) const COST: Service = Service {
    name: "ce",
    fetch: |c| Box::pin(cost_and_usage(c)),
};

async fn cost_and_usage(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "ce:GetCostAndUsage");
    // Cost Explorer's endpoint is in us-east-1.
    let client = aws_sdk_costexplorer::Client::new(&in_region(c.cfg, "us-east-1"));
    let interval = DateInterval::builder()
        .start(c.opts.period.0.to_string())
        .end(period_end(c.opts.period.1).to_string())
        .build()?;
    let group = |key: &str| {
        GroupDefinition::builder()
            .r#type(GroupDefinitionType::Dimension)
            .key(key)
            .build()
    };
    let amount = |m: Option<&HashMap<String, MetricValue>>| {
        let mut o = serde_json::Map::new();
        for (k, v) in m.into_iter().flatten() {
            o.insert(k.clone(), json!({"Amount": v.amount(), "Unit": v.unit()}));
        }
        Value::Object(o)
    };
    let mut results = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let out = client
            .get_cost_and_usage()
            .time_period(interval.clone())
            .granularity(Granularity::Monthly)
            .metrics("UnblendedCost")
            .metrics("AmortizedCost")
            .group_by(group("LINKED_ACCOUNT"))
            .group_by(group("SERVICE"))
            .set_next_page_token(token)
            .send()
            .await?;
        for r in out.results_by_time() {
            results.push(json!({
                "TimePeriod": {
                    "Start": r.time_period().map(|t| t.start()),
                    "End": r.time_period().map(|t| t.end()),
                },
                "Total": amount(r.total()),
                "Groups": r.groups().iter().map(|g| json!({
                    "Keys": g.keys(),
                    "Metrics": amount(g.metrics()),
                })).collect::<Vec<_>>(),
                "Estimated": r.estimated(),
            }));
        }
        pager.turn(out.next_page_token())?;
    }
    let n = results
        .iter()
        .map(|x| x["Groups"].as_array().map_or(0, Vec::len))
        .sum();
    let v = json!({
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
            {"Type": "DIMENSION", "Key": "SERVICE"},
        ],
        "ResultsByTime": results,
    });
    Ok(Fetched::file(COST_FILE, v, n))
}

/// Cost Explorer's end date is exclusive: the day after the period.
fn period_end(last: chrono::NaiveDate) -> chrono::NaiveDate {
    last.succ_opt().unwrap_or(last)
}
