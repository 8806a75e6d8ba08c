//! The roadmap actions, one file each, and their registration: each file's
//! `apply` changes the estate part-way through a roadmap and returns what
//! the action is for, in words (a target, a survivor, a supplier…). To add
//! an action: a variant of `ActionKind` (and its fields on `Action`) in the
//! inventory schema, a file here, and one line in `register!` below.

use super::state::State;
use crate::inventory::kinds::{Action, ActionKind};

/// Declares each action's module and dispatches an action to its `apply`.
macro_rules! register {
    ($($kind:ident => $module:ident),* $(,)?) => {
        $(pub(super) mod $module;)*

        /// Apply one action to the estate; what it is for, in words.
        pub(super) fn apply(state: &mut State<'_>, a: &Action) -> String {
            match a.action.value {
                $(ActionKind::$kind => $module::apply(state, a),)*
            }
        }
    };
}

register! {
    Retire => retire,
    Consolidate => consolidate,
    Replace => replace,
    Migrate => migrate,
    Rightsize => rightsize,
    Site => site,
    Devices => devices,
}
