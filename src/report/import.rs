//! The Backstage import's account: what was read, written, mapped, kept as
//! annotations, renamed and left out.

use crate::inventory::backstage;

/// What the import read, wrote, mapped and kept, as tables.
pub fn render_table(r: &backstage::Account, written: &[String]) -> String {
    let mut out = String::new();
    let mut t = super::table(&["Backstage kind", "Read"]);
    for (k, n) in &r.read {
        t.add_row(vec![k.clone(), n.to_string()]);
    }
    out.push_str(&format!("{t}\n"));
    let mut t = super::table(&["Estate kind", "Written"]);
    for (k, n) in &r.written {
        t.add_row(vec![k.clone(), n.to_string()]);
    }
    out.push_str(&format!("{t}\n"));
    let mut t = super::table(&[
        "Relation",
        "Mapped",
        "Kept as annotation",
        "of which target not in the files",
    ]);
    let rels: std::collections::BTreeSet<&String> = r
        .relations_mapped
        .keys()
        .chain(r.relations_kept.keys())
        .collect();
    for rel in rels {
        t.add_row(vec![
            rel.clone(),
            r.relations_mapped
                .get(rel)
                .copied()
                .unwrap_or(0)
                .to_string(),
            r.relations_kept.get(rel).copied().unwrap_or(0).to_string(),
            r.unresolved
                .iter()
                .filter(|u| &u.relation == rel)
                .count()
                .to_string(),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    if !r.fields_kept.is_empty() {
        let mut t = super::table(&["Field kept as annotation", "Count"]);
        for (f, n) in &r.fields_kept {
            t.add_row(vec![f.clone(), n.to_string()]);
        }
        out.push_str(&format!("{t}\n"));
    }
    for n in &r.not_imported {
        out.push_str(&format!("not imported: {n}\n"));
    }
    for (from, to) in &r.renamed {
        out.push_str(&format!("renamed: {from} → {to}"));
        if let Some(c) = r.clashes.iter().find(|c| &c.entity == from) {
            out.push_str(&format!(" (its name is taken by {})", c.kept_by));
        }
        out.push('\n');
    }
    for u in &r.unresolved {
        out.push_str(&format!(
            "not in the files given: {} {} `{}` (kept as an annotation)\n",
            u.entity, u.relation, u.target
        ));
    }
    for w in written {
        out.push_str(&format!("wrote {w}\n"));
    }
    out
}
