//! SaaS, software, telecoms and other services with no activity data:
//! estimated from spend (the lowest-quality method), or from the supplier's
//! own reported figure where the inventory records one.
//!
//! Spend is each contract's annual value (or its total value spread evenly
//! over its term) for the part of the reporting period the contract covers,
//! × the supplier category's kgCO2e per pound (common/spend.yaml). It is
//! shared evenly among the systems the contract covers. Contracts whose
//! emissions are already counted from activity are left out, and listed:
//! cloud suppliers (their resources are estimated directly), hardware
//! (device fleets carry the embodied emissions), and hosting suppliers of a
//! site the estate models (its energy is counted on the site's equipment).
//! A supplier's `reported_emissions` for the period's year replaces the
//! spend-based estimate of all its contracts.

use std::collections::{BTreeMap, HashSet};

use petgraph::Direction;
use rust_decimal::prelude::ToPrimitive;

use super::{Category, Context, Estimate, Item, NotEstimated, Quality, Range, Scope};
use crate::inventory::kinds::{ContractSpec, Hosting, SupplierCategory};
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, NodeId};

fn category_name(c: SupplierCategory) -> &'static str {
    match c {
        SupplierCategory::Saas => "saas",
        SupplierCategory::Software => "software",
        SupplierCategory::Hardware => "hardware",
        SupplierCategory::Cloud => "cloud",
        SupplierCategory::Hosting => "hosting",
        SupplierCategory::Services => "services",
        SupplierCategory::Telecoms => "telecoms",
        SupplierCategory::Consultancy => "consultancy",
        SupplierCategory::Other => "other",
    }
}

/// The part of a contract's value that falls in the period, in its currency.
fn spend_in_period(ctx: &Context<'_>, c: &ContractSpec) -> f64 {
    let start = c.start.value.0.max(ctx.period.start.0);
    let end = c.end.value.0.min(ctx.period.end.0);
    if end < start {
        return 0.0;
    }
    let days = (end - start).num_days() as f64 + 1.0;
    let annual = match &c.annual_value {
        Some(a) => a.0.to_f64().unwrap_or(0.0),
        None => {
            let term_years = ((c.end.value.0 - c.start.value.0).num_days() as f64 + 1.0) / 365.25;
            c.value.0.to_f64().unwrap_or(0.0) / term_years.max(1.0 / 365.25)
        }
    };
    annual * days / 365.25
}

pub fn estimate(ctx: &Context<'_>, est: &mut Estimate) {
    let model = ctx.model;
    // Hosting suppliers of modelled sites: their energy is counted on the equipment.
    let site_suppliers: HashSet<String> = model
        .nodes_of(Kind::Site)
        .into_iter()
        .filter_map(|i| match &model.node(i).spec {
            Some(Spec::Site(s)) => s.supplier.as_ref().map(|r| r.value.id()),
            _ => None,
        })
        .collect();
    // Suppliers with a figure of their own for the period's year.
    let mut reported: BTreeMap<NodeId, f64> = BTreeMap::new();
    for i in model.nodes_of(Kind::Supplier) {
        let node = model.node(i);
        if let Some(Spec::Supplier(s)) = &node.spec
            && let Some(r) = &s.reported_emissions
            && r.year == ctx.year
        {
            reported.insert(node.id.clone(), r.co2e_kg * ctx.years.min(1.0));
        }
    }
    let spend_set = ctx.factors.set_of("spend.yaml").to_string();
    for ci in model.nodes_of(Kind::Contract) {
        let node = model.node(ci);
        let Some(Spec::Contract(c)) = &node.spec else {
            continue;
        };
        let supplier_id = NodeId::from(c.supplier.value.id());
        let Some(si) = model.get(&supplier_id) else {
            continue;
        };
        let Some(Spec::Supplier(supplier)) = &model.node(si).spec else {
            continue;
        };
        let cat = supplier.category;
        let skip = match cat {
            SupplierCategory::Cloud => {
                Some("cloud supplier: its resources are estimated from activity")
            }
            SupplierCategory::Hardware => {
                Some("hardware supplier: device fleets carry the embodied emissions")
            }
            _ if site_suppliers.contains(supplier_id.as_str()) => {
                Some("hosts a modelled site: its energy is counted on the site's equipment")
            }
            _ => None,
        };
        if let Some(reason) = skip {
            est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason: reason.into(),
            });
            continue;
        }
        if reported.contains_key(supplier_id.as_str()) {
            continue; // replaced by the supplier's own figure below
        }
        let currency = c
            .currency
            .as_ref()
            .map_or(ctx.currency, |c| c.value.as_str());
        if currency != ctx.factors.spend_currency {
            est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason: format!(
                    "contract in {currency}; spend factors are per {}",
                    ctx.factors.spend_currency
                ),
            });
            continue;
        }
        let spend = spend_in_period(ctx, c);
        if spend <= 0.0 {
            est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason: "no spend in the reporting period (contract outside it)".into(),
            });
            continue;
        }
        let Some(factor) = ctx.factors.spend.get(&cat) else {
            est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason: format!(
                    "no spend-based factor for supplier category `{}`",
                    category_name(cat)
                ),
            });
            continue;
        };
        let systems: Vec<NodeId> = model
            .neighbours(ci, Direction::Incoming, &[EdgeKind::CoveredBy])
            .into_iter()
            .filter(|i| model.node(*i).kind == Kind::System)
            .map(|i| model.node(i).id.clone())
            .collect();
        let shares: Vec<Option<NodeId>> = if systems.is_empty() {
            vec![None]
        } else {
            systems.into_iter().map(Some).collect()
        };
        let split = shares.len() > 1;
        let share = 1.0 / shares.len() as f64;
        for system in shares {
            let mut item = Item::new(
                &node.id,
                Category::SaasServices,
                Scope::Three,
                "spend-based",
                Quality::SpendBased,
            );
            if split {
                item.id = format!(
                    "{}#{}",
                    node.id,
                    system.as_deref().unwrap_or("unattributed")
                )
                .into();
            }
            item.system = system;
            item.supplier = Some(supplier_id.clone());
            // Spend-based factors cover the whole supply chain: booked as scope 3 operational.
            let kg = factor.kgco2e_per_gbp.scale(spend * share);
            item.operational_co2e_kg = kg;
            item.operational_market_co2e_kg = kg;
            item.cite(format!("{spend_set}/spend/{}", category_name(cat)));
            item.notes
                .push(format!("{:.2} {currency} of spend in the period", spend * share).into());
            est.items.push(item);
        }
    }
    for (supplier_id, kg) in reported {
        let mut item = Item::new(
            &supplier_id,
            Category::SaasServices,
            Scope::Three,
            "supplier-reported",
            Quality::SupplierReported,
        );
        item.supplier = Some(supplier_id.clone());
        item.operational_co2e_kg = Range::plus_minus(kg, 0.1);
        item.operational_market_co2e_kg = item.operational_co2e_kg;
        item.cite(format!("inventory/{supplier_id}/reported_emissions"));
        item.notes
            .push("the supplier's own figure for the year (±10 %)".into());
        est.items.push(item);
    }
    // SaaS systems with no contract have no spend to estimate from: say so.
    let estimated: HashSet<&str> = est
        .items
        .iter()
        .filter_map(|i| i.supplier.as_deref())
        .collect();
    let mut unestimated = Vec::new();
    for si in model.nodes_of(Kind::System) {
        let node = model.node(si);
        if let Some(Spec::System(s)) = &node.spec
            && s.hosting == Some(Hosting::Saas)
            && s.contract.is_none()
            && s.supplier
                .as_ref()
                .is_none_or(|sup| !estimated.contains(sup.value.id().as_str()))
        {
            unestimated.push(NotEstimated {
                id: node.id.clone(),
                reason: "SaaS with no contract: no spend to estimate from".into(),
            });
        }
    }
    est.not_estimated.extend(unestimated);
}
