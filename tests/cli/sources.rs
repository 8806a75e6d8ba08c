//! Collected sources merged into the model — Terraform state, an AWS CLI
//! export, the drift between them (`estate sources`, `estate show`) — and
//! `estate plan terraform` on the sample's plan.

use super::{estate, json, root, run, sample};

#[test]
fn state_merges_onto_declared_resources_and_adds_the_rest_mapped() {
    let r = sample(&["sources", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = json(&r);
    let tf = &s["terraform"][0];
    assert_eq!(tf["files"], 2);
    assert_eq!(tf["resources"], 10);
    assert_eq!(tf["data_sources"], 1);
    let left: Vec<&str> = tf["unmapped_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[0].as_str().unwrap())
        .collect();
    assert_eq!(
        left,
        [
            "aws_nat_gateway",
            "aws_security_group",
            "azurerm_network_interface"
        ]
    );
    // With the AWS export: 14 are declared (by external_id or name), 8 are
    // new, 6 seen by both; every new one is mapped (volumes through their
    // machine); the EKS cluster's three instances are its capacity.
    assert_eq!(s["merged"]["by_source"]["terraform"], 10);
    assert_eq!(s["merged"]["by_source"]["aws"], 18);
    assert_eq!(s["merged"]["declared"], 14);
    assert_eq!(s["merged"]["added"], 8);
    assert_eq!(s["merged"]["groups_with_instances"], 1);
    assert_eq!(s["merged"]["seen_twice"], 6);
    assert_eq!(s["merged"]["unmapped"], serde_json::json!([]));
    // The state's sensitive password (a module's database) reaches no output.
    for args in [
        &["sources"][..],
        &["show", "resource:rds-digital-prod", "--format", "json"][..],
    ] {
        let out = sample(args);
        assert!(!out.stdout.contains("Tr0ub4dor"), "{}", out.stdout);
    }
    assert!(
        s["declared_not_in_state"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "resource:cobalt-edge-01")
    );
    // The bastion, declared by name, now carries its ARN and who found it.
    let b = json(&sample(&[
        "show",
        "resource:digital-bastion",
        "--format",
        "json",
    ]));
    let text = b.to_string();
    assert!(text.contains("arn:aws:ec2:eu-west-2:318452906174:instance/i-0d2412a3744428a50"));
    assert!(text.contains("terraform"), "{text}");
    // The bastion's data volume is new (in no inventory), in its region, and
    // runs the digital platform (its machine, and the Mapping rule).
    let ng = sample(&[
        "show",
        "arn:aws:ec2:eu-west-2:318452906174:volume/vol-0589d5607c597d697",
    ]);
    assert_eq!(ng.code, 0, "{}", ng.stderr);
    assert!(ng.stdout.contains("system:digital-platform"));
    assert!(ng.stdout.contains("region:aws:eu-west-2"));
}

#[test]
fn a_broken_state_file_is_located_and_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {}\nsources:\n  - terraform: broken.tfstate\n",
            root().join("tests/fixtures/hostile/inventory").display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.tfstate"),
        "{\"version\": 4,\n \"resources\": [\n  {\"mode\": \"managed\",,}\n ]}\n",
    )
    .unwrap();
    let r = run(estate().current_dir(dir.path()).arg("summary"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.tfstate:3:"), "{}", r.stderr);
    std::fs::write(dir.path().join("broken.tfstate"), "{\"version\": 3}").unwrap();
    let r = run(estate().current_dir(dir.path()).arg("summary"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("format version 4"), "{}", r.stderr);
}

#[test]
fn a_plan_is_priced_resource_by_resource() {
    let r = sample(&[
        "plan",
        "terraform",
        "exports/terraform-plans/digital-platform.plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = json(&r);
    let changes = p["changes"].as_array().unwrap();
    let by = |addr: &str| {
        changes
            .iter()
            .find(|c| c["address"] == addr)
            .unwrap_or_else(|| panic!("no change {addr}"))
    };
    assert_eq!(changes.len(), 4);
    assert_eq!(p["unchanged"], 1);
    assert_eq!(p["unmapped_types"]["aws_security_group"], 1);
    // Three nodes to five: carbon after is 5/3 of before.
    let ng = by("module.eks_prod.aws_eks_node_group.general");
    let (b, a) = (
        ng["co2e_before_kg"]["central"].as_f64().unwrap(),
        ng["co2e_after_kg"]["central"].as_f64().unwrap(),
    );
    assert!(b > 0.0 && (a / b - 5.0 / 3.0).abs() < 1e-9, "{a} / {b}");
    let cost: rust_decimal::Decimal = ng["cost_delta"].as_str().unwrap().parse().unwrap();
    assert!(cost > rust_decimal::Decimal::ZERO);
    // A deletion takes its carbon away; an unknown rate is said, not guessed.
    let sftp = by("aws_instance.sftp");
    assert_eq!(sftp["action"], "delete");
    assert!(sftp["co2e_delta_kg"]["central"].as_f64().unwrap() < 0.0);
    let rds = by("module.rds_prod.aws_db_instance.main");
    assert_eq!(rds["action"], "replace");
    // The plan holds the database's password (marked sensitive): never printed.
    assert!(!r.stdout.contains("Tr0ub4dor"), "{}", r.stdout);
    assert!(rds["cost_delta"].is_null());
    assert_eq!(p["priced"], 2);
    let md = sample(&[
        "plan",
        "terraform",
        "exports/terraform-plans/digital-platform.plan.json",
        "--format",
        "markdown",
    ]);
    assert!(md.stdout.starts_with("### Carbon and cost of this plan"));
    assert!(md.stdout.contains("| `aws_instance.sftp` | delete |"));
    let bad = sample(&["plan", "terraform", "estate.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("estate.yaml:1:"), "{}", bad.stderr);
}

#[test]
fn an_aws_export_is_read_and_drift_against_state_is_reported() {
    let s = json(&sample(&["sources", "--format", "json"]));
    let aws = &s["aws"][0];
    assert_eq!(aws["files"], 6);
    assert_eq!(aws["resources"], 18);
    assert!(
        aws["not_read"][0]
            .as_str()
            .unwrap()
            .ends_with("ec2-describe-vpcs.json")
    );
    let d = &s["merged"]["drift"];
    assert_eq!(d["managed"], 6);
    let unmanaged: Vec<&str> = d["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(unmanaged.len(), 12);
    assert!(unmanaged.contains(&"arn:aws:rds:eu-west-2:318452906174:db:rds-grants-portal"));
    // Only what a live source covered can be gone: the EKS cluster (EKS not exported) is not.
    assert_eq!(
        d["gone"],
        serde_json::json!(["arn:aws:ec2:eu-west-2:318452906174:instance/i-0e5d7c9b1a3f24680"])
    );
    let gone = json(&sample(&[
        "show",
        "arn:aws:ec2:eu-west-2:318452906174:instance/i-0e5d7c9b1a3f24680",
        "--format",
        "json",
    ]))
    .to_string();
    assert!(gone.contains("not found live"), "{gone}");
    assert!(
        gone.contains("\"hours\":0.0"),
        "counted as not running: {gone}"
    );
    // The declared EKS cluster's capacity is its three instances found live,
    // each at CloudWatch's 41 %, not counted a second time on the cluster.
    let eks = json(&sample(&[
        "show",
        "resource:eks-digital-prod",
        "--format",
        "json",
    ]))
    .to_string();
    assert!(eks.contains("\"count\":0"), "{eks}");
    assert!(eks.contains("i-0a7e51c0d2b3e4f03"), "{eks}");
    let node = json(&sample(&[
        "show",
        "arn:aws:ec2:eu-west-2:318452906174:instance/i-0a7e51c0d2b3e4f01",
        "--format",
        "json",
    ]))
    .to_string();
    assert!(node.contains("\"utilisation\":0.41"), "{node}");
    // An attached volume rolls up to its machine's system.
    let vol = sample(&[
        "show",
        "arn:aws:ec2:eu-west-2:318452906174:volume/vol-01c197bf9c4fcf58c",
    ]);
    assert!(
        vol.stdout.contains("system:digital-platform"),
        "{}",
        vol.stdout
    );
}

#[test]
fn a_broken_aws_export_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("aws/111122223333/eu-west-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {}\nsources:\n  - aws: aws\n",
            root().join("tests/fixtures/hostile/inventory").display()
        ),
    )
    .unwrap();
    std::fs::write(
        region.join("ec2-describe-instances.json"),
        "{\"Reservations\": [\n  {\"OwnerId\": 111122223333x}\n]}\n",
    )
    .unwrap();
    let r = run(estate().current_dir(dir.path()).arg("summary"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("ec2-describe-instances.json:2:"),
        "{}",
        r.stderr
    );
}

#[test]
fn cost_explorer_results_are_spend_unless_a_focus_export_has_the_same_money() {
    let dir = tempfile::tempdir().unwrap();
    let ce = dir.path().join("ce-get-cost-and-usage.json");
    std::fs::write(
        &ce,
        r#"{"GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
 "ResultsByTime": [{"TimePeriod": {"Start": "2025-03-01", "End": "2025-04-01"}, "Total": {}, "Estimated": false,
  "Groups": [{"Keys": ["318452906174", "Amazon Elastic Compute Cloud - Compute"],
              "Metrics": {"UnblendedCost": {"Amount": "1000.00", "Unit": "GBP"}}}]}]}"#,
    )
    .unwrap();
    let ce = ce.to_str().unwrap();
    let focus = "exports/billing/focus-2025.csv";
    let totals = |args: &[&str]| {
        let mut all = vec!["spend", "--format", "json"];
        for a in args {
            all.extend(["--billing", a]);
        }
        json(&sample(&all))
    };
    // Alone, it is spend, attributed by account and service.
    let alone = totals(&[ce]);
    assert_eq!(alone["totals"]["billed"], "1000.00", "{alone}");
    assert_eq!(
        alone["reconciliation"]["files"][0]["format"],
        "cost-explorer"
    );
    // Beside the FOCUS export for AWS it is the same money: not counted twice.
    let both = totals(&[focus, ce]);
    let focus_only = totals(&[focus]);
    assert_eq!(both["totals"], focus_only["totals"]);
    assert_eq!(
        both["reconciliation"]["files"][1]["by_currency"]["GBP"]["detailed_in_billing_export"]["billed"],
        "1000.00"
    );
}

#[test]
fn an_asset_register_and_an_rvtools_export_merge_onto_hosts_and_vms_with_bad_rows_listed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {inv}\nsources:\n  - asset-register: {reg}\n  - rvtools: {rv}\n",
            inv = root().join("inventory").display(),
            reg = root().join("exports/onprem/asset-register.csv").display(),
            rv = root().join("exports/onprem/rvtools-vinfo.csv").display(),
        ),
    )
    .unwrap();
    let s = json(&run(estate()
        .current_dir(dir.path())
        .args(["sources", "--format", "json"])));
    let regs = s["registers"].as_array().unwrap();
    assert_eq!(
        (regs[0]["rows"].as_u64(), regs[0]["resources"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(
        regs[0]["skipped"][0][0], 7,
        "the row with no hostname, by line"
    );
    assert_eq!(
        (regs[1]["rows"].as_u64(), regs[1]["resources"].as_u64()),
        (Some(5), Some(4))
    );
    assert!(
        regs[1]["skipped"][0][1].as_str().unwrap().contains("`two`"),
        "{}",
        regs[1]
    );
    // Declared hosts and VMs are matched by name; the backup server and the
    // old intranet VM are new, and listed as attached to no system.
    let m = &s["merged"];
    assert_eq!(m["declared"], 7, "{m}");
    assert_eq!(m["added"], 2, "{m}");
    let unmapped: Vec<&str> = m["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(
        unmapped,
        [
            "host:nbc-bak-01.corp.northbridge.gov.uk",
            "vm:vm-old-intranet"
        ]
    );
    // The new VM runs on its declared host (switched off: no hours).
    let vm = json(&run(estate().current_dir(dir.path()).args([
        "show",
        "vm:vm-old-intranet",
        "--format",
        "json",
    ])))
    .to_string();
    assert!(vm.contains("\"host\":\"resource:esx-th-01\""), "{vm}");
    assert!(vm.contains("\"hours\":0.0"), "{vm}");
}

#[test]
fn an_azure_export_merges_onto_declared_resources_and_cost_management_is_spend() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("estate.yaml"),
        format!(
            "inventory: {inv}\nperiod: 2025-01-01..2025-12-31\nsources:\n  - azure: {az}\n",
            inv = root().join("inventory").display(),
            az = root().join("exports/azure").display(),
        ),
    )
    .unwrap();
    let s = json(&run(estate()
        .current_dir(dir.path())
        .args(["sources", "--format", "json"])));
    let (path, az) = (&s["azure"][0][0], &s["azure"][0][1]);
    assert!(path.as_str().unwrap().ends_with("exports/azure"));
    assert_eq!(az["resources"], 56, "{az}");
    assert_eq!(az["measured"], 9, "{az}");
    assert_eq!(az["subscriptions"].as_array().unwrap().len(), 2, "{az}");
    // Every Azure resource the inventory declares is matched, not added twice.
    assert_eq!(s["merged"]["declared"], 20, "{}", s["merged"]);
    let vm = json(&run(estate().current_dir(dir.path()).args([
        "show",
        "resource:vm-tempbuild",
        "--format",
        "json",
    ])))
    .to_string();
    assert!(vm.contains("\"azure/power-state\":\"deallocated\""), "{vm}");
    // Cost Management's two pages: Q4 2025 in GBP and EUR, to the last digit.
    let pages = root().join("tests/fixtures/azure/api/cost-management");
    let spend = json(&sample(&[
        "spend",
        "--format",
        "json",
        "--billing",
        pages.join("production-page-1.json").to_str().unwrap(),
        "--billing",
        pages.join("production-page-2.json").to_str().unwrap(),
    ]));
    let files = spend["reconciliation"]["files"].as_array().unwrap();
    assert_eq!(files[0]["format"], "cost-management");
    let gbp: rust_decimal::Decimal = files
        .iter()
        .map(|f| {
            f["by_currency"]["GBP"]["input"]["billed"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(gbp, "25391.773594936".parse().unwrap());
}
