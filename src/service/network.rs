//! The stakeholder network, whole or one account's, as the caller may see it.

use super::accounts::load_visible as load_account;
use super::run;
use crate::access::Viewer;
use crate::db::{DbConnection, Pool};
use crate::domain::account::Account;
use crate::domain::network::Network;
use crate::error::ApiError;
use crate::store;

/// The network for the caller, optionally one account's (404 if that account is not visible).
pub fn load(conn: &mut DbConnection, viewer: &Viewer, account_id: Option<&str>) -> Result<Network, ApiError> {
    if let Some(account) = account_id {
        load_account(conn, viewer, account)?;
    }
    store::network::load(conn, viewer, account_id)?.ok_or_else(|| {
        ApiError::invalid(
            "account_id",
            format!(
                "the network has more than {} people: narrow it with account_id",
                store::network::MAX_NODES
            ),
        )
    })
}

/// The network (whole, or one account's).
pub async fn network(pool: &Pool, viewer: Viewer, account_id: Option<String>) -> Result<Network, ApiError> {
    run(pool, move |conn| load(conn, &viewer, account_id.as_deref())).await
}

/// One account and its network.
pub async fn account_map(pool: &Pool, viewer: Viewer, id: String) -> Result<(Account, Network), ApiError> {
    run(pool, move |conn| {
        let account = load_account(conn, &viewer, &id)?;
        let network = load(conn, &viewer, Some(&id))?;
        Ok((account, network))
    })
    .await
}
