//! On-prem hosts through Prometheus: `estate collect prometheus` asks a
//! Prometheus server's HTTP API (`/api/v1/query_range` over the period, up
//! to now) for each host's average CPU and memory utilisation from
//! node_exporter, its CPU count and memory, its name (`node_uname_info`),
//! and — where an exporter publishes it — its measured power: IPMI
//! (`ipmi_dcmi_power_consumption_watts`, at the wall), Kepler
//! (`kepler_node_platform_joules_total`, else `kepler_node_cpu_watts`),
//! Scaphandre (`scaph_host_power_microwatts`), in that order of preference.
//! What it found is written as one JSON file (`prometheus.json`), which
//! estate.yaml's `sources: - prometheus: PATH` reads on every run.
//!
//! [`apply`] matches each host to an on-prem inventory Resource by name —
//! node name, its short name, the instance's host — or `external_id`, sets
//! the resource's measured utilisation and power (the carbon engine then
//! uses the measured power instead of its model, and says so), and reports
//! every host no resource matches. Blocking HTTP (ureq): nothing here needs
//! async.

pub use crate::model::collected::prometheus::{Applied, Host, Query, Scrape};

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::inventory::kinds::{Provider, spanned};
use crate::inventory::{Kind, Spec};
use crate::model::Model;

/// What to ask.
#[derive(Clone, Debug)]
pub struct Options {
    /// The server, e.g. `http://prometheus:9090`.
    pub url: String,
    /// The period to average over (its end is capped at now).
    pub period: (chrono::NaiveDate, chrono::NaiveDate),
    /// Resolution; default: the period in at most 10,000 steps, at least a minute.
    pub step_seconds: Option<u64>,
}

impl Scrape {
    pub fn failures(&self) -> usize {
        self.queries.iter().filter(|q| q.error.is_some()).count()
    }
}

/// Utilisation and inventory queries: (name, PromQL), each by `instance`.
const QUERIES: [(&str, &str); 4] = [
    (
        "cpu",
        r#"1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))"#,
    ),
    (
        "memory",
        "1 - sum by (instance) (node_memory_MemAvailable_bytes) / sum by (instance) (node_memory_MemTotal_bytes)",
    ),
    (
        "cpus",
        r#"count by (instance) (node_cpu_seconds_total{mode="idle"})"#,
    ),
    (
        "memory_bytes",
        "sum by (instance) (node_memory_MemTotal_bytes)",
    ),
];

/// Measured power, watts, in order of preference: (metric named in the report, PromQL).
/// IPMI reads the wall; Kepler 0.7's platform counter reads ACPI (whole
/// platform); Kepler 0.10+'s `kepler_node_cpu_watts` is RAPL by zone (core
/// and uncore are inside package, so package + dram); Scaphandre's host power
/// is RAPL too.
const POWER: [(&str, &str); 4] = [
    (
        "ipmi_dcmi_power_consumption_watts",
        "sum by (instance) (ipmi_dcmi_power_consumption_watts)",
    ),
    (
        "kepler_node_platform_joules_total",
        "sum by (instance) (rate(kepler_node_platform_joules_total[5m]))",
    ),
    (
        "kepler_node_cpu_watts (package + dram)",
        r#"sum by (instance) (kepler_node_cpu_watts{zone=~"package|dram"})"#,
    ),
    (
        "scaph_host_power_microwatts",
        "sum by (instance) (scaph_host_power_microwatts) / 1e6",
    ),
];

/// Per instance: the points of one range query's series.
pub type Series = BTreeMap<String, (BTreeMap<String, String>, Vec<f64>)>;

fn query_range(
    agent: &ureq::Agent,
    url: &str,
    expr: &str,
    (start, end, step): (i64, i64, u64),
) -> Result<Series, String> {
    let endpoint = format!("{}/api/v1/query_range", url.trim_end_matches('/'));
    let mut resp = agent
        .get(&endpoint)
        .query("query", expr)
        .query("start", start.to_string())
        .query("end", end.to_string())
        .query("step", step.to_string())
        .call()
        .map_err(|e| format!("{endpoint}: {e}"))?;
    let status = resp.status();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{endpoint}: {e}"))?;
    range_result(&text).map_err(|e| format!("{endpoint}: HTTP {status}, {e}"))
}

/// A `query_range` response's series, as the server sends it.
pub fn range_result(text: &str) -> Result<Series, String> {
    let body: Value =
        crate::collect::json::parse(text).map_err(|e| format!("not Prometheus's JSON: {e}"))?;
    if body["status"] != "success" {
        return Err(format!(
            "{} ({})",
            body["error"].as_str().unwrap_or("error"),
            body["errorType"].as_str().unwrap_or("")
        ));
    }
    // An instant query's `vector` has one `value` per series, not `values`:
    // read as a range it would be series with no points, silently.
    let kind = &body["data"]["resultType"];
    if kind != "matrix" {
        return Err(format!(
            "expected a range query's result (`resultType` `matrix`), found {kind}"
        ));
    }
    let mut out = Series::new();
    for r in body["data"]["result"].as_array().into_iter().flatten() {
        let labels: BTreeMap<String, String> = r["metric"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let instance = labels.get("instance").cloned().unwrap_or_default();
        // Values are [time, "text"]; NaN and ±Inf (a division by zero) are skipped.
        let points: Vec<f64> = r["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.get(1)?.as_str()?.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .collect();
        out.entry(instance)
            .or_insert_with(|| (labels, Vec::new()))
            .1
            .extend(points);
    }
    Ok(out)
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Ask the server; a query that fails is recorded and the others go on.
/// A scrape that cannot start: the period lies ahead.
#[derive(Debug, thiserror::Error)]
#[error("the period starts {start} — after now: nothing to ask Prometheus for")]
pub struct FuturePeriod {
    start: chrono::NaiveDate,
}

pub fn collect(opts: &Options) -> Result<Scrape, FuturePeriod> {
    let at = |d: chrono::NaiveDate, h, m, s| {
        d.and_hms_opt(h, m, s)
            .map_or(0, |d| d.and_utc().timestamp())
    };
    // Up to the next whole second: a sample scraped a moment ago is in.
    let now = chrono::Utc::now().timestamp() + 1;
    let end = at(opts.period.1, 23, 59, 59).min(now);
    let start = at(opts.period.0, 0, 0, 0);
    if start >= end {
        return Err(FuturePeriod {
            start: opts.period.0,
        });
    }
    let span = (end - start) as u64;
    let step = opts
        .step_seconds
        .unwrap_or_else(|| span.div_ceil(10_000).max(60))
        .max(1);
    // Steps end at `end` exactly, so the newest data is always read.
    let start = end - (span / step * step) as i64;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut out = Scrape {
        url: opts.url.clone(),
        start: chrono::DateTime::from_timestamp(start, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        end: chrono::DateTime::from_timestamp(end, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        step_seconds: step,
        ..Scrape::default()
    };
    let window = (start, end, step);
    let mut hosts: BTreeMap<String, Host> = BTreeMap::new();
    let run = |name: &str, expr: &str, out: &mut Scrape| -> Option<Series> {
        match query_range(&agent, &opts.url, expr, window) {
            Ok(s) => {
                out.queries.push(Query {
                    name: name.into(),
                    expr: expr.into(),
                    series: s.len(),
                    error: None,
                });
                Some(s)
            }
            Err(e) => {
                out.queries.push(Query {
                    name: name.into(),
                    expr: expr.into(),
                    series: 0,
                    error: Some(e),
                });
                None
            }
        }
    };
    for (name, expr) in QUERIES {
        let Some(series) = run(name, expr, &mut out) else {
            continue;
        };
        for (instance, (_, points)) in series {
            let h = hosts.entry(instance.clone()).or_insert_with(|| Host {
                instance,
                ..Host::default()
            });
            let avg = mean(&points);
            match name {
                "cpu" => {
                    h.cpu_utilisation = avg.map(|u| u.clamp(0.0, 1.0));
                    h.samples = points.len();
                }
                "memory" => h.memory_utilisation = avg.map(|u| u.clamp(0.0, 1.0)),
                "cpus" => h.cpus = points.last().map(|n| *n as u32),
                _ => h.memory_gb = points.last().map(|b| b / f64::from(1u32 << 30)),
            }
        }
    }
    if let Some(series) = run("nodename", "node_uname_info", &mut out) {
        for (instance, (labels, _)) in series {
            if let Some(h) = hosts.get_mut(&instance) {
                h.nodename = labels.get("nodename").cloned();
            }
        }
    }
    for (metric, expr) in POWER {
        let Some(series) = run(metric, expr, &mut out) else {
            continue;
        };
        for (instance, (_, points)) in series {
            let h = hosts.entry(instance.clone()).or_insert_with(|| Host {
                instance,
                ..Host::default()
            });
            if h.power_w.is_none()
                && let Some(w) = mean(&points)
            {
                h.power_w = Some(w);
                h.power_source = Some(metric.to_string());
            }
        }
    }
    out.hosts = hosts.into_values().collect();
    Ok(out)
}

/// Read what `estate collect prometheus` wrote.
pub fn read(path: &Path) -> Result<Scrape, crate::collect::ReadError> {
    let text = crate::collect::source::read_text(path)?;
    let scrape: Scrape =
        crate::collect::json::parse(&text).map_err(|error| crate::collect::ReadError::Json {
            path: path.to_path_buf(),
            error,
            expected: Some("what `estate collect prometheus` writes"),
        })?;
    for h in &scrape.hosts {
        crate::collect::numbers::host(path, h)?;
    }
    Ok(scrape)
}

/// The names a host may go by in the inventory, most specific first.
fn names(h: &Host) -> Vec<String> {
    let mut v = Vec::new();
    let host = h
        .instance
        .rsplit_once(':')
        .map_or(h.instance.as_str(), |(a, _)| a);
    for n in [h.nodename.as_deref(), Some(host)].into_iter().flatten() {
        let n = n.to_ascii_lowercase();
        let ip = n.parse::<std::net::IpAddr>().is_ok();
        if let (Some((short, _)), false) = (n.split_once('.'), ip) {
            v.push(short.to_string());
        }
        v.push(n);
    }
    v
}

/// Put measured utilisation and power on the matching on-prem resources.
pub fn apply(model: &mut Model, c: &Scrape, file: &Path) -> Applied {
    let mut by_name: std::collections::HashMap<String, petgraph::stable_graph::NodeIndex> =
        Default::default();
    for idx in model.nodes_of(Kind::Resource) {
        let n = model.node(idx);
        if let Some(Spec::Resource(r)) = &n.spec
            && r.provider == Provider::OnPrem
        {
            by_name.insert(n.name.to_ascii_lowercase(), idx);
            if let Some(e) = &r.external_id {
                by_name.insert(e.to_ascii_lowercase(), idx);
            }
        }
    }
    let mut out = Applied {
        file: file.display().to_string(),
        hosts: c.hosts.len(),
        ..Applied::default()
    };
    for h in &c.hosts {
        let Some(idx) = names(h).iter().find_map(|n| by_name.get(n).copied()) else {
            out.unmatched.push(h.instance.clone());
            continue;
        };
        let node = &mut model.graph[idx];
        let mut set = Vec::new();
        if let Some(Spec::Resource(r)) = &mut node.spec {
            if let Some(u) = h.cpu_utilisation {
                r.utilisation = Some(spanned(u));
                set.push(format!("CPU {:.1} %", u * 100.0));
            }
            if let Some(w) = h.power_w {
                r.measured_w = Some(w);
                set.push(format!("{w:.0} W"));
            }
        }
        let what = match (&h.power_source, h.power_w) {
            (Some(src), Some(_)) => format!(
                "Prometheus {} ({src}; CPU from node_exporter, {} points, {} to {})",
                c.url, h.samples, c.start, c.end
            ),
            _ => format!(
                "Prometheus {} (node_exporter CPU, {} points, {} to {})",
                c.url, h.samples, c.start, c.end
            ),
        };
        node.annotations
            .insert("estate.io/measured-by".into(), what);
        node.annotations
            .insert("prometheus/instance".into(), h.instance.clone());
        if let Some(m) = h.memory_utilisation {
            node.annotations
                .insert("prometheus/memory-utilisation".into(), format!("{m:.3}"));
        }
        out.matched
            .push((h.instance.clone(), node.id.to_string(), set.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(name: &str) -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-world/prometheus");
        std::fs::read_to_string(p.join(name)).unwrap()
    }

    #[test]
    fn the_documented_range_query_reads_two_series_of_three_points() {
        // docs/querying/api.md's `query_range?query=up` example.
        let s = range_result(&real("api-query_range-up.json")).unwrap();
        assert_eq!(s.len(), 2);
        let (labels, points) = &s["localhost:9090"];
        assert_eq!(labels["job"], "prometheus");
        assert_eq!(points, &[1.0, 1.0, 1.0]);
        assert_eq!(s["localhost:9091"].1, [0.0, 0.0, 1.0]);
        // The instant query's answer is not read as series with no points.
        assert_eq!(
            range_result(&real("api-query-up.json")).unwrap_err(),
            "expected a range query's result (`resultType` `matrix`), found \"vector\""
        );
    }

    #[test]
    fn a_host_goes_by_its_node_name_its_short_name_and_its_instance() {
        let h = Host {
            instance: "10.0.0.5:9100".into(),
            nodename: Some("NBC-APP-01.corp.northbridge.gov.uk".into()),
            ..Host::default()
        };
        assert_eq!(
            names(&h),
            [
                "nbc-app-01",
                "nbc-app-01.corp.northbridge.gov.uk",
                "10.0.0.5"
            ]
        );
    }
}
