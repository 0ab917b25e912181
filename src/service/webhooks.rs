//! Webhook subscriptions (admin) and their delivery log.

use serde_json::{Map, Value};

use super::run;
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::error::{ApiError, FieldError};
use crate::store::changes::{ChangeKind, EntityType};
use crate::store::webhooks::{self as store, Delivery, WebhookRow};

fn known_event(name: &str) -> bool {
    name == "*"
        || name
            .split_once('.')
            .is_some_and(|(t, k)| EntityType::parse(t).is_some() && ChangeKind::parse(k).is_some())
}

fn apply(hook: &mut WebhookRow, body: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["url", "events", "active"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a webhook field"))
        .collect();
    match body.get("url") {
        Some(Value::String(url))
            if url.chars().count() <= 2000
                && (url.starts_with("https://") || url.starts_with("http://"))
                && url.split("://").nth(1).is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
                && !url.chars().any(char::is_control) =>
        {
            hook.url = url.clone()
        }
        None if !creating => {}
        _ => errors.push(FieldError::new("url", "must be an http(s) URL of at most 2000 characters")),
    }
    match body.get("events") {
        Some(Value::Array(given)) if !given.is_empty() && given.len() <= 50 => {
            let names: Vec<String> = given.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            if names.len() != given.len() || !names.iter().all(|n| known_event(n)) {
                errors.push(FieldError::new("events", "must be event names like stakeholder.updated, submission.created, feedback_item.updated, or *"));
            } else {
                hook.events = serde_json::to_string(&names).expect("strings serialise");
            }
        }
        None if !creating => {}
        _ => errors.push(FieldError::new("events", "must be an array of 1 to 50 event names")),
    }
    match body.get("active") {
        Some(Value::Bool(b)) => hook.active = *b,
        None => {}
        _ => errors.push(FieldError::new("active", "must be true or false")),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<WebhookRow, ApiError> {
    store::find(conn, &viewer.workspace_id, id)?.ok_or_else(|| ApiError::not_found("webhook"))
}

/// Stores a new subscription from a create body.
pub async fn create(
    pool: &Pool,
    mut hook: WebhookRow,
    body: Map<String, Value>,
) -> Result<WebhookRow, ApiError> {
    apply(&mut hook, &body, true)?;
    run(pool, move |conn| {
        tx::write(conn, |c| store::insert(c, &hook))?;
        Ok(hook)
    })
    .await
}

/// The workspace's subscriptions.
pub async fn list(pool: &Pool, viewer: Viewer) -> Result<Vec<WebhookRow>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer.workspace_id)?)).await
}

/// One subscription.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<WebhookRow, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id)).await
}

/// Changes URL, events or active.
pub async fn update(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    body: Map<String, Value>,
) -> Result<WebhookRow, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let mut hook = load(c, &viewer, &id)?;
            apply(&mut hook, &body, false)?;
            hook.version += 1;
            hook.updated_at = crate::time::now().naive_utc();
            store::update(c, &hook)?;
            Ok(hook)
        })
    })
    .await
}

/// Removes a subscription and its delivery log.
pub async fn remove(pool: &Pool, viewer: Viewer, id: String) -> Result<(), ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            load(c, &viewer, &id)?;
            Ok(store::delete(c, &viewer.workspace_id, &id)?)
        })
    })
    .await
    .map(|_| ())
}

/// Up to `limit` deliveries of a subscription after id `after`.
pub async fn deliveries(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Delivery>, ApiError> {
    run(pool, move |conn| {
        load(conn, &viewer, &id)?;
        Ok(store::deliveries(conn, &viewer.workspace_id, &id, after, limit)?)
    })
    .await
}
