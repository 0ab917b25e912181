//! The one way a use case reaches a stakeholder by id: as the caller may see them.

use super::run;
use crate::access::Viewer;
use crate::db::{DbConnection, Pool};
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::store::history::HistoryRow;
use crate::store::stakeholders::ApproachRow;

/// Loads a stakeholder the caller may see: 404 if missing, deleted (unless asked for) or
/// confidential to them. Every use case that touches a stakeholder by id goes through here.
pub fn load_visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Stakeholder, ApiError> {
    let found = crate::store::stakeholders::find(conn, &viewer.workspace_id, id)?
        .filter(|s| include_deleted || s.deleted_at.is_none())
        .filter(|s| viewer.confidential_values().contains(&s.analysis.confidential));
    found.ok_or_else(|| ApiError::not_found("stakeholder"))
}

/// A live person the caller may see (404 otherwise).
pub async fn visible(pool: &Pool, viewer: Viewer, id: String) -> Result<Stakeholder, ApiError> {
    run(pool, move |conn| load_visible(conn, &viewer, &id, false)).await
}

/// Up to `limit` history entries of a person the caller may see, newest first, before
/// the (at, id) position.
pub async fn history(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    before: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<HistoryRow>, ApiError> {
    run(pool, move |conn| {
        load_visible(conn, &viewer, &id, true)?;
        Ok(crate::store::history::list(conn, &viewer.workspace_id, &id, before, limit)?)
    })
    .await
}

/// Every live person the caller may see, as the approach order needs them.
pub async fn approach_rows(pool: &Pool, viewer: Viewer) -> Result<Vec<ApproachRow>, ApiError> {
    run(pool, move |conn| Ok(crate::store::stakeholders::approach_rows(conn, &viewer)?)).await
}
