//! On-prem estates kept in spreadsheets: an asset register CSV (hostname,
//! model, CPU, memory, site, owner — column names matched loosely) and
//! RVTools' vInfo export as CSV (VM, Powerstate, CPUs, Memory, Host,
//! Cluster, OS). Each row becomes an on-prem resource under `host:<fqdn>`
//! (a register's server) or `vm:<name>` (a VM), which merges onto the
//! inventory resource of the same name; a VM runs on the inventory host its
//! `Host` names, a server sits at the site its `Site` names. Rows with no
//! name, or a number that cannot be read, are counted with their line —
//! never silently dropped.

pub use crate::model::collected::register::{Read, Sheet};

use std::path::Path;

use super::Found;
use crate::inventory::kinds::{CpuSpec, Provider, ResourceSpec, ResourceType, spanned};
use crate::inventory::load::slug;
use crate::inventory::{Kind, Ref};

/// The first column whose header matches one of `names` (case and spacing ignored).
fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    headers
        .iter()
        .position(|h| names.iter().any(|n| norm(h) == norm(n)))
}

/// The leading number of a cell: `2 x 20 cores` → 2, `256 GB` → 256, `1,024` → 1024.
fn number(cell: &str) -> Option<f64> {
    let t: String = cell
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    t.parse().ok()
}

pub fn read(path: &Path, sheet: Sheet) -> Result<Read, crate::collect::ReadError> {
    read_sheet(path, sheet).map_err(crate::collect::ReadError::Content)
}

fn read_sheet(path: &Path, sheet: Sheet) -> Result<Read, String> {
    let shown = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{shown}: {e}"))?;
    let headers = rdr
        .headers()
        .map_err(|e| format!("{shown}:1: cannot read the header row: {e}"))?
        .clone();
    let need = |names: &[&str], what: &str| {
        column(&headers, names).ok_or_else(|| {
            format!(
                "{shown}:1: no {what} column (expected one of {})",
                names.join(", ")
            )
        })
    };
    let mut out = Read {
        path: shown.clone(),
        ..Read::default()
    };
    match sheet {
        Sheet::AssetRegister => {
            let host = need(&["hostname", "host", "name", "server", "fqdn"], "hostname")?;
            let (model, cpu, cores, memory, site, owner) = (
                column(&headers, &["model", "hardware model"]),
                column(&headers, &["cpu", "processor", "cpus", "sockets"]),
                column(&headers, &["cores", "cpu cores", "total cores"]),
                column(&headers, &["memory", "memory gb", "ram", "ram gb"]),
                column(&headers, &["site", "location", "data centre", "datacenter"]),
                column(&headers, &["owner", "team", "support team"]),
            );
            for (i, rec) in rdr.records().enumerate() {
                let line = i as u64 + 2;
                out.rows += 1;
                let rec = rec.map_err(|e| format!("{shown}:{line}: {e}"))?;
                let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
                let name = get(Some(host)).to_ascii_lowercase();
                if name.is_empty() {
                    out.skipped.push((line, "no hostname".into()));
                    continue;
                }
                let mut spec = ResourceSpec::new(ResourceType::Compute, Provider::OnPrem);
                let sockets = number(get(cpu)).map(|n| n as u32).filter(|n| *n > 0);
                let total = number(get(cores)).map(|n| n as u32);
                if let Some(total) = total {
                    let s = sockets.unwrap_or(1);
                    spec.cpu = Some(CpuSpec {
                        model: Some(get(cpu).to_string()).filter(|m| !m.is_empty()),
                        sockets: s,
                        cores: total / s.max(1),
                        threads: None,
                    });
                }
                if !get(memory).is_empty() {
                    match number(get(memory)) {
                        Some(gb) => spec.memory_gb = Some(gb),
                        None => {
                            out.skipped
                                .push((line, format!("memory `{}` is not a number", get(memory))));
                            continue;
                        }
                    }
                }
                let site_name = get(site);
                if !site_name.is_empty() {
                    spec.site = Some(spanned(Ref::new(Kind::Site, slug(site_name))));
                }
                let short = name.split('.').next().unwrap_or(&name).to_string();
                let mut f = found(format!("host:{name}"), short, spec, &shown, line);
                for (k, c) in [("register/model", model), ("register/owner", owner)] {
                    if !get(c).is_empty() {
                        f.annotations.insert(k.into(), get(c).to_string());
                    }
                }
                out.found.push(f);
            }
        }
        Sheet::Rvtools => {
            let vm = need(&["VM"], "VM")?;
            let (power, cpus, memory, host, cluster, os) = (
                column(&headers, &["Powerstate"]),
                column(&headers, &["CPUs"]),
                column(&headers, &["Memory"]),
                column(&headers, &["Host"]),
                column(&headers, &["Cluster"]),
                column(
                    &headers,
                    &[
                        "OS according to the VMware Tools",
                        "OS according to the configuration file",
                    ],
                ),
            );
            for (i, rec) in rdr.records().enumerate() {
                let line = i as u64 + 2;
                out.rows += 1;
                let rec = rec.map_err(|e| format!("{shown}:{line}: {e}"))?;
                let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
                let name = get(Some(vm)).to_string();
                if name.is_empty() {
                    out.skipped.push((line, "no VM name".into()));
                    continue;
                }
                let mut spec = ResourceSpec::new(ResourceType::Compute, Provider::OnPrem);
                match (number(get(cpus)), number(get(memory))) {
                    (Some(c), Some(mb)) => {
                        spec.vcpus = Some(c as u32);
                        spec.memory_gb = Some(mb / 1024.0);
                    }
                    _ => {
                        out.skipped.push((
                            line,
                            format!(
                                "CPUs `{}` or Memory `{}` is not a number",
                                get(cpus),
                                get(memory)
                            ),
                        ));
                        continue;
                    }
                }
                if get(power).eq_ignore_ascii_case("poweredOff") {
                    spec.hours = Some(spanned(0.0));
                }
                let h = get(host).to_ascii_lowercase();
                if !h.is_empty() {
                    let short = h.split('.').next().unwrap_or(&h);
                    spec.host = Some(spanned(Ref::new(Kind::Resource, slug(short))));
                }
                let key = slug(&name);
                let mut f = found(format!("vm:{key}"), key, spec, &shown, line);
                for (k, c) in [
                    ("rvtools/cluster", cluster),
                    ("rvtools/os", os),
                    ("rvtools/power", power),
                ] {
                    if !get(c).is_empty() {
                        f.annotations.insert(k.into(), get(c).to_string());
                    }
                }
                out.found.push(f);
            }
        }
    }
    out.resources = out.found.len();
    Ok(out)
}

fn found(id: String, name: String, spec: ResourceSpec, file: &str, line: u64) -> Found {
    Found {
        id,
        name,
        spec,
        source: "register".into(),
        origin: format!("{file}:{line}"),
        depends_on: Vec::new(),
        annotations: Default::default(),
        attached_to: None,
        member_of: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_and_an_rvtools_export_become_hosts_and_vms_with_bad_rows_counted() {
        let dir = tempfile::tempdir().unwrap();
        let reg = dir.path().join("assets.csv");
        std::fs::write(
            &reg,
            "Hostname,Model,CPU,Cores,Memory (GB),Site,Owner\n\
             ESX-TH-01.corp.northbridge.gov.uk,Dell R740,2 x Xeon Gold 6248,40,768,Town Hall,Infrastructure\n\
             ,Dell R640,,,,,\n\
             nbc-file-02,HPE DL380,1,16,lots,Town Hall,Infrastructure\n",
        )
        .unwrap();
        let r = read(&reg, Sheet::AssetRegister).unwrap();
        assert_eq!((r.rows, r.resources), (3, 1));
        assert_eq!(r.skipped.iter().map(|s| s.0).collect::<Vec<_>>(), [3, 4]);
        let h = &r.found[0];
        assert_eq!(h.id, "host:esx-th-01.corp.northbridge.gov.uk");
        assert_eq!(h.name, "esx-th-01");
        let cpu = h.spec.cpu.as_ref().unwrap();
        assert_eq!((cpu.sockets, cpu.cores), (2, 20));
        assert_eq!(h.spec.memory_gb, Some(768.0));
        assert_eq!(h.spec.site.as_ref().unwrap().value.id(), "site:town-hall");
        let rv = dir.path().join("vInfo.csv");
        std::fs::write(
            &rv,
            "VM,Powerstate,CPUs,Memory,Host,Cluster,OS according to the configuration file\n\
             NBC-SQL-03,poweredOn,8,32768,esx-th-02.corp.northbridge.gov.uk,TH-Cluster,Microsoft Windows Server 2016 (64-bit)\n\
             old-ftp,poweredOff,2,4096,esx-th-02.corp.northbridge.gov.uk,TH-Cluster,Ubuntu Linux (64-bit)\n",
        )
        .unwrap();
        let v = read(&rv, Sheet::Rvtools).unwrap();
        assert_eq!(v.resources, 2);
        let sql = &v.found[0];
        assert_eq!((sql.spec.vcpus, sql.spec.memory_gb), (Some(8), Some(32.0)));
        assert_eq!(
            sql.spec.host.as_ref().unwrap().value.id(),
            "resource:esx-th-02"
        );
        assert_eq!(v.found[1].spec.hours.as_ref().map(|h| h.value), Some(0.0));
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "Model,CPU\nDell R740,2\n").unwrap();
        let e = read(&bad, Sheet::AssetRegister).unwrap_err().to_string();
        assert!(e.contains("bad.csv:1: no hostname column"), "{e}");
    }
}
