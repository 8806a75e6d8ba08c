//! Azure, live: `estate collect azure` signs in through azure_identity
//! (the Azure CLI's login, a client secret, managed identity or workload
//! identity), lists the subscriptions the credential can see (or takes a
//! list), and for each runs one paged Azure Resource Graph query (`$top`
//! 1,000 rows, following `$skipToken`), then asks Azure Monitor for each
//! VM's daily average `Percentage CPU` over the period and, when asked, Cost
//! Management for the period's actual cost by resource and month (following
//! `nextLink`). Everything goes through azure_core's pipeline: bearer
//! tokens, and retries with back-off on 429 and 5xx honouring
//! `Retry-After`. One subscription failing is recorded in coverage.json and
//! the others go on.
//!
//! Written in the offline layout [`super::read_export`] reads:
//! `resources.json` (`az graph query`'s shape), `metrics/VM.json`,
//! `cost-management/SUBSCRIPTION-N.json` (billing inputs). Read-only: GET
//! and the read-only POSTs of Resource Graph and Cost Management queries;
//! the built-in Reader role (plus Cost Management Reader for costs) suffices.

pub use crate::model::collected::azure_live::{Coverage, SubscriptionCoverage};

use std::path::PathBuf;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::policies::Policy;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{ClientOptions, Context, Method, Pipeline, Request, Transport, Url};
use serde_json::{Value, json};

use crate::collect::paging::{Pager, RepeatedToken};

/// Why a call, a subscription's listing or the whole collection failed
/// (a subscription's errors are recorded in coverage.json with this text).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The runtime could not start, or a file could not be written.
    #[error(transparent)]
    Live(#[from] crate::collect::LiveError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("{url}: {source}")]
    Url {
        url: String,
        source: <Url as std::str::FromStr>::Err,
    },
    /// A request that failed after retries, with Azure's status and code.
    #[error("{path} {status}: {source}")]
    Request {
        path: String,
        status: String,
        source: Box<azure_core::Error>,
    },
    #[error("{path}: {source}")]
    Body {
        path: String,
        source: Box<azure_core::Error>,
    },
    #[error("{path}: not JSON: {source}")]
    NotJson {
        path: String,
        source: serde_json::Error,
    },
    #[error("cannot list subscriptions: {0}")]
    Subscriptions(Box<Error>),
    #[error("{kind} credential: {source}")]
    Credential {
        kind: String,
        source: Box<azure_core::Error>,
    },
    #[error(
        "client-secret credential: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
    )]
    ClientSecretUnset,
    #[error("unknown credential `{0}` (cli, client-secret, managed-identity, workload-identity)")]
    UnknownCredential(String),
    #[error(transparent)]
    Paging(#[from] RepeatedToken),
}

pub const ARM: &str = "https://management.azure.com";
const SCOPE: &str = "https://management.azure.com/.default";

/// The Resource Graph query: every resource of the subscription.
pub const QUERY: &str = "Resources | project id, name, type, tenantId, kind, location, resourceGroup, subscriptionId, managedBy, sku, plan, properties, tags, identity, zones, extendedLocation | order by id asc";

#[derive(Clone, Debug)]
pub struct Options {
    /// Subscription ids; empty: every one the credential can see.
    pub subscriptions: Vec<String>,
    pub out: PathBuf,
    pub period: (chrono::NaiveDate, chrono::NaiveDate),
    /// Also ask Cost Management for the period's cost by resource.
    pub cost: bool,
    /// The management endpoint (a sovereign cloud's, or a test's).
    pub endpoint: String,
}

/// The pipeline every call goes through: bearer tokens for ARM, azure_core's
/// retry policy (which honours `Retry-After`), and the given transport (the
/// default HTTP client when `None`).
pub fn pipeline(credential: Arc<dyn TokenCredential>, transport: Option<Transport>) -> Pipeline {
    let options = ClientOptions {
        transport,
        ..ClientOptions::default()
    };
    let auth: Arc<dyn Policy> = Arc::new(BearerTokenAuthorizationPolicy::new(credential, [SCOPE]));
    Pipeline::new(
        Some("estate"),
        Some(env!("CARGO_PKG_VERSION")),
        options,
        Vec::new(),
        vec![auth],
        None,
    )
}

struct Client {
    pipeline: Pipeline,
    requests: usize,
}

impl Client {
    async fn call(
        &mut self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let url: Url = url.parse().map_err(|source| Error::Url {
            url: url.to_string(),
            source,
        })?;
        let mut req = Request::new(url.clone(), method);
        req.insert_header("accept", "application/json");
        if let Some(b) = body {
            req.insert_header("content-type", "application/json");
            req.set_body(serde_json::to_vec(b)?);
        }
        self.requests += 1;
        let resp = self
            .pipeline
            .send(&Context::default(), &mut req, None)
            .await
            .map_err(|source| Error::Request {
                path: url.path().to_string(),
                status: error_text(&source),
                source: Box::new(source),
            })?;
        let text = resp
            .into_body()
            .into_string()
            .map_err(|source| Error::Body {
                path: url.path().to_string(),
                source: Box::new(source),
            })?;
        serde_json::from_str(&text).map_err(|source| Error::NotJson {
            path: url.path().to_string(),
            source,
        })
    }
}

/// Azure's own error code and message, when the error carries them.
fn error_text(e: &azure_core::Error) -> String {
    match e.kind() {
        azure_core::error::ErrorKind::HttpResponse {
            status, error_code, ..
        } => format!(
            "(HTTP {status}{})",
            error_code
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default()
        ),
        _ => String::new(),
    }
}

/// Collect through `pipeline`; write the files; return what was covered.
pub async fn run(opts: &Options, pipeline: Pipeline) -> Result<Coverage, Error> {
    let mut c = Client {
        pipeline,
        requests: 0,
    };
    let base = opts.endpoint.trim_end_matches('/').to_string();
    let mut cov = Coverage::default();
    let subscriptions = if opts.subscriptions.is_empty() {
        let v = c
            .call(
                Method::Get,
                &format!("{base}/subscriptions?api-version=2022-12-01"),
                None,
            )
            .await
            .map_err(|e| Error::Subscriptions(Box::new(e)))?;
        v["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["state"].as_str().is_none_or(|st| st == "Enabled"))
            .filter_map(|s| s["subscriptionId"].as_str().map(String::from))
            .collect()
    } else {
        opts.subscriptions.clone()
    };
    let mut rows: Vec<Value> = Vec::new();
    let timespan = format!(
        "{}T00:00:00Z/{}T00:00:00Z",
        opts.period.0,
        opts.period.1.succ_opt().unwrap_or(opts.period.1)
    );
    for sub in subscriptions {
        let mut sc = SubscriptionCoverage {
            subscription: sub.clone(),
            ..SubscriptionCoverage::default()
        };
        // Resource Graph, page by page; its tokens and Cost Management's
        // links are one guard against a server repeating itself.
        let mut graph = Pager::default();
        let mut mine: Vec<Value> = Vec::new();
        let url =
            format!("{base}/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01");
        let listed: Result<(), Error> = async {
            while let Some(skip) = graph.next_page() {
                let mut options = json!({"resultFormat": "objectArray", "$top": 1000});
                if let Some(t) = &skip {
                    options["$skipToken"] = json!(t);
                }
                let body = json!({"subscriptions": [sub], "query": QUERY, "options": options});
                let page = c.call(Method::Post, &url, Some(&body)).await?;
                sc.pages += 1;
                mine.extend(page["data"].as_array().cloned().unwrap_or_default());
                graph.turn(page["$skipToken"].as_str())?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = listed {
            sc.errors.push(format!("Resource Graph: {e}"));
        }
        sc.resources = mine.len();
        // Azure Monitor: each VM's daily average CPU.
        for vm in mine.iter().filter(|r| {
            r["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("microsoft.compute/virtualmachines"))
        }) {
            let (Some(id), Some(name)) = (vm["id"].as_str(), vm["name"].as_str()) else {
                continue;
            };
            let url = format!(
                "{base}{id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Percentage%20CPU&aggregation=Average&interval=P1D&timespan={timespan}"
            );
            match c.call(Method::Get, &url, None).await {
                Ok(m) => {
                    crate::collect::write_json(
                        &opts.out.join("metrics").join(format!("{name}.json")),
                        &m,
                    )?;
                    sc.vms_with_cpu += 1;
                }
                Err(e) => sc.errors.push(format!("Azure Monitor, {name}: {e}")),
            }
        }
        // Cost Management: actual cost by resource and month, page by page.
        if opts.cost && sc.errors.is_empty() {
            let body = json!({
                "type": "ActualCost",
                "timeframe": "Custom",
                "timePeriod": {"from": format!("{}T00:00:00Z", opts.period.0), "to": format!("{}T23:59:59Z", opts.period.1)},
                "dataset": {
                    "granularity": "Monthly",
                    "aggregation": {"totalCost": {"name": "Cost", "function": "Sum"}},
                    "grouping": [{"type": "Dimension", "name": "ResourceId"}],
                },
            });
            let first = format!(
                "{base}/subscriptions/{sub}/providers/Microsoft.CostManagement/query?api-version=2023-03-01"
            );
            let mut pager = Pager::with_tokens(graph.into_tokens());
            let mut n = 0;
            let costs: Result<(), Error> = async {
                while let Some(next) = pager.next_page() {
                    let url = next.unwrap_or_else(|| first.clone());
                    let page = c.call(Method::Post, &url, Some(&body)).await?;
                    n += 1;
                    sc.cost_rows += page
                        .pointer("/properties/rows")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    crate::collect::write_json(
                        &opts
                            .out
                            .join("cost-management")
                            .join(format!("{sub}-{n}.json")),
                        &page,
                    )?;
                    pager.turn(page.pointer("/properties/nextLink").and_then(Value::as_str))?;
                }
                Ok(())
            }
            .await;
            match costs {
                // A file not written stops the collection; a refused call, that subscription.
                Err(e @ Error::Live(_)) => return Err(e),
                Err(e) => sc.errors.push(format!("Cost Management: {e}")),
                Ok(()) => {}
            }
        }
        rows.extend(mine);
        cov.subscriptions.push(sc);
    }
    let n = rows.len();
    crate::collect::write_json(
        &opts.out.join("resources.json"),
        &json!({"count": n, "data": rows, "skip_token": null, "total_records": n}),
    )?;
    cov.requests = c.requests;
    crate::collect::write_json(
        &opts.out.join("coverage.json"),
        &serde_json::to_value(&cov)?,
    )?;
    Ok(cov)
}

/// The credential: `cli` (the Azure CLI's login), `client-secret`
/// (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET),
/// `managed-identity`, `workload-identity`; by default the first the
/// environment provides, else the Azure CLI.
pub fn credential(kind: Option<&str>) -> Result<Arc<dyn TokenCredential>, Error> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let kind = kind.map(String::from).unwrap_or_else(|| {
        if env("AZURE_FEDERATED_TOKEN_FILE").is_some() {
            "workload-identity".into()
        } else if env("AZURE_CLIENT_SECRET").is_some() {
            "client-secret".into()
        } else {
            "cli".into()
        }
    });
    let e = |source: azure_core::Error| Error::Credential {
        kind: kind.clone(),
        source: Box::new(source),
    };
    Ok(match kind.as_str() {
        "cli" => azure_identity::AzureCliCredential::new(None).map_err(e)?,
        "managed-identity" => azure_identity::ManagedIdentityCredential::new(None).map_err(e)?,
        "workload-identity" => azure_identity::WorkloadIdentityCredential::new(None).map_err(e)?,
        "client-secret" => {
            let (Some(t), Some(c), Some(s)) = (
                env("AZURE_TENANT_ID"),
                env("AZURE_CLIENT_ID"),
                env("AZURE_CLIENT_SECRET"),
            ) else {
                return Err(Error::ClientSecretUnset);
            };
            azure_identity::ClientSecretCredential::new(&t, c, s.into(), None).map_err(e)?
        }
        other => {
            return Err(Error::UnknownCredential(other.to_string()));
        }
    })
}

/// Collect with a credential, on a runtime of its own.
pub fn collect(opts: &Options, credential: Arc<dyn TokenCredential>) -> Result<Coverage, Error> {
    let rt = crate::collect::runtime()?;
    rt.block_on(run(opts, pipeline(credential, None)))
}

#[cfg(test)]
mod tests {
    //! The same pipeline as production — bearer policy, retry policy — with
    //! a transport that answers from recorded responses
    //! (tests/fixtures/azure/api) and a credential that hands out a fixed
    //! token: azure_core refuses bearer tokens over plain http, so the
    //! requests keep their https management.azure.com addresses.
    use super::*;
    use azure_core::credentials::{AccessToken, TokenRequestOptions};
    use azure_core::http::{AsyncRawResponse, HttpClient, StatusCode, headers::Headers};
    use std::path::Path;
    use std::sync::Mutex;

    #[derive(Debug)]
    struct FixedToken;

    #[async_trait::async_trait]
    impl TokenCredential for FixedToken {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            Ok(AccessToken::new(
                "fixture-token",
                azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
            ))
        }
    }

    #[derive(Debug, Default)]
    struct Recorded {
        /// (method, path, subscription or skip token in the body)
        seen: Mutex<Vec<(String, String, String)>>,
        throttled: Mutex<bool>,
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/azure/api")
                .join(name),
        )
        .unwrap()
    }

    #[async_trait::async_trait]
    impl HttpClient for Recorded {
        async fn execute_request(&self, req: &Request) -> azure_core::Result<AsyncRawResponse> {
            assert_eq!(
                req.headers()
                    .get_optional_str(&azure_core::http::headers::AUTHORIZATION),
                Some("Bearer fixture-token")
            );
            let path = req.url().path().to_string();
            let body: Value = match req.body() {
                azure_core::http::Body::Bytes(b) if !b.is_empty() => {
                    serde_json::from_slice(b).unwrap()
                }
                _ => Value::Null,
            };
            let sub = body["subscriptions"][0].as_str().unwrap_or("").to_string();
            let skip = body["options"]["$skipToken"]
                .as_str()
                .unwrap_or("")
                .to_string();
            self.seen.lock().unwrap().push((
                format!("{:?}", req.method()),
                path.clone(),
                format!("{sub}{skip}"),
            ));
            let ok = |name: &str| {
                AsyncRawResponse::from_bytes(StatusCode::Ok, Headers::new(), fixture(name))
            };
            let prod = "b7e2c4a1-5d3f-4e8a-9c61-2f0a7d9e3b14";
            let nonprod = "e41a9c3d-7b25-4f86-a0d9-6c2e18b5f703";
            Ok(if path == "/subscriptions" {
                ok("subscriptions.json")
            } else if path.ends_with("/Microsoft.ResourceGraph/resources") {
                if sub == prod && skip.is_empty() {
                    // The first ask is throttled once: azure_core waits Retry-After and asks again.
                    let mut t = self.throttled.lock().unwrap();
                    if !*t {
                        *t = true;
                        let mut h = Headers::new();
                        h.insert("retry-after", "1");
                        return Ok(AsyncRawResponse::from_bytes(
                            StatusCode::TooManyRequests,
                            h,
                            fixture("resource-graph/throttled-429.json"),
                        ));
                    }
                    ok("resource-graph/production-page-1.json")
                } else if sub == prod {
                    ok("resource-graph/production-page-2.json")
                } else if sub == nonprod {
                    ok("resource-graph/non-production.json")
                } else {
                    AsyncRawResponse::from_bytes(
                        StatusCode::Forbidden,
                        Headers::new(),
                        fixture("resource-graph/legacy-403.json"),
                    )
                }
            } else if path.ends_with("/Microsoft.Insights/metrics") {
                let vm = path
                    .split("/virtualMachines/")
                    .nth(1)
                    .unwrap_or("")
                    .split('/')
                    .next()
                    .unwrap_or("");
                ok(&format!("metrics/{vm}.json"))
            } else if path.ends_with("/Microsoft.CostManagement/query") {
                if path.contains(prod) {
                    if req.url().query().is_some_and(|q| q.contains("skiptoken")) {
                        ok("cost-management/production-page-2.json")
                    } else {
                        ok("cost-management/production-page-1.json")
                    }
                } else if path.contains(nonprod) {
                    ok("cost-management/non-production.json")
                } else {
                    AsyncRawResponse::from_bytes(
                        StatusCode::Forbidden,
                        Headers::new(),
                        fixture("cost-management/legacy-403.json"),
                    )
                }
            } else {
                AsyncRawResponse::from_bytes(StatusCode::NotFound, Headers::new(), b"{}".to_vec())
            })
        }
    }

    #[test]
    fn subscriptions_are_collected_paged_and_throttled_and_a_failing_one_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let recorded = Arc::new(Recorded::default());
        let transport = Transport::new(recorded.clone());
        let opts = Options {
            subscriptions: Vec::new(),
            out: dir.path().to_path_buf(),
            period: (
                chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            ),
            cost: true,
            endpoint: ARM.into(),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let cov = rt
            .block_on(run(&opts, pipeline(Arc::new(FixedToken), Some(transport))))
            .unwrap();
        let by = |id: &str| {
            cov.subscriptions
                .iter()
                .find(|s| s.subscription.starts_with(id))
                .unwrap()
        };
        // Production: two pages after one throttled ask; non-production: one page.
        assert_eq!(by("b7e2").pages, 2);
        assert_eq!(by("b7e2").resources, 51);
        assert!(by("b7e2").errors.is_empty(), "{:?}", by("b7e2").errors);
        assert_eq!(by("e41a").resources, 7);
        let seen = recorded.seen.lock().unwrap();
        let first_pages = seen
            .iter()
            .filter(|(_, p, s)| {
                p.ends_with("/resources") && s == "b7e2c4a1-5d3f-4e8a-9c61-2f0a7d9e3b14"
            })
            .count();
        assert_eq!(first_pages, 2, "throttled once, then retried");
        // Legacy: refused, recorded, and the others complete.
        let legacy = by("2c8d");
        assert!(legacy.errors[0].contains("403"), "{:?}", legacy.errors);
        assert_eq!(cov.failures(), 1);
        // Read back: the same 58 resources as the sample's offline export, with CPU.
        let ex = super::super::read_export(dir.path()).unwrap();
        assert_eq!(ex.rows, 58);
        assert_eq!(ex.measured, 9);
        // Cost Management: both production pages and the non-production one.
        assert_eq!(by("b7e2").cost_rows, 85);
        assert!(
            dir.path()
                .join("cost-management/b7e2c4a1-5d3f-4e8a-9c61-2f0a7d9e3b14-2.json")
                .exists()
        );
    }
}
