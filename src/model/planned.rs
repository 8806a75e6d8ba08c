//! Changes proposed to infrastructure, as a Terraform plan states them:
//! each managed resource's address, type and action, with the resource
//! before and after as the model describes resources. A side is absent when
//! the resource does not exist then, or when its type has no mapping. A
//! reader in `collect` makes these from a plan file; `plan` assesses them.

use crate::inventory::kinds::ResourceSpec;

/// The changes one plan proposes.
#[derive(Debug, Default)]
pub struct ProposedChanges {
    /// Where the plan was read from, as given.
    pub source: String,
    /// Changes that create, delete, update or replace a managed resource, in
    /// the plan's order.
    pub changes: Vec<ProposedChange>,
    /// No-op and read changes skipped.
    pub unchanged: usize,
}

/// One resource's change.
#[derive(Debug)]
pub struct ProposedChange {
    pub address: String,
    /// `create`, `delete`, `update`, `replace`.
    pub action: &'static str,
    /// The Terraform type (`aws_instance`).
    pub resource_type: String,
    pub before: Option<ResourceSpec>,
    pub after: Option<ResourceSpec>,
}
