//! The two values every billing reader checks on every row besides money:
//! the charge's date and its currency code.
//!
//! Dates are ISO 8601, as FOCUS requires and the cloud APIs write them:
//! `2025-04-01`, `2025-04-01T00:00:00Z`, `2025-04-01 00:00:00` (what
//! warehouses and several FOCUS samples write), with fractional seconds or
//! an offset (`+01:00`, the charge's day then taken in UTC, as FOCUS's
//! dates are). Anything else — the FOCUS spec's own examples write `4/1/25`
//! — is refused, so the row becomes a bad row rather than a date compared
//! as text. Currency codes are ISO 4217: three ASCII letters, upper-cased
//! (`gbp` is `GBP`); anything else is refused.
//!
//! Both are small fixed arrays, so checking them allocates nothing per row.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

/// A charge's calendar day as ISO `YYYY-MM-DD` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day([u8; 10]);

impl Day {
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII digits and dashes.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    fn of(date: NaiveDate) -> Day {
        let mut b = [0u8; 10];
        b.copy_from_slice(date.format("%Y-%m-%d").to_string().as_bytes());
        Day(b)
    }
}

/// What an ISO 8601 date looks like, for messages.
pub const ISO_8601: &str = "ISO 8601, e.g. 2025-04-01 or 2025-04-01T00:00:00Z";

/// The day of an ISO 8601 date or date-time (see the module doc), or `None`.
pub fn day(text: &str) -> Option<Day> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() < 10 || !t.is_char_boundary(10) {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return None;
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let rest = &t[10..];
    if rest.is_empty() {
        let mut day = [0u8; 10];
        day.copy_from_slice(&b[..10]);
        return Some(Day(day));
    }
    if !matches!(rest.as_bytes()[0], b'T' | b't' | b' ') {
        return None;
    }
    let time = rest[1..].trim_end_matches(['Z', 'z']);
    // A time with no offset (or `Z`): the day as written.
    if !time.contains(['+', '-']) {
        let ok = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .any(|f| NaiveTime::parse_from_str(time, f).is_ok());
        return ok.then(|| Day::of(date));
    }
    // With an offset: the day in UTC.
    let normal = format!("{}T{}", &t[..10], &rest[1..]);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&normal, f) {
            return Some(Day::of(dt.naive_utc().date()));
        }
    }
    NaiveDateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|dt| Day::of(dt.date()))
}

/// An ISO 4217 currency code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// `text` as an ISO 4217 code (three ASCII letters, any case), or `None`.
pub fn currency(text: &str) -> Option<Currency> {
    let b = text.trim().as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    Some(Currency([
        b[0].to_ascii_uppercase(),
        b[1].to_ascii_uppercase(),
        b[2].to_ascii_uppercase(),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_in_the_forms_exports_write_and_nothing_else() {
        let d = |s: &str| day(s).map(|d| d.as_str().to_string());
        for (text, want) in [
            ("2025-04-01", "2025-04-01"),
            ("2025-04-01T00:00:00Z", "2025-04-01"),
            ("2025-04-01T00:00:00.000Z", "2025-04-01"),
            ("2024-09-18 22:00:00", "2024-09-18"),
            ("2025-04-01T00:00:00", "2025-04-01"),
            ("2025-04-01T23:30", "2025-04-01"),
            ("2025-04-01T23:30:00+00:00", "2025-04-01"),
            ("2025-04-01T23:30:00-02:00", "2025-04-02"),
            ("2025-04-01T00:30:00+0100", "2025-03-31"),
            (" 2025-04-01 ", "2025-04-01"),
        ] {
            assert_eq!(d(text).as_deref(), Some(want), "{text}");
        }
        for bad in [
            "4/1/25",
            "04/01/2025",
            "2025-4-01",
            "2025-02-30",
            "20250401",
            "2025-04-01x",
            "2025-04-01T25:00:00Z",
            "",
            "2025-04-0",
            "２０２５-04-01",
            "2025-04-01T",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn currency_codes_are_three_letters_upper_cased() {
        assert_eq!(currency("gbp").unwrap().as_str(), "GBP");
        assert_eq!(currency(" Usd ").unwrap().as_str(), "USD");
        for bad in ["", "GB", "GBPX", "£", "G1P", "ÉUR"] {
            assert_eq!(currency(bad), None, "{bad}");
        }
    }
}
