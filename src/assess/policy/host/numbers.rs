//! Number and string helpers: ranking and summing lists of numbers, and the
//! family of a cloud instance type.

use std::sync::Arc;

use cel::{ExecutionError, Value};

use super::Facts;
use super::registry::{FREE, R};
use super::value::describe;

/// `rank(list)`: the numbers sorted descending.
pub(super) fn rank(ctx: &mut cel::Context<'static, 'static>, name: &'static str, _: &Arc<Facts>) {
    ctx.add_function(name, |l: Arc<Vec<Value>>| -> R {
        let mut v = numbers("rank", &l)?;
        v.sort_by(|a, b| b.total_cmp(a));
        Ok(Value::List(Arc::new(
            v.into_iter().map(Value::Float).collect(),
        )))
    })
    .expect(FREE);
}

/// `sum(list)`: their total as a double.
pub(super) fn sum(ctx: &mut cel::Context<'static, 'static>, name: &'static str, _: &Arc<Facts>) {
    ctx.add_function(name, |l: Arc<Vec<Value>>| -> R {
        Ok(Value::Float(numbers("sum", &l)?.iter().sum()))
    })
    .expect(FREE);
}

/// `instance_family(type)`.
pub(super) fn family(ctx: &mut cel::Context<'static, 'static>, name: &'static str, _: &Arc<Facts>) {
    ctx.add_function(name, |t: Arc<String>| -> R {
        Ok(Value::from(instance_family(&t)))
    })
    .expect(FREE);
}

/// The family of a cloud instance type (see `super::FUNCTIONS`).
pub fn instance_family(t: &str) -> String {
    if let Some(rest) = t
        .strip_prefix("Standard_")
        .or_else(|| t.strip_prefix("Basic_"))
    {
        let tier = &t[..t.len() - rest.len()];
        let series: String = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let version = rest
            .rsplit_once("_v")
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or("1");
        return format!("{tier}{series}_v{version}");
    }
    match t.rsplit_once('.') {
        Some((family, _)) => family.to_string(),
        None => t.to_string(),
    }
}

/// The numbers of a CEL list; anything else in it is an error naming the function.
fn numbers(function: &str, l: &[Value]) -> Result<Vec<f64>, ExecutionError> {
    l.iter()
        .map(|x| match x {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            Value::UInt(u) => Ok(*u as f64),
            other => Err(ExecutionError::function_error(
                function,
                format!(
                    "expected a list of numbers, found {} in it",
                    describe(other)
                ),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn instance_families() {
        for (t, f) in [
            ("m5.large", "m5"),
            ("t2.micro", "t2"),
            ("db.r4.xlarge", "db.r4"),
            ("Standard_D4s_v5", "Standard_D_v5"),
            ("Standard_DS3_v2", "Standard_DS_v2"),
            ("Standard_A2", "Standard_A_v1"),
            ("Standard_B2ms", "Standard_B_v1"),
            ("Basic_A1", "Basic_A_v1"),
            ("GP_Gen5_8", "GP_Gen5_8"),
        ] {
            assert_eq!(super::instance_family(t), f, "{t}");
        }
    }
}
