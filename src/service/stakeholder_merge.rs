//! Merging two records of one person: everything moves onto the survivor in one write
//! transaction, the merged person's CRM key becomes an alias, their id answers 410.

use super::conditions::{check_if_match, Precondition};
use super::people::load_visible_or_merged;
use super::run;
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::stakeholder::Stakeholder;
use crate::domain::stakeholder_merge::absorb;
use crate::domain::versioned::Versioned;
use crate::error::ApiError;
use crate::store::{changes, history, stakeholder_merge, stakeholders as store};

/// Merges `from_id` into `id` and returns the survivor.
pub async fn merge(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    from_id: String,
    if_match: Option<Precondition>,
) -> Result<Stakeholder, ApiError> {
    if id == from_id {
        return Err(ApiError::invalid("from_id", "a person cannot be merged into themselves"));
    }
    run(pool, move |conn| tx::write(conn, |c| merge_in(c, &viewer, &id, &from_id, &if_match))).await
}

fn merge_in(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    from_id: &str,
    if_match: &Option<Precondition>,
) -> Result<Stakeholder, ApiError> {
    // Locked in id order, so two merges of the same pair queue instead of deadlocking;
    // the second then finds one of them merged (409).
    let mut ids = [id, from_id];
    ids.sort_unstable();
    for locked in ids {
        store::lock(conn, &viewer.workspace_id, locked)?;
    }
    let into = load_visible_or_merged(conn, viewer, id)?;
    let from = load_visible_or_merged(conn, viewer, from_id).map_err(|e| match e {
        ApiError::NotFound(_) => ApiError::invalid("from_id", "no such stakeholder in this workspace"),
        other => other,
    })?;
    for person in [&into, &from] {
        if let Some(survivor) = store::merged_into(conn, &viewer.workspace_id, &person.id)? {
            return Err(ApiError::ConflictWith(
                format!("stakeholder {} was already merged into {survivor}", person.id),
                Some(survivor),
            ));
        }
    }
    check_if_match(if_match, into.version)?;
    if into.deleted_at.is_some() {
        return Err(ApiError::invalid("id", "the survivor is deleted: restore them first"));
    }
    if from.deleted_at.is_some() {
        return Err(ApiError::invalid("from_id", "this person is deleted: restore them first"));
    }
    if into.analysis.confidential != from.analysis.confidential {
        // Merging would show a confidential person's data to those who may not see it,
        // or hide a visible person: the caller decides first.
        return Err(ApiError::invalid(
            "from_id",
            "one of the two is confidential and the other is not: make them alike first",
        ));
    }
    stakeholder_merge::move_references(conn, &from, &into)?;
    let mut survivor = into.clone();
    absorb(&mut survivor, &from);
    survivor.bump();
    let mut gone = from.clone();
    gone.deleted_at = Some(crate::time::now());
    gone.bump();
    let saved = store::save_row(conn, &into, &survivor)? && store::save_row(conn, &from, &gone)?;
    if !saved {
        return Err(ApiError::Conflict("a stakeholder changed concurrently; retry".into()));
    }
    store::mark_merged(conn, &viewer.workspace_id, &from.id, &into.id)?;
    history::record_merge(conn, &viewer.sub, (&into, &survivor), ("merged_from", &from.id))?;
    history::record_merge(conn, &viewer.sub, (&from, &gone), ("merged_into", &into.id))?;
    changes::record_merge(conn, &from, &into.id)?;
    changes::record_write(conn, Some(&into), &survivor)?;
    Ok(survivor)
}
