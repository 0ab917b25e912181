//! The stakeholder register's use cases: create, read, list, merge-patch, delete,
//! restore. Every write ends in the same store functions the CRM paths use.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::people::load_visible;
use super::{run, versioned};
use crate::access::Viewer;
use crate::db::{DbConnection, Pool};
use crate::domain::stakeholder::{self, Mode, Stakeholder};
use crate::error::ApiError;
use crate::pagination::SortKey;
use crate::store::stakeholder_list::{self, After, Filter, ListError, SortField};
use crate::store::stakeholders::{self as store, KeyHolder};

/// Cross-row rules of a write: the CRM key is free (409) and a newly set account exists
/// (422). An account that was deleted after it was linked does not block other changes,
/// such as deleting the stakeholder.
pub fn ensure_references(
    conn: &mut DbConnection,
    viewer: &Viewer,
    before: Option<&Stakeholder>,
    s: &Stakeholder,
) -> Result<(), ApiError> {
    let account_changed = before.is_none_or(|b| b.profile.account_id != s.profile.account_id);
    if let Some(account) = s.profile.account_id.as_ref().filter(|_| account_changed) {
        let live = crate::store::accounts::find(conn, &s.workspace_id, account)?
            .is_some_and(|a| a.deleted_at.is_none());
        if !live {
            return Err(ApiError::invalid("account_id", "no such account in this workspace"));
        }
    }
    ensure_external_key_free(conn, viewer, s)
}

fn ensure_external_key_free(
    conn: &mut DbConnection,
    viewer: &Viewer,
    s: &Stakeholder,
) -> Result<(), ApiError> {
    if let (Some(source), Some(external_id)) = (&s.profile.source, &s.profile.external_id) {
        match store::key_holder(conn, viewer, source, external_id)? {
            Some(KeyHolder::Visible(other)) if other != s.id => {
                return Err(ApiError::ConflictWith(
                    format!(
                    "source '{source}' external_id '{external_id}' already belongs to stakeholder {other}"
                ),
                    Some(other),
                ))
            }
            Some(KeyHolder::Hidden) => return Err(key_taken(source, external_id)),
            _ => {}
        }
    }
    Ok(())
}

/// 409 for a CRM key held by someone the caller may not see: taken, by nobody named.
pub fn key_taken(source: &str, external_id: &str) -> ApiError {
    ApiError::Conflict(format!("source '{source}' external_id '{external_id}' is already taken"))
}

/// Locks and loads a live or deleted stakeholder the caller may see, for a write.
pub fn load_for_update(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<Stakeholder, ApiError> {
    store::lock(conn, &viewer.workspace_id, id)?;
    load_visible(conn, viewer, id, true)
}

/// Read-modify-write of one visible stakeholder, with its history entry.
fn modify(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    if_match: &Option<Precondition>,
    include_deleted: bool,
    change: impl Fn(&mut Stakeholder) -> Result<bool, ApiError>,
) -> Result<Stakeholder, ApiError> {
    versioned::modify(
        conn,
        if_match,
        |c| {
            store::lock(c, &viewer.workspace_id, id)?;
            load_visible(c, viewer, id, include_deleted)
        },
        change,
        |c, before, after| {
            ensure_references(c, viewer, Some(before), after)?;
            Ok(store::save(c, before, after, &viewer.sub)?)
        },
    )
}

/// One stakeholder the caller may see.
pub async fn get(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    include_deleted: bool,
) -> Result<Stakeholder, ApiError> {
    run(pool, move |conn| load_visible(conn, &viewer, &id, include_deleted)).await
}

/// Up to `limit` stakeholders the caller may see after the position, filtered and sorted.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: Filter,
    sort: Vec<SortKey<SortField>>,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Stakeholder>, ApiError> {
    run(pool, move |conn| {
        stakeholder_list::list(conn, &viewer, &filter, &sort, after.as_ref(), limit).map_err(|e| match e {
            ListError::BadCursor => {
                ApiError::BadRequest("invalid cursor: pass back next_cursor unchanged".into())
            }
            ListError::Db(e) => e.into(),
        })
    })
    .await
}

/// Merge-patches a live stakeholder.
pub async fn update(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    body: Map<String, Value>,
) -> Result<Stakeholder, ApiError> {
    let writes_analysis = viewer.writes_analysis();
    run(pool, move |conn| {
        modify(conn, &viewer, &id, &if_match, false, |s| {
            let before = s.clone();
            stakeholder::apply(s, &body, writes_analysis, Mode::Patch)?;
            Ok(*s != before)
        })
    })
    .await
}

/// Soft-deletes a stakeholder.
pub async fn delete(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
) -> Result<(), ApiError> {
    run(pool, move |conn| modify(conn, &viewer, &id, &if_match, false, versioned::mark_deleted).map(|_| ()))
        .await
}

/// Restores a soft-deleted stakeholder.
pub async fn restore(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
) -> Result<Stakeholder, ApiError> {
    run(pool, move |conn| modify(conn, &viewer, &id, &if_match, true, versioned::mark_restored)).await
}
