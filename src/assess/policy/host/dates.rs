//! Lifecycle and date functions: end-of-life dates, today, days until a
//! date, dates shifted by a duration, and device lifetimes.

use std::sync::Arc;

use cel::{ExecutionError, Value};
use petgraph::stable_graph::NodeIndex;

use super::Facts;
use super::registry::{FREE, R, Ret};

/// `eol(technology)`: its end-of-life date, or null.
pub(super) fn eol(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Value(
        f.eol_of(i)
            .map(|d| Value::from(d.to_string()))
            .unwrap_or(Value::Null),
    )
}

/// `lifetime(fleet)`: its planned life in years, or null.
pub(super) fn lifetime(f: &Facts, i: NodeIndex) -> Ret {
    Ret::Value(
        f.lifetimes
            .get(f.model.graph[i].id.as_str())
            .copied()
            .map(Value::Float)
            .unwrap_or(Value::Null),
    )
}

/// `days_until('YYYY-MM-DD')`.
pub(super) fn days_until(
    ctx: &mut cel::Context<'static, 'static>,
    name: &'static str,
    f: &Arc<Facts>,
) {
    let f = f.clone();
    ctx.add_function(name, move |d: Arc<String>| -> R {
        let date = crate::inventory::Date::parse(&d)
            .map_err(|e| ExecutionError::function_error("days_until", e))?;
        Ok(Value::Int((date.0 - f.today).num_days()))
    })
    .expect(FREE);
}

/// `today()`.
pub(super) fn today(ctx: &mut cel::Context<'static, 'static>, name: &'static str, f: &Arc<Facts>) {
    let f = f.clone();
    ctx.add_function(name, move || -> R { Ok(Value::from(f.today.to_string())) })
        .expect(FREE);
}

/// `shift('YYYY-MM-DD', '3m')`.
pub(super) fn shift(ctx: &mut cel::Context<'static, 'static>, name: &'static str, _: &Arc<Facts>) {
    ctx.add_function(name, |d: Arc<String>, by: Arc<String>| -> R {
        let err = |e: crate::inventory::scalar::ScalarError| {
            ExecutionError::function_error("shift", e.to_string())
        };
        let date = crate::inventory::Date::parse(&d).map_err(err)?;
        let (back, text) = match by.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, by.as_str()),
        };
        let dur = crate::inventory::Duration::parse(text).map_err(err)?;
        let moved = if back {
            dur.before(date.0)
        } else {
            dur.after(date.0)
        };
        Ok(Value::from(moved.to_string()))
    })
    .expect(FREE);
}
