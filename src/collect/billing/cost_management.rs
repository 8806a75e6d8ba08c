//! Azure Cost Management query results as a billing input: the JSON the
//! REST API (`POST …/providers/Microsoft.CostManagement/query`) returns and
//! `estate collect azure` writes, one page a file: `properties.columns`
//! names the columns, `properties.rows` holds the values. One [`Charge`]
//! per row: the cost (`Cost`, `PreTaxCost`, else `CostUSD`), its `Currency`,
//! the month or day (`BillingMonth`, `UsageDate` as `20251001`), the
//! `ResourceId` (its subscription as the sub-account), `ServiceName` and
//! `ResourceLocation` when grouped by them. Amounts come as JSON numbers and
//! are read from their shortest decimal text. As with Cost Explorer, a FOCUS
//! export for Azure in the same run supersedes these lines.

use std::path::Path;

use serde_json::Value;

use super::focus::Stats;
use super::{BadRow, Charge, Error};

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `2025-10-01T00:00:00` or `20251001` as `2025-10-01`.
fn date(v: &Value) -> String {
    let t = text(v);
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..])
    } else {
        t.chars().take(10).collect()
    }
}

pub fn read(path: &Path, file: usize, mut visit: impl FnMut(Charge<'_>)) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let (raw, v) = super::read_json(path, &shown)?;
    let columns: Vec<String> = v
        .pointer("/properties/columns")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::NotCostManagement {
            path: shown.clone(),
        })?
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("").to_string())
        .collect();
    let col = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| columns.iter().position(|c| c.eq_ignore_ascii_case(n)))
    };
    let cost = col(&["Cost", "PreTaxCost", "CostUSD"]).ok_or_else(|| Error::NoCostColumn {
        path: shown.clone(),
    })?;
    let (currency, when, resource, service, location) = (
        col(&["Currency"]),
        col(&["BillingMonth", "UsageDate"]),
        col(&["ResourceId"]),
        col(&["ServiceName"]),
        col(&["ResourceLocation"]),
    );
    let mut stats = Stats {
        bytes: raw.len() as u64,
        ..Stats::default()
    };
    for (i, row) in v
        .pointer("/properties/rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        stats.rows += 1;
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).map(text).unwrap_or_default();
        let amount = get(Some(cost));
        let Some(d) = super::parse_decimal(&amount) else {
            stats.bad.push(BadRow {
                file: shown.clone(),
                line: i as u64 + 1,
                reason: format!("row {}: cost `{amount}` is not a number", i + 1),
                amount_text: Some(amount),
            });
            continue;
        };
        let resource_id = get(resource).to_ascii_lowercase();
        let sub = resource_id
            .strip_prefix("/subscriptions/")
            .and_then(|r| r.split('/').next())
            .unwrap_or("")
            .to_string();
        let (cur, day, svc, loc) = (
            get(currency),
            when.and_then(|c| row.get(c)).map(date).unwrap_or_default(),
            get(service),
            get(location),
        );
        visit(Charge {
            rows: 1,
            file,
            line: i as u64 + 1,
            billed: d,
            effective: d,
            currency: &cur,
            category: "Usage",
            date: &day,
            provider: "Microsoft Azure",
            service: &svc,
            service_category: "",
            region: &loc,
            resource_id: &resource_id,
            resource_name: "",
            sub_account: &sub,
            tags: "",
            supplier: "Microsoft",
            cost_centre: "",
            description: "",
            invoice: "",
        });
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_pages_of_the_fixture_sum_to_the_quarter() {
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/azure/api/cost-management");
        let mut gbp = rust_decimal::Decimal::ZERO;
        let mut rows = 0;
        for page in ["production-page-1.json", "production-page-2.json"] {
            let s = read(&root.join(page), 0, |c| {
                if c.currency == "GBP" {
                    gbp += c.billed;
                }
            })
            .unwrap();
            rows += s.rows;
            assert!(s.bad.is_empty());
        }
        assert_eq!(rows, 85);
        // The fixture README: Q4 2025, GBP 25,391.773594936.
        assert_eq!(gbp, "25391.773594936".parse().unwrap());
    }
}
