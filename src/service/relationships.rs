//! Relationships: who backs, reports to, or conflicts with whom (analysis).

use super::conditions::{check_if_match, Precondition};
use super::people::load_visible;
use super::run;
use crate::access::Viewer;
use crate::db::{tx, Pool};
use crate::domain::relationship::Relationship;
use crate::error::ApiError;
use crate::store::relationships::{self as store, Scope};

/// Links two live people the caller may see; a live link of the same kind is 409.
pub async fn create(pool: &Pool, viewer: Viewer, rel: Relationship) -> Result<Relationship, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            load_visible(c, &viewer, &rel.from_id, false)?;
            load_visible(c, &viewer, &rel.to_id, false)?;
            if store::exists(c, &rel)? {
                return Err(ApiError::Conflict("this relationship already exists".into()));
            }
            store::insert(c, &rel)?;
            Ok(rel)
        })
    })
    .await
}

/// One live relationship whose two ends the caller may see.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<Relationship, ApiError> {
    let scope = Scope::default();
    run(pool, move |conn| {
        store::find(conn, &viewer, &id, &scope)?.ok_or_else(|| ApiError::not_found("relationship"))
    })
    .await
}

/// Up to `limit` relationships after id `after` within `scope`, both ends visible.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    scope: Scope,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Relationship>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer, &scope, after, limit)?)).await
}

/// Soft-deletes (`delete`) or restores a relationship.
pub async fn set_deleted(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    delete: bool,
) -> Result<Relationship, ApiError> {
    let scope = Scope { include_deleted: !delete, ..Scope::default() };
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let rel =
                store::find(c, &viewer, &id, &scope)?.ok_or_else(|| ApiError::not_found("relationship"))?;
            check_if_match(&if_match, rel.version)?;
            if rel.deleted_at.is_some() == delete {
                return Ok(rel);
            }
            let at = delete.then(|| crate::time::now().naive_utc());
            store::set_deleted(c, &rel, at)?;
            Ok(store::find(c, &viewer, &id, &Scope { include_deleted: true, ..scope.clone() })?
                .unwrap_or(rel))
        })
    })
    .await
}
