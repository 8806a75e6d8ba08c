//! `estate spend`: the DESIGN.md JSON contract (money as decimal strings),
//! tables, CSV; and the contracts and shadow-IT views.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::assess::spend::contracts::{AgainstValue, Concentration, Upcoming};
use crate::assess::spend::{Cost, Ledger, Spend};
use crate::model::Model;
use crate::model::Period;

fn money(d: Decimal) -> String {
    // Money shows at least pennies; more decimals when the input has them.
    if d.scale() < 2 {
        format!("{:.2}", d)
    } else {
        d.normalize().to_string().pipe_min_2dp()
    }
}

trait Min2dp {
    fn pipe_min_2dp(self) -> String;
}

impl Min2dp for String {
    fn pipe_min_2dp(self) -> String {
        match self.split_once('.') {
            Some((_, frac)) if frac.len() >= 2 => self,
            Some((_, frac)) => format!("{self}{}", "0".repeat(2 - frac.len())),
            None => format!("{self}.00"),
        }
    }
}

/// Costs per currency as `GBP billed 1.00, USD billed 2.00`.
fn by_currency_text(m: &BTreeMap<String, Cost>) -> String {
    m.iter()
        .map(|(c, v)| {
            if v.billed == v.effective {
                format!("{c} billed {}", money(v.billed))
            } else {
                format!(
                    "{c} billed {} (effective {})",
                    money(v.billed),
                    money(v.effective)
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What every view of the reconciliation says beside it, one sentence each:
/// rows dated outside the period (not counted) and undated rows (counted),
/// with their totals; unreadable rows (not counted) with the sum of their
/// amounts as written; and what was assumed reading each file.
pub fn aside(spend: &Spend) -> Vec<String> {
    let mut out = spend.warnings.clone();
    for f in &spend.files {
        if f.outside_period_rows > 0 {
            out.push(format!(
                "{}: {} row(s) dated outside the period, not counted: {}",
                f.path,
                f.outside_period_rows,
                by_currency_text(&f.outside_period)
            ));
        }
        if f.undated_rows > 0 {
            out.push(format!(
                "{}: {} row(s) with no date, counted in the period: {}",
                f.path,
                f.undated_rows,
                by_currency_text(&f.undated)
            ));
        }
        let bad: Vec<&crate::model::billing::BadRow> =
            spend.bad_rows.iter().filter(|b| b.file == f.path).collect();
        if !bad.is_empty() {
            let amounts: Vec<Decimal> = bad
                .iter()
                .filter_map(|b| b.amount_text.as_deref()?.trim().parse::<Decimal>().ok())
                .collect();
            let mut sum = Decimal::ZERO;
            let mut exact = true;
            for a in &amounts {
                match crate::assess::spend::exact_add(sum, *a) {
                    Some(s) => sum = s,
                    None => exact = false,
                }
            }
            let unread = bad.len() - amounts.len();
            out.push(format!(
                "{}: {} unreadable row(s), not counted{}{}",
                f.path,
                bad.len(),
                match (amounts.is_empty(), exact) {
                    (true, _) => String::new(),
                    (false, true) => format!(
                        ": their amounts as written sum to {} (currency unchecked)",
                        money(sum)
                    ),
                    (false, false) => ": their amounts as written are too large to sum".into(),
                },
                if unread > 0 && !amounts.is_empty() {
                    format!("; {unread} with no readable amount")
                } else {
                    String::new()
                }
            ));
        }
        for w in &f.warnings {
            out.push(format!("{}: {w}", f.path));
        }
    }
    out
}

fn cost_json(c: Cost) -> Value {
    json!({ "billed": money(c.billed), "effective": money(c.effective) })
}

fn rows(map: &BTreeMap<String, Cost>, key: &str) -> Vec<Value> {
    let mut v: Vec<(&String, &Cost)> = map.iter().collect();
    v.sort_by(|a, b| b.1.billed.cmp(&a.1.billed).then(a.0.cmp(b.0)));
    v.into_iter()
        .map(|(k, c)| {
            let mut j = cost_json(*c);
            j[key] = k.clone().into();
            j
        })
        .collect()
}

fn ledger_json(l: &Ledger) -> Value {
    json!({
        "totals": cost_json(l.total),
        "by_system": rows(&l.by_system, "id"),
        "by_supplier": rows(&l.by_supplier, "id"),
        "by_cost_centre": rows(&l.by_cost_centre, "id"),
        "by_capability": rows(&l.by_capability, "id"),
        "by_domain": rows(&l.by_domain, "id"),
        "by_provider": rows(&l.by_provider, "provider"),
        "by_service": rows(&l.by_service, "service"),
        "unallocated": { "billed": money(l.unallocated.billed), "effective": money(l.unallocated.effective), "by": rows(&l.unallocated_by, "bucket") },
        "allocated": cost_json(l.allocated),
        "detailed_in_billing_export": rows(&l.detailed_elsewhere, "supplier"),
    })
}

/// Every currency's totals converted into `currency` with the user's rates, beside
/// (never instead of) the per-currency figures; currencies with no rate are listed.
pub fn converted(
    spend: &Spend,
    currency: &str,
    rates: &indexmap::IndexMap<String, Decimal>,
) -> Value {
    let mut total = Cost::default();
    let mut used = serde_json::Map::new();
    let mut missing = Vec::new();
    for (c, l) in &spend.currencies {
        let rate = if c == currency {
            Some(Decimal::ONE)
        } else {
            rates.get(c).copied()
        };
        let product = rate.and_then(|r| {
            let converted = Cost {
                billed: l.total.billed.checked_mul(r)?,
                effective: l.total.effective.checked_mul(r)?,
            };
            Some((r, total.exact_add(converted)?))
        });
        match product {
            Some((r, sum)) => {
                total = sum;
                if c != currency {
                    used.insert(c.clone(), r.to_string().into());
                }
            }
            // No rate, or a product too large to hold exactly: listed, never summed wrong.
            None => missing.push(c.clone()),
        }
    }
    json!({ "currency": currency, "total": cost_json(total), "rates": used, "not_converted": missing })
}

pub fn to_json(spend: &Spend, period: Period, currency: &str) -> Value {
    let empty = Ledger::default();
    let main = spend.currencies.get(currency).unwrap_or(&empty);
    let mut j = ledger_json(main);
    let (mut rows_in, mut input, mut allocated, mut unallocated, mut elsewhere) = (
        0u64,
        Cost::default(),
        Cost::default(),
        Cost::default(),
        Cost::default(),
    );
    for f in &spend.files {
        if let Some(b) = f.by_currency.get(currency) {
            rows_in += b.rows;
            input += b.input;
            allocated += b.allocated;
            unallocated += b.unallocated;
            elsewhere += b.detailed_elsewhere;
        }
    }
    let balanced = spend.balanced();
    let obj = j.as_object_mut().expect("object");
    obj.insert(
        "period".into(),
        json!({ "start": period.start.to_string(), "end": period.end.to_string() }),
    );
    obj.insert("currency".into(), currency.into());
    obj.insert(
        "reconciliation".into(),
        json!({
            "input_rows": rows_in,
            "input_billed": money(input.billed),
            "input_effective": money(input.effective),
            "allocated_billed": money(allocated.billed),
            "allocated_effective": money(allocated.effective),
            "unallocated_billed": money(unallocated.billed),
            "unallocated_effective": money(unallocated.effective),
            "detailed_in_billing_export_billed": money(elsewhere.billed),
            "balanced": balanced,
            "aside": aside(spend),
            "files": spend.files.iter().map(|f| json!({
                "path": f.path,
                "format": f.format,
                "rows": f.rows,
                "bad_rows": f.bad_rows,
                "outside_period_rows": f.outside_period_rows,
                "outside_period": f.outside_period.iter().map(|(c, v)| (c.clone(), cost_json(*v))).collect::<serde_json::Map<_, _>>(),
                "undated_rows": f.undated_rows,
                "undated": f.undated.iter().map(|(c, v)| (c.clone(), cost_json(*v))).collect::<serde_json::Map<_, _>>(),
                "warnings": f.warnings,
                "by_currency": f.by_currency.iter().map(|(c, b)| (c.clone(), json!({
                    "rows": b.rows, "input": cost_json(b.input), "allocated": cost_json(b.allocated),
                    "unallocated": cost_json(b.unallocated), "detailed_in_billing_export": cost_json(b.detailed_elsewhere), "balanced": b.balanced,
                }))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
        }),
    );
    obj.insert(
        "other_currencies".into(),
        spend
            .currencies
            .iter()
            .filter(|(c, _)| c.as_str() != currency)
            .map(|(c, l)| (c.clone(), ledger_json(l)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    );
    obj.insert(
        "shadow_it".into(),
        serde_json::to_value(&spend.shadow).unwrap_or_default(),
    );
    obj.insert(
        "bad_rows".into(),
        json!({ "count": spend.bad_rows.len(), "rows": spend.bad_rows }),
    );
    obj.insert("warnings".into(), json!(spend.warnings));
    j
}

fn label(model: &Model, id: &str) -> String {
    model
        .get(id)
        .map(|i| model.node(i).display_name().to_string())
        .unwrap_or_else(|| id.to_string())
}

/// The breakdown a spend table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    #[default]
    System,
    Supplier,
    CostCentre,
    Capability,
    Domain,
    Provider,
    Service,
}

fn breakdown(l: &Ledger, by: By) -> &BTreeMap<String, Cost> {
    match by {
        By::System => &l.by_system,
        By::Supplier => &l.by_supplier,
        By::CostCentre => &l.by_cost_centre,
        By::Capability => &l.by_capability,
        By::Domain => &l.by_domain,
        By::Provider => &l.by_provider,
        By::Service => &l.by_service,
    }
}

pub fn render_table(model: &Model, spend: &Spend, period: Period, by: By) -> String {
    let mut out = format!("Spend {} to {}\n\n", period.start, period.end);
    let mut t = super::table(&[
        "File",
        "Currency",
        "Rows",
        "Input billed",
        "Allocated",
        "Unallocated",
        "Balanced",
    ]);
    for f in &spend.files {
        for (c, b) in &f.by_currency {
            t.add_row(vec![
                f.path.clone(),
                c.clone(),
                b.rows.to_string(),
                money(b.input.billed),
                money(b.allocated.billed),
                money(b.unallocated.billed),
                if b.balanced {
                    "yes".into()
                } else {
                    "NO".into()
                },
            ]);
        }
    }
    out.push_str(&format!("{t}\n"));
    for line in aside(spend) {
        out.push_str(&format!("{line}\n"));
    }
    out.push('\n');
    for (currency, l) in &spend.currencies {
        let title = format!("{by:?} ({currency})");
        let mut t = super::table(&[&title, "Billed", "Effective", "Share"]);
        let mut entries: Vec<(&String, &Cost)> = breakdown(l, by).iter().collect();
        entries.sort_by(|a, b| b.1.billed.cmp(&a.1.billed).then(a.0.cmp(b.0)));
        for (k, c) in entries.iter().take(25) {
            let share = crate::assess::spend::percent(c.billed, l.total.billed).round_dp(1);
            t.add_row(vec![
                label(model, k),
                money(c.billed),
                money(c.effective),
                format!("{share} %"),
            ]);
        }
        if entries.len() > 25 {
            t.add_row(vec![
                format!("… {} more (`--format json` lists all)", entries.len() - 25),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        if by == By::System {
            t.add_row(vec![
                "(unallocated)".into(),
                money(l.unallocated.billed),
                money(l.unallocated.effective),
                String::new(),
            ]);
        }
        out.push_str(&format!(
            "{t}\ntotal {currency}: billed {}, effective {}; unallocated billed {}\n\n",
            money(l.total.billed),
            money(l.total.effective),
            money(l.unallocated.billed)
        ));
    }
    if !spend.shadow.is_empty() {
        out.push_str(&format!(
            "{} shadow-IT supplier(s): `estate spend shadow` lists them\n",
            spend.shadow.len()
        ));
    }
    if !spend.bad_rows.is_empty() {
        out.push_str(&format!(
            "{} row(s) could not be read: listed on stderr\n",
            spend.bad_rows.len()
        ));
    }
    out
}

pub fn to_csv(spend: &Spend, by: By) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["currency", "key", "billed", "effective"])?;
    for (currency, l) in &spend.currencies {
        for (k, c) in breakdown(l, by) {
            w.write_record([
                &*super::csv_text(currency),
                &*super::csv_text(k),
                &money(c.billed),
                &money(c.effective),
            ])?;
        }
        w.write_record([
            &*super::csv_text(currency),
            "(unallocated)",
            &money(l.unallocated.billed),
            &money(l.unallocated.effective),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?).unwrap_or_default())
}

pub fn shadow_table(spend: &Spend) -> String {
    let mut t = super::table(&[
        "Supplier (as on the ledger)",
        "Currency",
        "Total",
        "Lines",
        "Cost centres",
        "Why",
    ]);
    for s in &spend.shadow {
        t.add_row(vec![
            s.supplier.clone(),
            s.currency.clone(),
            money(s.total),
            s.lines.to_string(),
            s.cost_centres.join(", "),
            s.why.clone(),
        ]);
    }
    let mut total: BTreeMap<&str, Decimal> = BTreeMap::new();
    for s in &spend.shadow {
        *total.entry(&s.currency).or_default() += s.total;
    }
    let totals: Vec<String> = total
        .iter()
        .map(|(c, d)| format!("{} {c}", money(*d)))
        .collect();
    format!(
        "{t}\n{} shadow-IT supplier(s), {}\n",
        spend.shadow.len(),
        if totals.is_empty() {
            "nothing".into()
        } else {
            totals.join(", ")
        }
    )
}

pub fn contracts_json(
    upcoming: &[Upcoming],
    against: &[AgainstValue],
    concentration: &[Concentration],
) -> Value {
    let top = |n: usize| {
        concentration
            .get(
                n.saturating_sub(1)
                    .min(concentration.len().saturating_sub(1)),
            )
            .map(|c| c.cumulative_pct.to_string())
    };
    json!({
        "upcoming": upcoming,
        "against_value": against,
        "concentration": { "top_5_share_pct": top(5), "top_10_share_pct": top(10), "suppliers": concentration },
    })
}

pub fn contracts_table(
    model: &Model,
    upcoming: &[Upcoming],
    against: &[AgainstValue],
    concentration: &[Concentration],
) -> String {
    let mut out = String::new();
    let mut t = super::table(&[
        "Contract",
        "Supplier",
        "Ends",
        "Notice by",
        "Status",
        "Annual value",
        "Systems",
    ]);
    for u in upcoming {
        t.add_row(vec![
            label(model, &u.contract),
            label(model, &u.supplier),
            format!("{} ({} d)", u.end, u.days_to_end),
            u.notice_by
                .clone()
                .map(|n| format!("{n} ({} d)", u.days_to_notice.unwrap_or(0)))
                .unwrap_or_default(),
            u.status.to_string(),
            u.annual_value
                .map(|v| format!("{} {}", money(v), u.currency))
                .unwrap_or_default(),
            u.systems.len().to_string(),
        ]);
    }
    out.push_str(&format!("Renewals and notice dates\n{t}\n\n"));
    let over: Vec<&AgainstValue> = against.iter().filter(|a| a.over).collect();
    let mut t = super::table(&["Supplier", "Contracted in period", "Spend", "Over by"]);
    for a in &over {
        t.add_row(vec![
            label(model, &a.supplier),
            money(a.contracted),
            money(a.spend),
            money(a.spend - a.contracted),
        ]);
    }
    out.push_str(&format!(
        "Spend over contract value ({} of {} contracted suppliers)\n{t}\n\n",
        over.len(),
        against.len()
    ));
    let mut t = super::table(&["Supplier", "Spend", "Share", "Cumulative"]);
    for c in concentration.iter().take(10) {
        t.add_row(vec![
            label(model, &c.supplier),
            money(c.spend),
            format!("{} %", c.share_pct),
            format!("{} %", c.cumulative_pct),
        ]);
    }
    out.push_str(&format!("Supplier concentration (top 10)\n{t}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_every_decimal_and_at_least_pennies() {
        assert_eq!(money(Decimal::new(5, 0)), "5.00");
        assert_eq!(money(Decimal::new(1234500, 3)), "1234.50");
        assert_eq!(money(Decimal::new(715423187500, 10)), "71.54231875");
        assert_eq!(money(Decimal::new(-12, 1)), "-1.20");
    }
}
