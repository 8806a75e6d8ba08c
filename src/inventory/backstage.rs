//! Backstage catalog entities mapped onto estate/v1 kinds.
//!
//! Backstage `catalog-info.yaml` documents are read generically (every field
//! kept with its location) and converted here, both when they sit in an
//! inventory directory and for `estate import backstage`:
//!
//! | Backstage | estate/v1 |
//! |---|---|
//! | Domain | Domain (`subdomainOf` → parent) |
//! | System | System |
//! | Component | System, `part_of` its system (or `subcomponentOf`) |
//! | API | one Integration per consumer → provider pair |
//! | Resource | Resource (type from `spec.type`) |
//! | Group | Team (`parent`; `members` counted) |
//! | User | not an estate entity: counted as a member of its teams |
//! | Location | followed by the importer; inside an inventory every file is read anyway |
//!
//! Relations: `owner`, `system`, `domain`, `dependsOn`, `dependencyOf`,
//! `providesApis`, `consumesApis`, `subcomponentOf`, `partOf`/`subdomainOf`,
//! `parent`, `children`, `memberOf`, `members`. A relation whose target is not
//! known, or that has no estate equivalent, is kept as an annotation and
//! reported: nothing is dropped silently.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::kinds::*;
use super::load::{Entity as Declared, SpannedMap, slug};
use super::scalar::{Kind, Ref};
use crate::diagnostic::{Diagnostic, Loc};

pub fn is_backstage_api(api: &str) -> bool {
    api.starts_with("backstage.io/")
}

/// A Backstage document as read: every field kept with its location.
#[derive(Clone, Debug)]
pub struct Entity {
    pub api_version: String,
    pub kind: Spanned<String>,
    pub metadata: SpannedMap,
    pub spec: SpannedMap,
    pub file: u32,
    pub line_offset: u32,
    pub at: serde_saphyr::Location,
}

impl Entity {
    fn loc(&self) -> Option<Loc> {
        Loc::from_yaml(self.file, self.line_offset, self.kind.referenced)
    }
    fn kind_lower(&self) -> String {
        self.kind.value.to_ascii_lowercase()
    }
    fn meta_str(&self, key: &str) -> Option<String> {
        self.metadata.get(key).and_then(|v| scalar_text(&v.value))
    }
    fn spec_str(&self, key: &str) -> Option<String> {
        self.spec.get(key).and_then(|v| scalar_text(&v.value))
    }
    fn spec_list(&self, key: &str) -> Vec<String> {
        match self.spec.get(key).map(|v| &v.value) {
            Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
            Some(v) => scalar_text(v).into_iter().collect(),
            None => Vec::new(),
        }
    }
    /// `kind:namespace/name` of this entity, lower-cased, as relations name it.
    fn key(&self) -> String {
        let ns = self
            .meta_str("namespace")
            .unwrap_or_else(|| "default".into());
        let name = self.meta_str("name").unwrap_or_default();
        format!("{}:{}/{}", self.kind_lower(), ns, name).to_ascii_lowercase()
    }
    /// The estate name: the Backstage name made valid, prefixed by a non-default namespace.
    fn estate_name(&self) -> String {
        let name = self.meta_str("name").unwrap_or_default();
        match self.meta_str("namespace").filter(|n| n != "default") {
            Some(ns) => slug(&format!("{ns}-{name}")),
            None => slug(&name),
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parse a Backstage entity reference `[kind:][namespace/]name` into its key.
fn ref_key(text: &str, default_kind: &str) -> String {
    let (kind, rest) = match text.split_once(':') {
        Some((k, r)) => (k, r),
        None => (default_kind, text),
    };
    let (ns, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!("{kind}:{ns}/{name}").to_ascii_lowercase()
}

/// What the mapping did, for the user to check nothing was lost.
#[derive(Debug, Default, Serialize)]
pub struct Account {
    /// Backstage entities read, by Backstage kind.
    pub read: BTreeMap<String, usize>,
    /// Estate entities written, by estate kind.
    pub written: BTreeMap<String, usize>,
    /// Relations mapped onto estate references, by relation.
    pub relations_mapped: BTreeMap<String, usize>,
    /// Relations kept as annotations (no estate equivalent, or unknown target), by relation.
    pub relations_kept: BTreeMap<String, usize>,
    /// Fields kept as annotations, by `Kind.field`.
    pub fields_kept: BTreeMap<String, usize>,
    /// Entities not turned into estate entities, with why.
    pub not_imported: Vec<String>,
    /// Names changed: to fit `[a-z0-9-]`, or to keep apart entities that map to the same estate kind and name.
    pub renamed: Vec<(String, String)>,
    /// Entities given a distinct estate name because another already had theirs.
    pub clashes: Vec<Clash>,
    /// Relations whose target is in none of the files given, kept as annotations.
    pub unresolved: Vec<Unresolved>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// An entity renamed because another entity of the same estate kind has its name
/// (a Backstage System and Component both `rhdh` are both estate Systems).
#[derive(Debug, Serialize)]
pub struct Clash {
    /// The renamed entity, `kind:namespace/name`.
    pub entity: String,
    /// Its estate name now.
    pub name: String,
    /// Who keeps the name: a Backstage `kind:namespace/name` or an estate id.
    pub kept_by: String,
}

/// A relation to an entity that none of the files given declares.
#[derive(Debug, Serialize)]
pub struct Unresolved {
    /// The entity naming it, `kind:namespace/name`.
    pub entity: String,
    pub relation: String,
    /// The target as written.
    pub target: String,
}

impl Account {
    /// A relation kept as an annotation; listed as unresolved when no file declares its target.
    fn keep(&mut self, relation: &str, from: &str, text: &str, key: &str, known: &HashSet<String>) {
        self.kept(relation);
        if !known.contains(key) {
            self.unresolved.push(Unresolved {
                entity: from.to_string(),
                relation: relation.to_string(),
                target: text.to_string(),
            });
        }
    }
    fn mapped(&mut self, relation: &str) {
        *self.relations_mapped.entry(relation.into()).or_default() += 1;
    }
    fn kept(&mut self, relation: &str) {
        *self.relations_kept.entry(relation.into()).or_default() += 1;
    }
}

/// Fields of each Backstage kind that the mapping understands; others are kept as annotations.
fn known_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "domain" => &["owner", "subdomainOf", "type"],
        "system" => &["owner", "domain", "type"],
        "component" => &[
            "type",
            "lifecycle",
            "owner",
            "system",
            "subcomponentOf",
            "providesApis",
            "consumesApis",
            "dependsOn",
            "dependencyOf",
        ],
        "api" => &["type", "lifecycle", "owner", "system", "definition"],
        "resource" => &["type", "owner", "system", "dependsOn", "dependencyOf"],
        "group" => &["type", "profile", "parent", "children", "members"],
        "user" => &["profile", "memberOf"],
        "location" => &["type", "target", "targets", "presence"],
        _ => &[],
    }
}

struct Built {
    kind: Kind,
    metadata: Metadata,
    spec: Spec,
    src: usize,
}

/// Convert Backstage entities into estate entities. `existing` are the
/// estate-native entities loaded beside them, which relations may also target.
pub fn convert(entities: Vec<Entity>, existing: &[Declared]) -> (Vec<Declared>, Account) {
    let mut report = Account::default();
    // Key → estate ref of every entity that becomes something.
    let mut target: HashMap<String, Ref> = HashMap::new();
    for d in existing {
        let bs_kind = match d.kind {
            Kind::Team => "group",
            Kind::System => "system",
            Kind::Domain => "domain",
            Kind::Resource => "resource",
            _ => continue,
        };
        target.insert(
            format!("{bs_kind}:default/{}", d.name()),
            Ref::new(d.kind, d.name()),
        );
        if d.kind == Kind::System {
            target.insert(
                format!("component:default/{}", d.name()),
                Ref::new(d.kind, d.name()),
            );
        }
    }
    // Every key a relation could name: what was read, and the estate entities beside it.
    let mut known: HashSet<String> = target.keys().cloned().collect();
    known.extend(entities.iter().map(Entity::key));
    // Estate names, unique per estate kind: Systems, Domains, Resources and
    // Groups keep theirs; a Component (also an estate System) whose name is
    // taken gets `-component` (then a number) and is listed.
    let mut taken: HashMap<(Kind, String), String> = existing
        .iter()
        .map(|d| ((d.kind, d.name().to_string()), d.id()))
        .collect();
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by_key(|&i| entities[i].kind_lower() == "component");
    let mut names: Vec<Option<String>> = vec![None; entities.len()];
    for e in &entities {
        *report.read.entry(e.kind.value.clone()).or_default() += 1;
    }
    for i in order {
        let e = &entities[i];
        let kind = match e.kind_lower().as_str() {
            "domain" => Kind::Domain,
            "system" | "component" => Kind::System,
            "resource" => Kind::Resource,
            "group" => Kind::Team,
            _ => continue,
        };
        let key = e.key();
        let mut name = e.estate_name();
        if let Some(holder) = taken.get(&(kind, name.clone())).filter(|h| **h != key) {
            let kept_by = holder.clone();
            let base = slug(&format!("{name}-{}", e.kind_lower()));
            name = base.clone();
            for n in 2.. {
                if !taken.contains_key(&(kind, name.clone())) {
                    break;
                }
                name = format!("{base}-{n}");
            }
            report.clashes.push(Clash {
                entity: key.clone(),
                name: name.clone(),
                kept_by,
            });
        }
        if name != e.meta_str("name").unwrap_or_default() {
            report.renamed.push((key.clone(), name.clone()));
        }
        taken.entry((kind, name.clone())).or_insert(key.clone());
        target.insert(key, Ref::new(kind, name.clone()));
        names[i] = Some(name);
    }
    // Users count towards their groups' members.
    let mut members: HashMap<String, u32> = HashMap::new();
    // dependencyOf: the target depends on this entity.
    let mut reverse_deps: HashMap<String, Vec<Ref>> = HashMap::new();
    // APIs: providers and consumers, by API key.
    let mut providers: BTreeMap<String, Vec<(Ref, String, String)>> = BTreeMap::new();
    let mut consumers: BTreeMap<String, Vec<(Ref, String, String)>> = BTreeMap::new();
    for e in &entities {
        let me = target.get(&e.key()).cloned();
        match e.kind_lower().as_str() {
            "user" => {
                for g in e.spec_list("memberOf") {
                    let key = ref_key(&g, "group");
                    if target.contains_key(&key) {
                        *members.entry(key).or_default() += 1;
                        report.mapped("memberOf");
                    } else {
                        report.keep("memberOf", &e.key(), &g, &key, &known);
                    }
                }
            }
            "group" => {
                let n = e.spec_list("members").len();
                if n > 0 {
                    *members.entry(e.key()).or_default() += 0;
                    *report.relations_mapped.entry("members".into()).or_default() += n;
                }
            }
            _ => {}
        }
        let Some(me) = me else { continue };
        for d in e.spec_list("dependencyOf") {
            let key = ref_key(&d, "component");
            match target.get(&key) {
                Some(t) if matches!(t.kind, Kind::System) => {
                    reverse_deps.entry(key).or_default().push(me.clone());
                    report.mapped("dependencyOf");
                }
                _ => report.keep("dependencyOf", &e.key(), &d, &key, &known),
            }
        }
        for (field, map) in [
            ("providesApis", &mut providers),
            ("consumesApis", &mut consumers),
        ] {
            for a in e.spec_list(field) {
                map.entry(ref_key(&a, "api"))
                    .or_default()
                    .push((me.clone(), a, e.key()));
            }
        }
    }

    let mut built: Vec<Built> = Vec::new();
    let mut names_used: HashSet<(Kind, String)> = HashSet::new();
    for (i, e) in entities.iter().enumerate() {
        let lower = e.kind_lower();
        let mut metadata = metadata_of(e, names[i].as_deref());
        // Fields with no mapping are kept, not dropped.
        for (field, value) in &e.spec {
            if !known_fields(&lower).contains(&field.as_str()) {
                metadata.annotations.insert(
                    format!("backstage.io/spec.{field}"),
                    value.value.to_string(),
                );
                *report
                    .fields_kept
                    .entry(format!("{}.{field}", e.kind.value))
                    .or_default() += 1;
            }
        }
        if let Some(t) = e.spec_str("type") {
            metadata.labels.insert("backstage.io/type".into(), t);
        }
        let mut resolve = |relation: &str,
                           text: &str,
                           default_kind: &str,
                           want: &[Kind],
                           md: &mut Metadata|
         -> Option<Spanned<Ref>> {
            let key = ref_key(text, default_kind);
            match target.get(&key) {
                Some(r) if want.contains(&r.kind) => {
                    report.mapped(relation);
                    Some(spanned(r.clone()))
                }
                _ => {
                    report.keep(relation, &e.key(), text, &key, &known);
                    let key = format!("backstage.io/{relation}");
                    let joined = match md.annotations.get(&key) {
                        Some(prev) => format!("{prev}, {text}"),
                        None => text.to_string(),
                    };
                    md.annotations.insert(key, joined);
                    None
                }
            }
        };
        let owner = e.spec_str("owner");
        let spec = match lower.as_str() {
            "domain" => {
                let mut s = DomainSpec::default();
                if let Some(o) = &owner {
                    s.owner = resolve("owner", o, "group", &[Kind::Team], &mut metadata);
                }
                if let Some(p) = e.spec_str("subdomainOf") {
                    s.parent = resolve("subdomainOf", &p, "domain", &[Kind::Domain], &mut metadata);
                }
                Spec::Domain(s)
            }
            "system" | "component" => {
                let mut s = SystemSpec::default();
                if let Some(o) = &owner {
                    s.owner = resolve("owner", o, "group", &[Kind::Team], &mut metadata);
                }
                if let Some(d) = e.spec_str("domain") {
                    s.domain = resolve("domain", &d, "domain", &[Kind::Domain], &mut metadata);
                }
                if let Some(p) = e.spec_str("subcomponentOf") {
                    s.part_of = resolve(
                        "subcomponentOf",
                        &p,
                        "component",
                        &[Kind::System],
                        &mut metadata,
                    );
                }
                if let Some(sys) = e.spec_str("system") {
                    let part = resolve("system", &sys, "system", &[Kind::System], &mut metadata);
                    if s.part_of.is_none() {
                        s.part_of = part;
                    }
                }
                if let Some(l) = e.spec_str("lifecycle") {
                    let phase = match l.as_str() {
                        "production" => Some(Phase::Active),
                        "experimental" => Some(Phase::PhaseIn),
                        "deprecated" => Some(Phase::PhaseOut),
                        _ => None,
                    };
                    match phase {
                        Some(phase) => {
                            s.lifecycle = Some(Lifecycle {
                                phase,
                                start: None,
                                end_of_life: None,
                            })
                        }
                        None => {
                            metadata.labels.insert("backstage.io/lifecycle".into(), l);
                        }
                    }
                }
                for d in e.spec_list("dependsOn") {
                    if let Some(r) = resolve(
                        "dependsOn",
                        &d,
                        "component",
                        &[Kind::System, Kind::Resource],
                        &mut metadata,
                    ) {
                        s.depends_on.push(r);
                    }
                }
                if let Some(extra) = reverse_deps.get(&e.key()) {
                    s.depends_on.extend(extra.iter().cloned().map(spanned));
                }
                if lower == "component" {
                    metadata
                        .labels
                        .insert("backstage.io/kind".into(), "Component".into());
                }
                Spec::System(Box::new(s))
            }
            "resource" => {
                let rtype = e.spec_str("type").unwrap_or_default();
                let mut s = ResourceSpec::new(resource_type(&rtype), provider_of(&rtype, e));
                if let Some(sys) = e.spec_str("system") {
                    s.system = resolve("system", &sys, "system", &[Kind::System], &mut metadata);
                }
                if let Some(o) = &owner {
                    report.keep("owner", &e.key(), o, &ref_key(o, "group"), &known);
                    metadata
                        .annotations
                        .insert("backstage.io/owner".into(), o.clone());
                }
                for d in e.spec_list("dependsOn") {
                    report.keep("dependsOn", &e.key(), &d, &ref_key(&d, "component"), &known);
                    let key = "backstage.io/dependsOn".to_string();
                    let joined = match metadata.annotations.get(&key) {
                        Some(prev) => format!("{prev}, {d}"),
                        None => d,
                    };
                    metadata.annotations.insert(key, joined);
                }
                Spec::Resource(Box::new(s))
            }
            "group" => {
                let mut s = TeamSpec::default();
                if let Some(p) = e.spec_str("parent") {
                    s.parent = resolve("parent", &p, "group", &[Kind::Team], &mut metadata);
                }
                // `children` is the inverse of the children's `parent`.
                for c in e.spec_list("children") {
                    let key = ref_key(&c, "group");
                    if target.contains_key(&key) {
                        report.mapped("children");
                    } else {
                        report.keep("children", &e.key(), &c, &key, &known);
                        metadata
                            .annotations
                            .insert("backstage.io/children".into(), c);
                    }
                }
                s.contact = e
                    .spec
                    .get("profile")
                    .and_then(|p| p.value.get("email"))
                    .and_then(scalar_text);
                let listed = e.spec_list("members").len() as u32;
                let users = members.get(&e.key()).copied().unwrap_or(0);
                if listed.max(users) > 0 {
                    s.members = Some(listed.max(users));
                }
                Spec::Team(s)
            }
            "api" => continue,
            "user" => {
                report.not_imported.push(format!(
                    "{}: a person, not an estate entity; counted as a member of their groups",
                    e.key()
                ));
                continue;
            }
            "location" => {
                report.not_imported.push(format!(
                    "{}: a pointer to other catalog files (`estate import backstage` follows its targets)",
                    e.key()
                ));
                continue;
            }
            other => {
                report.not_imported.push(format!(
                    "{}: Backstage kind `{other}` has no estate equivalent",
                    e.key()
                ));
                report.diagnostics.push(Diagnostic::warning(
                    e.loc(),
                    format!(
                        "Backstage kind `{}` has no estate equivalent; entity not imported",
                        e.kind.value
                    ),
                ));
                continue;
            }
        };
        let kind = spec.kind();
        let name = metadata.name.value.clone();
        if !names_used.insert((kind, name.clone())) {
            report.diagnostics.push(Diagnostic::error(
                e.loc(),
                format!("Backstage entity `{}` maps to {kind} `{name}`, which another entity already has", e.key()),
            ));
            continue;
        }
        built.push(Built {
            kind,
            metadata,
            spec,
            src: i,
        });
    }
    // APIs become integrations between each consumer and each provider.
    for (i, e) in entities.iter().enumerate() {
        if e.kind_lower() != "api" {
            continue;
        }
        let key = e.key();
        let refs = |map: &BTreeMap<String, Vec<(Ref, String, String)>>| -> Vec<Ref> {
            map.get(&key)
                .map(|v| v.iter().map(|(r, ..)| r.clone()).collect())
                .unwrap_or_default()
        };
        let (provs, cons) = (refs(&providers), refs(&consumers));
        report.relations_mapped.insert(
            "providesApis".into(),
            report
                .relations_mapped
                .get("providesApis")
                .copied()
                .unwrap_or(0)
                + provs.len(),
        );
        report.relations_mapped.insert(
            "consumesApis".into(),
            report
                .relations_mapped
                .get("consumesApis")
                .copied()
                .unwrap_or(0)
                + cons.len(),
        );
        let api_type = e.spec_str("type").unwrap_or_default();
        let style = if api_type == "asyncapi" {
            IntegrationStyle::Message
        } else {
            IntegrationStyle::Api
        };
        if provs.is_empty() || cons.is_empty() {
            report.not_imported.push(format!(
                "{key}: an API with {} provider(s) and {} consumer(s) makes no integration; kept as an annotation on {}",
                provs.len(),
                cons.len(),
                if provs.is_empty() && cons.is_empty() { "nothing (no system names it)".to_string() } else { "the systems that name it".to_string() }
            ));
            for b in built.iter_mut() {
                let r = Ref::new(b.kind, b.metadata.name.value.clone());
                if provs.contains(&r) || cons.contains(&r) {
                    let role = if provs.contains(&r) {
                        "provides"
                    } else {
                        "consumes"
                    };
                    b.metadata.annotations.insert(
                        format!("backstage.io/{role}-api.{}", e.estate_name()),
                        api_type.clone(),
                    );
                }
            }
            continue;
        }
        for c in &cons {
            for p in &provs {
                if c == p {
                    continue;
                }
                let name = if provs.len() == 1 {
                    slug(&format!("{}-{}", e.estate_name(), c.name))
                } else {
                    slug(&format!("{}-{}-{}", e.estate_name(), c.name, p.name))
                };
                let mut metadata = metadata_of(e, None);
                metadata.name = spanned(name);
                metadata
                    .annotations
                    .insert("backstage.io/api".into(), key.clone());
                if let Some(o) = e.spec_str("owner") {
                    metadata.annotations.insert("backstage.io/owner".into(), o);
                }
                if let Some(l) = e.spec_str("lifecycle") {
                    metadata.labels.insert("backstage.io/lifecycle".into(), l);
                }
                if let Some(def) = e.spec.get("definition") {
                    let text = scalar_text(&def.value).unwrap_or_else(|| def.value.to_string());
                    metadata
                        .annotations
                        .insert("backstage.io/api-definition".into(), text);
                }
                for (field, value) in &e.spec {
                    if !["type", "lifecycle", "owner", "definition"].contains(&field.as_str()) {
                        metadata.annotations.insert(
                            format!("backstage.io/spec.{field}"),
                            value.value.to_string(),
                        );
                    }
                }
                let spec = IntegrationSpec {
                    from: spanned(c.clone()),
                    to: spanned(p.clone()),
                    style,
                    protocol: (!api_type.is_empty()).then(|| api_type.clone()),
                    frequency: None,
                    data: Vec::new(),
                };
                built.push(Built {
                    kind: Kind::Integration,
                    metadata,
                    spec: Spec::Integration(spec),
                    src: i,
                });
            }
        }
    }
    // API relations to APIs in none of the files given: kept on the entity that names them.
    let apis: HashSet<String> = entities
        .iter()
        .filter(|e| e.kind_lower() == "api")
        .map(Entity::key)
        .collect();
    for (relation, map) in [("providesApis", &providers), ("consumesApis", &consumers)] {
        for (api, users) in map.iter().filter(|(api, _)| !apis.contains(*api)) {
            for (me, text, from) in users {
                report.keep(relation, from, text, api, &known);
                let annotation = format!("backstage.io/{relation}");
                if let Some(b) = built
                    .iter_mut()
                    .find(|b| b.kind == me.kind && b.metadata.name.value == me.name)
                {
                    let joined = match b.metadata.annotations.get(&annotation) {
                        Some(prev) => format!("{prev}, {text}"),
                        None => text.clone(),
                    };
                    b.metadata.annotations.insert(annotation, joined);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(built.len());
    for b in built {
        let e = &entities[b.src];
        *report
            .written
            .entry(b.kind.as_str().to_string())
            .or_default() += 1;
        out.push(Declared {
            kind: b.kind,
            metadata: b.metadata,
            spec: b.spec,
            file: e.file,
            line_offset: e.line_offset,
            loc: e.loc(),
        });
    }
    (out, report)
}

/// An entity's metadata under its estate name (`name`, or the Backstage name made valid).
fn metadata_of(e: &Entity, name: Option<&str>) -> Metadata {
    let name = name.map_or_else(|| e.estate_name(), str::to_string);
    let mut m = Metadata::named(&name);
    m.name = Spanned::new(
        name,
        e.metadata.get("name").map_or(e.at, |v| v.referenced),
        e.at,
    );
    m.title = e.meta_str("title");
    m.description = e.meta_str("description");
    if let Some(Value::Array(tags)) = e.metadata.get("tags").map(|v| &v.value) {
        m.tags = tags.iter().filter_map(scalar_text).collect();
    }
    for (field, target) in [
        ("labels", &mut m.labels),
        ("annotations", &mut m.annotations),
    ] {
        if let Some(Value::Object(map)) = e.metadata.get(field).map(|v| &v.value) {
            for (k, v) in map {
                target.insert(k.clone(), scalar_text(v).unwrap_or_else(|| v.to_string()));
            }
        }
    }
    for (field, value) in &e.metadata {
        if ![
            "name",
            "namespace",
            "title",
            "description",
            "tags",
            "labels",
            "annotations",
            "uid",
            "etag",
        ]
        .contains(&field.as_str())
        {
            m.annotations.insert(
                format!("backstage.io/metadata.{field}"),
                value.value.to_string(),
            );
        }
    }
    if let Some(ns) = e.meta_str("namespace").filter(|n| n != "default") {
        m.labels.insert("backstage.io/namespace".into(), ns);
    }
    m.annotations.insert("backstage.io/entity".into(), e.key());
    m
}

fn resource_type(t: &str) -> ResourceType {
    let t = t.to_ascii_lowercase();
    if t.contains("database") || t.contains("db") || t.contains("sql") {
        ResourceType::Database
    } else if t.contains("bucket")
        || t.contains("storage")
        || t.contains("disk")
        || t.contains("volume")
    {
        ResourceType::Storage
    } else if t.contains("function") || t.contains("lambda") {
        ResourceType::Function
    } else if t.contains("cluster") || t.contains("kubernetes") {
        ResourceType::ContainerCluster
    } else if t.contains("vm")
        || t.contains("server")
        || t.contains("instance")
        || t.contains("compute")
    {
        ResourceType::Compute
    } else if t.contains("network")
        || t.contains("load-balancer")
        || t.contains("gateway")
        || t.contains("dns")
    {
        ResourceType::Network
    } else {
        ResourceType::Other
    }
}

fn provider_of(t: &str, e: &Entity) -> Provider {
    let t = t.to_ascii_lowercase();
    let annotations = e
        .metadata
        .get("annotations")
        .map(|v| v.value.to_string())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if t.starts_with("s3")
        || t.contains("aws")
        || t.contains("lambda")
        || annotations.contains("arn:aws")
        || annotations.contains("aws")
    {
        Provider::Aws
    } else if t.contains("azure") || annotations.contains("azure") {
        Provider::Azure
    } else if t.contains("gcp") || t.contains("gcs") || annotations.contains("google") {
        Provider::Gcp
    } else {
        Provider::Other
    }
}
