//! `estate kubernetes`: each cluster's nodes (the VM each is, its emissions
//! and cost), every pod's share with what set it (request or usage), idle
//! capacity per node, and the roll-ups to workload, namespace and system.

use crate::assess::kubernetes::{Allocation, Total};

fn cost(currency: &str, c: Option<rust_decimal::Decimal>) -> String {
    c.map_or_else(|| "—".into(), |d| super::money(currency, d, 2, false))
}

fn totals(title: &str, list: &[Total], currency: &str) -> String {
    let mut t = super::table(&[title, "Pods", "kgCO2e (low–high)", "Cost"]);
    for x in list {
        t.add_row(vec![
            x.key.clone(),
            x.pods.to_string(),
            format!(
                "{:.1} ({:.1}–{:.1})",
                x.co2e_kg.central, x.co2e_kg.low, x.co2e_kg.high
            ),
            cost(currency, x.cost),
        ]);
    }
    format!("{t}\n")
}

pub fn render_table(list: &[Allocation], currency: &str) -> String {
    let mut out = String::new();
    for a in list {
        out.push_str(&format!(
            "Cluster {} — usage {}\n",
            a.cluster,
            if a.usage_measured {
                "from metrics-server: each pod weighs max(request, usage)"
            } else {
                "not measured: pods weigh their requests"
            }
        ));
        let mut t = super::table(&[
            "Node",
            "Resource",
            "kgCO2e",
            "CPU share of energy",
            "Cost",
            "Idle kgCO2e",
            "Idle cost",
            "Idle owner",
        ]);
        for (n, idle) in a.nodes.iter().zip(&a.idle) {
            t.add_row(vec![
                n.node.clone(),
                n.resource.clone().unwrap_or_default(),
                format!("{:.1}", n.co2e_kg.central),
                format!("{:.0} %", n.cpu_energy_share * 100.0),
                cost(currency, n.cost),
                format!("{:.1}", idle.co2e_kg.central),
                cost(currency, idle.cost),
                idle.system.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
        let mut p = super::table(&[
            "Pod",
            "Node",
            "CPU share",
            "Memory share",
            "By",
            "kgCO2e",
            "Cost",
            "System",
        ]);
        for s in &a.pods {
            p.add_row(vec![
                format!("{}/{}", s.namespace, s.name),
                s.node.clone(),
                format!("{:.1} %", s.cpu_share * 100.0),
                format!("{:.1} %", s.memory_share * 100.0),
                s.by.clone(),
                format!("{:.2}", s.co2e_kg.central),
                cost(currency, s.cost),
                s.system.clone().unwrap_or_else(|| "—".into()),
            ]);
        }
        out.push_str(&format!("{p}\n"));
        out.push_str(&totals("Workload", &a.by_workload, currency));
        out.push_str(&totals("Namespace", &a.by_namespace, currency));
        out.push_str(&totals(
            "System (with idle capacity)",
            &a.by_system,
            currency,
        ));
        for u in &a.unplaced {
            out.push_str(&format!(
                "Not allocated (its node is not in the cluster's list): {u}\n"
            ));
        }
    }
    out
}
