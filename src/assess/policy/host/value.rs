//! Values between the estate and CEL: a node as CEL sees it ([`NodeVal`],
//! built once per node and shared), JSON to CEL (nulls and empty lists and
//! maps dropped, so `has()` means "recorded"), and CEL values back to text
//! for messages and error reports.

use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::common::types::{CelList, CelMap, CelString};
use cel::common::value::Val;
use cel::objects::{Key, Map};
use petgraph::stable_graph::NodeIndex;

use crate::inventory::Kind;
use crate::model::Model;

/// A node as CEL sees it: its fields, converted to CEL's representation once
/// and shared, and its index, so passing a node to a graph function or
/// returning one from it copies a pointer.
#[derive(Clone, Debug)]
pub struct NodeVal {
    pub idx: NodeIndex,
    pub(super) fields: Arc<CelMap<'static>>,
}

impl Val for NodeVal {
    fn get_type(&self) -> &cel::common::types::Type {
        self.fields.get_type()
    }

    fn cel_type() -> &'static cel::common::types::Type {
        <CelMap as Val>::cel_type()
    }

    fn as_container(&self) -> Option<&dyn cel::common::traits::Container> {
        self.fields.as_container()
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn cel::common::traits::Indexer + 'w)>
    where
        Self: 'w,
    {
        self.fields.as_indexer()
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn cel::common::traits::Iterable + 'w)>
    where
        Self: 'w,
    {
        self.fields.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn cel::common::traits::Sizer> {
        self.fields.as_sizer()
    }

    fn as_zeroer(&self) -> Option<&dyn cel::common::traits::Zeroer> {
        self.fields.as_zeroer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        match other.downcast_ref::<NodeVal>() {
            Some(o) => o.idx == self.idx,
            None => self.fields.equals(other),
        }
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(self.clone())
    }

    fn as_builtin<'b, 'w>(&'b self) -> cel::common::value::BuiltinRef<'b, 'w>
    where
        Self: 'w,
    {
        self.fields.as_builtin()
    }

    fn into_builtin<'w>(self: Box<Self>) -> Option<cel::common::value::Builtin<'w>>
    where
        Self: 'w,
    {
        Some(cel::common::value::Builtin::Map((*self.fields).clone()))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl cel::common::value::StaticVal for NodeVal {}

/// A CEL map from its entries.
pub(super) fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let m: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
        .collect();
    Value::Map(Map { map: Arc::new(m) })
}

/// A node's fields as JSON: its spec plus id, kind, name, title, description, metadata.
pub(super) fn node_json(model: &Model, idx: NodeIndex) -> serde_json::Value {
    let n = &model.graph[idx];
    let mut obj = match n.attributes() {
        serde_json::Value::Object(o) => o,
        _ => serde_json::Map::new(),
    };
    obj.insert("id".into(), n.id.clone().into());
    obj.insert("kind".into(), n.kind.as_str().into());
    obj.insert("name".into(), n.name.clone().into());
    if let Some(t) = &n.title {
        obj.insert("title".into(), t.clone().into());
    }
    if let Some(d) = &n.description {
        obj.insert("description".into(), d.clone().into());
    }
    let mut meta = serde_json::Map::new();
    meta.insert("tags".into(), n.tags.clone().into());
    meta.insert(
        "labels".into(),
        serde_json::to_value(&n.labels).unwrap_or_default(),
    );
    meta.insert(
        "annotations".into(),
        serde_json::to_value(&n.annotations).unwrap_or_default(),
    );
    obj.insert("metadata".into(), serde_json::Value::Object(meta));
    if n.kind == Kind::Region {
        for (k, v) in &n.labels {
            obj.insert(k.clone(), v.clone().into());
        }
        if let Some((p, r)) = n.name.split_once(':') {
            obj.insert("provider".into(), p.into());
            obj.insert("region".into(), r.into());
        }
    }
    serde_json::Value::Object(obj)
}

/// JSON straight to CEL's runtime representation (what binding a variable
/// would convert a `Value` into), dropping nulls and empty lists and maps.
pub(super) fn json_to_val(v: &serde_json::Value) -> Option<Box<dyn Val>> {
    use cel::common::types::{CelBool, CelDouble, CelInt, CelMapKey};
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Box::new(CelBool::from(*b)),
        J::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            None => Box::new(CelDouble::from(n.as_f64()?)),
        },
        J::String(s) => Box::new(CelString::from(s.clone())),
        J::Array(a) => {
            let items: Vec<Box<dyn Val>> = a.iter().filter_map(json_to_val).collect();
            if items.is_empty() {
                return None;
            }
            Box::new(CelList::from(items))
        }
        J::Object(o) => {
            let m: std::collections::HashMap<CelMapKey, Box<dyn Val>> = o
                .iter()
                .filter_map(|(k, v)| Some((CelMapKey::from(k.clone()), json_to_val(v)?)))
                .collect();
            if m.is_empty() {
                return None;
            }
            Box::new(CelMap::from(m))
        }
    })
}

/// JSON to CEL, dropping nulls and empty lists and maps (so `has()` means "recorded").
pub fn json_to_cel(v: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64()?),
        },
        J::String(s) => Value::from(s.clone()),
        J::Array(a) => {
            let items: Vec<Value> = a.iter().filter_map(json_to_cel).collect();
            if items.is_empty() {
                return None;
            }
            Value::List(Arc::new(items))
        }
        J::Object(o) => {
            let m: HashMap<Key, Value> = o
                .iter()
                .filter_map(|(k, v)| Some((Key::String(Arc::new(k.clone())), json_to_cel(v)?)))
                .collect();
            if m.is_empty() {
                return None;
            }
            Value::Map(Map { map: Arc::new(m) })
        }
    })
}

/// A value's type and a short rendering, for error messages.
pub fn describe(v: &Value) -> String {
    let t = match v {
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::Int(_) | Value::UInt(_) => "an int",
        Value::Float(_) => "a double",
        Value::String(_) => "a string",
        Value::Bool(_) => "a bool",
        Value::Null => "null",
        _ => "a value",
    };
    format!("{t} ({})", display(v))
}

/// A value as message text: strings bare, doubles to at most 2 decimals, lists joined.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => {
            let s = format!("{f:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::List(l) => l.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Map(m) => match m.get(&Key::String(Arc::new("id".into()))) {
            Some(id) => display(id),
            None => {
                let mut parts: Vec<String> = m
                    .map
                    .iter()
                    .map(|(k, v)| format!("{}: {}", key_text(k), display(v)))
                    .collect();
                parts.sort();
                format!("{{{}}}", parts.join(", "))
            }
        },
        other => format!("{other:?}"),
    }
}

fn key_text(k: &Key) -> String {
    match k {
        Key::String(s) => s.to_string(),
        Key::Int(i) => i.to_string(),
        Key::Uint(u) => u.to_string(),
        Key::Bool(b) => b.to_string(),
    }
}
