//! `NodeId`: a node's canonical id (`system:payroll`, `resource:aws/i-0abc…`),
//! shared rather than copied.
//!
//! The model creates each id once, when the node is added; every map keyed by
//! node (spend, carbon, policy facts, roadmap state) clones the same
//! reference-counted string, so a million-resource estate holds each id once.
//! It reads as a `&str` (`Deref`, `Borrow<str>`, `Display`) and serialises as
//! the plain string, so JSON outputs are unchanged.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A node's canonical id.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(Arc<str>);

impl NodeId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for NodeId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for NodeId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for NodeId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for NodeId {
    fn from(s: String) -> NodeId {
        NodeId(s.into())
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> NodeId {
        NodeId(s.into())
    }
}

impl From<&String> for NodeId {
    fn from(s: &String) -> NodeId {
        NodeId(s.as_str().into())
    }
}

impl From<NodeId> for String {
    fn from(id: NodeId) -> String {
        id.0.to_string()
    }
}

impl PartialEq<str> for NodeId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for NodeId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for NodeId {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<NodeId> for String {
    fn eq(&self, other: &NodeId) -> bool {
        **self == *other.0
    }
}

impl PartialEq<NodeId> for &str {
    fn eq(&self, other: &NodeId) -> bool {
        **self == *other.0
    }
}

impl From<NodeId> for serde_json::Value {
    fn from(id: NodeId) -> serde_json::Value {
        serde_json::Value::String(id.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn clones_share_one_string_and_read_as_str() {
        let a = NodeId::from("system:payroll");
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "system:payroll");
        assert!(a.starts_with("system:"));
        let mut m: HashMap<NodeId, u8> = HashMap::new();
        m.insert(a, 1);
        assert_eq!(m.get("system:payroll"), Some(&1));
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"system:payroll\"");
    }
}
