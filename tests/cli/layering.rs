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

/// The crate modules a source text names, with their lines: `crate::x`
/// and `use crate::{x, y::z, …}`, a group spread over several lines too.
fn named(text: &str) -> Vec<(usize, String)> {
    // Comments out, line breaks kept so lines still count.
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let line_at = |at: usize| code[..at].matches('\n').count() + 1;
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let start = from + found + "crate::".len();
        from = start;
        if code[start..].starts_with('{') {
            // The group's top-level items, up to its matching brace.
            let (mut depth, mut item_start) = (0usize, start + 1);
            for (k, c) in code[start..].char_indices() {
                let at = start + k;
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let m = ident(&code[item_start..at]);
                        if !m.is_empty() {
                            out.push((
                                line_at(
                                    item_start + code[item_start..at].len()
                                        - code[item_start..at].trim_start().len(),
                                ),
                                m,
                            ));
                        }
                        item_start = at + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
        } else {
            let m = ident(&code[start..]);
            if !m.is_empty() {
                out.push((line_at(start), m));
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
