//! The small value types of the inventory format: entity kinds, `kind:name`
//! references, dates, money and durations.
//!
//! Each parses from the YAML scalar's text (never through a float), so a
//! value is either exactly what the user wrote or an error that says what was
//! expected; serde-saphyr attaches the line and column.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// The kinds of entity an inventory declares, plus the kinds the model derives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Domain,
    Capability,
    Team,
    System,
    Integration,
    InformationAsset,
    Supplier,
    Contract,
    CostCentre,
    Site,
    Resource,
    DeviceFleet,
    Technology,
    Mapping,
    Roadmap,
    /// A cloud region, derived from the resources that name it (never declared).
    Region,
}

impl Kind {
    /// Every kind a document may declare, in the order summaries list them.
    pub const DECLARABLE: [Kind; 15] = [
        Kind::Domain,
        Kind::Capability,
        Kind::Team,
        Kind::System,
        Kind::Integration,
        Kind::InformationAsset,
        Kind::Supplier,
        Kind::Contract,
        Kind::CostCentre,
        Kind::Site,
        Kind::Resource,
        Kind::DeviceFleet,
        Kind::Technology,
        Kind::Mapping,
        Kind::Roadmap,
    ];

    /// The name used in `kind:` (`InformationAsset`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Domain => "Domain",
            Kind::Capability => "Capability",
            Kind::Team => "Team",
            Kind::System => "System",
            Kind::Integration => "Integration",
            Kind::InformationAsset => "InformationAsset",
            Kind::Supplier => "Supplier",
            Kind::Contract => "Contract",
            Kind::CostCentre => "CostCentre",
            Kind::Site => "Site",
            Kind::Resource => "Resource",
            Kind::DeviceFleet => "DeviceFleet",
            Kind::Technology => "Technology",
            Kind::Mapping => "Mapping",
            Kind::Roadmap => "Roadmap",
            Kind::Region => "Region",
        }
    }

    /// The prefix used in references and ids (`information-asset`).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Domain => "domain",
            Kind::Capability => "capability",
            Kind::Team => "team",
            Kind::System => "system",
            Kind::Integration => "integration",
            Kind::InformationAsset => "information-asset",
            Kind::Supplier => "supplier",
            Kind::Contract => "contract",
            Kind::CostCentre => "cost-centre",
            Kind::Site => "site",
            Kind::Resource => "resource",
            Kind::DeviceFleet => "device-fleet",
            Kind::Technology => "technology",
            Kind::Mapping => "mapping",
            Kind::Roadmap => "roadmap",
            Kind::Region => "region",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::DECLARABLE.into_iter().find(|k| k.as_str() == name)
    }

    pub fn from_prefix(prefix: &str) -> Option<Kind> {
        Kind::DECLARABLE
            .into_iter()
            .chain([Kind::Region])
            .find(|k| k.prefix() == prefix)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The closest of `candidates` to `found`, if it is close enough to be a
/// likely typo ("did you mean").
pub fn did_you_mean<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let found_lower = found.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&found_lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Whether `name` is a valid entity name: `[a-z0-9-]`, starting with a letter or digit.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

/// A reference to another entity: `kind:name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref {
    pub kind: Kind,
    pub name: String,
}

/// A scalar that does not read as what its field expects; the text says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScalarError {
    #[error("expected a reference `kind:name` (such as `system:crm`), found `{0}`")]
    NotARef(String),
    #[error("unknown kind `{prefix}` in reference `{text}`{hint}")]
    UnknownKind {
        prefix: String,
        text: String,
        hint: String,
    },
    #[error(
        "invalid name `{name}` in reference `{text}`: names use lower-case letters, digits and `-`"
    )]
    InvalidName { name: String, text: String },
    #[error("expected a date as YYYY-MM-DD, found `{0}`")]
    NotADate(String),
    #[error("`{0}` is not a calendar date")]
    NotACalendarDate(String),
    #[error("expected an amount of money as a plain decimal number (such as 1234.50), found `{0}`")]
    NotMoney(String),
    #[error("expected a duration such as `90d`, `6m`, `4y` or `3 months`, found `{0}`")]
    NotADuration(String),
}

impl Ref {
    pub fn new(kind: Kind, name: impl Into<String>) -> Ref {
        Ref {
            kind,
            name: name.into(),
        }
    }

    /// The canonical id of a declared entity: the reference text itself.
    pub fn id(&self) -> String {
        self.to_string()
    }

    pub fn parse(text: &str) -> Result<Ref, ScalarError> {
        let Some((prefix, name)) = text.split_once(':') else {
            return Err(ScalarError::NotARef(text.into()));
        };
        let Some(kind) = Kind::from_prefix(prefix).filter(|k| *k != Kind::Region) else {
            let prefixes = Kind::DECLARABLE.iter().map(|k| k.prefix());
            let hint = match did_you_mean(prefix, prefixes) {
                Some(p) => format!("; did you mean `{p}:{name}`?"),
                None => format!(
                    "; kinds are {}",
                    Kind::DECLARABLE.map(|k| k.prefix()).join(", ")
                ),
            };
            return Err(ScalarError::UnknownKind {
                prefix: prefix.into(),
                text: text.into(),
                hint,
            });
        };
        if !valid_name(name) {
            return Err(ScalarError::InvalidName {
                name: name.into(),
                text: text.into(),
            });
        }
        Ok(Ref::new(kind, name))
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.name)
    }
}

impl Serialize for Ref {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Deserialize a value from its scalar text with `parse`, naming `expecting`.
fn from_text<'de, D, T>(
    d: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, ScalarError>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct TextVisitor<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, ScalarError>,
    }
    impl<T> de::Visitor<'_> for TextVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            self.visit_str(&v.to_string())
        }
    }
    d.deserialize_str(TextVisitor { expecting, parse })
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a reference `kind:name`", Ref::parse)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

impl Date {
    pub fn parse(text: &str) -> Result<Date, ScalarError> {
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !well_formed {
            return Err(ScalarError::NotADate(text.into()));
        }
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| ScalarError::NotACalendarDate(text.into()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a date as YYYY-MM-DD", Date::parse)
    }
}

/// An amount of money, exactly as written (`1234.50`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money(pub Decimal);

impl Money {
    pub fn parse(text: &str) -> Result<Money, ScalarError> {
        let t = text.trim();
        let plain = !t.is_empty()
            && t.bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && b == b'-'));
        match plain.then(|| t.parse::<Decimal>()) {
            Some(Ok(d)) => Ok(Money(d)),
            _ => Err(ScalarError::NotMoney(text.into())),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "an amount of money", Money::parse)
    }
}

/// The unit of a [`Duration`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Day,
    Week,
    Month,
    Year,
}

/// A calendar duration such as `90d`, `6m`, `4y` or `3 months`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
}

impl Duration {
    pub fn parse(text: &str) -> Result<Duration, ScalarError> {
        let t = text.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let unit = match t[digits..].trim() {
            "d" | "day" | "days" => Some(DurationUnit::Day),
            "w" | "week" | "weeks" => Some(DurationUnit::Week),
            "m" | "month" | "months" => Some(DurationUnit::Month),
            "y" | "year" | "years" => Some(DurationUnit::Year),
            _ => None,
        };
        match (t[..digits].parse::<u32>(), unit) {
            (Ok(amount), Some(unit)) => Ok(Duration { amount, unit }),
            _ => Err(ScalarError::NotADuration(text.into())),
        }
    }

    /// The date this long after `date` (months and years are calendar months).
    pub fn after(&self, date: chrono::NaiveDate) -> chrono::NaiveDate {
        self.shift(date, true).unwrap_or(chrono::NaiveDate::MAX)
    }

    /// The date this long before `date`.
    pub fn before(&self, date: chrono::NaiveDate) -> chrono::NaiveDate {
        self.shift(date, false).unwrap_or(chrono::NaiveDate::MIN)
    }

    fn shift(&self, date: chrono::NaiveDate, forward: bool) -> Option<chrono::NaiveDate> {
        use chrono::{Days, Months};
        let n = self.amount;
        match self.unit {
            DurationUnit::Day | DurationUnit::Week => {
                let days = Days::new(
                    u64::from(n)
                        * if self.unit == DurationUnit::Week {
                            7
                        } else {
                            1
                        },
                );
                if forward {
                    date.checked_add_days(days)
                } else {
                    date.checked_sub_days(days)
                }
            }
            DurationUnit::Month | DurationUnit::Year => {
                let months = Months::new(if self.unit == DurationUnit::Year {
                    n.saturating_mul(12)
                } else {
                    n
                });
                if forward {
                    date.checked_add_months(months)
                } else {
                    date.checked_sub_months(months)
                }
            }
        }
    }

    /// The length in years, for amortisation (a month is 1/12 year, a day 1/365.25).
    pub fn years(&self) -> f64 {
        let n = f64::from(self.amount);
        match self.unit {
            DurationUnit::Day => n / 365.25,
            DurationUnit::Week => n * 7.0 / 365.25,
            DurationUnit::Month => n / 12.0,
            DurationUnit::Year => n,
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Day => "d",
            DurationUnit::Week => "w",
            DurationUnit::Month => "m",
            DurationUnit::Year => "y",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a duration", Duration::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_explain_mistakes() {
        assert_eq!(
            Ref::parse("information-asset:customer-record").unwrap(),
            Ref::new(Kind::InformationAsset, "customer-record")
        );
        assert!(
            Ref::parse("gis")
                .unwrap_err()
                .to_string()
                .contains("expected a reference `kind:name`")
        );
        assert!(
            Ref::parse("sytem:gis")
                .unwrap_err()
                .to_string()
                .contains("did you mean `system:gis`?")
        );
        assert!(
            Ref::parse("system:GIS")
                .unwrap_err()
                .to_string()
                .contains("invalid name `GIS`")
        );
        assert!(Ref::parse("region:aws:eu-west-2").is_err());
    }

    #[test]
    fn dates_must_be_iso() {
        assert_eq!(Date::parse("2028-03-31").unwrap().to_string(), "2028-03-31");
        assert_eq!(
            Date::parse("31/03/2028").unwrap_err().to_string(),
            "expected a date as YYYY-MM-DD, found `31/03/2028`"
        );
        assert_eq!(
            Date::parse("2027-02-30").unwrap_err().to_string(),
            "`2027-02-30` is not a calendar date"
        );
    }

    #[test]
    fn money_is_exact() {
        let m = Money::parse("1234.50").unwrap();
        assert_eq!(m.0, Decimal::new(123450, 2));
        assert_eq!(m.to_string(), "1234.50");
        assert!(Money::parse("£12k").is_err());
        assert!(Money::parse("1,234").is_err());
        assert_eq!(Money::parse("-5").unwrap().0, Decimal::new(-5, 0));
    }

    #[test]
    fn durations_add_calendar_months() {
        let d = Duration::parse("3 months").unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(d.after(start).to_string(), "2027-02-28");
        assert_eq!(Duration::parse("4y").unwrap().years(), 4.0);
        assert_eq!(
            Duration::parse("90d").unwrap().before(start).to_string(),
            "2026-09-01"
        );
        assert!(Duration::parse("soon").is_err());
    }

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(did_you_mean("Sytem", ["System", "Site"]), Some("System"));
        assert_eq!(did_you_mean("zzz", ["System", "Site"]), None);
    }
}
