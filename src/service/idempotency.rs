//! The stored first responses behind `Idempotency-Key` (the HTTP side is a middleware).

use super::run;
use crate::db::{tx, Pool};
use crate::error::ApiError;
use crate::store::idempotency::{self as store, Claim};

/// Claims a key (already scoped to the caller's whole credential) for a request hash.
pub async fn claim(pool: &Pool, workspace_id: String, key: String, hash: String) -> Result<Claim, ApiError> {
    run(pool, move |c| tx::write(c, |c| Ok(store::claim(c, &workspace_id, &key, &hash)?))).await
}

/// Forgets a claimed key: the request failed on the server and may be retried.
pub async fn release(pool: &Pool, workspace_id: String, key: String) -> Result<(), ApiError> {
    run(pool, move |c| tx::write(c, |c| Ok(store::release(c, &workspace_id, &key)?))).await
}

/// Stores the response (status, body, kept headers as JSON) of a claimed key.
pub async fn complete(
    pool: &Pool,
    workspace_id: String,
    key: String,
    (status, body, headers): (u16, String, String),
) -> Result<(), ApiError> {
    run(pool, move |c| {
        tx::write(c, |c| Ok(store::complete(c, &workspace_id, &key, status, &body, &headers)?))
    })
    .await
}
