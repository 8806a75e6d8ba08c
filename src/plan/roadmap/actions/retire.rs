//! `retire`: the systems go, with their exclusive resources, the
//! integrations they are an end of and the contracts that cover only them;
//! resources named on the action go too. Warns about dependents stranded,
//! integrations ended and capabilities left with no system.

use petgraph::stable_graph::NodeIndex;

use crate::inventory::kinds::Action;
use crate::plan::roadmap::state::State;

pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
    let systems = state.systems_of(a);
    state.check_dependents(&systems, "retiring");
    state.check_capabilities(&systems, "retiring");
    state.remove_systems(&systems);
    let resources: Vec<NodeIndex> = a
        .resources
        .iter()
        .filter_map(|r| state.model.get(&r.value.id()))
        .collect();
    for r in resources {
        state.stopped.insert(state.model.node(r).id.clone());
        state.model.remove(r);
    }
    String::new()
}
