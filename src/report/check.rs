//! `estate check` output: a table for people, the JSON contract of
//! DESIGN.md, SARIF 2.1.0 for code-scanning tools (locations point at the
//! inventory file and line declaring the node), JUnit XML (a test case per
//! rule) for CI, and Markdown for a pull-request comment.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::assess::policy::{Finding, Outcome, Pack, Severity};
use crate::diagnostic::Sources;

fn savings_text(f: &Finding) -> String {
    match &f.savings {
        Some(s) if !s.amount.is_zero() || s.co2e_kg > 0.0 => {
            let mut parts = Vec::new();
            if !s.amount.is_zero() {
                parts.push(format!("{} {}", s.currency, s.amount));
            }
            if s.co2e_kg > 0.0 {
                parts.push(format!("{:.1} kgCO2e", s.co2e_kg));
            }
            parts.join(" · ")
        }
        _ => String::new(),
    }
}

pub fn render_table(o: &Outcome) -> String {
    let mut out = String::new();
    if !o.findings.is_empty() {
        let mut t = super::table(&["Severity", "Rule", "Node", "Message", "Saving / year"]);
        for f in &o.findings {
            t.add_row(vec![
                f.severity.as_str().to_string(),
                f.rule.clone(),
                f.id.clone(),
                f.message.clone(),
                savings_text(f),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !o.waived.is_empty() {
        let mut t = super::table(&["Waived", "Node", "Approver", "Expires", "Reason"]);
        for f in &o.waived {
            let w = f
                .waiver
                .as_ref()
                .expect("waived findings carry their waiver");
            t.add_row(vec![
                f.rule.clone(),
                f.id.clone(),
                w.approver.clone(),
                w.expires.clone(),
                w.reason.clone(),
            ]);
        }
        let _ = writeln!(out, "\n{t}");
    }
    let by = o.by_severity();
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| by.get(s.as_str()).map(|n| format!("{n} {}", s.as_str())))
        .collect();
    let _ = writeln!(
        out,
        "\n{} finding(s){}; {} waived; {} rules, {} evaluations",
        o.findings.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        },
        o.waived.len(),
        o.rules,
        o.evaluated
    );
    for w in &o.unused_waivers {
        let _ = writeln!(out, "waiver no longer needed: {w}");
    }
    out
}

pub fn to_json(o: &Outcome, sources: &Sources) -> Value {
    let finding = |f: &Finding| {
        let mut v = serde_json::to_value(f).unwrap_or_default();
        if let Some(l) = f.loc {
            v["location"] = json!(sources.describe(l));
        }
        v
    };
    json!({
        "findings": o.findings.iter().map(finding).collect::<Vec<_>>(),
        "waived": o.waived.iter().map(finding).collect::<Vec<_>>(),
        "errors": o.errors.iter().map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            if let Some(l) = e.loc { v["location"] = json!(sources.describe(l)); }
            v
        }).collect::<Vec<_>>(),
        "unused_waivers": o.unused_waivers,
        "summary": {
            "rules": o.rules,
            "evaluated": o.evaluated,
            "findings": o.findings.len(),
            "waived": o.waived.len(),
            "by_severity": o.by_severity(),
        }
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// SARIF 2.1.0: one run, every rule described, one result per finding (waived ones suppressed).
/// SARIF 2.1.0. Locations are relative to `estate_dir` (the repository code
/// scanning tools resolve them against) when the file is inside it.
pub fn to_sarif(
    o: &Outcome,
    pack: &Pack,
    sources: &Sources,
    estate_dir: &std::path::Path,
) -> Value {
    let relative = |p: &std::path::Path| -> String {
        let p = p.strip_prefix(estate_dir).unwrap_or(p);
        let p = p.strip_prefix(".").unwrap_or(p);
        p.display().to_string().replace('\\', "/")
    };
    let rules: Vec<Value> = pack
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.description.clone().unwrap_or_else(|| r.title.clone()) },
                "help": { "text": r.remediation.clone().unwrap_or_else(|| r.title.clone()) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": if r.policy == r.category.as_str() { vec![r.policy.as_str()] } else { vec![r.category.as_str(), r.policy.as_str()] },
                    "severity": r.severity.as_str(),
                    "category": r.category.as_str(),
                },
            })
        })
        .collect();
    let index = |id: &str| pack.rules.iter().position(|r| r.id == id).unwrap_or(0);
    let result = |f: &Finding| {
        let (uri, line, col) = match f.loc {
            Some(l) => (
                relative(sources.path(l.file)),
                l.line.max(1),
                l.column.max(1),
            ),
            None => ("estate.yaml".to_string(), 1, 1),
        };
        let mut r = json!({
            "ruleId": f.rule,
            "ruleIndex": index(&f.rule),
            "level": level(f.severity),
            "message": { "text": f.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri },
                    "region": { "startLine": line, "startColumn": col },
                },
                "logicalLocations": [{ "fullyQualifiedName": f.id, "kind": "resource" }],
            }],
            "partialFingerprints": { "estateFinding/v1": format!("{}|{}", f.rule, f.id) },
            "properties": { "severity": f.severity.as_str(), "category": f.category.as_str() },
        });
        if let Some(s) = &f.savings {
            r["properties"]["savings"] = json!({ "currency": s.currency, "amount": s.amount.to_string(), "co2e_kg": s.co2e_kg });
        }
        if let Some(w) = &f.waiver
            && !w.expired
        {
            r["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("{} (approved by {}, until {})", w.reason, w.approver, w.expires),
            }]);
        }
        r
    };
    let results: Vec<Value> = o.findings.iter().chain(&o.waived).map(result).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "estate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// JUnit XML: a test suite per policy, a test case per rule, failing with its findings.
pub fn to_junit(o: &Outcome, pack: &Pack) -> String {
    let mut policies: Vec<&str> = pack.rules.iter().map(|r| r.policy.as_str()).collect();
    policies.dedup();
    let failing = |id: &str| {
        o.findings
            .iter()
            .filter(|f| f.rule == id)
            .collect::<Vec<_>>()
    };
    let total_failures = pack
        .rules
        .iter()
        .filter(|r| !failing(&r.id).is_empty())
        .count();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"estate check\" tests=\"{}\" failures=\"{total_failures}\" errors=\"{}\">",
        pack.rules.len(),
        o.errors.len()
    );
    let mut seen = std::collections::BTreeSet::new();
    for p in policies {
        if !seen.insert(p) {
            continue;
        }
        let rules: Vec<_> = pack.rules.iter().filter(|r| r.policy == p).collect();
        let fails = rules.iter().filter(|r| !failing(&r.id).is_empty()).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\" skipped=\"0\">",
            super::escape(p),
            rules.len()
        );
        for r in rules {
            let found = failing(&r.id);
            let _ = write!(
                s,
                "    <testcase classname=\"estate.{}\" name=\"{}: {}\"",
                super::escape(p),
                super::escape(&r.id),
                super::escape(&r.title)
            );
            if found.is_empty() {
                s.push_str("/>\n");
                continue;
            }
            let body: Vec<String> = found
                .iter()
                .map(|f| format!("[{}] {}: {}", f.severity.as_str(), f.id, f.message))
                .collect();
            let _ = writeln!(
                s,
                ">\n      <failure type=\"{}\" message=\"{} finding(s)\">{}</failure>\n    </testcase>",
                r.severity.as_str(),
                found.len(),
                super::escape(&body.join("\n"))
            );
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn to_markdown(o: &Outcome, estate: &str) -> String {
    let mut s = format!("## Estate check: {}\n\n", md(estate));
    let by = o.by_severity();
    s.push_str("| Severity | Findings |\n|---|---:|\n");
    for sev in Severity::ALL {
        let _ = writeln!(
            s,
            "| {} | {} |",
            sev.as_str(),
            by.get(sev.as_str()).unwrap_or(&0)
        );
    }
    let _ = writeln!(
        s,
        "\n{} rules, {} evaluations, {} waived.\n",
        o.rules,
        o.evaluated,
        o.waived.len()
    );
    if !o.findings.is_empty() {
        s.push_str("| Severity | Rule | Node | Message | Saving / year |\n|---|---|---|---|---|\n");
        for f in &o.findings {
            let _ = writeln!(
                s,
                "| {} | `{}` | `{}` | {} | {} |",
                f.severity.as_str(),
                md(&f.rule),
                md(&f.id),
                md(&f.message),
                md(&savings_text(f))
            );
        }
    }
    if !o.waived.is_empty() {
        s.push_str("\n### Waived\n\n| Rule | Node | Approver | Expires | Reason |\n|---|---|---|---|---|\n");
        for f in &o.waived {
            if let Some(w) = &f.waiver {
                let _ = writeln!(
                    s,
                    "| `{}` | `{}` | {} | {} | {} |",
                    md(&f.rule),
                    md(&f.id),
                    md(&w.approver),
                    w.expires,
                    md(&w.reason)
                );
            }
        }
    }
    s
}

/// `estate policies list`.
pub fn rules_table(pack: &Pack) -> String {
    let mut t = super::table(&["Rule", "Severity", "Category", "Applies to", "Title"]);
    for r in &pack.rules {
        t.add_row(vec![
            r.id.clone(),
            r.severity.as_str().to_string(),
            r.category.as_str().to_string(),
            r.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            r.title.clone(),
        ]);
    }
    format!(
        "{t}\n{} rules, {} waivers\n",
        pack.rules.len(),
        pack.waivers.len()
    )
}

pub fn rule_json(r: &crate::assess::policy::Rule, applies_to: usize) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "policy": r.policy,
        "kinds": r.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "severity": r.severity.as_str(),
        "category": r.category.as_str(),
        "when": r.when.as_ref().map(|e| e.source.clone()),
        "require": r.require.source,
        "remediation": r.remediation,
        "params": r.params,
        "overridden": r.overridden,
        "savings": r.savings.as_ref().map(|s| json!({
            "amount": s.amount.as_ref().map(|e| e.source.clone()),
            "co2e_kg": s.co2e_kg.as_ref().map(|e| e.source.clone()),
        })),
        "references": r.references,
        "applies_to": applies_to,
    })
}

/// `estate policies explain RULE`.
pub fn explain(r: &crate::assess::policy::Rule, applies_to: usize, sources: &Sources) -> String {
    let mut s = format!("{} — {}\n", r.id, r.title);
    if let Some(l) = r.loc {
        let _ = writeln!(s, "declared at {}", sources.describe(l));
    }
    let _ = writeln!(
        s,
        "severity {}, category {}, policy {}",
        r.severity.as_str(),
        r.category.as_str(),
        r.policy
    );
    if let Some(d) = &r.description {
        let _ = writeln!(s, "\n{}", d.trim());
    }
    let kinds: Vec<&str> = r.kinds.iter().map(|k| k.as_str()).collect();
    let _ = writeln!(
        s,
        "\napplies to: {} ({applies_to} node(s) in this estate)",
        kinds.join(", ")
    );
    if let Some(w) = &r.when {
        let _ = writeln!(s, "when:     {}", w.source);
    }
    let _ = writeln!(s, "requires: {}", r.require.source);
    if !r.params.is_empty() {
        s.push_str("\nparameters (override in estate.yaml under policies.params):\n");
        for (k, v) in &r.params {
            let mark = if r.overridden.contains(k) {
                "  (set by estate.yaml)"
            } else {
                ""
            };
            let _ = writeln!(s, "  {} = {}{mark}", k, v);
        }
    }
    if let Some(sv) = &r.savings {
        if let Some(a) = &sv.amount {
            let _ = writeln!(s, "saving (money/year): {}", a.source);
        }
        if let Some(c) = &sv.co2e_kg {
            let _ = writeln!(s, "saving (kgCO2e/year): {}", c.source);
        }
    }
    if let Some(rem) = &r.remediation {
        let _ = writeln!(s, "\nremediation: {}", rem.trim());
    }
    for u in &r.references {
        let _ = writeln!(s, "see: {u}");
    }
    s
}
