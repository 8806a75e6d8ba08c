//! Spend, joined up: each billing input read by `collect::billing` (which
//! detects its format, reads it, in parallel parts when it is large, and
//! shows progress) straight into `assess::spend`'s accumulator, then the
//! summed lines attributed to systems through the model. Rows stream from
//! the file into the accumulator; no file is ever held whole.
//!
//! A file given twice (listed twice in estate.yaml, `--billing` twice, or
//! the same file by two paths or through a link) is read once, with a
//! warning: counting it twice would double its money.

use std::path::PathBuf;

use crate::assess::spend::{Accumulator, Spend, Tally, Window};
use crate::collect::billing::{self, Input};
use crate::model::Model;
use crate::model::Period;

/// Read every billing input and attribute it: spend over `period`, with
/// `currency` for ledgers that do not name theirs.
pub fn spend(
    model: &Model,
    inputs: &[(Input, PathBuf)],
    period: Period,
    currency: &str,
) -> Result<Spend, billing::Error> {
    let window = Window::new(period);
    let mut tally = Tally::default();
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    let mut file = 0;
    for (input, path) in inputs {
        // The same file by any path is one file; a path that does not resolve is reported when read.
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == canonical) {
            tally.warn(if *first == path {
                format!("`{}` is given twice: read once", path.display())
            } else {
                format!(
                    "`{}` is the same file as `{}`, given earlier: read once",
                    path.display(),
                    first.display()
                )
            });
            continue;
        }
        seen.push((canonical, path));
        let (read, acc) = billing::fold(
            file,
            input,
            path,
            currency,
            |format| Accumulator::new(file, format),
            |acc, charge| acc.add(charge, &window),
            Accumulator::merge,
        )?;
        let shown = read.path.clone();
        tally.add(read, acc).map_err(|reason| billing::Error::Sum {
            path: shown,
            reason,
        })?;
        file += 1;
    }
    Ok(tally.attribute(model))
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn model(yaml: &str) -> Model {
        let mut inv = crate::inventory::Inventory::default();
        crate::inventory::load::load_text(
            &mut inv,
            "t.yaml".into(),
            yaml.to_string(),
            &mut Vec::new(),
        );
        let (m, ds) = crate::model::build(inv);
        assert_eq!(ds.errors(), 0, "{:?}", ds.items);
        m
    }

    #[test]
    fn charges_attach_by_id_then_rules_then_supplier_and_the_rest_is_unallocated() {
        let d = "apiVersion: estate/v1\n";
        let m = model(&format!(
            "{d}kind: System\nmetadata: {{name: crm}}\nspec: {{supplier: supplier:halcyon}}\n---\n{d}kind: System\nmetadata: {{name: gis}}\n---\n\
             {d}kind: Supplier\nmetadata: {{name: halcyon, title: Halcyon Software}}\nspec: {{category: saas, aliases: [HALCYON SOFTWARE LTD]}}\n---\n\
             {d}kind: Resource\nmetadata: {{name: vm1}}\nspec: {{type: compute, provider: aws, region: eu-west-2, external_id: \"arn:aws:ec2:eu-west-2:1:instance/i-1\", system: system:crm}}\n---\n\
             {d}kind: Mapping\nmetadata: {{name: m}}\nspec: {{rules: [{{system: system:gis, match: {{tags: {{app: gis}}}}}}]}}\n"
        ));
        let dir = tempfile::tempdir().unwrap();
        let focus = dir.path().join("focus.csv");
        std::fs::write(
            &focus,
            "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ProviderName,ResourceId,Tags,ChargePeriodStart\n\
             10.00,9.00,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-1,,2025-03-01T00:00:00Z\n\
             5.005,5.005,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-2,\"{\"\"app\"\":\"\"gis\"\"}\",2025-03-01T00:00:00Z\n\
             1.10,1.10,GBP,Usage,AWS,arn:aws:ec2:us-east-1:9:instance/i-9,,2025-03-01T00:00:00Z\n\
             2.00,2.00,GBP,Tax,AWS,,,2025-03-01T00:00:00Z\n\
             7.00,7.00,GBP,Usage,AWS,arn:aws:ec2:eu-west-2:1:instance/i-1,,2024-03-01T00:00:00Z\n",
        )
        .unwrap();
        let ledger = dir.path().join("ledger.csv");
        std::fs::write(&ledger, "Supplier Name,Net Amount,Invoice Date,Description\nHALCYON SOFTWARE LTD,\"1,000.00\",01/04/2025,support\nZOOM VIDEO COMMUNICATIONS INC,(14.39),02/04/2025,\nCafe Nero,3.20,02/04/2025,coffee\n").unwrap();
        let input = |p: &std::path::Path| {
            (
                Input {
                    path: p.to_path_buf(),
                    format: None,
                    columns: None,
                    date_format: None,
                    currency: None,
                },
                p.to_path_buf(),
            )
        };
        let period = Period {
            start: crate::inventory::Date::parse("2025-01-01").unwrap(),
            end: crate::inventory::Date::parse("2025-12-31").unwrap(),
        };
        let s = spend(&m, &[input(&focus), input(&ledger)], period, "GBP").unwrap();
        assert!(s.balanced());
        let gbp = &s.currencies["GBP"];
        let d = |x: &str| x.parse::<Decimal>().unwrap();
        assert_eq!(gbp.by_system["system:crm"].billed, d("1010.00"));
        assert_eq!(gbp.by_system["system:gis"].billed, d("5.005"));
        assert_eq!(
            gbp.unallocated.billed,
            d("1.10") + d("2.00") + d("-14.39") + d("3.20")
        );
        assert_eq!(
            gbp.total.billed,
            d("1010.00") + d("5.005") + d("1.10") + d("2.00") + d("-14.39") + d("3.20")
        );
        assert_eq!(
            s.files[0].outside_period_rows, 1,
            "the 2024 row is outside the period"
        );
        assert_eq!(s.shadow.len(), 1);
        assert_eq!(s.shadow[0].supplier, "ZOOM VIDEO COMMUNICATIONS INC");
        assert_eq!(s.shadow[0].total, d("-14.39"));
    }
}
