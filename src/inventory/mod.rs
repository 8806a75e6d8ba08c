//! The estate-as-code inventory: the YAML files under `inventory/`.
//!
//! `load` reads every document of every file, checks each against the typed
//! kinds in `kinds` and gathers every problem with its file, line and column.
//! Backstage catalog documents are accepted alongside and mapped by
//! `backstage`. Resolving references between entities is the model's job.

pub mod backstage;
pub mod kinds;
pub mod load;
pub mod scalar;

pub use kinds::{Metadata, Spec};
pub use load::{Entity, Inventory, load};
pub use scalar::{Date, Duration, Kind, Money, Ref};
