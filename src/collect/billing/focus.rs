//! FOCUS (FinOps Open Cost and Usage Specification) 1.0–1.2 exports, CSV
//! or gzipped CSV, as AWS Data Exports, Azure cost exports and others write
//! them.
//!
//! Columns are found by name, so column order and extra columns (`x_…`) do
//! not matter; extra columns are kept on the row for mapping rules. Required:
//! BilledCost, EffectiveCost, BillingCurrency, ChargeCategory. Everything
//! else may be absent or empty (ResourceId is empty for tax, support and
//! commitment purchases).

use std::path::Path;

use super::{BadRow, Charge, open, parse_decimal};

const REQUIRED: [&str; 4] = [
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ChargeCategory",
];

/// Rows read and rows that could not be used.
#[derive(Debug, Default)]
pub struct Stats {
    pub rows: u64,
    pub bad: Vec<BadRow>,
    pub bytes: u64,
}

/// Stream every row of a FOCUS file into `visit`.
pub fn read(path: &Path, file: usize, mut visit: impl FnMut(Charge<'_>)) -> Result<Stats, String> {
    let shown = path.display().to_string();
    let reader = open(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|e| format!("`{shown}`: cannot read the header row: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    if let Some(missing) = REQUIRED.iter().find(|c| col(c).is_none()) {
        return Err(format!(
            "`{shown}`:1: not a FOCUS export: no `{missing}` column (columns: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let idx = |name: &str| col(name).unwrap_or(usize::MAX);
    let (billed, effective, currency, category) = (
        idx("BilledCost"),
        idx("EffectiveCost"),
        idx("BillingCurrency"),
        idx("ChargeCategory"),
    );
    let provider = col("ProviderName")
        .or(col("ServiceProviderName"))
        .unwrap_or(usize::MAX);
    let issuer = col("InvoiceIssuerName").unwrap_or(provider);
    let (service, service_category, region) =
        (idx("ServiceName"), idx("ServiceCategory"), idx("RegionId"));
    let (resource_id, resource_name, sub_account, tags) = (
        idx("ResourceId"),
        idx("ResourceName"),
        idx("SubAccountId"),
        idx("Tags"),
    );
    let (start, description, cost_centre) = (
        idx("ChargePeriodStart"),
        idx("ChargeDescription"),
        col("x_CostCentre").unwrap_or(usize::MAX),
    );
    let mut stats = Stats::default();
    let mut record = csv::ByteRecord::new();
    let mut lines = super::LineCounter::after_header(
        csv.byte_headers()
            .map_err(|e| format!("`{shown}`: cannot read the header row: {e}"))?,
    );
    while let Some(row) = super::next_row(&mut csv, &mut record, &mut lines, &shown, &mut stats.bad)
    {
        let Some(line) = row else { continue };
        stats.rows += 1;
        // Validate the row's text once; every field is then a slice of valid UTF-8
        // (fields split at ASCII delimiters).
        let Ok(all) = std::str::from_utf8(record.as_slice()) else {
            stats.bad.push(BadRow {
                file: shown.clone(),
                line,
                reason: "the row is not UTF-8 text".into(),
                amount_text: None,
            });
            continue;
        };
        let get = |i: usize| match record.range(i) {
            Some(r) => &all[r],
            None => "",
        };
        let (b, e) = (parse_decimal(get(billed)), parse_decimal(get(effective)));
        let (Some(b), Some(e)) = (b, e) else {
            let (what, text) = if b.is_none() {
                ("BilledCost", get(billed))
            } else {
                ("EffectiveCost", get(effective))
            };
            stats.bad.push(BadRow {
                file: shown.clone(),
                line,
                reason: format!("{what} `{text}` is not a decimal number"),
                amount_text: Some(get(billed).to_string()),
            });
            continue;
        };
        let cur = get(currency).trim();
        if cur.len() != 3 {
            stats.bad.push(BadRow {
                file: shown.clone(),
                line,
                reason: format!("BillingCurrency `{cur}` is not an ISO 4217 code"),
                amount_text: Some(get(billed).to_string()),
            });
            continue;
        }
        let date = get(start).get(..10).unwrap_or("");
        visit(Charge {
            file,
            line,
            billed: b,
            effective: e,
            currency: cur,
            category: get(category),
            date,
            provider: get(provider),
            service: get(service),
            service_category: get(service_category),
            region: get(region),
            resource_id: get(resource_id),
            resource_name: get(resource_name),
            sub_account: get(sub_account),
            tags: get(tags),
            supplier: get(issuer),
            cost_centre: get(cost_centre),
            description: get(description),
            invoice: "",
        });
    }
    stats.bytes = csv.position().byte();
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stream_with_quotes_and_bad_amounts_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(
            &p,
            "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ResourceName,ResourceId\n\
             1.10,1.00,GBP,Usage,\"a, \"\"b\"\"\",r1\n\
             x,1,GBP,Usage,c,r2\n\
             -0.10,-0.10,GBP,Credit,\"Café\nline\",\n\
             1.00,x,GBP,Usage,after,\n",
        )
        .unwrap();
        let mut rows: Vec<(String, u64)> = Vec::new();
        let stats = read(&p, 0, |c| rows.push((c.resource_name.to_string(), c.line))).unwrap();
        assert_eq!(stats.rows, 4);
        assert_eq!(stats.bad[1].line, 6, "the line after a quoted newline");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, "a, \"b\"");
        assert_eq!(rows[1].0, "Café\nline");
        assert_eq!(rows[1].1, 4);
        assert_eq!(stats.bad[0].line, 3);
        assert!(stats.bad[0].reason.contains("BilledCost `x`"));
    }

    #[test]
    fn a_file_without_focus_columns_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        assert!(
            read(&p, 0, |_| {})
                .unwrap_err()
                .contains("no `BilledCost` column")
        );
    }
}
