//! What the CRM connector and other readers pull: the change feed and the anonymised map.

use super::run;
use crate::access::Viewer;
use crate::db::Pool;
use crate::domain::anonymize::AnonMap;
use crate::error::ApiError;
use crate::store::changes::{self, Change, EntityType};

/// Up to `limit` changes after sequence `after`, as the viewer may see them.
pub async fn changes(
    pool: &Pool,
    viewer: Viewer,
    after: i64,
    types: Vec<EntityType>,
    limit: i64,
) -> Result<Vec<Change>, ApiError> {
    run(pool, move |conn| Ok(changes::list(conn, &viewer, after, &types, limit)?)).await
}

/// The workspace's map with every personal and free text removed.
pub async fn anonymized(pool: &Pool, viewer: Viewer) -> Result<AnonMap, ApiError> {
    run(pool, move |conn| Ok(crate::store::export::anonymized_map(conn, &viewer)?)).await
}
