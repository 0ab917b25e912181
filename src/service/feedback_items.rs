//! Points raised by stakeholders and the response to each.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::people::load_visible;
use super::{run, versioned};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::patch::{apply, Mode};
use crate::error::ApiError;
use crate::store::{feedback_items as store, submissions};

fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<FeedbackItem, ApiError> {
    let item =
        store::find(conn, &viewer.workspace_id, id)?.ok_or_else(|| ApiError::not_found("feedback item"))?;
    load_visible(conn, viewer, &item.stakeholder_id, true)
        .map_err(|_| ApiError::not_found("feedback item"))?;
    Ok(item)
}

/// Raises a point for a live person the caller may see, standalone or from one of their
/// submissions (then it belongs to that form and period).
pub async fn create(pool: &Pool, viewer: Viewer, body: Map<String, Value>) -> Result<FeedbackItem, ApiError> {
    let mut item = FeedbackItem::blank(&viewer.workspace_id, crate::time::now());
    apply(&mut item, &body, Mode::Create)?;
    run(pool, move |conn| {
        tx::write(conn, |c| {
            load_visible(c, &viewer, &item.stakeholder_id, false)?;
            if let Some(sid) = &item.submission_id {
                let submission = submissions::find(c, &viewer.workspace_id, sid)?
                    .filter(|s| s.stakeholder_id == item.stakeholder_id)
                    .ok_or_else(|| {
                        ApiError::invalid("submission_id", "no submission of this stakeholder has this id")
                    })?;
                item.form_id = Some(submission.form_id);
                item.period = Some(submission.period);
            }
            store::insert(c, &item)?;
            Ok(item)
        })
    })
    .await
}

/// One point of a person the caller may see.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<FeedbackItem, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id)).await
}

/// Triages a point (merge patch).
pub async fn update(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    body: Map<String, Value>,
) -> Result<FeedbackItem, ApiError> {
    run(pool, move |conn| {
        versioned::modify(
            conn,
            &if_match,
            |c| {
                store::lock(c, &viewer.workspace_id, &id)?;
                load(c, &viewer, &id)
            },
            |item| versioned::patched(item, &body),
            |c, before, after| Ok(store::save(c, before, after)?),
        )
    })
    .await
}

/// Up to `limit` points after id `after`, of people the caller may see.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: store::Filter,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<FeedbackItem>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer, &filter, after, limit)?)).await
}
