//! The reporting period every assessment is judged over: two dates, both
//! ends included, parsed from `START..END`.

use crate::inventory::Date;
use crate::inventory::scalar::ScalarError;

/// A period that does not read as `START..END`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("expected a period as START..END (dates YYYY-MM-DD), found `{0}`")]
    NotAPeriod(String),
    #[error(transparent)]
    Date(#[from] ScalarError),
    #[error("the period ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: Date, end: Date },
}

/// A reporting period, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let Some((a, b)) = text.split_once("..") else {
            return Err(PeriodError::NotAPeriod(text.into()));
        };
        let (start, end) = (Date::parse(a.trim())?, Date::parse(b.trim())?);
        if end < start {
            return Err(PeriodError::EndsBeforeStart { start, end });
        }
        Ok(Period { start, end })
    }

    /// The last full calendar year before `today`.
    pub fn last_full_year(today: chrono::NaiveDate) -> Period {
        use chrono::Datelike;
        let y = today.year() - 1;
        let d = |m, d| Date(chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date"));
        Period {
            start: d(1, 1),
            end: d(12, 31),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = Period::parse("2026-01-01..2026-12-31").unwrap();
        assert_eq!(p.end.to_string(), "2026-12-31");
        assert!(Period::parse("2026").is_err());
        assert!(
            Period::parse("2026-12-31..2026-01-01")
                .unwrap_err()
                .to_string()
                .contains("before it starts")
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            Period::last_full_year(today).start.to_string(),
            "2025-01-01"
        );
    }
}
