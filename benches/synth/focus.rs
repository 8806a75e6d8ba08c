//! A synthetic FOCUS 1.0 export: charge lines over a pool of billed
//! resources (an estate's, or made up), deterministic from a seed, with
//! what real exports have: credits, tax and purchases without a resource,
//! resources the inventory does not know, quoted names, tags that change
//! part-way through the year, two providers and two currencies.

use std::io::Write;

/// A resource that appears on the bill.
#[derive(Clone, Debug)]
pub struct Billed {
    pub id: String,
    pub name: String,
    pub account: String,
    pub region: String,
    /// AWS, else Azure.
    pub aws: bool,
    /// The FOCUS Tags JSON object (empty: untagged).
    pub tags: String,
}

/// `n` made-up AWS resources (for a billing file on its own).
pub fn pool(n: u64) -> Vec<Billed> {
    let regions = ["eu-west-2", "eu-west-1", "us-east-1"];
    (0..n)
        .map(|r| {
            let region = regions[(r % 3) as usize];
            let account = format!("{:012}", 100_000_000_000 + r % 40);
            Billed {
                id: format!("arn:aws:ec2:{region}:{account}:instance/i-{r:016x}"),
                name: if r.is_multiple_of(97) {
                    format!("svc {r}, \"prod\"")
                } else {
                    format!("svc-{r}")
                },
                account,
                region: region.to_string(),
                aws: true,
                tags: format!("{{\"app\":\"app-{}\"}}", r % 500),
            }
        })
        .collect()
}

/// Quote a CSV field when it needs it.
fn field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Write `rows` charge lines over `billed` (made-up resources when empty)
/// to `path`; returns the bytes written.
pub fn write(
    path: &std::path::Path,
    rows: u64,
    billed: &[Billed],
    seed: u64,
) -> std::io::Result<u64> {
    let made;
    let billed = if billed.is_empty() {
        made = pool(100_000);
        &made[..]
    } else {
        billed
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    let f = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let header = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeDescription,ProviderName,InvoiceIssuerName,ServiceName,ServiceCategory,RegionId,ResourceId,ResourceName,SubAccountId,Tags\n";
    w.write_all(header.as_bytes())?;
    let mut bytes = header.len() as u64;
    let aws_services = [
        "Amazon Elastic Compute Cloud",
        "Amazon Simple Storage Service",
        "Amazon Relational Database Service",
        "AWS Lambda",
    ];
    let azure_services = ["Virtual Machines", "Storage", "Azure SQL Database"];
    let mut line = String::new();
    for i in 0..rows {
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let (category, billed_cents) = match rng.u16(..1000) {
            0 => ("Tax", rng.i64(100..100_000)),
            1 => ("Credit", -rng.i64(100..10_000)),
            2 => ("Purchase", rng.i64(100_000..1_000_000)),
            _ => ("Usage", rng.i64(1..50_000)),
        };
        let cost = billed_cents as f64 / 10_000.0;
        let effective = if rng.u8(..10) == 0 { cost * 0.72 } else { cost };
        let r = rng.usize(..billed.len());
        let b = &billed[r];
        // One usage line in twenty is for a resource nobody declared.
        let unknown = category == "Usage" && rng.u8(..20) == 0;
        let (provider, issuer, service) = if b.aws {
            (
                "AWS",
                "Amazon Web Services EMEA SARL",
                aws_services[r % aws_services.len()],
            )
        } else {
            (
                "Microsoft",
                "Microsoft",
                azure_services[r % azure_services.len()],
            )
        };
        let currency = if r % 50 == 7 { "EUR" } else { "GBP" };
        line.clear();
        let (id, name, tags) = if category != "Usage" {
            (String::new(), String::new(), String::new())
        } else if unknown {
            (
                format!("{}-unknown-{}", b.id, rng.u8(..4)),
                format!("{}-orphan", b.name),
                String::new(),
            )
        } else {
            // Tags added part-way through the year on one resource in seven.
            let tags = if r % 7 == 3 && month >= 7 && b.tags.len() > 2 {
                format!("{},\"cost-review\":\"2025\"}}", &b.tags[..b.tags.len() - 1])
            } else {
                b.tags.clone()
            };
            (b.id.clone(), b.name.clone(), tags)
        };
        use std::fmt::Write as _;
        let _ = writeln!(
            line,
            "{cost:.10},{effective:.10},{cost:.10},{currency},2025-{month:02}-01T00:00:00Z,2025-{month:02}-{day:02}T00:00:00Z,2025-{month:02}-{:02}T00:00:00Z,{category},charge {i},{provider},{issuer},{service},Compute,{},{},{},{},{}",
            day + 1,
            b.region,
            field(&id),
            field(&name),
            b.account,
            field(&tags),
        );
        bytes += line.len() as u64;
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok(bytes)
}
