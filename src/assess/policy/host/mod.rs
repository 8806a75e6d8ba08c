//! The host side of policy evaluation: what a CEL expression sees of the
//! estate. [`Facts`] holds the graph and the assessed numbers (spend,
//! carbon, grid intensity, end-of-life dates); [`context`] registers the
//! host functions of [`FUNCTIONS`] over it, which answer graph questions in
//! Rust.
//!
//! Each host function is one [`Function`] entry in [`FUNCTIONS`]: its name,
//! its doc line (what `docs/policies.md` lists; a test keeps the two in
//! step) and its body, written in the file of its theme: [`graph`]
//! (traversals), [`dates`] (lifecycle), [`money`] (spend), [`carbon`]
//! (emissions and grids), [`numbers`] (list and string helpers). Adding a
//! function is a body in its theme, one entry here and one doc line.
//!
//! A node reaches CEL as a map of its spec fields plus `id`, `kind`,
//! `name`, `title`, `metadata` (tags, labels, annotations) and derived
//! facts (`time`). Null and empty fields are dropped, so `has(node.owner)`
//! means "an owner is recorded". Node maps are built once per node and
//! shared (CEL values are reference counted); see [`value`].

mod carbon;
mod dates;
mod graph;
mod money;
mod numbers;
mod registry;
mod value;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use cel::Value;
use cel::common::types::CelMap;
use cel::objects::Key;
use chrono::NaiveDate;
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use rust_decimal::Decimal;

use super::eol::Eol;
use crate::inventory::Kind;
use crate::model::{EdgeKind, Model};
pub use carbon::{Footprint, Lowest};
pub use money::Spent;
pub use numbers::instance_family;
pub use registry::Function;
use registry::{Body, Missing};
pub use value::{NodeVal, describe, display, json_to_cel};
use value::{json_to_val, map, node_json};

/// Every host function, in the order `policies` suggestions consider them.
pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "node",
        doc: "node(id): the node with that id, or null",
        body: Body::Call(graph::node),
    },
    Function {
        name: "nodes",
        doc: "nodes(kind): every node of a kind ('System')",
        body: Body::Call(graph::nodes),
    },
    Function {
        name: "dependencies",
        doc: "dependencies(n): what n depends on directly (depends_on, runs_on)",
        body: Body::Node(graph::dependencies, Missing::NoNodes),
    },
    Function {
        name: "all_dependencies",
        doc: "all_dependencies(n): everything n depends on, transitively",
        body: Body::Node(graph::all_dependencies, Missing::NoNodes),
    },
    Function {
        name: "dependents",
        doc: "dependents(n): what depends on n directly",
        body: Body::Node(graph::dependents, Missing::NoNodes),
    },
    Function {
        name: "all_dependents",
        doc: "all_dependents(n): everything that depends on n, transitively",
        body: Body::Node(graph::all_dependents, Missing::NoNodes),
    },
    Function {
        name: "outgoing",
        doc: "outgoing(n, 'edge'): nodes n points at along an edge kind (owned_by, part_of, supports, depends_on, integrates_with, runs_on, hosted_in, supplied_by, covered_by, uses, holds, charged_to); each has `edge_label` when the edge has one",
        body: Body::NodeWith(graph::outgoing),
    },
    Function {
        name: "incoming",
        doc: "incoming(n, 'edge'): nodes pointing at n along an edge kind",
        body: Body::NodeWith(graph::incoming),
    },
    Function {
        name: "integrations",
        doc: "integrations(n): the integrations a system takes part in",
        body: Body::Node(graph::integrations, Missing::NoNodes),
    },
    Function {
        name: "hosting",
        doc: "hosting(n): the hosting chain of a system or resource: resources, their hosts, sites and regions",
        body: Body::Node(graph::hosting, Missing::NoNodes),
    },
    Function {
        name: "countries",
        doc: "countries(n): ISO country codes where n runs or keeps data (regions, sites, a SaaS data_location)",
        body: Body::Node(graph::countries, Missing::NoNodes),
    },
    Function {
        name: "owner",
        doc: "owner(n): the owning team, or null",
        body: Body::Node(graph::owner, Missing::Null),
    },
    Function {
        name: "capabilities",
        doc: "capabilities(n): capabilities a system supports",
        body: Body::Node(graph::capabilities, Missing::NoNodes),
    },
    Function {
        name: "systems",
        doc: "systems(n): systems supporting a capability, running on a resource, supplied by a supplier, holding an asset, using a technology",
        body: Body::Node(graph::systems, Missing::NoNodes),
    },
    Function {
        name: "suppliers",
        doc: "suppliers(n): suppliers of a system (its own, its contracts', its SaaS)",
        body: Body::Node(graph::suppliers, Missing::NoNodes),
    },
    Function {
        name: "contracts",
        doc: "contracts(n): contracts of a system or a supplier",
        body: Body::Node(graph::contracts, Missing::NoNodes),
    },
    Function {
        name: "technologies",
        doc: "technologies(n): technologies a system or resource uses (a system includes its resources')",
        body: Body::Node(graph::technologies, Missing::NoNodes),
    },
    Function {
        name: "eol",
        doc: "eol(technology): its end-of-life date (declared, else endoflife.date's), or null",
        body: Body::Node(dates::eol, Missing::Null),
    },
    Function {
        name: "days_until",
        doc: "days_until('YYYY-MM-DD'): days from today (negative when past)",
        body: Body::Typed(dates::days_until),
    },
    Function {
        name: "today",
        doc: "today(): the evaluation date, 'YYYY-MM-DD'",
        body: Body::Typed(dates::today),
    },
    Function {
        name: "shift",
        doc: "shift('YYYY-MM-DD', '3m'): the date moved by a duration (d, w, m, y; '-3m' moves back)",
        body: Body::Typed(dates::shift),
    },
    Function {
        name: "lifetime",
        doc: "lifetime(fleet): a device fleet's planned life in years (declared, else the factor set's default for its category), or null",
        body: Body::Node(dates::lifetime, Missing::Null),
    },
    Function {
        name: "spend",
        doc: "spend(n): {billed, effective, currency} of n in the period (systems, suppliers, capabilities, domains, cost centres; a contract gives its supplier's)",
        body: Body::Id(money::spend),
    },
    Function {
        name: "contracted",
        doc: "contracted(supplier): annual value of the supplier's contracts in force in the period",
        body: Body::Id(money::contracted),
    },
    Function {
        name: "total_spend",
        doc: "total_spend(): the period's ledger and billing spend, effective",
        body: Body::Typed(money::total_spend),
    },
    Function {
        name: "unallocated",
        doc: "unallocated('provider'): billing-export spend of a provider ('aws', 'microsoft', '' for all) that maps to no system",
        body: Body::Typed(money::unallocated),
    },
    Function {
        name: "shadow_it",
        doc: "shadow_it(): ledger suppliers the inventory does not know that look like technology: [{supplier, amount, currency, why}]",
        body: Body::Typed(money::shadow_it),
    },
    Function {
        name: "carbon",
        doc: "carbon(n): {low, central, high, energy_kwh} kgCO2e of n in the period (a system includes its resources and services)",
        body: Body::Id(carbon::carbon),
    },
    Function {
        name: "grid",
        doc: "grid(region): grid intensity kgCO2e/kWh of a region node or id, or null",
        body: Body::Id(carbon::grid),
    },
    Function {
        name: "lowest_grid",
        doc: "lowest_grid(region): {region, intensity} the lowest-intensity region of the same provider and jurisdiction, or null",
        body: Body::Id(carbon::lowest_grid),
    },
    Function {
        name: "rank",
        doc: "rank(list_of_numbers): the list sorted descending (for top-N checks)",
        body: Body::Typed(numbers::rank),
    },
    Function {
        name: "sum",
        doc: "sum(list_of_numbers): their total as a double (0.0 for an empty list)",
        body: Body::Typed(numbers::sum),
    },
    Function {
        name: "instance_family",
        doc: "instance_family(type): the family of a cloud instance type: 'm5' for m5.large, 'db.r4' for db.r4.xlarge, 'Standard_D_v5' for Standard_D4s_v5, 'Standard_A_v1' for Standard_A2",
        body: Body::Typed(numbers::family),
    },
];

/// A root CEL context with every host function registered over `facts`.
pub fn context(facts: &Arc<Facts>) -> cel::Context<'static, 'static> {
    let mut ctx = cel::Context::with_env(super::pack::env());
    for function in FUNCTIONS {
        function.register(&mut ctx, facts);
    }
    ctx
}

/// Everything host functions read. Shared read-only across evaluation threads.
pub struct Facts {
    pub model: Arc<Model>,
    pub name: String,
    pub today: NaiveDate,
    pub currency: String,
    pub eol: Eol,
    values: Vec<OnceLock<NodeVal>>,
    /// Node id → its spend in the estate's currency.
    pub spend: HashMap<String, Spent>,
    /// Supplier id → annual contracted value in force.
    pub contracted: HashMap<String, Decimal>,
    pub total_spend: Decimal,
    /// Provider name (lowercase) → unallocated effective billing-export spend;
    /// `""` → all providers'.
    pub unallocated: HashMap<String, Decimal>,
    /// Ledger suppliers the inventory does not know that look like technology.
    pub shadow: Vec<crate::assess::spend::Shadow>,
    /// Node id → its footprint.
    pub carbon: HashMap<crate::model::NodeId, Footprint>,
    /// `provider:region` → kgCO2e/kWh.
    pub grid: HashMap<String, f64>,
    /// `provider:jurisdiction` → the lowest-intensity region.
    pub lowest: HashMap<String, Lowest>,
    /// Device fleet id → planned life in years.
    pub lifetimes: HashMap<String, f64>,
    /// Technology → its end-of-life date (declared, else the snapshot's), looked up once.
    eol_dates: HashMap<NodeIndex, Option<NaiveDate>>,
}

impl Facts {
    pub fn new(model: Arc<Model>, name: &str, today: NaiveDate, currency: &str, eol: Eol) -> Facts {
        let n = petgraph::visit::NodeIndexable::node_bound(&model.graph);
        let eol_dates = model
            .nodes_of(Kind::Technology)
            .into_iter()
            .map(|i| (i, eol.end_of_life(&model.graph[i])))
            .collect();
        Facts {
            model,
            name: name.to_string(),
            today,
            currency: currency.to_string(),
            eol,
            values: (0..n).map(|_| OnceLock::new()).collect(),
            spend: HashMap::new(),
            contracted: HashMap::new(),
            total_spend: Decimal::ZERO,
            unallocated: HashMap::new(),
            shadow: Vec::new(),
            carbon: HashMap::new(),
            grid: HashMap::new(),
            lowest: HashMap::new(),
            lifetimes: HashMap::new(),
            eol_dates,
        }
    }

    /// A technology's end-of-life date (declared, else endoflife.date's).
    pub fn eol_of(&self, idx: NodeIndex) -> Option<NaiveDate> {
        self.eol_dates.get(&idx).copied().flatten()
    }

    /// A node as CEL sees it (converted once, then shared).
    pub fn node_val(&self, idx: NodeIndex) -> NodeVal {
        self.values[idx.index()]
            .get_or_init(|| {
                let fields = match json_to_val(&node_json(&self.model, idx))
                    .and_then(|v| v.into_builtin())
                {
                    Some(cel::common::value::Builtin::Map(m)) => m,
                    _ => CelMap::from(std::collections::HashMap::new()),
                };
                NodeVal {
                    idx,
                    fields: Arc::new(fields),
                }
            })
            .clone()
    }

    /// The `node` of estate-wide rules.
    pub fn estate_value(&self) -> Value {
        let count = |k: Kind| {
            Value::Int(
                self.model
                    .graph
                    .node_weights()
                    .filter(|n| n.kind == k)
                    .count() as i64,
            )
        };
        map([
            ("id", Value::from("estate")),
            ("kind", Value::from(super::ESTATE)),
            ("name", Value::from(self.name.clone())),
            ("systems", count(Kind::System)),
            ("resources", count(Kind::Resource)),
            ("suppliers", count(Kind::Supplier)),
        ])
    }

    fn id_of(&self, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.to_string()),
            Value::Map(m) => match m.get(&Key::String(Arc::new("id".into()))) {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    fn neighbours(
        &self,
        idx: NodeIndex,
        dir: Direction,
        edge: EdgeKind,
        kind: Option<Kind>,
    ) -> Vec<NodeIndex> {
        self.model
            .neighbours(idx, dir, &[edge])
            .into_iter()
            .filter(|n| kind.is_none_or(|k| self.model.graph[*n].kind == k))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The rows of the host-function table in docs/policies.md: signature → what it gives.
    fn documented() -> BTreeMap<String, String> {
        let doc = include_str!("../../../../docs/policies.md");
        let section = doc
            .split("## Graph functions")
            .nth(1)
            .expect("docs/policies.md has a `## Graph functions` section");
        let section = section.split("\n## ").next().unwrap_or(section);
        section
            .lines()
            .filter_map(|l| {
                let row = l.strip_prefix("| `")?;
                let (sig, rest) = row.split_once("` | ")?;
                Some((sig.to_string(), rest.trim_end_matches(" |").to_string()))
            })
            .collect()
    }

    #[test]
    fn docs_list_exactly_the_registered_host_functions() {
        let documented = documented();
        let registered: BTreeMap<String, String> = super::FUNCTIONS
            .iter()
            .map(|f| (f.signature().to_string(), f.gives().to_string()))
            .collect();
        for f in super::FUNCTIONS {
            assert!(
                f.signature().starts_with(&format!("{}(", f.name)),
                "{}: its doc line must start with its signature, found `{}`",
                f.name,
                f.signature()
            );
        }
        for (sig, gives) in &registered {
            assert_eq!(
                documented.get(sig),
                Some(gives),
                "docs/policies.md must document `{sig}` as the registry does"
            );
        }
        for sig in documented.keys() {
            assert!(
                registered.contains_key(sig),
                "docs/policies.md documents `{sig}`, which no host function registers"
            );
        }
        assert_eq!(
            registered.len(),
            super::FUNCTIONS.len(),
            "duplicate signatures"
        );
    }
}
