//! A synthetic FOCUS 1.0 export: `rows` charge lines over `resources`
//! resources, deterministic from a seed, with credits, tax, purchases,
//! unknown resources, quoted names and two currencies, like real exports.

use std::io::Write;

pub fn write(path: &std::path::Path, rows: u64, resources: u64, seed: u64) -> std::io::Result<u64> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let f = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    writeln!(
        w,
        "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeDescription,ProviderName,InvoiceIssuerName,ServiceName,ServiceCategory,RegionId,ResourceId,ResourceName,SubAccountId,Tags"
    )?;
    let services = [
        "Amazon Elastic Compute Cloud",
        "Amazon Simple Storage Service",
        "Amazon Relational Database Service",
        "AWS Lambda",
    ];
    let regions = ["eu-west-2", "eu-west-1", "us-east-1"];
    let mut bytes = 0u64;
    for i in 0..rows {
        let r = rng.u64(..resources);
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let (category, billed_cents) = match rng.u16(..1000) {
            0 => ("Tax", rng.i64(100..100_000)),
            1 => ("Credit", -rng.i64(100..10_000)),
            2 => ("Purchase", rng.i64(100_000..1_000_000)),
            _ => ("Usage", rng.i64(1..50_000)),
        };
        let billed = billed_cents as f64 / 10_000.0;
        let effective = if rng.u8(..10) == 0 {
            billed * 0.72
        } else {
            billed
        };
        let (resource_id, name) = if category == "Usage" {
            (
                format!(
                    "arn:aws:ec2:{}:{:012}:instance/i-{r:016x}",
                    regions[(r % 3) as usize],
                    100_000_000_000 + r % 40
                ),
                if r.is_multiple_of(97) {
                    format!("\"svc {r}, \"\"prod\"\"\"")
                } else {
                    format!("svc-{r}")
                },
            )
        } else {
            (String::new(), String::new())
        };
        let currency = if r.is_multiple_of(50) { "EUR" } else { "GBP" };
        let line = format!(
            "{billed:.10},{effective:.10},{billed:.10},{currency},2025-{month:02}-01T00:00:00Z,2025-{month:02}-{day:02}T00:00:00Z,2025-{month:02}-{:02}T00:00:00Z,{category},charge {i},AWS,Amazon Web Services EMEA SARL,{},Compute,{},{resource_id},{name},{:012},\"{{\"\"app\"\":\"\"app-{}\"\"}}\"\n",
            day + 1,
            services[(r % 4) as usize],
            regions[(r % 3) as usize],
            100_000_000_000 + r % 40,
            r % 500,
        );
        bytes += line.len() as u64;
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    Ok(bytes)
}
