//! How a host function is declared and registered: one [`Function`] entry
//! (name, doc line, body) in [`super::FUNCTIONS`], whose [`Body`] says how
//! its arguments are read. Graph functions read their node argument without
//! converting it and return nodes as shared `NodeVal`s, so no node map is
//! copied per call.

use std::sync::Arc;

use cel::common::types::{CelList, CelString};
use cel::common::value::{CowVal, Val};
use cel::{ExecutionError, FunctionContext, Value};
use petgraph::stable_graph::NodeIndex;

use super::Facts;
use super::value::{NodeVal, describe};

/// Why registering cannot fail: every name in the registry is distinct and
/// none is declared by the CEL environment.
pub(super) const FREE: &str = "host function names are free";

/// What a typed host function returns.
pub(super) type R = Result<Value, ExecutionError>;

/// One host function: its name, its doc line (`signature: what it gives`,
/// as `docs/policies.md` lists it) and its body.
pub struct Function {
    pub name: &'static str,
    pub doc: &'static str,
    pub(super) body: Body,
}

impl Function {
    /// The signature part of the doc line: `outgoing(n, 'edge')`.
    pub fn signature(&self) -> &'static str {
        self.doc.split(": ").next().unwrap_or(self.doc)
    }

    /// What it gives: the doc line after the signature.
    pub fn gives(&self) -> &'static str {
        self.doc.split_once(": ").map_or("", |(_, g)| g)
    }
}

/// How a host function reads its arguments.
pub(super) enum Body {
    /// Its first argument is a node or a node id; an id the estate lacks gives
    /// the `Missing` value.
    Node(fn(&Facts, NodeIndex) -> Ret, Missing),
    /// A node first, then arguments of its own, read from the call.
    NodeWith(fn(&Facts, NodeIndex, &FunctionContext) -> Result<Ret, ExecutionError>),
    /// A node or any id (numbers by id: a region key the graph lacks, too).
    Id(fn(&Facts, &str) -> Value),
    /// Reads all of its arguments from the call.
    Call(fn(&Facts, &FunctionContext) -> Result<Ret, ExecutionError>),
    /// Typed arguments, converted by cel itself: the `fn` registers the
    /// handler under the name given.
    Typed(fn(&mut cel::Context<'static, 'static>, &'static str, &Arc<Facts>)),
}

/// What a node function gives for an id the estate does not have: nothing to traverse.
#[derive(Clone, Copy)]
pub(super) enum Missing {
    Null,
    NoNodes,
}

/// A function as cel registers it: reads its arguments from the call.
type HostFn = Box<
    dyn for<'c, 'k> Fn(&mut FunctionContext<'c, 'k>) -> Result<CowVal<'c, 'k>, ExecutionError>
        + Send
        + Sync,
>;

impl Function {
    /// Add this function to `ctx`, reading `facts`.
    pub(super) fn register(&self, ctx: &mut cel::Context<'static, 'static>, facts: &Arc<Facts>) {
        let name = self.name;
        let f = facts.clone();
        let host: HostFn = match self.body {
            Body::Node(body, missing) => Box::new(move |ftx: &mut FunctionContext| {
                let ret = match node_arg(&f, ftx, name)? {
                    Arg::Node(i) => body(&f, i),
                    Arg::Unknown(_) => match missing {
                        Missing::Null => Ret::Value(Value::Null),
                        Missing::NoNodes => Ret::Nodes(Vec::new()),
                    },
                };
                ret.into_val(&f)
            }),
            Body::NodeWith(body) => Box::new(move |ftx: &mut FunctionContext| {
                let ret = match node_arg(&f, ftx, name)? {
                    Arg::Node(i) => body(&f, i, ftx)?,
                    Arg::Unknown(_) => Ret::Nodes(Vec::new()),
                };
                ret.into_val(&f)
            }),
            Body::Id(body) => Box::new(move |ftx: &mut FunctionContext| {
                let id = match node_arg(&f, ftx, name)? {
                    Arg::Node(i) => f.model.graph[i].id.to_string(),
                    Arg::Unknown(id) => id,
                };
                Ok(CowVal::Owned(body(&f, &id).try_into()?))
            }),
            Body::Call(body) => {
                Box::new(move |ftx: &mut FunctionContext| body(&f, ftx)?.into_val(&f))
            }
            Body::Typed(register) => return register(ctx, name, facts),
        };
        ctx.add_function(name, host).expect(FREE);
    }
}

/// What a graph function gives back.
pub(super) enum Ret {
    Value(Value),
    Nodes(Vec<NodeIndex>),
    Node(Option<NodeIndex>),
    List(Vec<Box<dyn Val>>),
}

impl Ret {
    fn into_val<'c, 'k>(self, f: &Facts) -> Result<CowVal<'c, 'k>, ExecutionError> {
        Ok(match self {
            Ret::Value(v) => CowVal::Owned(v.try_into()?),
            Ret::Nodes(v) => CowVal::Owned(Box::new(CelList::from(
                v.into_iter()
                    .map(|i| Box::new(f.node_val(i)) as Box<dyn Val>)
                    .collect::<Vec<_>>(),
            ))),
            Ret::Node(Some(i)) => CowVal::Owned(Box::new(f.node_val(i))),
            Ret::Node(None) => CowVal::Owned(Value::Null.try_into()?),
            Ret::List(v) => CowVal::Owned(Box::new(CelList::from(v))),
        })
    }
}

/// A function's node argument.
enum Arg {
    Node(NodeIndex),
    /// A string (or a map's `id`) that names no node.
    Unknown(String),
}

fn node_arg(f: &Facts, ftx: &FunctionContext, name: &str) -> Result<Arg, ExecutionError> {
    let Some(a) = ftx.args.first() else {
        return Err(ExecutionError::invalid_argument_count(1, 0));
    };
    let v: &dyn Val = a.as_ref();
    if let Some(n) = v.downcast_ref::<NodeVal>() {
        return Ok(Arg::Node(n.idx));
    }
    if let Some(s) = v.downcast_ref::<CelString>() {
        return Ok(match f.model.get(s.inner()) {
            Some(i) => Arg::Node(i),
            None => Arg::Unknown(s.inner().to_string()),
        });
    }
    // A map built in the expression: its `id`.
    let value = Value::try_from(v)?;
    match f.id_of(&value) {
        Some(id) => Ok(match f.model.get(&id) {
            Some(i) => Arg::Node(i),
            None => Arg::Unknown(id),
        }),
        None => Err(ExecutionError::function_error(
            name,
            format!("expected a node or a node id, found {}", describe(&value)),
        )),
    }
}

pub(super) fn str_arg(
    ftx: &FunctionContext,
    i: usize,
    name: &str,
) -> Result<String, ExecutionError> {
    let Some(a) = ftx.args.get(i) else {
        return Err(ExecutionError::invalid_argument_count(
            i + 1,
            ftx.args.len(),
        ));
    };
    match a.as_ref().downcast_ref::<CelString>() {
        Some(s) => Ok(s.inner().to_string()),
        None => Err(ExecutionError::function_error(
            name,
            format!("argument {} must be a string", i + 1),
        )),
    }
}
