//! AWS Cost Explorer results as a billing input: the JSON that
//! `aws ce get-cost-and-usage` prints (and `estate collect aws` writes to
//! `ACCOUNT/ce-get-cost-and-usage.json`), one [`Charge`] per time period and
//! group. Groups are read by the query's `GroupDefinitions`: `LINKED_ACCOUNT`
//! is the sub-account, `SERVICE` the service, `REGION` the region,
//! `RESOURCE_ID` the resource; a query without groups gives one charge per
//! period from its `Total`. The billed cost is `UnblendedCost` (else
//! `NetUnblendedCost`, `BlendedCost`), the effective cost `AmortizedCost`
//! (else `NetAmortizedCost`, else the billed cost); amounts are parsed from
//! their text into `Decimal`.
//!
//! FOCUS exports stay the primary path: when a run also has a FOCUS export
//! for AWS, these lines are the same money and the spend engine counts them
//! as detailed elsewhere, not twice.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use super::focus::Stats;
use super::{BadRow, Charge, Error};

/// Billed, then effective, metric names in order of preference.
const BILLED: [&str; 3] = ["UnblendedCost", "NetUnblendedCost", "BlendedCost"];
const EFFECTIVE: [&str; 2] = ["AmortizedCost", "NetAmortizedCost"];

fn metric<'a>(metrics: &'a Value, names: &[&str]) -> Option<(&'a str, &'a str)> {
    names.iter().find_map(|n| {
        let m = metrics.get(*n)?;
        Some((m.get("Amount")?.as_str()?, m.get("Unit")?.as_str()?))
    })
}

/// Read one Cost Explorer result file; `visit` gets each charge.
pub fn read(path: &Path, file: usize, mut visit: impl FnMut(Charge<'_>)) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let (text, v) = super::read_json(path, &shown)?;
    let periods = v
        .get("ResultsByTime")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::NotCostExplorer {
            path: shown.clone(),
        })?;
    let dims: Vec<String> = v
        .get("GroupDefinitions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|g| {
                    let kind = g.get("Type").and_then(Value::as_str).unwrap_or("");
                    let key = g.get("Key").and_then(Value::as_str).unwrap_or("");
                    if kind == "DIMENSION" {
                        key.to_string()
                    } else {
                        format!("{kind}:{key}")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    // Each group's line in the file, for messages: the n-th `"Keys"`.
    let mut key_lines = memchr::memmem::find_iter(text.as_bytes(), b"\"Keys\"")
        .map(|at| 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count() as u64);
    let mut stats = Stats {
        bytes: text.len() as u64,
        ..Stats::default()
    };
    for p in periods {
        let start = p
            .pointer("/TimePeriod/Start")
            .and_then(Value::as_str)
            .unwrap_or("");
        let groups = p.get("Groups").and_then(Value::as_array);
        let rows: Vec<(Vec<&str>, &Value, u64)> = match groups {
            Some(g) if !g.is_empty() => g
                .iter()
                .map(|g| {
                    let keys = g
                        .get("Keys")
                        .and_then(Value::as_array)
                        .map(|k| k.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let line = key_lines.next().unwrap_or(0);
                    (keys, g.get("Metrics").unwrap_or(&Value::Null), line)
                })
                .collect(),
            _ => match p.get("Total") {
                Some(t) if t.as_object().is_some_and(|o| !o.is_empty()) => {
                    vec![(Vec::new(), t, 0)]
                }
                _ => Vec::new(),
            },
        };
        for (keys, metrics, line) in rows {
            stats.rows += 1;
            let by = |dim: &str| {
                dims.iter()
                    .position(|d| d == dim)
                    .and_then(|i| keys.get(i).copied())
                    .unwrap_or("")
            };
            let bad = |reason: String, amount: Option<&str>| BadRow {
                file: shown.clone(),
                line,
                reason,
                amount_text: amount.map(String::from),
            };
            let Some((billed_text, unit)) = metric(metrics, &BILLED) else {
                stats.bad.push(bad(
                    format!("no cost metric (one of {})", BILLED.join(", ")),
                    None,
                ));
                continue;
            };
            let Some(billed) = super::parse_decimal(billed_text) else {
                stats.bad.push(bad(
                    format!("amount `{billed_text}` is not a number"),
                    Some(billed_text),
                ));
                continue;
            };
            let effective = match metric(metrics, &EFFECTIVE) {
                Some((t, _)) => match super::parse_decimal(t) {
                    Some(d) => d,
                    None => {
                        stats
                            .bad
                            .push(bad(format!("amount `{t}` is not a number"), Some(t)));
                        continue;
                    }
                },
                None => billed,
            };
            // Cost Explorer reports periods with no spend as zero; they carry nothing.
            if billed == Decimal::ZERO && effective == Decimal::ZERO {
                continue;
            }
            visit(Charge {
                rows: 1,
                file,
                line,
                billed,
                effective,
                currency: unit,
                category: "Usage",
                date: start,
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
