//! Azure Cost Management query results as a billing input: the JSON the
//! REST API (`POST …/providers/Microsoft.CostManagement/query`) returns and
//! `estate collect azure` writes, one page a file: `properties.columns`
//! names the columns, `properties.rows` holds the values. One [`Charge`]
//! per row: the cost (`Cost`, `PreTaxCost`, else `CostUSD`), its `Currency`,
//! the month or day (`BillingMonth`, `UsageDate` as `20251001`), the
//! `ResourceId` (its subscription as the sub-account), `ServiceName` and
//! `ResourceLocation` when grouped by them. Amounts come as JSON numbers and
//! are read as the decimal text written in the file (`20.359416562625452`
//! stays exact), never through a float. A date that is not `20251001` or
//! ISO 8601 makes the row a bad row; a query not grouped by date gives
//! undated rows (counted in the period and reported as such), and a row
//! whose currency is not an ISO 4217 code is a bad row. Bad rows carry the
//! line of the file their cost is on. As with Cost Explorer, a FOCUS export
//! for Azure in the same run supersedes these lines.

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::focus::Stats;
use super::{BadRow, Charge, Error};

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    properties: Option<Properties<'a>>,
}

#[derive(Deserialize)]
struct Properties<'a> {
    columns: Option<Vec<Column>>,
    #[serde(borrow, default)]
    rows: Option<Vec<Vec<&'a RawValue>>>,
}

#[derive(Deserialize)]
struct Column {
    #[serde(default)]
    name: String,
}

/// `20251001` (UsageDate) or ISO 8601 (`2025-10-01T00:00:00`, BillingMonth) as a day.
fn date(t: &str) -> Option<super::Day> {
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        super::day(&format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
    } else {
        super::day(t)
    }
}

pub fn read(path: &Path, file: usize, mut visit: impl FnMut(Charge<'_>)) -> Result<Stats, Error> {
    let shown = path.display().to_string();
    let raw = super::read_json_text(path)?;
    let page: Page<'_> = super::parse_json(&raw, &shown)?;
    let not_cm = || Error::NotCostManagement {
        path: shown.clone(),
    };
    let properties = page.properties.ok_or_else(not_cm)?;
    let columns: Vec<String> = properties
        .columns
        .ok_or_else(not_cm)?
        .into_iter()
        .map(|c| c.name)
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
    let mut lines = super::JsonLines::new(&raw);
    for (i, row) in properties.rows.unwrap_or_default().iter().enumerate() {
        stats.rows += 1;
        let n = i + 1;
        let get = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(|v| super::raw_text(v))
                .unwrap_or_default()
        };
        let line = match row.get(cost).or(row.first()) {
            Some(v) => lines.of(v.get()),
            None => 0,
        };
        let amount = get(Some(cost));
        let bad = |reason: String| BadRow {
            file: shown.clone(),
            line,
            reason: format!("row {n}: {reason}"),
            amount_text: Some(amount.clone()),
        };
        let Some(d) = super::parse_decimal(&amount) else {
            stats
                .bad
                .push(bad(format!("cost `{amount}` is not a number")));
            continue;
        };
        let Some(cur) = super::currency(&get(currency)) else {
            stats.bad.push(bad(format!(
                "currency `{}` is not an ISO 4217 code (three letters, e.g. GBP)",
                get(currency)
            )));
            continue;
        };
        let day = match when.map(|c| get(Some(c))) {
            None => None,
            Some(t) => match date(t.trim()) {
                Some(d) => Some(d),
                None => {
                    stats.bad.push(bad(format!(
                        "{} `{t}` is not a date (20251001 or {})",
                        columns[when.unwrap_or(0)],
                        super::ISO_8601
                    )));
                    continue;
                }
            },
        };
        let resource_id = get(resource).to_ascii_lowercase();
        let sub = resource_id
            .strip_prefix("/subscriptions/")
            .and_then(|r| r.split('/').next())
            .unwrap_or("")
            .to_string();
        let (svc, loc) = (get(service), get(location));
        visit(Charge {
            rows: 1,
            file,
            line,
            billed: d,
            effective: d,
            currency: cur.as_str(),
            category: "Usage",
            date: day.as_ref().map_or("", super::Day::as_str),
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
