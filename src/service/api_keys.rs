//! API keys for machines: made, listed and revoked by admins, exchanged for tokens.

use super::run;
use crate::access::Viewer;
use crate::db::{tx, Pool};
use crate::error::ApiError;
use crate::store::api_keys::{self as store, ApiKey};

/// Stores a new key (its secret only as a hash).
pub async fn create(pool: &Pool, key: ApiKey) -> Result<ApiKey, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| store::insert(c, &key))?;
        Ok(key)
    })
    .await
}

/// The workspace's keys, oldest first.
pub async fn list(pool: &Pool, viewer: Viewer) -> Result<Vec<ApiKey>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer.workspace_id)?)).await
}

/// Revokes a live key; false if there is none with this id.
pub async fn revoke(pool: &Pool, viewer: Viewer, id: String) -> Result<bool, ApiError> {
    run(pool, move |conn| tx::write(conn, |c| Ok(store::revoke(c, &viewer.workspace_id, &id)?))).await
}

/// The live key with this secret, marked used.
pub async fn authenticate(pool: &Pool, secret: String) -> Result<Option<ApiKey>, ApiError> {
    run(pool, move |conn| tx::write(conn, |c| Ok(store::authenticate(c, &secret)?))).await
}
