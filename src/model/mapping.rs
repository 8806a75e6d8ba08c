//! Mapping rules (kind: Mapping): which system a collected resource or a
//! billing line belongs to, from its provider, account, region, resource
//! group, Kubernetes namespace/cluster, name and tags.
//!
//! Rules are tried in declaration order; the first whose every given
//! condition holds wins. `name` is a glob (`crm-*`) matched against the
//! resource's name. Tag values match exactly; keys are case-sensitive.

use std::collections::HashMap;

use globset::{Glob, GlobMatcher};

use super::Model;
use crate::inventory::kinds::{MappingMatch, Provider};
use crate::inventory::{Kind, Spec};

/// What is known about a thing to be mapped.
#[derive(Debug, Default)]
pub struct Subject<'a> {
    pub provider: Option<Provider>,
    pub account: &'a str,
    pub region: &'a str,
    pub resource_group: &'a str,
    pub namespace: &'a str,
    pub cluster: &'a str,
    pub name: &'a str,
    pub tags: &'a [(String, String)],
}

struct Rule {
    /// (system id, weight): one system with weight 1, or a split.
    systems: Vec<(String, f64)>,
    when: MappingMatch,
    name: Option<GlobMatcher>,
}

/// The compiled rules of every Mapping in the model, indexed so a lookup
/// tries only the rules that could match: a rule with a tag condition is
/// filed under one of its tags, else one with a cluster or account under
/// that; the rest are tried for everything. Thousands of rules cost a
/// lookup what a handful do, and the first match in declaration order still
/// wins.
pub struct Mapper {
    rules: Vec<Rule>,
    /// Rules by a tag they require: key → value → rule indices.
    by_tag: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Rules with no tag condition by the cluster, else the account, they
    /// require (lower case: those compare ignoring case).
    by_cluster: HashMap<String, Vec<usize>>,
    by_account: HashMap<String, Vec<usize>>,
    /// Rules with none of those: tried for everything.
    always: Vec<usize>,
}

impl Mapper {
    pub fn new(model: &Model) -> Mapper {
        let mut rules = Vec::new();
        for idx in model.nodes_of(Kind::Mapping) {
            if let Some(Spec::Mapping(m)) = &model.node(idx).spec {
                for r in &m.rules {
                    let when = r.matches.value.clone();
                    let name = when
                        .name
                        .as_deref()
                        .and_then(|g| Glob::new(g).ok())
                        .map(|g| g.compile_matcher());
                    let systems = match &r.system {
                        Some(s) => vec![(s.value.id(), 1.0)],
                        None => r
                            .split
                            .iter()
                            .map(|sh| (sh.system.value.id(), sh.weight.value))
                            .collect(),
                    };
                    rules.push(Rule {
                        systems,
                        when,
                        name,
                    });
                }
            }
        }
        let mut m = Mapper {
            rules: Vec::new(),
            by_tag: HashMap::new(),
            by_cluster: HashMap::new(),
            by_account: HashMap::new(),
            always: Vec::new(),
        };
        for (i, r) in rules.iter().enumerate() {
            let w = &r.when;
            if let Some((k, v)) = w.tags.iter().next() {
                let values = m.by_tag.entry(k.clone()).or_default();
                values.entry(v.clone()).or_default().push(i);
            } else if let Some(c) = &w.cluster {
                m.by_cluster
                    .entry(c.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            } else if let Some(a) = &w.account {
                m.by_account
                    .entry(a.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            } else {
                m.always.push(i);
            }
        }
        m.rules = rules;
        m
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The systems (with weights) of the first rule that matches, with the rule's position.
    pub fn systems(&self, f: &Subject<'_>) -> Option<(&[(String, f64)], usize)> {
        let mut candidates: Vec<usize> = Vec::new();
        for (k, v) in f.tags {
            if let Some(rules) = self.by_tag.get(k).and_then(|values| values.get(v)) {
                candidates.extend_from_slice(rules);
            }
        }
        for (m, key) in [(&self.by_cluster, f.cluster), (&self.by_account, f.account)] {
            if !key.is_empty()
                && !m.is_empty()
                && let Some(rules) = m.get(key.to_ascii_lowercase().as_str())
            {
                candidates.extend_from_slice(rules);
            }
        }
        let holds = |i: &usize| matches(&self.rules[*i], f);
        let found = if candidates.is_empty() {
            self.always.iter().copied().find(holds)
        } else {
            candidates.extend_from_slice(&self.always);
            candidates.sort_unstable();
            candidates.dedup();
            candidates.into_iter().find(holds)
        };
        found.map(|i| (self.rules[i].systems.as_slice(), i))
    }
}

fn matches(r: &Rule, f: &Subject<'_>) -> bool {
    let w = &r.when;
    let eq = |want: &Option<String>, have: &str| {
        want.as_deref().is_none_or(|w| w.eq_ignore_ascii_case(have))
    };
    w.provider.is_none_or(|p| Some(p) == f.provider)
        && eq(&w.account, f.account)
        && eq(&w.region, f.region)
        && eq(&w.resource_group, f.resource_group)
        && eq(&w.namespace, f.namespace)
        && eq(&w.cluster, f.cluster)
        && r.name.as_ref().is_none_or(|g| !f.name.is_empty() && g.is_match(f.name))
        && w.tags.iter().all(|(k, v)| f.tags.iter().any(|(tk, tv)| tk == k && tv == v))
        // A rule with no condition at all matches nothing.
        && (w.provider.is_some() || w.account.is_some() || w.region.is_some() || w.resource_group.is_some()
            || w.namespace.is_some() || w.cluster.is_some() || w.name.is_some() || !w.tags.is_empty())
}

/// The resource group named in an Azure resource id, if any.
pub fn azure_resource_group(id: &str) -> &str {
    let lower = id.to_ascii_lowercase();
    match lower.find("/resourcegroups/") {
        Some(i) => {
            let rest = &id[i + "/resourcegroups/".len()..];
            rest.split('/').next().unwrap_or("")
        }
        None => "",
    }
}

/// The last segment of an ARN or Azure id: the resource's own name.
pub fn id_name(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_give_their_group_and_name() {
        let az = "/subscriptions/1/resourceGroups/rg-crm-prod/providers/Microsoft.Compute/virtualMachines/vm-crm-01";
        assert_eq!(azure_resource_group(az), "rg-crm-prod");
        assert_eq!(id_name(az), "vm-crm-01");
        assert_eq!(
            id_name("arn:aws:ec2:eu-west-2:123:instance/i-0abc"),
            "i-0abc"
        );
        assert_eq!(id_name("arn:aws:s3:::bucket-name"), "bucket-name");
    }
}
