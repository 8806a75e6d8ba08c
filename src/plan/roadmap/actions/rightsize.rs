//! `rightsize`: the resources change to a new `instance_type`, estimated as
//! such; their charges scale with their vCPUs. Warns when the instance
//! table knows the old or new type not.

use crate::inventory::Spec;
use crate::inventory::kinds::Action;
use crate::plan::roadmap::instances::instance;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let Some(new_type) = &a.instance_type else {
        return String::new();
    };
    for r in &a.resources {
        let id = r.value.id();
        let Some(idx) = state.model.get(&id) else {
            continue;
        };
        let (provider, old) = match &state.model.node(idx).spec {
            Some(Spec::Resource(rs)) => (rs.provider, rs.instance_type.clone()),
            _ => continue,
        };
        let vcpus =
            |t: &str| instance(state.base.factors, provider, t).and_then(|i| i.vcpus);
        match (old.as_deref().and_then(vcpus), vcpus(new_type)) {
            (Some(o), Some(n)) if o > 0.0 => {
                *state.scaled.entry(id.clone()).or_insert(1.0) *= n / o;
            }
            _ => {
                let msg = format!(
                    "{id}: `{}` → `{new_type}`: a type the {} instance table does not know; its spend is left as it was",
                    old.as_deref().unwrap_or("(none)"),
                    provider.as_str()
                );
                state.warn("unknown-instance-type", &id, msg);
            }
        }
        if let Some(Spec::Resource(rs)) = &mut state.model.graph[idx].spec {
            rs.instance_type = Some(new_type.clone());
        }
    }
    state.assumptions.insert(
        "A rightsized resource's charges scale with its vCPUs (list prices within a family do).".into(),
    );
    format!("to {new_type}")
}
