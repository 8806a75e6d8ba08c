//! `estate collect prometheus` against a real Prometheus (Debian's
//! `prometheus`, installed by tests/run.sh) scraping a real node_exporter
//! (`prometheus-node-exporter`) on this machine, plus recorded IPMI, Kepler
//! and Scaphandre exporter output served over HTTP — every process on a free
//! 127.0.0.1 port with a temporary data directory, stopped when the test ends.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Server, estate, json, root, run, serve_with};

fn binary(name: &str) -> PathBuf {
    let p = PathBuf::from("/usr/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: tests/run.sh installs Debian's prometheus and prometheus-node-exporter",
        p.display()
    );
    p
}

fn get(url: &str) -> Option<Value> {
    let mut r = ureq::get(url).call().ok()?;
    serde_json::from_str(&r.body_mut().read_to_string().ok()?).ok()
}

/// An exporter job: its recorded output and the instance name it stands for.
const RECORDED: [(&str, &str, &str); 4] = [
    (
        "ipmi",
        "ipmi.prom",
        "esx-th-01.corp.northbridge.gov.uk:9290",
    ),
    ("kepler", "kepler.prom", "esx-colo-01:9102"),
    ("scaphandre", "scaphandre.prom", "esx-th-02:8080"),
    ("scaphandre-unknown", "scaphandre.prom", "lab-box-7:8080"),
];

struct Stack {
    _node: Server,
    _files: Server,
    _prometheus: Server,
    url: String,
}

fn start(dir: &Path) -> Stack {
    let mut node = Command::new(binary("prometheus-node-exporter"));
    node.args(["--no-collector.hwmon", "--no-collector.thermal_zone"]);
    let node = serve_with(node, |p| format!("--web.listen-address=127.0.0.1:{p}"));
    let mut files = Command::new("python3");
    files.args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"]);
    files.arg(root().join("tests/fixtures/prometheus"));
    let files = super::serve_on_free_port(files);
    let mut config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n",
        node.port
    );
    for (job, file, instance) in RECORDED {
        config.push_str(&format!(
            "  - job_name: {job}\n    metrics_path: /{file}\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n    relabel_configs:\n      - target_label: instance\n        replacement: '{instance}'\n",
            files.port
        ));
    }
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let mut prom = Command::new(binary("prometheus"));
    prom.arg(format!(
        "--config.file={}",
        dir.join("prometheus.yml").display()
    ))
    .arg(format!(
        "--storage.tsdb.path={}",
        dir.join("data").display()
    ));
    let prometheus = serve_with(prom, |p| format!("--web.listen-address=127.0.0.1:{p}"));
    let url = format!("http://127.0.0.1:{}", prometheus.port);
    // Wait for every target to be up and for two CPU samples (a rate).
    let t = Instant::now();
    loop {
        let up = get(&format!("{url}/api/v1/query?query=sum(up)"));
        let rate = get(&format!(
            "{url}/api/v1/query?query=rate(node_cpu_seconds_total%7Bmode%3D%22idle%22%7D%5B5m%5D)"
        ));
        let ups = up.as_ref().and_then(|v| {
            v["data"]["result"][0]["value"][1]
                .as_str()?
                .parse::<f64>()
                .ok()
        });
        let rated = rate
            .as_ref()
            .and_then(|v| v["data"]["result"].as_array().map(|a| !a.is_empty()));
        if ups == Some(5.0) && rated == Some(true) {
            // A few more scrapes, so every series has several samples.
            std::thread::sleep(Duration::from_secs(3));
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "Prometheus has no samples yet: up={up:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    Stack {
        _node: node,
        _files: files,
        _prometheus: prometheus,
        url,
    }
}

/// A copy of the sample inventory with this machine declared as a server.
fn estate_with_this_host(dir: &Path, hostname: &str) {
    let inv = root().join("inventory");
    for e in walkdir::WalkDir::new(&inv).into_iter().flatten() {
        let to = dir
            .join("inventory")
            .join(e.path().strip_prefix(&inv).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    std::fs::write(
        dir.join("inventory/resources/this-host.yaml"),
        format!(
            "apiVersion: estate/v1\nkind: Resource\nmetadata:\n  name: {hostname}\nspec:\n  type: compute\n  provider: on-prem\n  site: site:town-hall\n  power: {{ idle_w: 60, max_w: 180 }}\n  system: system:digital-platform\n"
        ),
    )
    .unwrap();
}

#[test]
fn a_real_prometheus_gives_this_machines_utilisation_and_recorded_power_matched_to_inventory_hosts()
{
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path());
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    estate_with_this_host(dir.path(), &hostname);
    let today = chrono::Utc::now().date_naive().to_string();
    let period = format!("{today}..{today}");
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: inventory\nperiod: {period}\nsources:\n  - prometheus: prometheus.json\n"
        ),
    )
    .unwrap();
    let r = run(estate().current_dir(dir.path()).args([
        "collect",
        "prometheus",
        "--url",
        &stack.url,
        "--out",
        "prometheus.json",
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let c: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("prometheus.json")).unwrap())
            .unwrap();
    let hosts = c["hosts"].as_array().unwrap();
    let host = |instance: &str| {
        hosts
            .iter()
            .find(|h| h["instance"] == instance)
            .unwrap_or_else(|| panic!("{instance}: {c}"))
    };
    // This machine, through node_exporter: its name, CPUs, memory and a utilisation.
    let me = hosts
        .iter()
        .find(|h| h["nodename"] == hostname.as_str())
        .unwrap_or_else(|| panic!("no host named {hostname}: {c}"));
    let cpus = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    assert_eq!(me["cpus"].as_u64(), Some(cpus as u64), "{me}");
    let mem_kb: f64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap();
    let gb = me["memory_gb"].as_f64().unwrap();
    assert!(
        (gb - mem_kb / 1024.0 / 1024.0).abs() < 0.01,
        "{gb} GiB vs {mem_kb} kB"
    );
    let u = me["cpu_utilisation"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&u), "{u}");
    assert!(me["samples"].as_u64().unwrap() >= 1, "{me}");
    assert!(me["power_w"].is_null(), "node_exporter has no power: {me}");
    // Measured power from the recorded exporters, each from its own metric.
    let ipmi = host("esx-th-01.corp.northbridge.gov.uk:9290");
    assert_eq!(ipmi["power_w"], 212.0);
    assert_eq!(ipmi["power_source"], "ipmi_dcmi_power_consumption_watts");
    let kepler = host("esx-colo-01:9102");
    assert_eq!(
        kepler["power_w"], 41.75,
        "package + dram, not core/uncore twice"
    );
    let scaph = host("esx-th-02:8080");
    assert!((scaph["power_w"].as_f64().unwrap() - 48.725).abs() < 1e-9);
    assert_eq!(scaph["power_source"], "scaph_host_power_microwatts");

    // Read back: matched to inventory hosts (by node name, short name), the unknown one listed.
    let s = json(&run(estate()
        .current_dir(dir.path())
        .args(["sources", "--format", "json"])));
    let p = &s["prometheus"][0];
    let matched: Vec<(&str, &str)> = p["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m[0].as_str().unwrap(), m[1].as_str().unwrap()))
        .collect();
    for (instance, id) in [
        (
            "esx-th-01.corp.northbridge.gov.uk:9290",
            "resource:esx-th-01",
        ),
        ("esx-colo-01:9102", "resource:esx-colo-01"),
        ("esx-th-02:8080", "resource:esx-th-02"),
    ] {
        assert!(matched.contains(&(instance, id)), "{matched:?}");
    }
    assert!(
        matched
            .iter()
            .any(|(_, id)| *id == format!("resource:{hostname}")),
        "{matched:?}"
    );
    assert_eq!(p["unmatched"], serde_json::json!(["lab-box-7:8080"]));
    // The carbon engine uses the measured power instead of its model, and says so.
    let carbon = json(&run(estate()
        .current_dir(dir.path())
        .args(["carbon", "--format", "json"])));
    let item = |id: &str| {
        carbon["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    let th01 = item("resource:esx-th-01");
    assert_eq!(th01["method"], "measured-power", "{th01}");
    assert!(
        th01.to_string()
            .contains("ipmi_dcmi_power_consumption_watts"),
        "{th01}"
    );
    let mine = item(&format!("resource:{hostname}"));
    assert_eq!(mine["method"], "power-model", "{mine}");
    assert!(
        mine.to_string()
            .contains("measured utilisation from Prometheus"),
        "{mine}"
    );
}

#[test]
fn an_unreachable_server_is_an_error_and_a_broken_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let today = chrono::Utc::now().date_naive().to_string();
    let r = run(estate().current_dir(dir.path()).args([
        "--inventory",
        root().join("inventory").to_str().unwrap(),
        "--period",
        &format!("{today}..{today}"),
        "collect",
        "prometheus",
        "--url",
        &format!("http://127.0.0.1:{port}"),
        "--out",
        "p.json",
    ]));
    // Every query failed: recorded, exit 1.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    std::fs::write(dir.path().join("p.json"), "{\"hosts\": [}").unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {}\nsources:\n  - prometheus: p.json\n",
            root().join("inventory").display()
        ),
    )
    .unwrap();
    let r = run(estate().current_dir(dir.path()).args(["sources"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("p.json:1:"), "{}", r.stderr);
}
