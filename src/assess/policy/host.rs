//! The host side of policy evaluation: what a CEL expression sees of the
//! estate. [`Facts`] holds the graph and the assessed numbers (spend,
//! carbon, grid intensity, end-of-life dates); [`context`] registers the
//! functions that answer graph questions over it in Rust.
//!
//! A node reaches CEL as a map of its spec fields plus `id`, `kind`,
//! `name`, `title`, `metadata` (tags, labels, annotations) and derived
//! facts (`time`). Null and empty fields are dropped, so `has(node.owner)`
//! means "an owner is recorded". Node maps are built once per node and
//! shared (CEL values are reference counted).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use cel::common::types::{CelList, CelMap, CelString};
use cel::common::value::{CowVal, Val};
use cel::objects::{Key, Map};
use cel::{ExecutionError, FunctionContext, Value};
use chrono::NaiveDate;
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;

use super::eol::Eol;
use crate::inventory::{Kind, Spec};
use crate::model::{EdgeKind, Model};

/// Host functions and what they return; `policies explain` and the docs list them.
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("node", "node(id): the node with that id, or null"),
    ("nodes", "nodes(kind): every node of a kind ('System')"),
    (
        "dependencies",
        "dependencies(n): what n depends on directly (depends_on, runs_on)",
    ),
    (
        "all_dependencies",
        "all_dependencies(n): everything n depends on, transitively",
    ),
    ("dependents", "dependents(n): what depends on n directly"),
    (
        "all_dependents",
        "all_dependents(n): everything that depends on n, transitively",
    ),
    (
        "outgoing",
        "outgoing(n, 'edge'): nodes n points at along an edge kind (owned_by, part_of, supports, depends_on, integrates_with, runs_on, hosted_in, supplied_by, covered_by, uses, holds, charged_to); each has `edge_label` when the edge has one",
    ),
    (
        "incoming",
        "incoming(n, 'edge'): nodes pointing at n along an edge kind",
    ),
    (
        "integrations",
        "integrations(n): the integrations a system takes part in",
    ),
    (
        "hosting",
        "hosting(n): the hosting chain of a system or resource: resources, their hosts, sites and regions",
    ),
    (
        "countries",
        "countries(n): ISO country codes where n runs or keeps data (regions, sites, a SaaS data_location)",
    ),
    ("owner", "owner(n): the owning team, or null"),
    (
        "capabilities",
        "capabilities(n): capabilities a system supports",
    ),
    (
        "systems",
        "systems(n): systems supporting a capability, running on a resource, supplied by a supplier, holding an asset, using a technology",
    ),
    (
        "suppliers",
        "suppliers(n): suppliers of a system (its own, its contracts', its SaaS)",
    ),
    (
        "contracts",
        "contracts(n): contracts of a system or a supplier",
    ),
    (
        "technologies",
        "technologies(n): technologies a system or resource uses (a system includes its resources')",
    ),
    (
        "eol",
        "eol(technology): its end-of-life date (declared, else endoflife.date's), or null",
    ),
    (
        "days_until",
        "days_until('YYYY-MM-DD'): days from today (negative when past)",
    ),
    ("today", "today(): the evaluation date, 'YYYY-MM-DD'"),
    (
        "shift",
        "shift('YYYY-MM-DD', '3m'): the date moved by a duration (d, w, m, y; '-3m' moves back)",
    ),
    (
        "lifetime",
        "lifetime(fleet): a device fleet's planned life in years (declared, else the factor set's default for its category), or null",
    ),
    (
        "spend",
        "spend(n): {billed, effective, currency} of n in the period (systems, suppliers, capabilities, domains, cost centres; a contract gives its supplier's)",
    ),
    (
        "contracted",
        "contracted(supplier): annual value of the supplier's contracts in force in the period",
    ),
    (
        "total_spend",
        "total_spend(): the period's ledger and billing spend, effective",
    ),
    (
        "unallocated",
        "unallocated('provider'): billing-export spend of a provider ('aws', 'microsoft', '' for all) that maps to no system",
    ),
    (
        "shadow_it",
        "shadow_it(): ledger suppliers the inventory does not know that look like technology: [{supplier, amount, currency, why}]",
    ),
    (
        "carbon",
        "carbon(n): {low, central, high, energy_kwh} kgCO2e of n in the period (a system includes its resources and services)",
    ),
    (
        "grid",
        "grid(region): grid intensity kgCO2e/kWh of a region node or id, or null",
    ),
    (
        "lowest_grid",
        "lowest_grid(region): {region, intensity} the lowest-intensity region of the same provider and jurisdiction, or null",
    ),
    (
        "rank",
        "rank(list_of_numbers): the list sorted descending (for top-N checks)",
    ),
    (
        "sum",
        "sum(list_of_numbers): their total as a double (0.0 for an empty list)",
    ),
    (
        "instance_family",
        "instance_family(type): the family of a cloud instance type: 'm5' for m5.large, 'db.r4' for db.r4.xlarge, 'Standard_D_v5' for Standard_D4s_v5, 'Standard_A_v1' for Standard_A2",
    ),
];

/// Everything host functions read. Shared read-only across evaluation threads.
pub struct Facts {
    pub model: Arc<Model>,
    pub name: String,
    pub today: NaiveDate,
    pub currency: String,
    pub eol: Eol,
    values: Vec<OnceLock<NodeVal>>,
    /// Node id → (billed, effective) in the estate's currency.
    pub spend: HashMap<String, (f64, f64)>,
    /// Supplier id → annual contracted value in force.
    pub contracted: HashMap<String, f64>,
    pub total_spend: f64,
    /// Provider name (lowercase) → unallocated effective billing-export spend.
    pub unallocated: HashMap<String, f64>,
    pub shadow: Vec<Value>,
    /// Node id → (low, central, high, kWh).
    pub carbon: HashMap<String, [f64; 4]>,
    /// `provider:region` → kgCO2e/kWh.
    pub grid: HashMap<String, f64>,
    /// `provider:jurisdiction` → (region, intensity) of the lowest.
    pub lowest: HashMap<String, (String, f64)>,
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
            total_spend: 0.0,
            unallocated: HashMap::new(),
            shadow: Vec::new(),
            carbon: HashMap::new(),
            grid: HashMap::new(),
            lowest: HashMap::new(),
            lifetimes: HashMap::new(),
            eol_dates,
        }
    }

    /// Take in the carbon estimate: per item, per system, site and supplier.
    pub fn add_carbon(
        &mut self,
        est: &crate::assess::carbon::Estimate,
        basis: crate::assess::carbon::Basis,
    ) {
        for i in &est.items {
            let r = i.co2e(basis);
            let v = [r.low, r.central, r.high, i.energy_kwh.central];
            let keys = [
                Some(&i.id),
                i.system.as_ref(),
                i.site.as_ref(),
                i.supplier.as_ref(),
            ];
            let mut seen: Vec<&String> = Vec::new();
            for k in keys.into_iter().flatten() {
                if seen.contains(&k) {
                    continue;
                }
                seen.push(k);
                let e = self.carbon.entry(k.clone()).or_insert([0.0; 4]);
                for j in 0..4 {
                    e[j] += v[j];
                }
            }
        }
    }

    /// Take in the spend result (the estate's currency only).
    pub fn add_spend(&mut self, s: &crate::assess::spend::Spend) {
        use rust_decimal::prelude::ToPrimitive;
        let f = |d: rust_decimal::Decimal| d.to_f64().unwrap_or(0.0);
        let Some(l) = s.currencies.get(&self.currency) else {
            return;
        };
        for m in [
            &l.by_system,
            &l.by_supplier,
            &l.by_capability,
            &l.by_domain,
            &l.by_cost_centre,
            &l.by_resource,
        ] {
            for (k, c) in m {
                let e = self.spend.entry(k.clone()).or_insert((0.0, 0.0));
                e.0 += f(c.billed);
                e.1 += f(c.effective);
            }
        }
        self.total_spend = f(l.total.effective);
        for (provider, c) in &l.unallocated_by_provider {
            *self.unallocated.entry(provider.clone()).or_insert(0.0) += f(c.effective);
            *self.unallocated.entry(String::new()).or_insert(0.0) += f(c.effective);
        }
        self.shadow = s
            .shadow
            .iter()
            .map(|sh| {
                map([
                    ("supplier", Value::from(sh.supplier.clone())),
                    ("amount", Value::Float(f(sh.total))),
                    ("currency", Value::from(sh.currency.clone())),
                    ("why", Value::from(sh.why.clone())),
                ])
            })
            .collect();
    }

    /// Contracted annual values per supplier, for contracts in force on some day of the period.
    pub fn add_contracts(&mut self, period: crate::settings::Period) {
        use rust_decimal::prelude::ToPrimitive;
        for idx in self.model.nodes_of(Kind::Contract) {
            let n = &self.model.graph[idx];
            let Some(Spec::Contract(c)) = &n.spec else {
                continue;
            };
            if c.end.value < period.start || c.start.value > period.end {
                continue;
            }
            let years =
                ((c.end.value.0 - c.start.value.0).num_days() as f64 / 365.25).max(1.0 / 12.0);
            let annual = match &c.annual_value {
                Some(a) => a.0.to_f64().unwrap_or(0.0),
                None => c.value.0.to_f64().unwrap_or(0.0) / years.max(1.0),
            };
            *self.contracted.entry(c.supplier.value.id()).or_insert(0.0) += annual;
        }
    }

    /// Grid intensities of every region the factor set knows, and the lowest per provider and jurisdiction.
    pub fn add_grids(&mut self, grids: impl IntoIterator<Item = (String, String, f64)>) {
        for (provider, region, g) in grids {
            let key = format!("{provider}:{region}");
            if let Some(info) = crate::model::regions::lookup(&provider, &region)
                && !info.jurisdiction.is_empty()
            {
                let j = format!("{provider}:{}", info.jurisdiction);
                let better = self
                    .lowest
                    .get(&j)
                    .is_none_or(|(r, x)| g < *x || (g == *x && region < *r));
                if better {
                    self.lowest.insert(j, (region.clone(), g));
                }
            }
            self.grid.insert(key, g);
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

    /// Resources a system runs on (directly and through hosts), or a resource's own chain,
    /// then their sites and regions.
    pub fn hosting(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = Vec::new();
        let mut stack = vec![idx];
        while let Some(n) = stack.pop() {
            let mut next = self.neighbours(
                n,
                Direction::Outgoing,
                EdgeKind::RunsOn,
                Some(Kind::Resource),
            );
            next.extend(self.neighbours(n, Direction::Outgoing, EdgeKind::HostedIn, None));
            if self.model.graph[n].kind == Kind::System {
                next.extend(self.neighbours(
                    n,
                    Direction::Outgoing,
                    EdgeKind::DependsOn,
                    Some(Kind::Resource),
                ));
            }
            for m in next {
                if m != idx && !out.contains(&m) {
                    out.push(m);
                    stack.push(m);
                }
            }
        }
        out
    }

    pub fn countries(&self, idx: NodeIndex) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !c.is_empty() && !v.iter().any(|x| x == c) {
                v.push(c.to_string());
            }
        };
        let node = &self.model.graph[idx];
        if let Some(Spec::System(s)) = &node.spec
            && let Some(loc) = &s.data_location
        {
            add(&loc.value);
        }
        for h in std::iter::once(idx).chain(self.hosting(idx)) {
            let n = &self.model.graph[h];
            match (&n.spec, n.kind) {
                (Some(Spec::Site(s)), _) => add(&s.country.value),
                (_, Kind::Region) => {
                    if let Some(c) = n.labels.get("country") {
                        add(c);
                    }
                }
                _ => {}
            }
        }
        v.sort();
        v
    }

    pub fn technologies(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut v = self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::Uses,
            Some(Kind::Technology),
        );
        if self.model.graph[idx].kind == Kind::System {
            for h in self.hosting(idx) {
                for t in self.neighbours(
                    h,
                    Direction::Outgoing,
                    EdgeKind::Uses,
                    Some(Kind::Technology),
                ) {
                    if !v.contains(&t) {
                        v.push(t);
                    }
                }
            }
        }
        v.sort_by(|a, b| self.model.graph[*a].id.cmp(&self.model.graph[*b].id));
        v
    }

    pub fn systems(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let node = &self.model.graph[idx];
        let edge = match node.kind {
            Kind::Capability => EdgeKind::Supports,
            Kind::Supplier => EdgeKind::SuppliedBy,
            Kind::InformationAsset => EdgeKind::Holds,
            Kind::Technology => EdgeKind::Uses,
            Kind::Team => EdgeKind::OwnedBy,
            Kind::Domain => EdgeKind::PartOf,
            Kind::Contract => EdgeKind::CoveredBy,
            Kind::CostCentre => EdgeKind::ChargedTo,
            Kind::Resource => {
                let r = self.model.rollup(idx);
                return r.systems.iter().filter_map(|s| self.model.get(s)).collect();
            }
            _ => return Vec::new(),
        };
        let mut v = self.neighbours(idx, Direction::Incoming, edge, Some(Kind::System));
        if node.kind == Kind::Supplier {
            // Systems whose contracts are with this supplier.
            for c in self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::SuppliedBy,
                Some(Kind::Contract),
            ) {
                for s in self.neighbours(
                    c,
                    Direction::Incoming,
                    EdgeKind::CoveredBy,
                    Some(Kind::System),
                ) {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
            }
        }
        if node.kind == Kind::Technology {
            for r in self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::Uses,
                Some(Kind::Resource),
            ) {
                for s in self.systems(r) {
                    if !v.contains(&s) {
                        v.push(s);
                    }
                }
            }
        }
        v.sort_by(|a, b| self.model.graph[*a].id.cmp(&self.model.graph[*b].id));
        v
    }

    pub fn suppliers(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        let mut v = self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::SuppliedBy,
            Some(Kind::Supplier),
        );
        for c in self.neighbours(
            idx,
            Direction::Outgoing,
            EdgeKind::CoveredBy,
            Some(Kind::Contract),
        ) {
            for s in self.neighbours(
                c,
                Direction::Outgoing,
                EdgeKind::SuppliedBy,
                Some(Kind::Supplier),
            ) {
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        }
        v
    }

    pub fn contracts(&self, idx: NodeIndex) -> Vec<NodeIndex> {
        match self.model.graph[idx].kind {
            Kind::Supplier => self.neighbours(
                idx,
                Direction::Incoming,
                EdgeKind::SuppliedBy,
                Some(Kind::Contract),
            ),
            _ => self.neighbours(
                idx,
                Direction::Outgoing,
                EdgeKind::CoveredBy,
                Some(Kind::Contract),
            ),
        }
    }

    /// `provider:region` of a region id (`region:aws:eu-west-2`) or key.
    fn region_key<'a>(&self, id: &'a str) -> &'a str {
        id.strip_prefix("region:").unwrap_or(id)
    }

    /// `{region, intensity}` of the lowest-intensity region with the same provider and jurisdiction.
    fn lowest_grid(&self, id: &str) -> Option<Value> {
        let (provider, region) = self.region_key(id).split_once(':')?;
        let info = crate::model::regions::lookup(provider, region)?;
        self.lowest
            .get(&format!("{provider}:{}", info.jurisdiction))
            .map(|(r, g)| {
                map([
                    ("region", Value::from(r.clone())),
                    ("intensity", Value::Float(*g)),
                ])
            })
    }
}

/// A root CEL context with every host function registered over `facts`.
pub fn context(facts: &Arc<Facts>) -> cel::Context<'static, 'static> {
    let mut ctx = cel::Context::with_env(super::pack::env());
    type R = Result<Value, ExecutionError>;
    // Graph functions read their node argument without converting it and
    // return nodes as shared `NodeVal`s: no node map is copied per call.
    let node_fns: [(&'static str, NodeFn); 17] = [
        ("dependencies", |f, i, _| {
            Ok(Ret::Nodes(f.model.dependencies(i, false)))
        }),
        ("all_dependencies", |f, i, _| {
            Ok(Ret::Nodes(f.model.dependencies(i, true)))
        }),
        ("dependents", |f, i, _| {
            Ok(Ret::Nodes(f.model.dependents(i, false)))
        }),
        ("all_dependents", |f, i, _| {
            Ok(Ret::Nodes(f.model.dependents(i, true)))
        }),
        ("hosting", |f, i, _| Ok(Ret::Nodes(f.hosting(i)))),
        ("countries", |f, i, _| {
            Ok(Ret::Value(Value::List(Arc::new(
                f.countries(i).into_iter().map(Value::from).collect(),
            ))))
        }),
        ("capabilities", |f, i, _| {
            Ok(Ret::Nodes(f.neighbours(
                i,
                Direction::Outgoing,
                EdgeKind::Supports,
                Some(Kind::Capability),
            )))
        }),
        ("systems", |f, i, _| Ok(Ret::Nodes(f.systems(i)))),
        ("suppliers", |f, i, _| Ok(Ret::Nodes(f.suppliers(i)))),
        ("contracts", |f, i, _| Ok(Ret::Nodes(f.contracts(i)))),
        ("technologies", |f, i, _| Ok(Ret::Nodes(f.technologies(i)))),
        ("integrations", |f, i, _| {
            Ok(Ret::Nodes(f.neighbours(
                i,
                Direction::Incoming,
                EdgeKind::IntegratesWith,
                Some(Kind::Integration),
            )))
        }),
        ("owner", |f, i, _| {
            Ok(Ret::Node(
                f.neighbours(i, Direction::Outgoing, EdgeKind::OwnedBy, Some(Kind::Team))
                    .first()
                    .copied(),
            ))
        }),
        ("eol", |f, i, _| {
            Ok(Ret::Value(
                f.eol_dates
                    .get(&i)
                    .copied()
                    .flatten()
                    .map(|d| Value::from(d.to_string()))
                    .unwrap_or(Value::Null),
            ))
        }),
        ("lifetime", |f, i, _| {
            Ok(Ret::Value(
                f.lifetimes
                    .get(&f.model.graph[i].id)
                    .copied()
                    .map(Value::Float)
                    .unwrap_or(Value::Null),
            ))
        }),
        ("outgoing", |f, i, ftx| {
            edges(f, i, ftx, Direction::Outgoing)
        }),
        ("incoming", |f, i, ftx| {
            edges(f, i, ftx, Direction::Incoming)
        }),
    ];
    for (name, body) in node_fns {
        let f = facts.clone();
        let host: HostFn = Box::new(move |ftx: &mut FunctionContext| {
            let ret = match node_arg(&f, ftx, name)? {
                Arg::Node(i) => body(&f, i, ftx)?,
                // An id the estate does not have: nothing to traverse.
                Arg::Unknown(_) => match name {
                    "owner" | "eol" | "lifetime" => Ret::Value(Value::Null),
                    _ => Ret::Nodes(Vec::new()),
                },
            };
            ret.into_val(&f)
        });
        ctx.add_function(name, host)
            .expect("host function names are free");
    }
    // Numbers by id: a node, or an id such as a region key the graph lacks.
    let id_fns: [(&'static str, IdFn); 5] = [
        ("spend", |f, id| {
            let mut id = id.to_string();
            if let Some(i) = f.model.get(&id)
                && let Some(Spec::Contract(c)) = &f.model.graph[i].spec
            {
                id = c.supplier.value.id();
            }
            let (b, e) = f.spend.get(&id).copied().unwrap_or((0.0, 0.0));
            map([
                ("billed", Value::Float(b)),
                ("effective", Value::Float(e)),
                ("currency", Value::from(f.currency.clone())),
            ])
        }),
        ("contracted", |f, id| {
            Value::Float(f.contracted.get(id).copied().unwrap_or(0.0))
        }),
        ("carbon", |f, id| {
            let c = f.carbon.get(id).copied().unwrap_or([0.0; 4]);
            map([
                ("low", Value::Float(c[0])),
                ("central", Value::Float(c[1])),
                ("high", Value::Float(c[2])),
                ("energy_kwh", Value::Float(c[3])),
            ])
        }),
        ("grid", |f, id| {
            f.grid
                .get(f.region_key(id))
                .copied()
                .map(Value::Float)
                .unwrap_or(Value::Null)
        }),
        ("lowest_grid", |f, id| {
            f.lowest_grid(id).unwrap_or(Value::Null)
        }),
    ];
    for (name, body) in id_fns {
        let f = facts.clone();
        let host: HostFn = Box::new(move |ftx: &mut FunctionContext| {
            let id = match node_arg(&f, ftx, name)? {
                Arg::Node(i) => f.model.graph[i].id.clone(),
                Arg::Unknown(id) => id,
            };
            Ok(CowVal::Owned(body(&f, &id).try_into()?))
        });
        ctx.add_function(name, host)
            .expect("host function names are free");
    }
    {
        let f = facts.clone();
        let host: HostFn = Box::new(move |ftx: &mut FunctionContext| {
            let id = str_arg(ftx, 0, "node")?;
            Ret::Node(f.model.get(&id)).into_val(&f)
        });
        ctx.add_function("node", host).expect("free");
    }
    {
        let f = facts.clone();
        let host: HostFn = Box::new(move |ftx: &mut FunctionContext| {
            let kind = str_arg(ftx, 0, "nodes")?;
            let Some(k) =
                Kind::from_name(&kind).or((kind.as_str() == "Region").then_some(Kind::Region))
            else {
                return Err(ExecutionError::function_error(
                    "nodes",
                    format!("unknown kind `{kind}`"),
                ));
            };
            Ret::Nodes(f.model.nodes_of(k)).into_val(&f)
        });
        ctx.add_function("nodes", host).expect("free");
    }
    {
        let f = facts.clone();
        ctx.add_function("days_until", move |d: Arc<String>| -> R {
            let date = crate::inventory::Date::parse(&d)
                .map_err(|e| ExecutionError::function_error("days_until", e))?;
            Ok(Value::Int((date.0 - f.today).num_days()))
        })
        .expect("free");
    }
    ctx.add_function("shift", |d: Arc<String>, by: Arc<String>| -> R {
        let err = |e: String| ExecutionError::function_error("shift", e);
        let date = crate::inventory::Date::parse(&d).map_err(err)?;
        let (back, text) = match by.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, by.as_str()),
        };
        let dur = crate::inventory::Duration::parse(text).map_err(err)?;
        let moved = if back {
            dur.before(date.0)
        } else {
            dur.after(date.0)
        };
        Ok(Value::from(moved.to_string()))
    })
    .expect("free");
    {
        let f = facts.clone();
        ctx.add_function("today", move || -> R {
            Ok(Value::from(f.today.to_string()))
        })
        .expect("free");
    }
    {
        let f = facts.clone();
        ctx.add_function("total_spend", move || -> R {
            Ok(Value::Float(f.total_spend))
        })
        .expect("free");
    }
    {
        let f = facts.clone();
        ctx.add_function("unallocated", move |p: Arc<String>| -> R {
            Ok(Value::Float(
                f.unallocated
                    .get(&p.to_ascii_lowercase())
                    .copied()
                    .unwrap_or(0.0),
            ))
        })
        .expect("free");
    }
    {
        let f = facts.clone();
        ctx.add_function("shadow_it", move || -> R {
            Ok(Value::List(Arc::new(f.shadow.clone())))
        })
        .expect("free");
    }
    ctx.add_function("instance_family", |t: Arc<String>| -> R {
        Ok(Value::from(instance_family(&t)))
    })
    .expect("free");
    ctx.add_function("rank", |l: Arc<Vec<Value>>| -> R {
        let mut v = numbers("rank", &l)?;
        v.sort_by(|a, b| b.total_cmp(a));
        Ok(Value::List(Arc::new(
            v.into_iter().map(Value::Float).collect(),
        )))
    })
    .expect("free");
    ctx.add_function("sum", |l: Arc<Vec<Value>>| -> R {
        Ok(Value::Float(numbers("sum", &l)?.iter().sum()))
    })
    .expect("free");
    ctx
}

/// A function as cel registers it: reads its arguments from the call.
type HostFn = Box<
    dyn for<'c, 'k> Fn(&mut FunctionContext<'c, 'k>) -> Result<CowVal<'c, 'k>, ExecutionError>
        + Send
        + Sync,
>;
type NodeFn = fn(&Facts, NodeIndex, &FunctionContext) -> Result<Ret, ExecutionError>;
type IdFn = fn(&Facts, &str) -> Value;

/// What a graph function gives back.
enum Ret {
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

fn str_arg(ftx: &FunctionContext, i: usize, name: &str) -> Result<String, ExecutionError> {
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

/// `outgoing(n, 'edge')` / `incoming(n, 'edge')`: the nodes at the other end;
/// a labelled edge's node gets the label as `edge_label`.
fn edges(
    f: &Facts,
    i: NodeIndex,
    ftx: &FunctionContext,
    dir: Direction,
) -> Result<Ret, ExecutionError> {
    use petgraph::visit::EdgeRef;
    let name = if dir == Direction::Outgoing {
        "outgoing"
    } else {
        "incoming"
    };
    let edge = str_arg(ftx, 1, name)?;
    let Some(kind) = EdgeKind::parse(&edge) else {
        return Err(ExecutionError::function_error(
            name,
            format!("unknown edge kind `{edge}`"),
        ));
    };
    let mut out: Vec<Box<dyn Val>> = Vec::new();
    for e in f
        .model
        .graph
        .edges_directed(i, dir)
        .filter(|e| e.weight().kind == kind)
    {
        let other = if dir == Direction::Outgoing {
            e.target()
        } else {
            e.source()
        };
        let node = f.node_val(other);
        match &e.weight().label {
            // A copy of the node's fields with the label added.
            Some(label) => {
                let mut fields = (*node.fields).clone().into_inner();
                fields.insert(
                    cel::common::types::CelMapKey::from("edge_label".to_string()),
                    Box::new(CelString::from(label.clone())),
                );
                out.push(Box::new(CelMap::from(fields)));
            }
            None => out.push(Box::new(node)),
        }
    }
    Ok(Ret::List(out))
}

/// A node as CEL sees it: its fields, converted to CEL's representation once
/// and shared, and its index, so passing a node to a graph function or
/// returning one from it copies a pointer.
#[derive(Clone, Debug)]
pub struct NodeVal {
    pub idx: NodeIndex,
    fields: Arc<CelMap<'static>>,
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

/// The family of a cloud instance type (see `FUNCTIONS`).
pub fn instance_family(t: &str) -> String {
    if let Some(rest) = t
        .strip_prefix("Standard_")
        .or_else(|| t.strip_prefix("Basic_"))
    {
        let tier = &t[..t.len() - rest.len()];
        let series: String = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let version = rest
            .rsplit_once("_v")
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or("1");
        return format!("{tier}{series}_v{version}");
    }
    match t.rsplit_once('.') {
        Some((family, _)) => family.to_string(),
        None => t.to_string(),
    }
}

/// The numbers of a CEL list; anything else in it is an error naming the function.
fn numbers(function: &str, l: &[Value]) -> Result<Vec<f64>, ExecutionError> {
    l.iter()
        .map(|x| match x {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            Value::UInt(u) => Ok(*u as f64),
            other => Err(ExecutionError::function_error(
                function,
                format!(
                    "expected a list of numbers, found {} in it",
                    describe(other)
                ),
            )),
        })
        .collect()
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let m: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
        .collect();
    Value::Map(Map { map: Arc::new(m) })
}

/// A node's fields as JSON: its spec plus id, kind, name, title, description, metadata.
fn node_json(model: &Model, idx: NodeIndex) -> serde_json::Value {
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
fn json_to_val(v: &serde_json::Value) -> Option<Box<dyn Val>> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn instance_families() {
        for (t, f) in [
            ("m5.large", "m5"),
            ("t2.micro", "t2"),
            ("db.r4.xlarge", "db.r4"),
            ("Standard_D4s_v5", "Standard_D_v5"),
            ("Standard_DS3_v2", "Standard_DS_v2"),
            ("Standard_A2", "Standard_A_v1"),
            ("Standard_B2ms", "Standard_B_v1"),
            ("Basic_A1", "Basic_A_v1"),
            ("GP_Gen5_8", "GP_Gen5_8"),
        ] {
            assert_eq!(super::instance_family(t), f, "{t}");
        }
    }

    #[test]
    fn every_host_function_is_documented() {
        let doc = include_str!("../../../docs/policies.md");
        for (name, help) in super::FUNCTIONS {
            let sig = help.split(": ").next().unwrap();
            assert!(
                doc.contains(&format!("`{sig}`")),
                "docs/policies.md lacks `{sig}`"
            );
            assert!(sig.starts_with(&format!("{name}(")), "{name}: {sig}");
        }
    }
}
