//! End-user device fleets: laptops, desktops, thin clients, tablets, phones,
//! monitors, printers.
//!
//! Embodied: the manufacturer's footprint per device (the fleet's own
//! `embodied_co2e_kg`, else the category figure in common/devices.yaml)
//! amortised over the fleet's lifetime — `embodied / lifetime × period` per
//! device while the fleet is inside its lifetime, nothing once it is fully
//! amortised. Use: `use_kwh_per_year × period × count` on the grid of the
//! fleet's site country (GB when none). Use is scope 2, embodied scope 3;
//! printers are category `print`, everything else `end-user-devices`.

use super::{Category, Context, Estimate, Item, NotEstimated, Quality, Range, Scope};
use crate::inventory::kinds::{DeviceCategory, DeviceFleetSpec};
use crate::inventory::{Kind, Spec};

fn category_name(c: DeviceCategory) -> &'static str {
    match c {
        DeviceCategory::Laptop => "laptop",
        DeviceCategory::Desktop => "desktop",
        DeviceCategory::ThinClient => "thin-client",
        DeviceCategory::Tablet => "tablet",
        DeviceCategory::Phone => "phone",
        DeviceCategory::Monitor => "monitor",
        DeviceCategory::Printer => "printer",
        DeviceCategory::Other => "other",
    }
}

pub fn estimate(ctx: &Context<'_>, est: &mut Estimate) {
    for idx in super::declared(ctx.model, Kind::DeviceFleet) {
        let node = ctx.model.node(idx);
        let Some(Spec::DeviceFleet(f)) = &node.spec else {
            continue;
        };
        match fleet(ctx, &node.id, f) {
            Ok(item) => est.items.push(item),
            Err(reason) => est.not_estimated.push(NotEstimated {
                id: node.id.clone(),
                reason,
            }),
        }
    }
}

fn fleet(ctx: &Context<'_>, id: &str, f: &DeviceFleetSpec) -> Result<Item, String> {
    let name = category_name(f.category);
    let factor = ctx.factors.devices.get(&f.category);
    let set = ctx.factors.set_of("devices.yaml").to_string();
    let (cat, method) = match f.category {
        DeviceCategory::Printer => (Category::Print, "device-lifecycle"),
        _ => (Category::EndUserDevices, "device-lifecycle"),
    };
    let mut item = Item::new(id, cat, Scope::Two, method, Quality::Modelled);
    item.supplier = f.supplier.as_ref().map(|s| s.value.id().into());
    item.site = f.site.as_ref().map(|s| s.value.id().into());
    let count = f64::from(f.count);
    let lifetime = match (&f.lifetime, factor) {
        (Some(l), _) => l.years(),
        (None, Some(fac)) => fac.lifetime_years,
        (None, None) => {
            return Err(format!(
                "no `lifetime` and no default lifetime for `{name}` in the factor set"
            ));
        }
    };
    // Embodied, amortised while the fleet is inside its lifetime.
    // A fleet's own figures (its model's footprint) are taken as given: a
    // category's spread covers many models, not the uncertainty of one.
    let embodied = match (f.embodied_co2e_kg, factor) {
        (Some(kg), _) => {
            item.notes
                .push("embodied: the fleet's own figure, taken as given".into());
            Some(Range::exact(kg))
        }
        (None, Some(fac)) => {
            item.cite(format!("{set}/devices/{name}/embodied"));
            Some(fac.embodied_kgco2e)
        }
        (None, None) => None,
    };
    let start_year = f64::from(f.purchase_year.value);
    let end_year = start_year + lifetime;
    let period_start = f64::from(chrono::Datelike::year(&ctx.period.start.0));
    let in_life = (end_year - period_start).clamp(0.0, ctx.years);
    match embodied {
        Some(kg) if lifetime > 0.0 => {
            item.embodied_co2e_kg = kg.scale(count * in_life / lifetime);
            if in_life <= 0.0 {
                item.notes.push(
                    format!(
                        "fully amortised: bought {} with a {lifetime}-year life",
                        f.purchase_year.value
                    )
                    .into(),
                );
            }
        }
        _ => item
            .notes
            .push("embodied not estimated: no figure for this model or category".into()),
    }
    // Use phase.
    let kwh_per_year = match (f.use_kwh_per_year, factor) {
        (Some(k), _) => Some(Range::exact(k)),
        (None, Some(fac)) => {
            item.cite(format!("{set}/devices/{name}/use"));
            Some(fac.use_kwh_per_year)
        }
        (None, None) => None,
    };
    let country = f
        .site
        .as_ref()
        .and_then(|s| ctx.model.get(&s.value.id()))
        .and_then(|i| match &ctx.model.node(i).spec {
            Some(Spec::Site(s)) => Some((
                s.country.value.clone(),
                s.renewable_share.as_ref().map_or(0.0, |r| r.value),
            )),
            _ => None,
        })
        .unwrap_or(("GB".into(), 0.0));
    match kwh_per_year {
        Some(k) => {
            let grid = ctx
                .zone_grid(&country.0, country.1)
                .ok_or_else(|| format!("no grid factor for country `{}`", country.0))?;
            item.factors.extend(grid.factor_ids.iter().cloned());
            item.add_electricity(k.scale(count * ctx.years), &grid);
        }
        None => item
            .notes
            .push("use-phase energy not estimated: no figure for this model or category".into()),
    }
    if embodied.is_none() && kwh_per_year.is_none() {
        return Err(format!(
            "no embodied or use figures for `{name}` devices: give `embodied_co2e_kg` and `use_kwh_per_year`"
        ));
    }
    Ok(item)
}
