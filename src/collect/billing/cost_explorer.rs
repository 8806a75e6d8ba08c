//! AWS Cost Explorer results as a billing input: the JSON that
//! `aws ce get-cost-and-usage` prints (and `estate collect aws` writes to
//! `ACCOUNT/ce-get-cost-and-usage.json`), one [`Charge`] per time period and
//! group. Groups are read by the query's `GroupDefinitions`: `LINKED_ACCOUNT`
//! is the sub-account, `SERVICE` the service, `REGION` the region,
//! `RESOURCE_ID` the resource; a query without groups gives one charge per
//! period from its `Total`. The billed cost is `UnblendedCost` (else
//! `NetUnblendedCost`, `BlendedCost`), the effective cost `AmortizedCost`
//! (else `NetAmortizedCost`, else the billed cost); amounts are parsed from
//! their text into `Decimal` (a number written unquoted is read as the
//! decimal text written, never through a float). The period's `Start` must
//! be an ISO 8601 date and the `Unit` an ISO 4217 currency code, else the
//! group is a bad row at its line.
//!
//! FOCUS exports stay the primary path: when a run also has a FOCUS export
//! for AWS, these lines are the same money and the spend engine counts them
//! as detailed elsewhere, not twice.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::focus::Stats;
use super::{BadRow, Charge, Error};

/// Billed, then effective, metric names in order of preference.
const BILLED: [&str; 3] = ["UnblendedCost", "NetUnblendedCost", "BlendedCost"];
const EFFECTIVE: [&str; 2] = ["AmortizedCost", "NetAmortizedCost"];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Results<'a> {
    #[serde(default)]
    group_definitions: Vec<GroupDefinition>,
    #[serde(borrow)]
    results_by_time: Option<Vec<Period<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupDefinition {
    #[serde(default, rename = "Type")]
    kind: String,
    #[serde(default)]
    key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Period<'a> {
    #[serde(borrow)]
    time_period: Option<TimePeriod<'a>>,
    #[serde(borrow, default)]
    total: BTreeMap<String, Metric<'a>>,
    #[serde(borrow, default)]
    groups: Vec<Group<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TimePeriod<'a> {
    #[serde(borrow)]
    start: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Group<'a> {
    #[serde(borrow, default)]
    keys: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    metrics: BTreeMap<String, Metric<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metric<'a> {
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(default)]
    unit: String,
}

/// The first of `names` among `metrics`: its amount (raw) and unit.
fn metric<'m, 'a>(
    metrics: &'m BTreeMap<String, Metric<'a>>,
    names: &[&str],
) -> Option<(&'a RawValue, &'m str)> {
    names.iter().find_map(|n| {
        let m = metrics.get(*n)?;
        Some((m.amount?, m.unit.as_str()))
    })
}

/// Read one Cost Explorer result file; `visit` gets each charge.
pub fn read(path: &Path, file: usize, mut visit: impl FnMut(Charge<'_>)) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let text = super::read_json_text(path)?;
    let v: Results<'_> = super::parse_json(&text, &shown)?;
    let periods = v.results_by_time.ok_or_else(|| Error::NotCostExplorer {
        path: shown.clone(),
    })?;
    let dims: Vec<String> = v
        .group_definitions
        .iter()
        .map(|g| {
            if g.kind == "DIMENSION" {
                g.key.clone()
            } else {
                format!("{}:{}", g.kind, g.key)
            }
        })
        .collect();
    let mut lines = super::JsonLines::new(&text);
    let mut stats = Stats {
        bytes: text.len() as u64,
        ..Stats::default()
    };
    for p in &periods {
        let start_raw = p.time_period.as_ref().and_then(|t| t.start);
        let start = start_raw.map(super::raw_text).unwrap_or_default();
        let rows: Vec<(&[&RawValue], &BTreeMap<String, Metric<'_>>)> = if p.groups.is_empty() {
            if p.total.is_empty() {
                Vec::new()
            } else {
                vec![(&[][..], &p.total)]
            }
        } else {
            p.groups
                .iter()
                .map(|g| (g.keys.as_slice(), &g.metrics))
                .collect()
        };
        for (keys, metrics) in rows {
            stats.rows += 1;
            let first_key = keys.first().copied();
            let keys: Vec<String> = keys.iter().map(|k| super::raw_text(k)).collect();
            let by = |dim: &str| {
                dims.iter()
                    .position(|d| d == dim)
                    .and_then(|i| keys.get(i))
                    .map_or("", String::as_str)
            };
            let billed_metric = metric(metrics, &BILLED);
            // The line of the group's keys (else its cost, else its period's start).
            let line = match (first_key, billed_metric, start_raw) {
                (Some(raw), _, _) | (None, Some((raw, _)), _) | (None, None, Some(raw)) => {
                    lines.of(raw.get())
                }
                (None, None, None) => 0,
            };
            let bad = |reason: String, amount: Option<&str>| BadRow {
                file: shown.clone(),
                line,
                reason,
                amount_text: amount.map(String::from),
            };
            let Some((billed_raw, unit)) = billed_metric else {
                stats.bad.push(bad(
                    format!("no cost metric (one of {})", BILLED.join(", ")),
                    None,
                ));
                continue;
            };
            let billed_text = super::raw_text(billed_raw);
            let Some(billed) = super::parse_decimal(&billed_text) else {
                stats.bad.push(bad(
                    format!("amount `{billed_text}` is not a number"),
                    Some(&billed_text),
                ));
                continue;
            };
            let effective = match metric(metrics, &EFFECTIVE) {
                Some((raw, _)) => {
                    let t = super::raw_text(raw);
                    match super::parse_decimal(&t) {
                        Some(d) => d,
                        None => {
                            stats
                                .bad
                                .push(bad(format!("amount `{t}` is not a number"), Some(&t)));
                            continue;
                        }
                    }
                }
                None => billed,
            };
            // Cost Explorer reports periods with no spend as zero; they carry nothing.
            if billed == Decimal::ZERO && effective == Decimal::ZERO {
                continue;
            }
            let Some(currency) = super::currency(unit) else {
                stats.bad.push(bad(
                    format!("Unit `{unit}` is not an ISO 4217 currency code (e.g. USD)"),
                    Some(&billed_text),
                ));
                continue;
            };
            let Some(day) = super::day(&start) else {
                stats.bad.push(bad(
                    format!(
                        "TimePeriod Start `{start}` is not a date ({})",
                        super::ISO_8601
                    ),
                    Some(&billed_text),
                ));
                continue;
            };
            visit(Charge {
                rows: 1,
                file,
                line,
                billed,
                effective,
                currency: currency.as_str(),
                category: "Usage",
                date: day.as_str(),
                provider: "AWS",
                service: by("SERVICE"),
                service_category: "",
                region: by("REGION"),
                resource_id: by("RESOURCE_ID"),
                resource_name: "",
                sub_account: by("LINKED_ACCOUNT"),
                tags: "",
                supplier: "Amazon Web Services",
                cost_centre: "",
                description: "",
                invoice: "",
            });
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_become_charges_by_their_definitions_and_bad_amounts_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ce.json");
        std::fs::write(
            &p,
            r#"{
  "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
  "ResultsByTime": [
    {"TimePeriod": {"Start": "2025-01-01", "End": "2025-02-01"}, "Total": {},
     "Groups": [
       {"Keys": ["111122223333", "Amazon Elastic Compute Cloud - Compute"],
        "Metrics": {"UnblendedCost": {"Amount": "1234.5678901", "Unit": "USD"},
                    "AmortizedCost": {"Amount": "1100.01", "Unit": "USD"}}},
       {"Keys": ["111122223333", "Amazon Simple Storage Service"],
        "Metrics": {"UnblendedCost": {"Amount": "lots", "Unit": "USD"}}},
       {"Keys": ["444455556666", "AWS Lambda"],
        "Metrics": {"UnblendedCost": {"Amount": "0", "Unit": "USD"}}}
     ], "Estimated": false}
  ]
}"#,
        )
        .unwrap();
        let mut got = Vec::new();
        let stats = read(&p, 0, |c| {
            got.push((
                c.sub_account.to_string(),
                c.service.to_string(),
                c.billed,
                c.effective,
                c.date.to_string(),
            ))
        })
        .unwrap();
        assert_eq!(stats.rows, 3);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "111122223333");
        assert_eq!(got[0].1, "Amazon Elastic Compute Cloud - Compute");
        assert_eq!(got[0].2, "1234.5678901".parse::<Decimal>().unwrap());
        assert_eq!(got[0].3, "1100.01".parse::<Decimal>().unwrap());
        assert_eq!(got[0].4, "2025-01-01");
        assert_eq!(stats.bad.len(), 1);
        assert_eq!(stats.bad[0].line, 9, "the bad group's line");
        assert!(stats.bad[0].reason.contains("`lots`"));
        std::fs::write(&p, "{\"ResultsByTime\": [}").unwrap();
        let e = read(&p, 0, |_| {}).unwrap_err().to_string();
        assert!(e.contains("ce.json:1:"), "{e}");
    }
}
