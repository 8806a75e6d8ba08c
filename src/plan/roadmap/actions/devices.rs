//! `devices`: device fleets are kept for a new `lifetime`. At steady state a
//! fleet replaced every N years embodies its footprint ÷ N a year, so the
//! change is the difference of the two rates, bound by bound.

use crate::assess::carbon::Range;
use crate::inventory::Spec;
use crate::inventory::kinds::Action;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let Some(new) = &a.lifetime else {
        return String::new();
    };
    for f in &a.fleets {
        let Some(idx) = state.model.get(&f.value.id()) else {
            continue;
        };
        let Some(Spec::DeviceFleet(d)) = &state.model.node(idx).spec else {
            continue;
        };
        let factor = state.base.factors.devices.get(&d.category);
        let old = match (&d.lifetime, factor) {
            (Some(l), _) => l.years(),
            (None, Some(f)) => f.lifetime_years,
            (None, None) => continue,
        };
        let embodied = match (d.embodied_co2e_kg, factor) {
            (Some(kg), _) => Range::exact(kg),
            (None, Some(f)) => f.embodied_kgco2e,
            (None, None) => continue,
        };
        let (count, new_years) = (f64::from(d.count), new.years());
        // Bound by bound: the same factor moves baseline and plan.
        if old > 0.0 && new_years > 0.0 {
            let k = count * (1.0 / new_years - 1.0 / old);
            state.devices += embodied.scale(k);
        }
        // The model keeps the old lifetime: the period's
        // amortisation would count a fleet past its old life again.
    }
    state.assumptions.insert(
        "A device lifetime change counts at steady state: a fleet replaced every N years embodies its footprint ÷ N a year.".into(),
    );
    format!("lifetime {new}")
}
