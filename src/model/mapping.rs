//! Mapping rules (kind: Mapping): which system a collected resource or a
//! billing line belongs to, from its provider, account, region, resource
//! group, Kubernetes namespace/cluster, name and tags.
//!
//! Rules are tried in declaration order; the first whose every given
//! condition holds wins. `name` is a glob (`crm-*`) matched against the
//! resource's name. Tag values match exactly; keys are case-sensitive.

use globset::{Glob, GlobMatcher};

use super::Model;
use crate::inventory::kinds::{MappingMatch, Provider};
use crate::inventory::{Kind, Spec};

/// What is known about a thing to be mapped.
#[derive(Debug, Default)]
pub struct Facts<'a> {
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
    anchored: std::collections::HashMap<Anchor, Vec<usize>>,
    always: Vec<usize>,
}

/// A condition every match of a rule has: a tag (exact), a cluster or an
/// account (lower case, as they compare ignoring case).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Anchor {
    Tag(String, String),
    Cluster(String),
    Account(String),
}

fn anchor(w: &MappingMatch) -> Option<Anchor> {
    if let Some((k, v)) = w.tags.iter().next() {
        Some(Anchor::Tag(k.clone(), v.clone()))
    } else if let Some(c) = &w.cluster {
        Some(Anchor::Cluster(c.to_ascii_lowercase()))
    } else {
        w.account
            .as_ref()
            .map(|a| Anchor::Account(a.to_ascii_lowercase()))
    }
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
        let mut anchored: std::collections::HashMap<Anchor, Vec<usize>> = Default::default();
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match anchor(&r.when) {
                Some(a) => anchored.entry(a).or_default().push(i),
                None => always.push(i),
            }
        }
        Mapper {
            rules,
            anchored,
            always,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The systems (with weights) of the first rule that matches, with the rule's position.
    pub fn systems(&self, f: &Facts<'_>) -> Option<(&[(String, f64)], usize)> {
        let mut candidates = self.always.clone();
        let mut add = |a: Anchor| {
            if let Some(v) = self.anchored.get(&a) {
                candidates.extend_from_slice(v);
            }
        };
        for (k, v) in f.tags {
            add(Anchor::Tag(k.clone(), v.clone()));
        }
        if !f.cluster.is_empty() {
            add(Anchor::Cluster(f.cluster.to_ascii_lowercase()));
        }
        if !f.account.is_empty() {
            add(Anchor::Account(f.account.to_ascii_lowercase()));
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .find(|&i| matches(&self.rules[i], f))
            .map(|i| (self.rules[i].systems.as_slice(), i))
    }
}

fn matches(r: &Rule, f: &Facts<'_>) -> bool {
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
