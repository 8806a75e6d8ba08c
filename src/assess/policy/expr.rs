//! CEL expressions as rules use them: the environment they compile against
//! (the standard library with the strings, lists and math extensions, and
//! Estate's host functions), a size check before parsing (CEL's parser and
//! evaluator recurse once per level, so depth is bounded), compilation with
//! unknown functions caught once rather than per node, and message templates
//! split into text and `{{ expression }}` parts.

use std::sync::{Arc, OnceLock};

use super::pack::suggest;
use crate::diagnostic::Loc;

/// A compiled CEL expression and where it was written.
pub struct Expr {
    pub source: String,
    pub program: cel::Program,
    pub loc: Option<Loc>,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

/// A piece of a message template: text, or `{{ expression }}`.
#[derive(Debug)]
pub enum Part {
    Text(String),
    Expr(Expr),
}

/// The CEL environment rules compile against: the standard library plus the
/// strings, lists and math extensions.
pub fn env() -> Arc<cel::Env> {
    static ENV: OnceLock<Arc<cel::Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        for ext in [
            cel::extensions::strings,
            cel::extensions::lists,
            cel::extensions::math,
        ] {
            env.add_extension(ext)
                .expect("extensions declare distinct names");
        }
        Arc::new(env)
    })
    .clone()
}

/// The most operators and the deepest bracket nesting an expression may
/// have: CEL's parser and evaluator recurse once per level, and a deeper
/// expression (thousands of `+` terms) would overflow the stack. Rules are
/// far smaller than this (the shipped pack's largest has 17 operators); the
/// evaluating threads have [`EVAL_STACK`] bytes of stack for these limits.
const MAX_OPERATORS: usize = 150;
const MAX_NESTING: usize = 50;

/// The stack each thread that evaluates rules needs for the largest
/// expression [`MAX_OPERATORS`] and [`MAX_NESTING`] allow (with room to spare
/// in an unoptimised build); `main` gives rayon's threads this much.
pub const EVAL_STACK: usize = 16 << 20;

/// (operators, deepest bracket nesting) of a CEL expression, counted on its
/// text before it is parsed; string literals are skipped.
fn size_of_expr(source: &str) -> (usize, usize) {
    let (mut operators, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                while let Some(s) = chars.next() {
                    if s == '\\' {
                        chars.next();
                    } else if s == c {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '?' | '!' | '<' | '>' | '.' => operators += 1,
            '&' | '|' | '=' => {
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                operators += 1;
            }
            _ => {}
        }
    }
    (operators, deepest)
}

/// Compile one expression; unknown functions are caught here, not per node.
pub(super) fn compile_expr(source: &str, loc: Option<Loc>) -> Result<Expr, (Option<Loc>, String)> {
    let (operators, nesting) = size_of_expr(source);
    if operators > MAX_OPERATORS || nesting > MAX_NESTING {
        let shown: String = source.chars().take(60).collect();
        return Err((
            loc,
            format!(
                "`{shown}…` is too deep to evaluate safely: {operators} operators and brackets {nesting} deep (at most {MAX_OPERATORS} and {MAX_NESTING}); split it into several rules or `params`"
            ),
        ));
    }
    let env = env();
    let program = match env.compile(source) {
        Ok(p) => p,
        Err(errs) => {
            let first = errs.errors.first();
            let loc = match (loc, first) {
                (Some(l), Some(e)) => {
                    let line = e.pos.0.max(1) as u32;
                    Some(Loc {
                        line: l.line + line - 1,
                        column: if line == 1 {
                            l.column + e.pos.1.max(0) as u32
                        } else {
                            e.pos.1.max(0) as u32 + 1
                        },
                        ..l
                    })
                }
                (l, _) => l,
            };
            let msg = first
                .map(|e| e.msg.clone())
                .unwrap_or_else(|| errs.to_string());
            return Err((loc, format!("invalid CEL `{source}`: {msg}")));
        }
    };
    for f in program.references().functions() {
        if !is_known_function(f) {
            let known = super::host::FUNCTIONS.iter().map(|f| f.name);
            return Err((loc, format!("`{source}`: unknown function `{f}`"))).map_err(|(l, m)| {
                let help = suggest(f, known)
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                (l, format!("{m}{help}"))
            });
        }
    }
    Ok(Expr {
        source: source.to_string(),
        program,
        loc,
    })
}

fn is_known_function(name: &str) -> bool {
    const MACROS: [&str; 7] = ["has", "all", "exists", "exists_one", "map", "filter", "dyn"];
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        || name.starts_with('_')
        || MACROS.contains(&name)
        || super::host::FUNCTIONS.iter().any(|f| f.name == name)
    {
        return true;
    }
    // A name the environment declares cannot be added as a function.
    let mut probe = cel::Context::with_env(env());
    probe.add_function(name, || true).is_err()
}

/// Why a message template does not split into text and expressions.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{{{` without a closing `}}}}`")]
    Unclosed,
    #[error("empty `{{{{ }}}}`")]
    Empty,
}

/// Split `text {{ expr }} more` into text and expression parts.
pub(super) fn split_template(t: &str) -> Result<Vec<(bool, String)>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push((false, rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(TemplateError::Unclosed);
        };
        let expr = after[..end].trim();
        if expr.is_empty() {
            return Err(TemplateError::Empty);
        }
        out.push((true, expr.to_string()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_split_into_text_and_expressions() {
        let p = super::split_template("{{ node.name }} has {{size(x)}} links.").unwrap();
        assert_eq!(
            p,
            vec![
                (true, "node.name".to_string()),
                (false, " has ".to_string()),
                (true, "size(x)".to_string()),
                (false, " links.".to_string()),
            ]
        );
        assert!(super::split_template("oops {{ node.name").is_err());
        assert_eq!(
            super::TemplateError::Unclosed.to_string(),
            "`{{` without a closing `}}`"
        );
        assert_eq!(super::TemplateError::Empty.to_string(), "empty `{{ }}`");
    }

    #[test]
    fn an_expression_too_deep_to_evaluate_is_refused_before_it_is_parsed() {
        let terms = vec!["1"; 2000].join(" + ");
        let loc = Some(crate::diagnostic::Loc {
            file: 0,
            line: 9,
            column: 16,
        });
        let e = super::compile_expr(&terms, loc).unwrap_err();
        assert_eq!(e.0, loc);
        assert!(e.1.contains("1999 operators"), "{}", e.1);
        let nested = format!("{}1{}", "(".repeat(2000), ")".repeat(2000));
        let e = super::compile_expr(&nested, None).unwrap_err();
        assert!(e.1.contains("brackets 2000 deep"), "{}", e.1);
        // Brackets and operators inside strings do not count.
        let text = format!("node.name == '{}'", "((+".repeat(500));
        assert!(super::compile_expr(&text, None).is_ok());
        // The largest expressions allowed compile and evaluate on the
        // evaluating threads' stack.
        let most = vec!["1"; super::MAX_OPERATORS + 1].join(" + ");
        let deepest = format!(
            "{}1{}",
            "[".repeat(super::MAX_NESTING),
            "]".repeat(super::MAX_NESTING)
        );
        let value = std::thread::Builder::new()
            .stack_size(super::EVAL_STACK)
            .spawn(move || {
                let ctx = cel::Context::with_env(super::env());
                [most, deepest]
                    .map(|x| {
                        format!(
                            "{:?}",
                            super::compile_expr(&x, None).unwrap().program.execute(&ctx)
                        )
                    })
                    .join(" ")
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(value.starts_with("Ok(Int(151))"), "{value}");
        // Calls, macros and unary operators nested as deep as allowed parse
        // on the 8 MiB main thread that loads the pack (the fuzz harness found
        // `has(` nested 56 deep overflowing it before the limit).
        let n = super::MAX_NESTING;
        let shapes = [
            format!("{}n{}", "has(".repeat(n), ")".repeat(n)),
            format!(
                "{}1{}",
                "size(-!(".repeat(n / 3),
                "))".repeat(n / 3 * 3 / 2)
            ),
            format!("{}1{}", "{1:[".repeat(n / 2), "]}".repeat(n / 2)),
            format!("{}n{}", "node.x.exists(v, ".repeat(n), ")".repeat(n)),
        ];
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                for s in shapes {
                    let _ = super::compile_expr(&s, None);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn unknown_functions_are_caught_at_compile_time() {
        let e = super::compile_expr("size(dependants(node)) > 0", None).unwrap_err();
        assert!(e.1.contains("unknown function `dependants`"), "{}", e.1);
        assert!(e.1.contains("dependents"), "{}", e.1);
        assert!(
            super::compile_expr(
                "size(dependents(node)) > 0 && node.name.startsWith('a')",
                None
            )
            .is_ok()
        );
        let e = super::compile_expr("node.name ==", None).unwrap_err();
        assert!(e.1.contains("invalid CEL"), "{}", e.1);
    }
}
