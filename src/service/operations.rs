//! What the probes ask of the database.

use super::run;
use crate::db::Pool;
use crate::error::ApiError;

/// Whether the database answers and every migration is applied.
pub async fn ready(pool: &Pool) -> Result<bool, ApiError> {
    run(pool, |conn| {
        crate::db::migrations_current(conn).map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::Unavailable
        })
    })
    .await
}
