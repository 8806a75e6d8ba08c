//! S3, an account's global service: its buckets (`s3api-list-buckets.json`)
//! and, per bucket, its region, public-access block, default encryption,
//! and size and object count from CloudWatch's daily storage metrics in the
//! bucket's region (`s3-bucket-details.json`). A bucket without a
//! public-access block or default encryption is not an error.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::cloudwatch::{Query, metric_data};
use super::{Call, Error, Fetched, Options, Service, err_text, in_region, record};

pub(super) const BUCKETS: Service = Service {
    name: "s3",
    fetch: |c| Box::pin(buckets(c)),
};

fn client(cfg: &SdkConfig, opts: &Options, region: &str) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&in_region(cfg, region))
        .force_path_style(opts.endpoint.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// The error code of a failed call, when the service gave one.
fn code<E: aws_sdk_s3::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_s3::error::SdkError<E, R>,
) -> Option<&str> {
    e.as_service_error().and_then(|x| x.code())
}

/// A failed call about one bucket.
fn about<E: std::error::Error>(bucket: &str, e: &E) -> Error {
    Error::Bucket {
        bucket: bucket.to_string(),
        reason: Box::new(Error::Call(err_text(e))),
    }
}

async fn buckets(c: &Call<'_>) -> Result<Fetched, Error> {
    let (cfg, opts, ops) = (c.cfg, c.opts, c.ops);
    record(ops, "s3:ListAllMyBuckets");
    let home = cfg.region().map_or("us-east-1", |r| r.as_ref()).to_string();
    let home_client = client(cfg, opts, &home);
    let out = home_client.list_buckets().send().await?;
    let mut list = Vec::new();
    let mut details = serde_json::Map::new();
    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in out.buckets() {
        let Some(name) = b.name() else { continue };
        // The bucket's region: as listed, else asked for (`null` is us-east-1, `EU` eu-west-1).
        let region = match b.bucket_region() {
            Some(r) => r.to_string(),
            None => {
                record(ops, "s3:GetBucketLocation");
                let l = home_client
                    .get_bucket_location()
                    .bucket(name)
                    .send()
                    .await
                    .map_err(|e| about(name, &e))?;
                match l.location_constraint().map(|c| c.as_str()) {
                    None | Some("") => "us-east-1".to_string(),
                    Some("EU") => "eu-west-1".to_string(),
                    Some(r) => r.to_string(),
                }
            }
        };
        let here = client(cfg, opts, &region);
        record(ops, "s3:GetBucketPublicAccessBlock");
        let block = match here.get_public_access_block().bucket(name).send().await {
            Ok(o) => o.public_access_block_configuration().map(|c| {
                json!({
                    "BlockPublicAcls": c.block_public_acls(),
                    "IgnorePublicAcls": c.ignore_public_acls(),
                    "BlockPublicPolicy": c.block_public_policy(),
                    "RestrictPublicBuckets": c.restrict_public_buckets(),
                })
            }),
            Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => None,
            Err(e) => return Err(about(name, &e)),
        };
        record(ops, "s3:GetEncryptionConfiguration");
        let encryption = match here.get_bucket_encryption().bucket(name).send().await {
            Ok(o) => o
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_string()),
            Err(e) if code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => None,
            Err(e) => return Err(about(name, &e)),
        };
        list.push(json!({
            "Name": name,
            "CreationDate": b.creation_date().map(|d| d.to_string()),
            "BucketRegion": region,
        }));
        details.insert(
            name.to_string(),
            json!({"Region": region, "PublicAccessBlockConfiguration": block, "Encryption": encryption}),
        );
        by_region.entry(region).or_default().push(name.to_string());
    }
    // Size and objects: the latest daily storage metric, from each region's CloudWatch.
    for (region, names) in by_region {
        let queries: Vec<Query> = names
            .iter()
            .flat_map(|n| {
                [
                    ("BucketSizeBytes", "StandardStorage"),
                    ("NumberOfObjects", "AllStorageTypes"),
                ]
                .map(|(metric, storage)| Query {
                    key: (n.clone(), metric),
                    namespace: "AWS/S3",
                    metric,
                    dimensions: vec![("BucketName", n.clone()), ("StorageType", storage.into())],
                })
            })
            .collect();
        let values = metric_data(&in_region(cfg, &region), ops, &queries, opts.period).await?;
        for ((name, metric), v) in values {
            // Newest first: the latest day.
            if let (Some(latest), Some(d)) = (v.first(), details.get_mut(&name)) {
                d[metric] = json!(*latest as u64);
            }
        }
    }
    let n = list.len();
    Ok(Fetched {
        files: vec![
            ("s3api-list-buckets.json".into(), json!({ "Buckets": list })),
            ("s3-bucket-details.json".into(), Value::Object(details)),
        ],
        resources: n,
        ids: Vec::new(),
    })
}
