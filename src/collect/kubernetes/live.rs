//! Kubernetes, live: `estate collect kubernetes` connects the way kubectl
//! does (kube's kubeconfig loading: `KUBECONFIG` or `~/.kube/config`, a
//! context per cluster, or in-cluster), lists every kind the offline reader
//! reads — paged with `limit`/`continue` — and writes, per cluster,
//! `CONTEXT.json` (a kubectl-style `List`, each item with its `kind`) and
//! `CONTEXT.metrics.json` (metrics-server's pod usage, when it is there).
//! One cluster failing is recorded and the others go on.
//!
//! Read-only: only `list` (HTTP GET) calls; `k8s/estate-read-only.yaml`
//! is the ClusterRole granting exactly get/list/watch on what is read.

pub use crate::model::collected::kubernetes_live::ClusterCoverage;

use std::path::PathBuf;

use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use serde_json::{Value, json};

use crate::collect::paging::{Pager, RepeatedToken};

/// Why a cluster (or the whole collection) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The async runtime could not start.
    #[error(transparent)]
    Runtime(#[from] crate::collect::LiveError),
    /// The kubeconfig file given could not be read.
    #[error("{}: {source}", path.display())]
    Kubeconfig {
        path: PathBuf,
        source: kube::config::KubeconfigError,
    },
    #[error(transparent)]
    Config(#[from] kube::config::KubeconfigError),
    #[error(transparent)]
    Infer(#[from] kube::config::InferConfigError),
    #[error(transparent)]
    Kube(#[from] kube::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Paging(#[from] RepeatedToken),
}

/// The kinds read: (group, version, kind, plural).
pub const KINDS: [(&str, &str, &str, &str); 13] = [
    ("", "v1", "Node", "nodes"),
    ("", "v1", "Namespace", "namespaces"),
    ("", "v1", "Pod", "pods"),
    ("", "v1", "Service", "services"),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    ("", "v1", "PersistentVolume", "persistentvolumes"),
    ("apps", "v1", "Deployment", "deployments"),
    ("apps", "v1", "ReplicaSet", "replicasets"),
    ("apps", "v1", "StatefulSet", "statefulsets"),
    ("apps", "v1", "DaemonSet", "daemonsets"),
    ("batch", "v1", "Job", "jobs"),
    ("batch", "v1", "CronJob", "cronjobs"),
    ("networking.k8s.io", "v1", "Ingress", "ingresses"),
];

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A kubeconfig file (default: kubectl's: `KUBECONFIG`, `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// Contexts, one per cluster (default: the current one, or in-cluster).
    pub contexts: Vec<String>,
    pub out: PathBuf,
    /// Objects per page.
    pub page: u32,
}

fn api_resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: if group.is_empty() {
            version.into()
        } else {
            format!("{group}/{version}")
        },
        kind: kind.into(),
        plural: plural.into(),
    }
}

/// Every object of a kind, page by page, as JSON with its kind set.
async fn list_all(
    client: &kube::Client,
    ar: &ApiResource,
    page: u32,
    pages: &mut usize,
) -> Result<Vec<Value>, Error> {
    let api: Api<DynamicObject> = Api::all_with(client.clone(), ar);
    let mut out = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let mut lp = ListParams::default().limit(page.max(1));
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let list = api.list(&lp).await?;
        *pages += 1;
        for mut o in list.items {
            o.types = Some(kube::api::TypeMeta {
                api_version: ar.api_version.clone(),
                kind: ar.kind.clone(),
            });
            out.push(serde_json::to_value(&o)?);
        }
        pager.turn(list.metadata.continue_.as_deref())?;
    }
    Ok(out)
}

async fn client_for(opts: &Options, context: Option<&str>) -> Result<kube::Client, Error> {
    let options = kube::config::KubeConfigOptions {
        context: context.map(String::from),
        ..Default::default()
    };
    let config = match &opts.kubeconfig {
        Some(p) => {
            let kc =
                kube::config::Kubeconfig::read_from(p).map_err(|source| Error::Kubeconfig {
                    path: p.clone(),
                    source,
                })?;
            kube::Config::from_custom_kubeconfig(kc, &options).await?
        }
        None if context.is_some() => kube::Config::from_kubeconfig(&options).await?,
        None => kube::Config::infer().await?,
    };
    Ok(kube::Client::try_from(config)?)
}

async fn one(opts: &Options, context: Option<&str>) -> ClusterCoverage {
    let name = context.unwrap_or("current").to_string();
    let mut cov = ClusterCoverage {
        context: name.clone(),
        ..ClusterCoverage::default()
    };
    let client = match client_for(opts, context).await {
        Ok(c) => c,
        Err(e) => {
            cov.error = Some(e.to_string());
            return cov;
        }
    };
    let mut items = Vec::new();
    for (g, v, k, p) in KINDS {
        match list_all(
            &client,
            &api_resource(g, v, k, p),
            opts.page,
            &mut cov.pages,
        )
        .await
        {
            Ok(mut list) => items.append(&mut list),
            Err(e) => {
                cov.error = Some(format!("listing {p}: {e}"));
                return cov;
            }
        }
    }
    cov.objects = items.len();
    let file = opts.out.join(format!("{name}.json"));
    let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items});
    if let Err(e) = crate::collect::write_json(&file, &list) {
        cov.error = Some(e.to_string());
        return cov;
    }
    cov.file = Some(file.display().to_string());
    // metrics-server is optional: without it, allocation goes by requests alone.
    let metrics = api_resource("metrics.k8s.io", "v1beta1", "PodMetrics", "pods");
    if let Ok(list) = list_all(&client, &metrics, opts.page, &mut cov.pages).await {
        let m = json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": list});
        match crate::collect::write_json(&super::metrics_path(&file), &m) {
            Ok(()) => cov.metrics = true,
            Err(e) => cov.error = Some(e.to_string()),
        }
    }
    cov
}

/// Collect every context asked for, on a runtime of its own.
pub fn collect(opts: &Options) -> Result<Vec<ClusterCoverage>, Error> {
    let rt = crate::collect::runtime()?;
    Ok(rt.block_on(async {
        if opts.contexts.is_empty() {
            vec![one(opts, None).await]
        } else {
            let mut out = Vec::new();
            for c in &opts.contexts {
                out.push(one(opts, Some(c)).await);
            }
            out
        }
    }))
}
