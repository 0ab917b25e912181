//! The interaction log: each write brings the linked people's plans up to date.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::people::load_visible;
use super::run;
use super::versioned::{self, Editable};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::interaction::Interaction;
use crate::domain::patch::{apply, Mode};
use crate::error::{ApiError, FieldError};
use crate::store::interactions::{self as store, Filter};

fn visible(conn: &mut DbConnection, viewer: &Viewer, x: &Interaction) -> Result<(), ApiError> {
    for sid in &x.stakeholder_ids {
        load_visible(conn, viewer, sid, true)?;
    }
    Ok(())
}

fn load(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Interaction, ApiError> {
    let x = store::find(conn, &viewer.workspace_id, id)?
        .filter(|x| include_deleted || x.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("interaction"))?;
    visible(conn, viewer, &x).map_err(|_| ApiError::not_found("interaction"))?;
    Ok(x)
}

// Every linked stakeholder must be live and visible: 422 naming the unknown ones.
fn check_links(conn: &mut DbConnection, viewer: &Viewer, x: &Interaction) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = x
        .stakeholder_ids
        .iter()
        .enumerate()
        .filter(|(_, sid)| load_visible(conn, viewer, sid, false).is_err())
        .map(|(i, _)| FieldError::new(format!("stakeholder_ids[{i}]"), "no such stakeholder"))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

impl Editable for Interaction {
    fn modify(
        conn: &mut DbConnection,
        viewer: &Viewer,
        id: &str,
        if_match: &Option<Precondition>,
        include_deleted: bool,
        change: &dyn Fn(&mut Self) -> Result<bool, ApiError>,
    ) -> Result<Self, ApiError> {
        versioned::modify(
            conn,
            if_match,
            |c| {
                store::lock(c, &viewer.workspace_id, id)?;
                load(c, viewer, id, include_deleted)
            },
            change,
            |c, before, after| {
                if after.deleted_at.is_none() {
                    check_links(c, viewer, after)?;
                }
                Ok(store::save(c, before, after)?)
            },
        )
    }
}

/// Logs an interaction with live people the caller may see.
pub async fn create(pool: &Pool, viewer: Viewer, body: Map<String, Value>) -> Result<Interaction, ApiError> {
    let mut x = Interaction::blank(&viewer.workspace_id, crate::time::now());
    apply(&mut x, &body, Mode::Create)?;
    run(pool, move |conn| {
        tx::write(conn, |c| {
            check_links(c, &viewer, &x)?;
            store::insert(c, &x)?;
            Ok(x)
        })
    })
    .await
}

/// One live interaction.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<Interaction, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id, false)).await
}

/// Up to `limit` interactions before the (occurred_at, id) position, newest first; those
/// with someone the caller may not see are left out.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: Filter,
    before: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Interaction>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer, &filter, before, limit)?)).await
}
