//! What `estate collect` covered, as tables: AWS accounts and services,
//! Azure subscriptions, Kubernetes contexts, Prometheus hosts and queries,
//! each with where it was written and how estate.yaml reads it.

use std::path::Path;

use super::table;
use crate::model::collected::{aws_live, azure_live, kubernetes_live, prometheus};

/// "ok", or what went wrong.
fn status(error: Option<&String>) -> String {
    error.cloned().unwrap_or_else(|| "ok".into())
}

/// How estate.yaml reads what was written: already, or the line to add.
fn listing(kind: &str, path: &Path, listed: bool) -> String {
    if listed {
        "Estate reads it on every run (estate.yaml's `sources:`, or what `estate collect` stored when it lists none)".to_string()
    } else {
        format!(
            "add `- {kind}: {}` to estate.yaml's `sources:` to use it",
            path.display()
        )
    }
}

pub fn aws(cov: &aws_live::Coverage, dir: &Path, listed: bool) -> String {
    let mut t = table(&["Account", "Via", "Status"]);
    for a in &cov.accounts {
        t.add_row(vec![
            a.account.clone(),
            a.via.clone(),
            status(a.error.as_ref()),
        ]);
    }
    let mut s = table(&["Account", "Region", "Service", "Resources", "Status"]);
    for x in &cov.services {
        s.add_row(vec![
            x.account.clone(),
            x.region.clone(),
            x.service.clone(),
            x.resources.to_string(),
            status(x.error.as_ref()),
        ]);
    }
    format!(
        "{t}\n{s}\nWritten to {} ({} failure(s)); {}\n",
        dir.display(),
        cov.failures(),
        listing("aws", dir, listed)
    )
}

pub fn azure(cov: &azure_live::Coverage, dir: &Path) -> String {
    let mut t = table(&[
        "Subscription",
        "Resources",
        "Pages",
        "VMs with CPU",
        "Cost rows",
        "Status",
    ]);
    for s in &cov.subscriptions {
        t.add_row(vec![
            s.subscription.clone(),
            s.resources.to_string(),
            s.pages.to_string(),
            s.vms_with_cpu.to_string(),
            s.cost_rows.to_string(),
            if s.errors.is_empty() {
                "ok".into()
            } else {
                s.errors.join("; ")
            },
        ]);
    }
    format!(
        "{t}\nWritten to {} ({} failed subscription(s), {} request(s)); add `- azure: {}` to estate.yaml's `sources:`\n",
        dir.display(),
        cov.failures(),
        cov.requests,
        dir.display()
    )
}

pub fn kubernetes(list: &[kubernetes_live::ClusterCoverage]) -> String {
    let mut t = table(&["Context", "Objects", "Pages", "Usage", "Written", "Status"]);
    for c in list {
        t.add_row(vec![
            c.context.clone(),
            c.objects.to_string(),
            c.pages.to_string(),
            if c.metrics { "metrics-server" } else { "—" }.to_string(),
            c.file.clone().unwrap_or_default(),
            status(c.error.as_ref()),
        ]);
    }
    let failed = list.iter().filter(|c| c.error.is_some()).count();
    format!(
        "{t}\n{failed} cluster(s) failed; add each file to estate.yaml's `sources:` as `- kubernetes: FILE` with `cluster: NAME`\n"
    )
}

pub fn prometheus(c: &prometheus::Scrape, file: &Path, listed: bool) -> String {
    let mut t = table(&["Instance", "Node", "CPU", "Memory", "CPUs", "Power", "From"]);
    let pct = |v: Option<f64>| v.map_or_else(|| "—".into(), |u| format!("{:.1} %", u * 100.0));
    for h in &c.hosts {
        t.add_row(vec![
            h.instance.clone(),
            h.nodename.clone().unwrap_or_default(),
            pct(h.cpu_utilisation),
            pct(h.memory_utilisation),
            h.cpus.map(|n| n.to_string()).unwrap_or_default(),
            h.power_w
                .map_or_else(|| "—".into(), |w| format!("{w:.0} W")),
            h.power_source.clone().unwrap_or_default(),
        ]);
    }
    let mut q = table(&["Query", "Series", "Status"]);
    for x in &c.queries {
        q.add_row(vec![
            x.name.clone(),
            x.series.to_string(),
            status(x.error.as_ref()),
        ]);
    }
    format!(
        "{t}\n{q}\n{} host(s), {} to {} every {} s; written to {} ({} failed queries); {}\n",
        c.hosts.len(),
        c.start,
        c.end,
        c.step_seconds,
        file.display(),
        c.failures(),
        listing("prometheus", file, listed)
    )
}
