//! JSON inputs read strictly. serde_json keeps the last of two equal keys
//! in an object without a word, so a Terraform plan whose second
//! `resource_changes` is `[]` would read as a plan of no changes: every JSON
//! file a user hands Estate goes through [`parse`], which first walks the
//! text once and refuses a duplicate key with its line and column (as YAML
//! inputs already do), then deserialises it as asked. Billing readers that
//! parse JSON themselves can call [`parse`] (or [`check_unique_keys`]) too.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

/// Parse JSON text as `T`, refusing duplicate object keys. A duplicate is a
/// serde_json error (so it has a line and column) that names the key.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    check_unique_keys(text)?;
    serde_json::from_str(text)
}

/// Walk JSON text and fail at the first key an object repeats.
pub fn check_unique_keys(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_any(Unique)?;
    de.end()
}

/// Visits a JSON value, keeping nothing but each object's keys.
struct Unique;

impl<'de> de::Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
        d.deserialize_any(Unique)
    }
}

impl<'de> Visitor<'de> for Unique {
    type Value = Unique;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{key}` (each key may appear once in an object)"
                )));
            }
            map.next_value::<Unique>()?;
            seen.insert(key);
        }
        Ok(Unique)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_is_refused_where_it_repeats() {
        let text = "{\n  \"resource_changes\": [{\"a\": 1}],\n  \"resource_changes\": []\n}";
        let e = parse::<serde_json::Value>(text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate key `resource_changes` (each key may appear once in an object) at line 3 column 20"
        );
        // Nested, and in an array.
        let e = check_unique_keys("[{\"x\": {\"k\": 1, \"k\": 2}}]").unwrap_err();
        assert_eq!((e.line(), e.column()), (1, 19));
        // Equal keys in different objects are fine; so is trailing whitespace.
        let v: serde_json::Value = parse("[{\"k\": 1}, {\"k\": 2}]\n").unwrap();
        assert_eq!(v[1]["k"], 2);
        assert!(parse::<serde_json::Value>("{} x").is_err());
    }
}
