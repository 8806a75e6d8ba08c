//! Reading a policy pack: `kind: Policy` documents (rules) and `kind: Waiver`
//! documents (exceptions) from YAML files — the shipped pack with the
//! estate's own folder laid over it (`shipped`) — compiled into
//! CEL programs with every problem located at its file:line:col.
//!
//! A rule's thresholds are its `params`; an estate overrides them in
//! estate.yaml (`policies: { params: { RULE: { NAME: VALUE } } }`) without
//! copying the rule, and may switch rules off (`disabled: [RULE]`).

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub use super::expr::{EVAL_STACK, Expr, Part, env};
use super::expr::{compile_expr, split_template};
pub use super::shipped::{BUILT_IN, Location, SHIPPED};
use super::{Category, Severity};
use crate::diagnostic::{Diagnostic, Diagnostics, Loc, Sources};
use crate::inventory::{Date, Kind};

/// What a rule applies to: nodes of a kind, or the estate as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Kind(Kind),
    Estate,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Kind(k) => k.as_str(),
            Target::Estate => super::ESTATE,
        }
    }
}

#[derive(Debug, Default)]
pub struct SavingsExpr {
    pub amount: Option<Expr>,
    pub co2e_kg: Option<Expr>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// The policy (document) it belongs to.
    pub policy: String,
    pub kinds: Vec<Target>,
    pub severity: Severity,
    pub category: Category,
    pub when: Option<Expr>,
    pub require: Expr,
    pub message: Vec<Part>,
    pub remediation: Option<String>,
    pub savings: Option<SavingsExpr>,
    /// Parameters after the estate's overrides, and as CEL's `params`.
    pub params: IndexMap<String, serde_json::Value>,
    pub params_value: cel::Value,
    /// Parameters the estate overrode.
    pub overridden: Vec<String>,
    pub references: Vec<String>,
    pub loc: Option<Loc>,
}

#[derive(Clone, Debug)]
pub struct Waiver {
    pub name: String,
    pub rule: String,
    pub node: String,
    pub reason: String,
    pub approver: String,
    pub expires: Date,
    pub loc: Option<Loc>,
    /// Where its `rule` is written.
    pub rule_loc: Option<Loc>,
}

#[derive(Debug, Default)]
pub struct Pack {
    pub rules: Vec<Rule>,
    pub waivers: Vec<Waiver>,
    pub files: usize,
}

/// How an estate tunes the pack (estate.yaml's `policies:` section):
/// parameter overrides and rules switched off.
#[derive(Clone, Debug, Default)]
pub struct Tuning {
    /// Rule id → parameter → value.
    pub params: IndexMap<String, IndexMap<String, serde_json::Value>>,
    /// Rules not to run.
    pub disabled: Vec<String>,
}

// --- the YAML ---------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    #[serde(rename = "apiVersion")]
    api_version: Spanned<String>,
    kind: Spanned<String>,
    metadata: Metadata,
    #[allow(dead_code)]
    spec: serde::de::IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Metadata {
    name: Spanned<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    labels: IndexMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySpec {
    rules: Vec<RuleDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: Option<String>,
    kinds: Vec<Spanned<String>>,
    #[serde(default)]
    when: Option<Spanned<String>>,
    require: Spanned<String>,
    severity: Severity,
    category: Category,
    message: Spanned<String>,
    #[serde(default)]
    remediation: Option<String>,
    #[serde(default)]
    params: IndexMap<String, serde_json::Value>,
    #[serde(default)]
    savings: Option<SavingsDoc>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SavingsDoc {
    #[serde(default)]
    amount: Option<Spanned<String>>,
    #[serde(default)]
    co2e_kg: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverSpec {
    rule: Spanned<String>,
    node: Spanned<String>,
    reason: String,
    approver: String,
    expires: Spanned<String>,
}

/// Read the shipped pack overlaid by the estate's `*.yaml` files under
/// `at.dir` (see [`super::shipped::files`]) into a pack.
pub fn load(at: &Location, settings: &Tuning, sources: &mut Sources) -> (Pack, Diagnostics) {
    let mut ds = Diagnostics::default();
    let mut pack = Pack::default();
    let files = super::shipped::files(at, &mut ds);
    if ds.errors() > 0 && !at.dir.is_dir() {
        return (pack, ds);
    }
    for (_, (path, text)) in files {
        pack.files += 1;
        let file = sources.add(path, text.clone().into());
        for (offset, doc) in crate::inventory::load::split_documents(&text) {
            read_doc(file, offset, doc, settings, &mut pack, &mut ds);
        }
    }
    // Duplicate rule ids.
    let mut seen: IndexMap<&str, Option<Loc>> = IndexMap::new();
    for r in &pack.rules {
        if let Some(first) = seen.get(r.id.as_str()) {
            let at = first
                .map(|l| format!(" (first at line {})", l.line))
                .unwrap_or_default();
            ds.push(Diagnostic::error(
                r.loc,
                format!("rule `{}` is declared twice{at}", r.id),
            ));
        } else {
            seen.insert(&r.id, r.loc);
        }
    }
    for w in &pack.waivers {
        if !seen.contains_key(w.rule.as_str()) {
            let ids: Vec<&str> = seen.keys().copied().collect();
            ds.push(
                Diagnostic::error(
                    w.rule_loc,
                    format!("waiver `{}`: no rule `{}`", w.name, w.rule),
                )
                .maybe_help(suggest(&w.rule, ids.iter().copied())),
            );
        }
    }
    for (rule, _) in &settings.params {
        if !seen.contains_key(rule.as_str()) {
            ds.push(Diagnostic::error(
                None,
                format!("estate.yaml: policies.params names no rule `{rule}`"),
            ));
        }
    }
    for rule in &settings.disabled {
        if !seen.contains_key(rule.as_str()) {
            ds.push(Diagnostic::warning(
                None,
                format!("estate.yaml: policies.disabled names no rule `{rule}`"),
            ));
        }
    }
    pack.rules.retain(|r| !settings.disabled.contains(&r.id));
    (pack, ds)
}

fn read_doc(
    file: u32,
    offset: u32,
    text: &str,
    settings: &Tuning,
    pack: &mut Pack,
    ds: &mut Diagnostics,
) {
    let at = |s: serde_saphyr::Location| Loc::from_yaml(file, offset, s);
    let doc: Doc = match serde_saphyr::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let mut d = crate::diagnostic::yaml_error(&e, file);
            if let Some(l) = d.loc.as_mut() {
                l.line += offset;
            }
            ds.push(d);
            return;
        }
    };
    if doc.api_version.value != crate::inventory::load::API_VERSION {
        ds.push(Diagnostic::error(
            at(doc.api_version.referenced),
            format!(
                "unknown apiVersion `{}`: expected `{}`",
                doc.api_version.value,
                crate::inventory::load::API_VERSION
            ),
        ));
        return;
    }
    let policy = doc.metadata.name.value.clone();
    // The spec was read as plain data; read it again as its kind's struct from
    // the document text so locations stay exact.
    match doc.kind.value.as_str() {
        "Policy" => {
            let spec: PolicySpec = match spec_of(text) {
                Ok(s) => s,
                Err(e) => {
                    ds.push(located(e, file, offset));
                    return;
                }
            };
            for r in spec.rules {
                if let Some(rule) = compile_rule(r, &policy, file, offset, settings, ds) {
                    pack.rules.push(rule);
                }
            }
        }
        "Waiver" => {
            let spec: WaiverSpec = match spec_of(text) {
                Ok(s) => s,
                Err(e) => {
                    ds.push(located(e, file, offset));
                    return;
                }
            };
            let expires = match Date::parse(&spec.expires.value) {
                Ok(d) => d,
                Err(e) => {
                    ds.push(Diagnostic::error(
                        at(spec.expires.referenced),
                        format!("expires: {e}"),
                    ));
                    return;
                }
            };
            pack.waivers.push(Waiver {
                name: doc.metadata.name.value.clone(),
                rule_loc: at(spec.rule.referenced),
                rule: spec.rule.value,
                node: spec.node.value,
                reason: spec.reason,
                approver: spec.approver,
                expires,
                loc: at(doc.metadata.name.referenced),
            });
        }
        other => ds.push(
            Diagnostic::error(
                at(doc.kind.referenced),
                format!("unknown kind `{other}` in a policy file: expected Policy or Waiver"),
            )
            .maybe_help(suggest(other, ["Policy", "Waiver"])),
        ),
    }
}

/// The `spec` of a document, deserialized on its own with locations relative to the document.
fn spec_of<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Envelope<T> {
        #[serde(rename = "apiVersion")]
        api_version: serde::de::IgnoredAny,
        kind: serde::de::IgnoredAny,
        metadata: serde::de::IgnoredAny,
        spec: T,
    }
    serde_saphyr::from_str::<Envelope<T>>(text).map(|e| e.spec)
}

fn located(e: serde_saphyr::Error, file: u32, offset: u32) -> Diagnostic {
    let mut d = crate::diagnostic::yaml_error(&e, file);
    if let Some(l) = d.loc.as_mut() {
        l.line += offset;
    }
    d
}

fn compile_rule(
    r: RuleDoc,
    policy: &str,
    file: u32,
    offset: u32,
    settings: &Tuning,
    ds: &mut Diagnostics,
) -> Option<Rule> {
    let at = |s: serde_saphyr::Location| Loc::from_yaml(file, offset, s);
    let id = r.id.value.clone();
    let mut ok = true;
    if !crate::inventory::scalar::valid_name(&id) {
        ds.push(Diagnostic::error(
            at(r.id.referenced),
            format!("rule id `{id}`: use lowercase letters, digits and `-`"),
        ));
        ok = false;
    }
    let mut kinds = Vec::new();
    for k in &r.kinds {
        if k.value == super::ESTATE {
            kinds.push(Target::Estate);
        } else if let Some(kind) =
            Kind::from_name(&k.value).or((k.value == "Region").then_some(Kind::Region))
        {
            kinds.push(Target::Kind(kind));
        } else {
            let names: Vec<&str> = Kind::DECLARABLE
                .iter()
                .map(|k| k.as_str())
                .chain(["Region", super::ESTATE])
                .collect();
            ds.push(
                Diagnostic::error(
                    at(k.referenced),
                    format!("rule `{id}`: unknown kind `{}`", k.value),
                )
                .maybe_help(suggest(&k.value, names.iter().copied())),
            );
            ok = false;
        }
    }
    if kinds.is_empty() && ok {
        ds.push(Diagnostic::error(
            at(r.id.referenced),
            format!("rule `{id}` applies to no kinds: list them under `kinds`"),
        ));
        ok = false;
    }
    let mut expr_errors = Vec::new();
    let mut compile = |s: &Spanned<String>, what: &str| -> Option<Expr> {
        match compile_expr(&s.value, at(s.referenced)) {
            Ok(e) => Some(e),
            Err(d) => {
                expr_errors.push(Diagnostic::error(
                    d.0,
                    format!("rule `{id}`, {what}: {}", d.1),
                ));
                None
            }
        }
    };
    let when = r.when.as_ref().map(|w| compile(w, "when"));
    let require = compile(&r.require, "require");
    let mut message = Vec::new();
    match split_template(&r.message.value) {
        Ok(parts) => {
            for (is_expr, text) in parts {
                if is_expr {
                    let s = Spanned {
                        value: text,
                        referenced: r.message.referenced,
                        defined: r.message.defined,
                    };
                    match compile(&s, "message") {
                        Some(e) => message.push(Part::Expr(e)),
                        None => ok = false,
                    }
                } else {
                    message.push(Part::Text(text));
                }
            }
        }
        Err(e) => {
            ds.push(Diagnostic::error(
                at(r.message.referenced),
                format!("rule `{id}`, message: {e}"),
            ));
            ok = false;
        }
    }
    let savings = r.savings.as_ref().map(|s| SavingsExpr {
        amount: s.amount.as_ref().and_then(|a| compile(a, "savings.amount")),
        co2e_kg: s
            .co2e_kg
            .as_ref()
            .and_then(|a| compile(a, "savings.co2e_kg")),
    });
    ds.extend(expr_errors);
    if let (Some(s), Some(doc)) = (&savings, &r.savings)
        && (s.amount.is_none() != doc.amount.is_none()
            || s.co2e_kg.is_none() != doc.co2e_kg.is_none())
    {
        ok = false;
    }
    let when = match when {
        Some(None) => {
            ok = false;
            None
        }
        Some(Some(e)) => Some(e),
        None => None,
    };
    let mut params = r.params.clone();
    let mut overridden = Vec::new();
    if let Some(over) = settings.params.get(&id) {
        for (k, v) in over {
            if !params.contains_key(k) {
                ds.push(
                    Diagnostic::error(
                        None,
                        format!(
                            "estate.yaml: policies.params.{id}: the rule has no parameter `{k}`"
                        ),
                    )
                    .maybe_help(suggest(k, r.params.keys().map(String::as_str))),
                );
                ok = false;
                continue;
            }
            params.insert(k.clone(), v.clone());
            overridden.push(k.clone());
        }
    }
    let require = require?;
    if !ok {
        return None;
    }
    let params_value = super::host::json_to_cel(&serde_json::Value::Object(
        params.clone().into_iter().collect(),
    ))
    .unwrap_or_else(|| {
        cel::Value::Map(cel::objects::Map::from(std::collections::HashMap::<
            String,
            cel::Value,
        >::new()))
    });
    Some(Rule {
        id,
        title: r.title,
        description: r.description,
        policy: policy.to_string(),
        kinds,
        severity: r.severity,
        category: r.category,
        when,
        require,
        message,
        remediation: r.remediation,
        savings,
        params,
        params_value,
        overridden,
        references: r.references,
        loc: at(r.id.referenced),
    })
}

/// "did you mean `x`?" for the closest candidate, if any is close.
pub(super) fn suggest<'a>(
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    crate::inventory::scalar::did_you_mean(found, candidates)
        .map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn load(dir: &Path, given: bool) -> (super::Pack, crate::diagnostic::Diagnostics) {
        let mut sources = crate::diagnostic::Sources::default();
        super::load(
            &super::Location { dir, given },
            &Default::default(),
            &mut sources,
        )
    }

    #[test]
    fn the_shipped_pack_is_every_rule_file_in_policies_but_the_samples_own() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") && n != "waivers.yaml")
            .collect();
        on_disk.sort();
        let shipped: Vec<&str> = super::SHIPPED.iter().map(|(n, _)| *n).collect();
        assert_eq!(shipped, on_disk);
        for (name, text) in super::SHIPPED {
            assert_eq!(
                *text,
                std::fs::read_to_string(dir.join(name)).unwrap(),
                "{name}"
            );
        }
        // With no folder: the shipped rules, no waivers, no errors.
        let (pack, ds) = load(Path::new("/nonexistent/policies"), false);
        assert_eq!(ds.errors(), 0, "{ds:?}");
        assert_eq!(pack.files, super::SHIPPED.len());
        assert!(pack.rules.len() >= 30, "{}", pack.rules.len());
        assert!(
            pack.waivers.is_empty(),
            "the sample's waivers are not shipped"
        );
        // A folder that was named must exist.
        let (_, ds) = load(Path::new("/nonexistent/policies"), true);
        assert_eq!(ds.errors(), 1);
    }

    #[test]
    fn an_estates_file_replaces_the_shipped_file_of_its_name_and_new_files_extend() {
        let (shipped, _) = load(Path::new("/nonexistent"), false);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("governance.yaml"), "").unwrap();
        std::fs::write(
            dir.path().join("extra.yaml"),
            "apiVersion: estate/v1\nkind: Policy\nmetadata: { name: extra }\nspec:\n  rules:\n    - id: probe\n      title: Probe\n      kinds: [System]\n      require: has(node.owner)\n      severity: low\n      category: governance\n      message: x\n",
        )
        .unwrap();
        let (pack, ds) = load(dir.path(), false);
        assert_eq!(ds.errors(), 0, "{ds:?}");
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        assert!(ids.contains(&"probe"), "{ids:?}");
        assert!(
            !ids.contains(&"system-has-owner"),
            "governance.yaml was replaced"
        );
        let governance = shipped
            .rules
            .iter()
            .filter(|r| r.policy == "governance")
            .count();
        assert!(governance > 0);
        assert_eq!(pack.rules.len(), shipped.rules.len() - governance + 1);
        assert_eq!(pack.files, super::SHIPPED.len() + 1);
    }
}
