//! AWS Organizations: every active account of the caller's organization
//! (`organizations:ListAccounts`), for `--organization`; each is then
//! entered through its role (see `sts`).

use aws_config::SdkConfig;

use super::{Error, Ops, record};
use crate::collect::paging::Pager;

/// The ids of the organization's active accounts (the caller's among them).
pub(super) async fn active_accounts(base: &SdkConfig, ops: &Ops) -> Result<Vec<String>, Error> {
    record(ops, "organizations:ListAccounts");
    list(&aws_sdk_organizations::Client::new(base))
        .await
        .map_err(|e| Error::Organization(Box::new(e)))
}

async fn list(client: &aws_sdk_organizations::Client) -> Result<Vec<String>, Error> {
    let mut accounts = Vec::new();
    let mut pager = Pager::default();
    while let Some(token) = pager.next_page() {
        let page = client.list_accounts().set_next_token(token).send().await?;
        for a in page.accounts() {
            let active = a
                .status()
                .is_none_or(|s| *s == aws_sdk_organizations::types::AccountStatus::Active);
            if let (Some(id), true) = (a.id(), active) {
                accounts.push(id.to_string());
            }
        }
        pager.turn(page.next_token())?;
    }
    Ok(accounts)
}
