//! Policies: the estate's rules written down as code and checked against
//! the graph.
//!
//! A rule (YAML under `policies/`, read by [`pack`]) names the node kinds
//! it applies to, an optional selector (`when`) and the condition that must
//! hold (`require`), both CEL expressions compiled once by the `cel` crate.
//! Graph questions — dependencies, hosting, owners, suppliers, spend,
//! carbon, grid intensity, end-of-life dates — are answered in Rust by the
//! host functions of [`host`]. Evaluation runs per node, all rules of the
//! node's kind together, on all cores; CEL has no loops beyond
//! comprehensions over finite lists, so every evaluation terminates.
//!
//! A finding is a node for which `when` holds and `require` does not. A
//! waiver (rule + node + reason + approver + expiry) turns a finding into a
//! waived one until it expires; an expired waiver raises the finding again
//! and says so. An expression that fails at run time (a missing field, a
//! type mismatch) is an evaluation error, reported with the rule's file and
//! line and the node, never silently a pass.

pub mod eol;
mod expr;
pub mod host;
pub mod pack;
mod shipped;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::Loc;
use crate::inventory::Kind;
pub use host::Facts;
pub use pack::{Pack, Rule, Waiver};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Governance,
    Security,
    Data,
    Carbon,
    Cost,
    Lifecycle,
    Architecture,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Governance => "governance",
            Category::Security => "security",
            Category::Data => "data",
            Category::Carbon => "carbon",
            Category::Cost => "cost",
            Category::Lifecycle => "lifecycle",
            Category::Architecture => "architecture",
        }
    }
}

/// What fixing a finding is worth over a year.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Savings {
    pub currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub co2e_kg: f64,
}

/// The waiver a finding is under (or was, when it has expired).
#[derive(Clone, Debug, Serialize)]
pub struct WaiverNote {
    pub reason: String,
    pub approver: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    /// The node's id (`estate` for estate-wide rules).
    pub id: String,
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savings: Option<Savings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// Where the node is declared (`file:line:col`), for SARIF and people.
    #[serde(skip)]
    pub loc: Option<Loc>,
}

impl Finding {
    pub fn waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(|w| !w.expired)
    }
}

/// An expression that could not be evaluated for a node.
#[derive(Clone, Debug, Serialize)]
pub struct EvalError {
    pub rule: String,
    pub id: String,
    pub expression: String,
    pub message: String,
    #[serde(skip)]
    pub loc: Option<Loc>,
}

#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    /// Open findings (including those whose waiver expired), most severe first, then by savings.
    pub findings: Vec<Finding>,
    /// Findings under a current waiver.
    pub waived: Vec<Finding>,
    pub errors: Vec<EvalError>,
    /// Rules run.
    pub rules: usize,
    /// Rule × node evaluations.
    pub evaluated: u64,
    /// Waivers that matched no finding (stale: the rule passes now, or the node is gone).
    pub unused_waivers: Vec<String>,
}

impl Outcome {
    pub fn by_severity(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.severity.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// The most severe open finding.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// The pseudo-kind of estate-wide rules: evaluated once, with `node` the estate.
pub const ESTATE: &str = "Estate";

/// Run every rule of `pack` over the estate in `facts`.
pub fn check(facts: &Arc<Facts>, pack: &Pack) -> Outcome {
    let model = &facts.model;
    // Rules (by index) by the kinds they apply to.
    let mut by_kind: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
    let mut estate_rules = Vec::new();
    for (i, r) in pack.rules.iter().enumerate() {
        for k in &r.kinds {
            match k {
                pack::Target::Kind(k) => by_kind.entry(*k).or_default().push(i),
                pack::Target::Estate => estate_rules.push(i),
            }
        }
    }
    let mut work: Vec<(Option<petgraph::stable_graph::NodeIndex>, &[usize])> = Vec::new();
    for idx in model.graph.node_indices() {
        if let Some(rules) = by_kind.get(&model.graph[idx].kind) {
            work.push((Some(idx), rules));
        }
    }
    if !estate_rules.is_empty() {
        work.push((None, &estate_rules));
    }
    let results: Vec<(Vec<Finding>, Vec<EvalError>, u64)> = work
        .par_chunks(256)
        .map_init(
            || host::context(facts),
            |ctx, chunk| {
                // Each rule's `params`, converted once per chunk; the node is
                // bound per evaluation as a shared pointer (NodeVal).
                let scopes: Vec<cel::Context> = pack
                    .rules
                    .iter()
                    .map(|r| {
                        let mut s = ctx.new_inner_scope();
                        s.add_variable_from_value("params", r.params_value.clone());
                        s
                    })
                    .collect();
                let mut findings = Vec::new();
                let mut errors = Vec::new();
                let mut n = 0;
                for (idx, rules) in chunk {
                    let estate = match idx {
                        Some(_) => cel::Value::Null,
                        None => facts.estate_value(),
                    };
                    for &r in rules.iter() {
                        n += 1;
                        let mut scope = scopes[r].new_inner_scope();
                        match idx {
                            Some(i) => {
                                scope.add_variable_as_val("node", Box::new(facts.node_val(*i)))
                            }
                            None => scope.add_variable_from_value("node", estate.clone()),
                        }
                        match evaluate(&scope, facts, &pack.rules[r], *idx) {
                            Ok(Some(f)) => findings.push(f),
                            Ok(None) => {}
                            Err(e) => errors.push(e),
                        }
                    }
                }
                (findings, errors, n)
            },
        )
        .collect();
    let mut out = Outcome {
        rules: pack.rules.len(),
        ..Outcome::default()
    };
    let mut used = vec![false; pack.waivers.len()];
    for (findings, errors, n) in results {
        out.evaluated += n;
        out.errors.extend(errors);
        for mut f in findings {
            if let Some((i, w)) = pack
                .waivers
                .iter()
                .enumerate()
                .find(|(_, w)| w.rule == f.rule && w.node == f.id)
            {
                used[i] = true;
                let expired = w.expires.0 < facts.today;
                f.waiver = Some(WaiverNote {
                    reason: w.reason.clone(),
                    approver: w.approver.clone(),
                    expires: w.expires.to_string(),
                    expired,
                });
                if expired {
                    f.message = format!("{} (waiver expired {})", f.message, w.expires);
                } else {
                    out.waived.push(f);
                    continue;
                }
            }
            out.findings.push(f);
        }
    }
    out.unused_waivers = pack
        .waivers
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(w, _)| format!("{} on {}", w.rule, w.node))
        .collect();
    sort(&mut out.findings);
    sort(&mut out.waived);
    out.errors
        .sort_by(|a, b| (&a.rule, &a.id).cmp(&(&b.rule, &b.id)));
    out
}

/// Most severe first, then the largest saving (money, then carbon), then rule and node.
fn sort(v: &mut [Finding]) {
    v.sort_by(|a, b| {
        let money = |f: &Finding| f.savings.as_ref().map(|s| s.amount).unwrap_or_default();
        let co2 = |f: &Finding| f.savings.as_ref().map(|s| s.co2e_kg).unwrap_or_default();
        b.severity
            .cmp(&a.severity)
            .then(money(b).cmp(&money(a)))
            .then(co2(b).total_cmp(&co2(a)))
            .then(a.rule.cmp(&b.rule))
            .then(a.id.cmp(&b.id))
    });
}

/// One rule for one node: `Ok(Some)` is a finding, `Ok(None)` a pass or a node
/// the rule does not select.
fn evaluate(
    ctx: &cel::Context<'_, 'static>,
    facts: &Facts,
    rule: &Rule,
    idx: Option<petgraph::stable_graph::NodeIndex>,
) -> Result<Option<Finding>, EvalError> {
    let id = || match idx {
        Some(i) => facts.model.graph[i].id.to_string(),
        None => "estate".to_string(),
    };
    let fail = |e: &pack::Expr, message: String| EvalError {
        rule: rule.id.clone(),
        id: id(),
        expression: e.source.clone(),
        message,
        loc: e.loc,
    };
    let truth = |e: &pack::Expr| -> Result<bool, EvalError> {
        match e.program.execute(ctx) {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(fail(
                e,
                format!(
                    "expected true or false, the expression gave {}",
                    host::describe(&other)
                ),
            )),
            Err(err) => Err(fail(e, err.to_string())),
        }
    };
    if let Some(when) = &rule.when
        && !truth(when)?
    {
        return Ok(None);
    }
    if truth(&rule.require)? {
        return Ok(None);
    }
    let mut message = String::new();
    for part in &rule.message {
        match part {
            pack::Part::Text(t) => message.push_str(t),
            pack::Part::Expr(e) => match e.program.execute(ctx) {
                Ok(v) => message.push_str(&host::display(&v)),
                Err(err) => return Err(fail(e, err.to_string())),
            },
        }
    }
    let number = |e: &Option<pack::Expr>| -> Result<f64, EvalError> {
        let Some(e) = e else { return Ok(0.0) };
        match e.program.execute(ctx) {
            Ok(cel::Value::Float(f)) if f.is_finite() => Ok(f.max(0.0)),
            Ok(cel::Value::Int(i)) => Ok((i as f64).max(0.0)),
            Ok(cel::Value::UInt(u)) => Ok(u as f64),
            Ok(other) => Err(fail(
                e,
                format!("expected a number, found {}", host::describe(&other)),
            )),
            Err(err) => Err(fail(e, err.to_string())),
        }
    };
    let savings = match &rule.savings {
        Some(s) => {
            let amount = number(&s.amount)?;
            let co2e_kg = number(&s.co2e_kg)?;
            Some(Savings {
                currency: facts.currency.clone(),
                amount: Decimal::from_f64_retain(amount)
                    .unwrap_or_default()
                    .round_dp(2),
                co2e_kg: (co2e_kg * 10.0).round() / 10.0,
            })
        }
        None => None,
    };
    let (kind, loc) = match idx {
        Some(i) => {
            let n = &facts.model.graph[i];
            (n.kind.as_str().to_string(), n.provenance.loc)
        }
        None => (ESTATE.to_string(), None),
    };
    Ok(Some(Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        category: rule.category,
        id: id(),
        kind,
        message,
        remediation: rule.remediation.clone(),
        savings,
        waiver: None,
        loc,
    }))
}
