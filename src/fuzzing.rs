//! Fuzzing entry points: one plain function per family of files a user hands
//! Estate, each taking arbitrary bytes through the same public functions a
//! run uses — read, then what the run does next with what was read (build
//! the model, apply a collection, estimate carbon, attribute and render
//! spend, compile and evaluate policies, render diagnostics) — so a panic
//! anywhere on that path is found. Errors are the expected outcome for most
//! inputs; every function returns normally on any input, and a panic is a
//! bug. Where a reader takes a path the bytes are written to a fresh
//! temporary directory first, so the file-reading code is the real one.
//!
//! A family that covers several formats takes the first byte as the
//! selector (`data[0] % formats`) and the rest as the file; the seed corpora
//! under `fuzz/corpus/<family>/` carry that byte. `fuzz/fuzz_targets/` wraps
//! each function for `cargo fuzz`; tests/cli/fuzz.rs runs every function on
//! its corpus and on deterministic mutants on stable Rust, in CI.
//! This module owns no parsing of its own and is not used by the binary.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::assess::{carbon, policy};
use crate::collect::{self, Source, billing, register::Sheet};
use crate::diagnostic::{Diagnostics, Sources};
use crate::inventory::{self, Date};
use crate::model::{self, Model, Period};

/// A family's name and its entry point.
pub type Family = (&'static str, fn(&[u8]));

/// Every family, by name (the fuzz targets and corpus folders use the same names).
pub const FAMILIES: &[Family] = &[
    ("inventory", inventory),
    ("settings", settings),
    ("policy", policy),
    ("billing_csv", billing_csv),
    ("billing_files", billing_files),
    ("terraform", terraform),
    ("cloud", cloud),
    ("onprem", onprem),
];

/// Inventory files: estate/v1 documents and Backstage catalog documents in
/// an inventory folder, loaded, built into the model, their diagnostics
/// rendered (plain and coloured, and as JSON), and the entities written back
/// as YAML as `estate import backstage` does.
pub fn inventory(data: &[u8]) {
    let dir = scratch();
    let _ = std::fs::write(dir.path().join("catalog.yaml"), data);
    let inv = inventory::load(dir.path());
    for e in &inv.entities {
        let _ = inventory::load::to_yaml(e);
    }
    let (model, ds) = model::build(inv);
    render(&ds, &model.sources);
}

/// estate.yaml (selector 0) resolved into settings, with its billing inputs
/// and sources; or a report template (selector 1) overriding the shipped one
/// the second byte picks in name order, compiled with the others and rendered.
pub fn settings(data: &[u8]) {
    let (which, body) = split(data, 2);
    let dir = scratch();
    if which == 0 {
        let _ = std::fs::write(dir.path().join("estate.yaml"), body);
        let mut sources = Sources::default();
        let o = crate::settings::Overrides {
            estate_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        if let Err(ds) = crate::settings::Settings::resolve(o, &mut sources) {
            render(&ds, &sources);
        }
        return;
    }
    let (pick, text) = split(body, usize::MAX);
    let mut names: Vec<&str> = crate::report::site::shipped_templates()
        .map(|(n, _)| n)
        .filter(|n| !n.ends_with(".css") && !n.ends_with(".js"))
        .collect();
    names.sort();
    let name = names[pick % names.len()];
    let _ = std::fs::write(dir.path().join(name), text);
    if let Ok(tera) = crate::report::site::templates(Some(dir.path())) {
        let mut ctx = tera::Context::new();
        ctx.insert("root", "");
        ctx.insert("title", "Estate");
        ctx.insert("name", "Fuzz");
        ctx.insert("currency", "GBP");
        ctx.insert("rows", &Vec::<String>::new());
        let _ = tera.render(name, &ctx);
    }
}

/// A policy file (selector 0) loaded as a pack; or a CEL expression
/// (selector 1) as a rule's `require` and `message`. Either pack, when it
/// loads, is checked against a small estate.
pub fn policy(data: &[u8]) {
    let (which, body) = split(data, 2);
    let dir = scratch();
    let text = if which == 0 {
        body.to_vec()
    } else {
        let expr = String::from_utf8_lossy(body);
        let quoted = serde_json::to_string(&expr).unwrap_or_default();
        let message = serde_json::to_string(&format!("{{{{ {expr} }}}}")).unwrap_or_default();
        format!(
            "apiVersion: estate/v1\nkind: Policy\nmetadata: {{name: fuzz}}\nspec:\n  rules:\n    - id: fuzz\n      title: Fuzz\n      kinds: [System, Resource, Supplier]\n      require: {quoted}\n      severity: low\n      category: architecture\n      message: {message}\n"
        )
        .into_bytes()
    };
    let _ = std::fs::write(dir.path().join("policy.yaml"), text);
    let mut sources = Sources::default();
    let (pack, ds) = policy::pack::load(
        &policy::pack::Location {
            dir: dir.path(),
            given: true,
        },
        &Default::default(),
        &mut sources,
    );
    render(&ds, &sources);
    if ds.errors() == 0 {
        let outcome = policy::check(facts(), &pack);
        let _ = serde_json::to_string(&outcome);
    }
}

/// A CSV billing file: detected as FOCUS or a ledger (selector 0), or read
/// as FOCUS (1) or as a ledger (2) as estate.yaml's `format:` says; then
/// attributed, reconciled and rendered as `estate spend` does.
pub fn billing_csv(data: &[u8]) {
    let (which, body) = split(data, 3);
    let format = [
        None,
        Some(billing::Format::Focus),
        Some(billing::Format::Ledger),
    ][which];
    spend("billing.csv", format, body);
}

/// A Parquet FOCUS export (selector 0), AWS Cost Explorer results (1) or
/// Azure Cost Management query results (2), attributed and rendered as
/// `estate spend` does.
pub fn billing_files(data: &[u8]) {
    let (which, body) = split(data, 3);
    let (name, format) = [
        ("focus.parquet", None),
        (
            "ce-get-cost-and-usage.json",
            Some(billing::Format::CostExplorer),
        ),
        (
            "cost-management.json",
            Some(billing::Format::CostManagement),
        ),
    ][which];
    spend(name, format, body);
}

/// Terraform state (selector 0), read as a source and applied to a small
/// estate; or a plan's JSON (1), read and priced as `estate plan terraform`
/// does.
pub fn terraform(data: &[u8]) {
    let (which, body) = split(data, 2);
    let dir = scratch();
    let path = dir.path().join("state.tfstate");
    let _ = std::fs::write(&path, body);
    if which == 0 {
        collected(Source::Terraform(path));
        return;
    }
    if let Ok(plan) = collect::terraform::read_plan(&path) {
        let mut rates = std::collections::HashMap::new();
        rates.insert("t3.micro".to_string(), rust_decimal::Decimal::new(104, 4));
        let delta = crate::plan::terraform::assess(&plan, factors(), period(), "GBP", &rates);
        let _ = serde_json::to_string(&delta);
    }
}

/// The AWS CLI's output as one file of an export folder (selector 0; the
/// second byte picks the command the file is named after), Azure Resource
/// Graph or `az resource list` output (1), or a kubectl List (2): read as a
/// source and applied to a small estate.
pub fn cloud(data: &[u8]) {
    const COMMANDS: &[&str] = &[
        "ec2-describe-instances",
        "ec2-describe-volumes",
        "rds-describe-db-instances",
        "rds-describe-db-clusters",
        "s3api-list-buckets",
        "lambda-list-functions",
        "elbv2-describe-load-balancers",
        "ecs-describe-clusters",
        "eks-describe-cluster",
        "eks-describe-nodegroup",
        "cloudwatch-cpu-utilisation",
        "s3-bucket-details",
        "ce-get-cost-and-usage",
    ];
    let (which, body) = split(data, 3);
    let dir = scratch();
    let source = match which {
        0 => {
            let (pick, text) = split(body, usize::MAX);
            let region = dir.path().join("123456789012/eu-west-2");
            let _ = std::fs::create_dir_all(&region);
            let file = region.join(format!("{}.json", COMMANDS[pick % COMMANDS.len()]));
            let _ = std::fs::write(file, text);
            Source::Aws(dir.path().to_path_buf())
        }
        1 => Source::Azure(write(&dir, "resources.json", body)),
        _ => Source::Kubernetes {
            path: write(&dir, "cluster.json", body),
            cluster: "fuzz".into(),
        },
    };
    collected(source);
}

/// On-premises and measured data: an RVTools vInfo CSV (selector 0), an
/// asset register CSV (1), what `estate collect prometheus` wrote (2) —
/// each read as a source and applied to a small estate — or a Prometheus
/// `query_range` response as the server sends it (3).
pub fn onprem(data: &[u8]) {
    let (which, body) = split(data, 4);
    let dir = scratch();
    let source = match which {
        0 => Source::Register(write(&dir, "rvtools.csv", body), Sheet::Rvtools),
        1 => Source::Register(write(&dir, "register.csv", body), Sheet::AssetRegister),
        2 => Source::Prometheus(write(&dir, "prometheus.json", body)),
        _ => {
            let _ = collect::prometheus::range_result(&String::from_utf8_lossy(body));
            return;
        }
    };
    collected(source);
}

/// The selector (`data[0] % n`) and the rest.
fn split(data: &[u8], n: usize) -> (usize, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (usize::from(*first) % n, rest),
        None => (0, data),
    }
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write(dir: &tempfile::TempDir, name: &str, body: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    let _ = std::fs::write(&path, body);
    path
}

/// Diagnostics rendered every way a run shows them.
fn render(ds: &Diagnostics, sources: &Sources) {
    let _ = ds.render(sources, false);
    let _ = ds.render(sources, true);
    let _ = ds.to_json(sources);
}

/// A billing file read, attributed to the small estate and rendered every
/// way `estate spend` shows it; spend that does not reconcile is a bug.
fn spend(name: &str, format: Option<billing::Format>, body: &[u8]) {
    let dir = scratch();
    let path = write(&dir, name, body);
    let input = billing::Input {
        path: path.clone(),
        format,
        columns: None,
        date_format: None,
        currency: None,
    };
    let model = base();
    let Ok(spend) = crate::pipeline::spend::spend(model, &[(input, path)], period(), "GBP") else {
        return;
    };
    use crate::report::spend::{By, converted, render_table, shadow_table, to_csv, to_json};
    for by in [By::System, By::Supplier] {
        let _ = render_table(model, &spend, period(), by);
        let _ = to_csv(&spend, by);
    }
    let _ = to_json(&spend, period(), "GBP");
    let mut rates = indexmap::IndexMap::new();
    rates.insert("USD".to_string(), rust_decimal::Decimal::new(79, 2));
    rates.insert("EUR".to_string(), rust_decimal::Decimal::new(85, 2));
    let _ = converted(&spend, "GBP", &rates);
    let _ = shadow_table(&spend);
    assert!(spend.balanced(), "spend does not reconcile");
}

/// A collected source read, applied to a copy of the small estate, and its
/// carbon estimated.
fn collected(source: Source) {
    let Ok(c) = collect::read(&source) else {
        return;
    };
    let mut model = base().copy();
    let _ = collect::apply(&mut model, vec![c]);
    let ctx = carbon::Context::new(&model, factors(), period(), "GBP");
    let estimate = carbon::estimate(&ctx);
    let _ = serde_json::to_string(&estimate);
}

/// The reporting period every family uses.
fn period() -> Period {
    Period {
        start: Date::parse("2025-01-01").expect("a date"),
        end: Date::parse("2025-12-31").expect("a date"),
    }
}

/// The built-in default factor set, loaded once.
fn factors() -> &'static carbon::FactorSet {
    static SET: OnceLock<carbon::FactorSet> = OnceLock::new();
    SET.get_or_init(|| {
        carbon::factors::load("default", None::<&Path>, &mut Sources::default())
            .expect("the built-in factor set loads")
    })
}

/// A small estate with one of each thing the readers attach to: systems, a
/// supplier, a site with an on-prem host, an AWS instance and a Mapping rule.
const BASE: &str = "\
apiVersion: estate/v1
kind: System
metadata: {name: crm}
spec: {supplier: supplier:halcyon}
---
apiVersion: estate/v1
kind: System
metadata: {name: gis}
---
apiVersion: estate/v1
kind: Supplier
metadata: {name: halcyon, title: Halcyon Software}
spec: {category: saas, aliases: [HALCYON SOFTWARE LTD]}
---
apiVersion: estate/v1
kind: Site
metadata: {name: town-hall}
spec: {type: server-room, country: GB, grid_region: GB, pue: 1.8}
---
apiVersion: estate/v1
kind: Resource
metadata: {name: esx-01}
spec:
  type: compute
  provider: on-prem
  site: site:town-hall
  system: system:gis
  cpu: {model: Intel Xeon Gold 6130, sockets: 2, cores: 16, threads: 32}
  memory_gb: 512
---
apiVersion: estate/v1
kind: Resource
metadata: {name: vm1}
spec: {type: compute, provider: aws, region: eu-west-2, instance_type: t3.micro, external_id: \"arn:aws:ec2:eu-west-2:123456789012:instance/i-1\", system: system:crm}
---
apiVersion: estate/v1
kind: Mapping
metadata: {name: m}
spec: {rules: [{system: system:gis, match: {tags: {app: gis}}}]}
";

/// The small estate's model, built once.
fn base() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let mut inv = inventory::Inventory::default();
        inventory::load::load_text(&mut inv, "base.yaml".into(), BASE.into(), &mut Vec::new());
        let (m, ds) = model::build(inv);
        assert_eq!(
            ds.errors(),
            0,
            "the fuzzing base estate is valid: {:?}",
            ds.items
        );
        m
    })
}

/// What policies read about the small estate, built once.
fn facts() -> &'static Arc<policy::Facts> {
    static FACTS: OnceLock<Arc<policy::Facts>> = OnceLock::new();
    FACTS.get_or_init(|| {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
        let eol = policy::eol::Eol::shipped();
        let facts = policy::Facts::new(Arc::new(base().copy()), "Fuzz", today, "GBP", eol);
        Arc::new(facts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_estate_builds_and_every_family_takes_empty_input() {
        assert!(base().nodes_of(inventory::Kind::System).len() == 2);
        for (_, f) in FAMILIES {
            f(b"");
            f(b"\x01");
        }
    }
}
