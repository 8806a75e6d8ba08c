//! endoflife.date: refreshing the end-of-life snapshot
//! (`policies/endoflife/products.json`, whose type and reading live in
//! `assess::policy::eol`) from the endoflife.date API. The network call is
//! [`refresh`]; turning one product's API answer into release cycles is the
//! pure [`parse`].

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::endoflife::{Cycle, Snapshot};

/// Why one product could not be refreshed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request or reading its body failed.
    #[error("{0}")]
    Http(ureq::Error),
    /// The answer is not the API's list of cycles.
    #[error("{url}:{line}:{column}: {error}")]
    Parse {
        url: String,
        line: usize,
        column: usize,
        error: serde_json::Error,
    },
}

/// One release cycle as endoflife.date's API v0 gives it (`/api/SLUG.json`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiCycle {
    cycle: serde_json::Value,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    support: Option<serde_json::Value>,
    #[serde(default)]
    eol: Option<serde_json::Value>,
    #[serde(default)]
    extended_support: Option<serde_json::Value>,
}

/// What a refresh did.
#[derive(Debug, Default)]
pub struct Refreshed {
    pub updated: Vec<String>,
    pub failed: Vec<(String, FetchError)>,
    pub cycles: usize,
}

/// The release cycles in one product's API answer `text`, fetched from `url`.
pub fn parse(url: &str, text: &str) -> Result<Vec<Cycle>, FetchError> {
    let cycles: Vec<ApiCycle> = serde_json::from_str(text).map_err(|error| FetchError::Parse {
        url: url.to_string(),
        line: error.line(),
        column: error.column(),
        error,
    })?;
    Ok(cycles
        .into_iter()
        .map(|c| Cycle {
            cycle: match c.cycle {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
            release_date: c.release_date,
            support: c.support,
            eol: c.eol,
            extended_support: c.extended_support,
        })
        .collect())
}

/// Fetch every product of `snapshot` (or `only`) from `base` (`https://endoflife.date`)
/// and replace its cycles. Products that fail keep their old data and are listed.
pub fn refresh(
    snapshot: &mut Snapshot,
    base: &str,
    only: &[String],
    today: NaiveDate,
) -> Refreshed {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut out = Refreshed::default();
    let slugs: Vec<String> = if only.is_empty() {
        snapshot.products.keys().cloned().collect()
    } else {
        only.to_vec()
    };
    for slug in slugs {
        let url = format!("{}/api/{slug}.json", base.trim_end_matches('/'));
        let got = agent
            .get(&url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            .map_err(FetchError::Http)
            .and_then(|text| parse(&url, &text));
        match got {
            Ok(cycles) => {
                let p = snapshot.products.entry(slug.clone()).or_default();
                if p.title.is_empty() {
                    p.title = slug.clone();
                }
                p.cycles = cycles;
                out.cycles += p.cycles.len();
                out.updated.push(slug);
            }
            Err(e) => out.failed.push((slug, e)),
        }
    }
    if !out.updated.is_empty() {
        snapshot.retrieved = today.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_cycles_become_snapshot_cycles_and_bad_answers_name_the_url() {
        let c = super::parse(
            "http://x/api/p.json",
            r#"[{"cycle": 11, "releaseDate": "2018-10-18", "eol": "2023-11-09", "extendedSupport": false}]"#,
        )
        .unwrap();
        assert_eq!(c[0].cycle, "11");
        assert_eq!(c[0].release_date.as_deref(), Some("2018-10-18"));
        assert_eq!(c[0].eol, Some(serde_json::json!("2023-11-09")));
        let e = super::parse("http://x/api/p.json", "nope").unwrap_err();
        assert_eq!(
            e.to_string(),
            "http://x/api/p.json:1:2: expected ident at line 1 column 2"
        );
    }
}
