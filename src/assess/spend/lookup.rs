//! Where one distinct line goes: indexes over the model (resources by
//! external id and name, suppliers by normalised name and alias, cost
//! centres by code, each system's domain, capabilities and cost centre),
//! built once per run, and the rules that send a cloud line to systems by
//! its resource or the Mapping rules, and a ledger line by its supplier.
//! The answer is an [`Outcome`]; adding it up is `attribute`'s work.

use std::collections::{HashMap, HashSet};

use petgraph::Direction;

use super::accumulate::Key;
use super::or_none;
use super::suppliers::{
    is_cloud_consumption, normalise_supplier, provider_of, shadow_reason, vendors,
};
use crate::inventory::kinds::{Provider, SupplierCategory};
use crate::inventory::{Kind, Spec};
use crate::model::billing::Format;
use crate::model::mapping::{Mapper, Subject, azure_resource_group, id_name};
use crate::model::{EdgeKind, Model};

/// Where a line went.
pub(super) struct Outcome {
    /// Systems with their weights (shared evenly unless a mapping rule splits by weight).
    pub(super) systems: Vec<(String, f64)>,
    pub(super) supplier: Option<String>,
    pub(super) cost_centre: Option<String>,
    /// The unallocated bucket's name, when no system.
    pub(super) unallocated_as: String,
    /// Why the line is a shadow-IT candidate, if it is.
    pub(super) shadow: Option<String>,
    /// A ledger invoice whose detail is in a billing export of this run.
    pub(super) detailed_elsewhere: bool,
    /// The inventory resource the line's resource id matched.
    pub(super) resource: Option<String>,
}

#[derive(Default)]
pub(super) struct SystemFacts {
    pub(super) domain: Option<String>,
    pub(super) capabilities: Vec<String>,
    pub(super) cost_centre: Option<String>,
}

/// Indexes over the model for attribution.
pub(super) struct Attributor<'a> {
    model: &'a Model,
    mapper: Mapper,
    /// External id (lower case) → resource node id.
    by_external_id: HashMap<String, petgraph::stable_graph::NodeIndex>,
    /// Resource name → node (for ids whose last part is the name).
    by_name: HashMap<String, petgraph::stable_graph::NodeIndex>,
    /// Normalised supplier names and aliases → supplier id.
    suppliers: HashMap<String, String>,
    /// Cloud providers' supplier ids (`aws` → `supplier:amazon-web-services`).
    pub(super) provider_suppliers: HashMap<&'static str, String>,
    /// Cost centre code → id.
    cost_centres: HashMap<String, String>,
    /// Suppliers whose cloud charges come from a billing export in this run, with the provider.
    pub(super) detailed: HashMap<String, Provider>,
    systems: HashMap<String, SystemFacts>,
    vendors: HashSet<String>,
}

impl<'a> Attributor<'a> {
    pub(super) fn new(model: &'a Model) -> Attributor<'a> {
        let mut by_external_id = HashMap::new();
        let mut by_name = HashMap::new();
        for idx in model.nodes_of(Kind::Resource) {
            let node = model.node(idx);
            if let Some(Spec::Resource(r)) = &node.spec {
                if let Some(x) = &r.external_id {
                    by_external_id.insert(x.to_ascii_lowercase(), idx);
                }
                by_name.insert(node.name.clone(), idx);
            }
        }
        let mut suppliers = HashMap::new();
        let mut provider_suppliers = HashMap::new();
        for idx in model.nodes_of(Kind::Supplier) {
            let node = model.node(idx);
            let Some(Spec::Supplier(s)) = &node.spec else {
                continue;
            };
            let mut names = vec![node.name.replace('-', " "), node.display_name().to_string()];
            names.extend(s.aliases.iter().cloned());
            for n in names {
                suppliers.insert(normalise_supplier(&n), node.id.to_string());
            }
            if s.category == SupplierCategory::Cloud {
                let n =
                    normalise_supplier(node.display_name()) + " " + &node.name.to_ascii_uppercase();
                if n.contains("AMAZON") || n.contains("AWS") {
                    provider_suppliers.insert("aws", node.id.to_string());
                } else if n.contains("MICROSOFT") || n.contains("AZURE") {
                    provider_suppliers.insert("azure", node.id.to_string());
                } else if n.contains("GOOGLE") || n.contains("GCP") {
                    provider_suppliers.insert("gcp", node.id.to_string());
                }
            }
        }
        let mut cost_centres = HashMap::new();
        for idx in model.nodes_of(Kind::CostCentre) {
            let node = model.node(idx);
            if let Some(Spec::CostCentre(c)) = &node.spec {
                cost_centres.insert(c.code.to_ascii_uppercase(), node.id.to_string());
            }
        }
        let mut systems = HashMap::new();
        for idx in model.nodes_of(Kind::System) {
            let out = |e: EdgeKind, k: Kind| -> Vec<String> {
                model
                    .neighbours(idx, Direction::Outgoing, &[e])
                    .into_iter()
                    .filter(|n| model.node(*n).kind == k)
                    .map(|n| model.node(n).id.to_string())
                    .collect()
            };
            systems.insert(
                model.node(idx).id.to_string(),
                SystemFacts {
                    domain: out(EdgeKind::PartOf, Kind::Domain).into_iter().next(),
                    capabilities: out(EdgeKind::Supports, Kind::Capability),
                    cost_centre: out(EdgeKind::ChargedTo, Kind::CostCentre)
                        .into_iter()
                        .next(),
                },
            );
        }
        let vendors = vendors();
        Attributor {
            model,
            mapper: Mapper::new(model),
            by_external_id,
            by_name,
            suppliers,
            provider_suppliers,
            cost_centres,
            detailed: HashMap::new(),
            systems,
            vendors,
        }
    }

    pub(super) fn system_facts(&self, id: &str) -> &SystemFacts {
        static NONE: std::sync::OnceLock<SystemFacts> = std::sync::OnceLock::new();
        self.systems
            .get(id)
            .unwrap_or_else(|| NONE.get_or_init(SystemFacts::default))
    }

    fn cost_centre(&self, code: &str) -> Option<String> {
        (!code.is_empty()).then(|| {
            self.cost_centres
                .get(&code.to_ascii_uppercase())
                .cloned()
                .unwrap_or_else(|| format!("(not in inventory) {code}"))
        })
    }

    pub(super) fn attribute(&self, key: &Key, format: Format) -> Outcome {
        match format {
            Format::Focus => self.cloud(key),
            Format::Ledger => self.ledger(key),
            // The same money as a FOCUS export for the provider in this run.
            Format::CostExplorer | Format::CostManagement => {
                let mut o = self.cloud(key);
                let provider = provider_of(&key.provider);
                o.detailed_elsewhere = self.detailed.values().any(|p| Some(*p) == provider);
                o
            }
        }
    }

    fn cloud(&self, key: &Key) -> Outcome {
        let provider = provider_of(&key.provider);
        let supplier = provider
            .and_then(|p| self.provider_suppliers.get(p.as_str()))
            .cloned();
        let cost_centre = self.cost_centre(&key.cost_centre);
        let unallocated_as = |why: &str| {
            format!(
                "{} / {} / {} — {why}",
                or_none(&key.provider),
                or_none(&key.sub_account),
                or_none(&key.service)
            )
        };
        // 1. The resource, by id.
        let node = (!key.resource_id.is_empty())
            .then(|| {
                self.by_external_id
                    .get(&key.resource_id.to_ascii_lowercase())
                    .or_else(|| self.by_name.get(id_name(&key.resource_id)))
            })
            .flatten();
        // The inventory resource the line is for (by id, else by its name), for
        // per-resource spend; attribution below still goes by id, then mapping rules.
        let resource = node
            .or_else(|| self.by_name.get(key.resource_name.as_str()))
            .map(|i| self.model.graph[*i].id.to_string());
        let done = |systems: Vec<(String, f64)>, why: &str| Outcome {
            // Only an unallocated line is listed under it: no string per allocated line.
            unallocated_as: if systems.is_empty() {
                unallocated_as(why)
            } else {
                String::new()
            },
            systems,
            supplier: supplier.clone(),
            cost_centre: cost_centre.clone(),
            shadow: None,
            detailed_elsewhere: false,
            resource: resource.clone(),
        };
        if let Some(idx) = node {
            // A resource several systems run on is shared evenly among them.
            let ids: std::collections::BTreeSet<&str> = self
                .model
                .systems_of(*idx)
                .into_iter()
                .map(|s| self.model.graph[s].id.as_str())
                .collect();
            let systems: Vec<(String, f64)> =
                ids.into_iter().map(|s| (s.to_string(), 1.0)).collect();
            if !systems.is_empty() {
                return done(systems, "");
            }
        }
        // 2. Mapping rules.
        let tags: Vec<(String, String)> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&key.tags)
                .map(|m| {
                    m.into_iter()
                        .map(|(k, v)| {
                            (
                                k,
                                v.as_str()
                                    .map(String::from)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
        let name = if key.resource_name.is_empty() {
            id_name(&key.resource_id)
        } else {
            &key.resource_name
        };
        let facts = Subject {
            provider,
            account: &key.sub_account,
            region: &key.region,
            resource_group: azure_resource_group(&key.resource_id),
            namespace: "",
            cluster: "",
            name,
            tags: &tags,
        };
        if let Some((systems, _)) = self.mapper.systems(&facts) {
            return done(systems.to_vec(), "");
        }
        let why = match (key.resource_id.is_empty(), node.is_some()) {
            (true, _) => format!("no resource ({})", or_none(&key.category).to_lowercase()),
            (false, true) => "resource in the inventory serves no system".into(),
            (false, false) => "resource not in the inventory; no mapping rule matches".into(),
        };
        done(Vec::new(), &why)
    }

    fn ledger(&self, key: &Key) -> Outcome {
        let cost_centre = self.cost_centre(&key.cost_centre);
        let normal = normalise_supplier(&key.supplier);
        let Some(supplier) = self.suppliers.get(&normal).cloned() else {
            let shadow = shadow_reason(&self.vendors, &normal, &key.supplier, &key.description);
            let bucket = if shadow.is_some() {
                "shadow IT (technology supplier not in the inventory)"
            } else {
                "supplier not in the inventory (not technology?)"
            };
            return Outcome {
                systems: Vec::new(),
                supplier: None,
                cost_centre,
                unallocated_as: format!("{} — {bucket}", key.supplier),
                shadow,
                detailed_elsewhere: false,
                resource: None,
            };
        };
        let idx = self.model.get(&supplier);
        let mut systems: Vec<String> = idx
            .map(|i| {
                self.model
                    .neighbours(i, Direction::Incoming, &[EdgeKind::SuppliedBy])
                    .into_iter()
                    .filter(|n| self.model.node(*n).kind == Kind::System)
                    .map(|n| self.model.node(n).id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        if systems.is_empty() {
            // Systems covered by the supplier's contracts.
            for c in idx
                .map(|i| {
                    self.model
                        .neighbours(i, Direction::Incoming, &[EdgeKind::SuppliedBy])
                })
                .unwrap_or_default()
            {
                if self.model.node(c).kind == Kind::Contract {
                    systems.extend(
                        self.model
                            .neighbours(c, Direction::Incoming, &[EdgeKind::CoveredBy])
                            .into_iter()
                            .map(|n| self.model.node(n).id.to_string()),
                    );
                }
            }
            systems.sort();
            systems.dedup();
        }
        let unallocated_as = format!("{supplier} — a known supplier that supplies no system");
        Outcome {
            systems: systems.into_iter().map(|s| (s, 1.0)).collect(),
            detailed_elsewhere: self
                .detailed
                .get(&supplier)
                .is_some_and(|p| is_cloud_consumption(*p, &key.supplier, &key.description)),
            supplier: Some(supplier),
            cost_centre,
            unallocated_as,
            shadow: None,
            resource: None,
        }
    }
}
