//! The layering stays true: dependencies point toward `model` (DESIGN.md:
//! commands → pipeline → {report, plan} → assess → model ← collect), so a
//! module that names a module it must not depend on fails this test with
//! the file and line.

use std::path::Path;

/// Each stage and the crate modules it must never name.
const RULES: &[(&str, &[&str])] = &[
    (
        "inventory",
        &[
            "model", "collect", "assess", "plan", "report", "settings", "cli", "commands",
            "pipeline",
        ],
    ),
    (
        "model",
        &[
            "collect", "assess", "plan", "report", "settings", "cli", "commands", "pipeline",
        ],
    ),
    (
        "collect",
        &[
            "assess", "plan", "report", "settings", "cli", "commands", "pipeline",
        ],
    ),
    (
        "assess",
        &[
            "collect", "plan", "report", "settings", "cli", "commands", "pipeline",
        ],
    ),
    (
        "plan",
        &[
            "collect", "report", "settings", "cli", "commands", "pipeline",
        ],
    ),
    (
        "report",
        &["collect", "settings", "cli", "commands", "pipeline"],
    ),
    (
        "settings",
        &["assess", "plan", "report", "cli", "commands", "pipeline"],
    ),
    ("pipeline", &["cli", "commands"]),
];

/// The crate modules a source text names: `crate::x` and `use crate::{x, …}`.
fn named(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c}` on one line (rustfmt keeps short groups on one).
                let inner = group.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let m: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !m.is_empty() {
                        out.push((i + 1, m));
                    }
                }
            } else {
                let m: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push((i + 1, m));
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn dependencies_point_toward_the_model() {
    let src = crate::root().join("src");
    let mut broken = Vec::new();
    for (module, forbidden) in RULES {
        let mut list = Vec::new();
        files(&src.join(module), &mut list);
        let single = src.join(format!("{module}.rs"));
        if single.is_file() {
            list.push(single);
        }
        assert!(!list.is_empty(), "no source for module `{module}`");
        for f in list {
            let text = std::fs::read_to_string(&f).unwrap();
            for (line, m) in named(&text) {
                if forbidden.contains(&m.as_str()) {
                    broken.push(format!(
                        "{}:{line}: `{module}` names `crate::{m}`",
                        f.strip_prefix(crate::root()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "dependencies against the direction:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_check_sees_grouped_and_plain_imports() {
    let found = named(
        "use crate::{report, model::Model};\nlet x = crate::collect::read(); // crate::plan\n",
    );
    let names: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["report", "model", "collect"]);
}
