//! The trajectory of a roadmap quarter by quarter, and its payback date:
//! savings accrue day by day at the run-rate in force.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::{Payback, Point, Quarter};

/// Quarter by quarter from the roadmap's start to its end, and the payback
/// date: savings accrue day by day at the run-rate in force.
pub(super) fn trajectory(
    baseline: Point,
    steps: &[(NaiveDate, Point, Decimal)],
    start: NaiveDate,
    end: NaiveDate,
) -> (Vec<Quarter>, Option<Payback>) {
    let year = Decimal::from_f64(365.25).unwrap_or(Decimal::ONE);
    let rate_at = |d: NaiveDate| -> Point {
        steps
            .iter()
            .take_while(|s| s.0 <= d)
            .last()
            .map_or(baseline, |s| s.1)
    };
    // Day-by-day accrual between change points.
    let mut saved = Decimal::ZERO;
    let mut avoided = 0.0;
    let mut one_off = Decimal::ZERO;
    let mut payback = None;
    let first_cost = steps.iter().find(|s| !s.2.is_zero()).map(|s| s.0);
    let mut out = Vec::new();
    let mut q_end = quarter_end(start);
    let mut step_i = 0;
    // Costs dated before the start count on the first day.
    while step_i < steps.len() && steps[step_i].0 < start {
        one_off += steps[step_i].2;
        step_i += 1;
    }
    let mut day = start;
    let mut rate = rate_at(day.pred_opt().unwrap_or(day));
    loop {
        // Apply the changes dated today.
        while step_i < steps.len() && steps[step_i].0 <= day {
            one_off += steps[step_i].2;
            rate = steps[step_i].1;
            step_i += 1;
        }
        let daily = (baseline.spend - rate.spend) / year;
        saved += daily;
        avoided += (baseline.co2e_kg.central - rate.co2e_kg.central) / 365.25;
        if payback.is_none() && !one_off.is_zero() && saved >= one_off {
            payback = Some(Payback {
                date: day,
                months: months_between(first_cost.unwrap_or(start), day),
                after_roadmap: false,
            });
        }
        if day == q_end || day == end {
            out.push(Quarter {
                quarter: quarter_name(day),
                end: day,
                baseline,
                plan: rate,
                one_off_to_date: one_off,
                saved_to_date: saved.round_dp(2),
                co2e_avoided_kg: avoided,
            });
            if let Some(n) = day.succ_opt() {
                q_end = quarter_end(n);
            }
        }
        if day >= end {
            break;
        }
        match day.succ_opt() {
            Some(n) => day = n,
            None => break,
        }
    }
    if payback.is_none() && !one_off.is_zero() {
        let annual = baseline.spend - rate.spend;
        if annual > Decimal::ZERO {
            let days = ((one_off - saved) / annual * year)
                .ceil()
                .to_i64()
                .unwrap_or(0);
            let date = end + chrono::Days::new(days.max(0) as u64);
            payback = Some(Payback {
                date,
                months: months_between(first_cost.unwrap_or(start), date),
                after_roadmap: true,
            });
        }
    }
    (out, payback)
}

fn months_between(a: NaiveDate, b: NaiveDate) -> f64 {
    ((b - a).num_days() as f64 / (365.25 / 12.0) * 10.0).round() / 10.0
}

fn quarter_name(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_end(d: NaiveDate) -> NaiveDate {
    let q_last_month = ((d.month() - 1) / 3 + 1) * 3;
    let next = if q_last_month == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), q_last_month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(d)
}
