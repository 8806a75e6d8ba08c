//! STS: who the caller is (`sts:GetCallerIdentity`, the first call, which
//! fails when there are no usable credentials) and a config for another
//! account through a role assumed there (`sts:AssumeRole`). The assumed
//! role's credentials stay in memory, never written or logged.

use aws_config::{BehaviorVersion, SdkConfig};

use super::{Error, Ops, Options, record};

/// The caller's account id.
pub(super) async fn caller_account(base: &SdkConfig, ops: &Ops) -> Result<String, Error> {
    record(ops, "sts:GetCallerIdentity");
    let out = aws_sdk_sts::Client::new(base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::Credentials(Box::new(e.into())))?;
    Ok(out.account().unwrap_or_default().to_string())
}

/// A config for another account, through its role, and the role's ARN.
pub(super) async fn assume(
    base: &SdkConfig,
    opts: &Options,
    account: &str,
    ops: &Ops,
) -> Result<(SdkConfig, String), Error> {
    let arn = if opts.role.starts_with("arn:") {
        opts.role.replace("{account}", account)
    } else {
        format!("arn:aws:iam::{account}:role/{}", opts.role)
    };
    record(ops, "sts:AssumeRole");
    let out = match aws_sdk_sts::Client::new(base)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("estate-collect")
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            return Err(Error::Assume {
                arn,
                reason: Box::new(e.into()),
            });
        }
    };
    let Some(c) = out.credentials() else {
        return Err(Error::NoCredentials { arn });
    };
    let creds = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "estate-assume-role",
    );
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(base.region().cloned())
        .credentials_provider(creds);
    if let Some(e) = &opts.endpoint {
        loader = loader.endpoint_url(e);
    }
    Ok((loader.load().await, arn))
}
