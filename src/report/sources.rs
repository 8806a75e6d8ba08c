//! `estate sources`: what each collected source found, how it merged with
//! the inventory, and what it left out — so nothing is dropped unseen.

use serde::Serialize;

use crate::inventory::kinds::Provider;
use crate::inventory::{Kind, Spec};
use crate::model::Model;
use crate::model::collected::Merged;

#[derive(Debug, Serialize)]
pub struct SourceSummary {
    pub path: String,
    pub files: usize,
    pub resources: usize,
    /// Managed types Estate does not map: type → instances.
    pub unmapped_types: Vec<(String, usize)>,
    pub data_sources: usize,
    /// JSON files in the folder that are not Terraform state.
    pub not_state: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ExportSummary {
    pub path: String,
    pub files: usize,
    pub resources: usize,
    /// Account, region and service read (`global`: buckets).
    pub covered: Vec<(String, String, String)>,
    /// JSON files for commands Estate does not read.
    pub not_read: Vec<String>,
    /// Cost Explorer results: billing inputs (`billing:`), not resources.
    pub billing: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Sources<'a> {
    pub terraform: Vec<SourceSummary>,
    pub aws: Vec<ExportSummary>,
    pub merged: &'a Merged,
    /// Prometheus collections: hosts matched to on-prem resources, and not.
    pub prometheus: &'a [crate::model::collected::prometheus::Applied],
    /// Kubernetes clusters: nodes joined to VMs, what was read.
    pub kubernetes: &'a [crate::model::collected::kubernetes::Applied],
    /// Azure exports: (path, what it held).
    pub azure: &'a [(String, crate::model::collected::azure::Export)],
    /// Asset registers and RVTools exports.
    pub registers: &'a [crate::model::collected::register::Read],
    /// Cloud resources in the inventory with an `external_id` that no
    /// Terraform state has: not managed as code (or managed elsewhere).
    pub declared_not_in_state: Vec<String>,
    /// Cloud resources in the inventory with no `external_id` (cannot be matched).
    pub declared_without_id: usize,
}

pub fn summarise<'a>(model: &Model, c: &'a crate::model::collected::Collected) -> Sources<'a> {
    let (states, exports, merged) = (&c.states, &c.exports, &c.merged);
    let (prometheus, kubernetes, azure, registers) = (
        &c.prometheus[..],
        &c.kubernetes[..],
        &c.azure[..],
        &c.registers[..],
    );
    let aws = exports
        .iter()
        .map(|(p, e)| ExportSummary {
            path: p.clone(),
            files: e.files,
            resources: e.found_count,
            covered: e.covered.iter().cloned().collect(),
            not_read: e.skipped.iter().map(|p| p.display().to_string()).collect(),
            billing: e.billing.iter().map(|p| p.display().to_string()).collect(),
        })
        .collect();
    let terraform = states
        .iter()
        .map(|(p, s)| SourceSummary {
            path: p.clone(),
            files: s.files.len(),
            resources: s.resources,
            unmapped_types: s
                .unmapped_types
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            data_sources: s.data_sources,
            not_state: s.skipped.iter().map(|p| p.display().to_string()).collect(),
        })
        .collect();
    let mut declared_not_in_state = Vec::new();
    let mut declared_without_id = 0;
    for idx in model.nodes_of(Kind::Resource) {
        let n = model.node(idx);
        let Some(Spec::Resource(r)) = &n.spec else {
            continue;
        };
        if n.provenance.source != "inventory"
            || !matches!(r.provider, Provider::Aws | Provider::Azure | Provider::Gcp)
        {
            continue;
        }
        let found = n
            .annotations
            .get("estate.io/found-by")
            .is_some_and(|s| s.split(", ").any(|x| x == "terraform"));
        match (&r.external_id, found) {
            (None, _) => declared_without_id += 1,
            (Some(_), false) => declared_not_in_state.push(n.id.to_string()),
            (Some(_), true) => {}
        }
    }
    Sources {
        terraform,
        aws,
        merged,
        prometheus,
        kubernetes,
        azure,
        registers,
        declared_not_in_state,
        declared_without_id,
    }
}

pub fn render_table(s: &Sources<'_>) -> String {
    let mut out = String::new();
    if s.terraform.is_empty()
        && s.aws.is_empty()
        && s.prometheus.is_empty()
        && s.kubernetes.is_empty()
        && s.azure.is_empty()
        && s.registers.is_empty()
    {
        out.push_str(
            "No collected sources: estate.yaml's `sources:` names none (`- terraform: PATH`, `- aws: PATH`, `- prometheus: PATH`, `- kubernetes: PATH`, `- azure: PATH`).\n",
        );
        return out;
    }
    for r in s.registers {
        out.push_str(&format!(
            "{} — {} row(s), {} resource(s)\n",
            r.path, r.rows, r.resources
        ));
        for (line, why) in &r.skipped {
            out.push_str(&format!("  not used: line {line}: {why}\n"));
        }
    }
    for (path, ex) in s.azure {
        out.push_str(&format!(
            "{path} — Azure: {} file(s), {} row(s), {} resource(s) in {} subscription(s); CPU from Azure Monitor for {} VM(s)\n",
            ex.files,
            ex.rows,
            ex.resources,
            ex.subscriptions.len(),
            ex.measured
        ));
        for (why, n) in &ex.skipped {
            out.push_str(&format!("  not a resource: {why} ×{n}\n"));
        }
        if !ex.other_types.is_empty() {
            let list: Vec<String> = ex
                .other_types
                .iter()
                .map(|(t, n)| format!("{t} ×{n}"))
                .collect();
            out.push_str(&format!(
                "  kept as `other` (no carbon model): {}\n",
                list.join(", ")
            ));
        }
    }
    for k in s.kubernetes {
        let mut t = super::table(&["Kubernetes node", "Resource"]);
        for (n, id) in &k.nodes {
            t.add_row(vec![n.clone(), id.clone()]);
        }
        out.push_str(&format!(
            "{} — cluster {}: {} node(s) ({} joined to their VMs, {} new), {} pod(s) ({} running), {} workload(s) in {} namespace(s), {} service(s), {} ingress(es), {} claim(s); usage from metrics-server: {}\n{t}\n",
            k.file,
            k.cluster,
            k.nodes.len(),
            k.nodes.len() - k.added,
            k.added,
            k.pods,
            k.running,
            k.workloads,
            k.namespaces,
            k.services,
            k.ingresses,
            k.claims,
            if k.usage { "yes" } else { "no (requests only)" }
        ));
        for (kind, n) in &k.other_kinds {
            out.push_str(&format!("  not read: {kind} ×{n}\n"));
        }
        for p in &k.problems {
            out.push_str(&format!("  could not read: {p}\n"));
        }
    }
    for p in s.prometheus {
        let mut t = super::table(&["Prometheus host", "On-prem resource", "Measured"]);
        for (instance, id, set) in &p.matched {
            t.add_row(vec![instance.clone(), id.clone(), set.clone()]);
        }
        for u in &p.unmatched {
            t.add_row(vec![
                u.clone(),
                "(no resource of that name)".into(),
                String::new(),
            ]);
        }
        out.push_str(&format!(
            "{}: {} host(s), {} matched\n{t}\n",
            p.file,
            p.hosts,
            p.matched.len()
        ));
    }
    if !s.aws.is_empty() {
        let mut t = super::table(&[
            "AWS export",
            "Files",
            "Resources",
            "Accounts and regions",
            "Not read",
        ]);
        for x in &s.aws {
            t.add_row(vec![
                x.path.clone(),
                x.files.to_string(),
                x.resources.to_string(),
                x.covered
                    .iter()
                    .map(|(a, r, s)| format!("{a}/{r}/{s}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                x.not_read.join(", "),
            ]);
        }
        out.push_str(&format!("{t}\n"));
        for b in s.aws.iter().flat_map(|x| &x.billing) {
            out.push_str(&format!(
                "Cost Explorer results (a billing input: list under `billing:`): {b}\n"
            ));
        }
    }
    let mut t = super::table(&[
        "Terraform state",
        "Files",
        "Resources",
        "Left out (type ×n)",
        "Data sources",
    ]);
    for x in &s.terraform {
        t.add_row(vec![
            x.path.clone(),
            x.files.to_string(),
            x.resources.to_string(),
            x.unmapped_types
                .iter()
                .map(|(k, v)| format!("{k} ×{v}"))
                .collect::<Vec<_>>()
                .join(", "),
            x.data_sources.to_string(),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    for x in &s.terraform {
        for f in &x.not_state {
            out.push_str(&format!("Not Terraform state, not read: {f}\n"));
        }
    }
    let m = s.merged;
    out.push_str(&format!(
        "Merged: {} declared in the inventory (matched by external_id or name), {} new, {} seen by two sources; {} new resource(s) no Mapping rule attaches to a system{}\n",
        m.declared,
        m.added,
        m.seen_twice,
        m.unmapped.len(),
        if m.unmapped.is_empty() { "" } else { ":" }
    ));
    for u in &m.unmapped {
        out.push_str(&format!("  {u}\n"));
    }
    if m.groups_with_instances > 0 {
        out.push_str(&format!(
            "Node groups and clusters whose instances were found: {} (their own capacity is counted on the instances, not twice)\n",
            m.groups_with_instances
        ));
    }
    if let Some(d) = &m.drift {
        out.push_str(&format!(
            "Drift (Terraform state against what AWS shows): {} managed, {} live but in no state, {} in state but gone\n",
            d.managed,
            d.unmanaged.len(),
            d.gone.len()
        ));
        for u in &d.unmanaged {
            out.push_str(&format!("  unmanaged: {u}\n"));
        }
        for g in &d.gone {
            out.push_str(&format!("  gone:      {g}\n"));
        }
    }
    out.push_str(&format!(
        "Declared cloud resources in no state: {} with an external_id{}",
        s.declared_not_in_state.len(),
        if s.declared_not_in_state.is_empty() {
            ""
        } else {
            ":"
        }
    ));
    out.push('\n');
    for d in &s.declared_not_in_state {
        out.push_str(&format!("  {d}\n"));
    }
    out.push_str(&format!(
        "{} declared cloud resource(s) have no external_id and cannot be matched\n",
        s.declared_without_id
    ));
    out
}
