//! The read-modify-write cycle shared by every versioned resource.

use super::conditions::{check_if_match, Precondition};
use crate::db::{tx, DbConnection};
use crate::domain::versioned::{SoftDelete, Versioned};
use crate::error::ApiError;

/// How many times a write without `If-Match` re-reads after losing a race.
const WRITE_ATTEMPTS: usize = 5;

/// Loads (locking) the current state, checks `If-Match`, applies `change` (which returns
/// false when nothing needs writing) and saves it with `save(conn, before, after)`, which
/// returns false if the stored version moved. With `If-Match` a lost race is 412;
/// without, the cycle is retried on fresh data.
pub fn modify<R, L, C, S>(
    conn: &mut DbConnection,
    if_match: &Option<Precondition>,
    load: L,
    change: C,
    save: S,
) -> Result<R, ApiError>
where
    R: Versioned,
    L: Fn(&mut DbConnection) -> Result<R, ApiError>,
    C: Fn(&mut R) -> Result<bool, ApiError>,
    S: Fn(&mut DbConnection, &R, &R) -> Result<bool, ApiError>,
{
    for _ in 0..WRITE_ATTEMPTS {
        let outcome = tx::write(conn, |c| -> Result<Option<R>, ApiError> {
            let current = load(c)?;
            check_if_match(if_match, current.version())?;
            let mut next = current.clone();
            if !change(&mut next)? || next == current {
                return Ok(Some(current));
            }
            next.bump();
            Ok(save(c, &current, &next)?.then_some(next))
        })?;
        match outcome {
            Some(saved) => return Ok(saved),
            None if if_match.is_some() => {
                return Err(ApiError::PreconditionFailed("the resource changed concurrently".into()))
            }
            None => continue,
        }
    }
    Err(ApiError::Conflict("the resource is being changed concurrently; retry".into()))
}

/// The change that soft-deletes a live resource.
pub fn mark_deleted<R: SoftDelete>(resource: &mut R) -> Result<bool, ApiError> {
    *resource.deleted_at_mut() = Some(crate::time::now());
    Ok(true)
}

/// The change that restores a deleted resource; false (nothing to write) if it is live.
pub fn mark_restored<R: SoftDelete>(resource: &mut R) -> Result<bool, ApiError> {
    Ok(resource.deleted_at_mut().take().is_some())
}

/// A resource its service module can read-modify-write by id, so update, remove and
/// restore are written once for all of them.
pub trait Editable: Versioned + crate::domain::patch::Patchable + SoftDelete + Send + 'static {
    /// Loads (locking) the visible record, applies `change` and saves it (see `modify`).
    fn modify(
        conn: &mut DbConnection,
        viewer: &crate::access::Viewer,
        id: &str,
        if_match: &Option<Precondition>,
        include_deleted: bool,
        change: &dyn Fn(&mut Self) -> Result<bool, ApiError>,
    ) -> Result<Self, ApiError>;
}

/// The change that merge-patches a record with `body` (422 listing every bad field).
pub fn patched<R: crate::domain::patch::Patchable>(
    record: &mut R,
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool, ApiError> {
    crate::domain::patch::apply(record, body, crate::domain::patch::Mode::Patch)?;
    Ok(true)
}

/// Merge-patches a live record.
pub async fn update<R: Editable>(
    pool: &crate::db::Pool,
    viewer: crate::access::Viewer,
    id: String,
    if_match: Option<Precondition>,
    body: serde_json::Map<String, serde_json::Value>,
) -> Result<R, ApiError> {
    super::run(pool, move |c| R::modify(c, &viewer, &id, &if_match, false, &|r| patched(r, &body))).await
}

/// Soft-deletes a record.
pub async fn remove<R: Editable>(
    pool: &crate::db::Pool,
    viewer: crate::access::Viewer,
    id: String,
    if_match: Option<Precondition>,
) -> Result<R, ApiError> {
    super::run(pool, move |c| R::modify(c, &viewer, &id, &if_match, false, &mark_deleted)).await
}

/// Restores a deleted record (a live one is left as it is).
pub async fn restore<R: Editable>(
    pool: &crate::db::Pool,
    viewer: crate::access::Viewer,
    id: String,
    if_match: Option<Precondition>,
) -> Result<R, ApiError> {
    super::run(pool, move |c| R::modify(c, &viewer, &id, &if_match, true, &mark_restored)).await
}
