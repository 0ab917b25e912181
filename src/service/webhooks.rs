//! Webhook subscriptions (admin) and their delivery log.

use serde_json::{Map, Value};

use super::run;
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::webhook_address::{self, Refusal, Target};
use crate::error::{ApiError, FieldError};
use crate::store::changes::{ChangeKind, EntityType};
use crate::store::webhooks::{self as store, Delivery, WebhookRow};

fn known_event(name: &str) -> bool {
    name == "*"
        || name == super::reminders::EVENT
        || name.split_once('.').is_some_and(|(t, k)| match (EntityType::parse(t), ChangeKind::parse(k)) {
            (Some(t), Some(k)) => k.applies_to(t),
            _ => false,
        })
}

/// The most webhooks one workspace may have.
pub const MAX_PER_WORKSPACE: i64 = 20;

/// Applies a create or patch body; returns the receiver to resolve when the URL changed.
fn apply(
    hook: &mut WebhookRow,
    body: &Map<String, Value>,
    creating: bool,
    allow_private: bool,
) -> Result<Option<Target>, ApiError> {
    let mut target = None;
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["url", "events", "active"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a webhook field"))
        .collect();
    match body.get("url") {
        Some(Value::String(url)) => match webhook_address::check_url(url, allow_private) {
            Ok(checked) => {
                hook.url = url.clone();
                target = Some(checked);
            }
            Err(refusal) => errors.push(FieldError::new("url", refusal.message())),
        },
        None if !creating => {}
        _ => errors.push(FieldError::new("url", Refusal::Malformed.message())),
    }
    match body.get("events") {
        Some(Value::Array(given)) if !given.is_empty() && given.len() <= 50 => {
            let names: Vec<String> = given.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            if names.len() != given.len() || !names.iter().all(|n| known_event(n)) {
                errors.push(FieldError::new("events", "must be event names like stakeholder.updated, submission.created, feedback_item.updated, form.reminder, or *"));
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
        Ok(target)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Refuses a receiver name that resolves to an address the policy forbids. A name that
/// does not resolve (yet) is accepted: every delivery checks again, and fails safely.
async fn check_resolved(target: Option<Target>, allow_private: bool) -> Result<(), ApiError> {
    let Some(Target::Name(name, port)) = target else { return Ok(()) };
    if allow_private {
        return Ok(());
    }
    let lookup = tokio::net::lookup_host(format!("{name}:{port}"));
    let Ok(Ok(addresses)) = tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await else {
        return Ok(());
    };
    let refused = addresses.map(|a| a.ip()).find(|ip| !webhook_address::allowed(*ip));
    match refused {
        Some(ip) => Err(ApiError::invalid("url", Refusal::Private(format!("{name} ({ip})")).message())),
        None => Ok(()),
    }
}

fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<WebhookRow, ApiError> {
    store::find(conn, &viewer.workspace_id, id)?.ok_or_else(|| ApiError::not_found("webhook"))
}

/// Stores a new subscription from a create body (at most [`MAX_PER_WORKSPACE`]).
pub async fn create(
    pool: &Pool,
    mut hook: WebhookRow,
    body: Map<String, Value>,
    allow_private: bool,
) -> Result<WebhookRow, ApiError> {
    let target = apply(&mut hook, &body, true, allow_private)?;
    check_resolved(target, allow_private).await?;
    run(pool, move |conn| {
        tx::write(conn, |c| {
            if store::count_locking_workspace(c, &hook.workspace_id)? >= MAX_PER_WORKSPACE {
                return Err(ApiError::Conflict(format!(
                    "a workspace has at most {MAX_PER_WORKSPACE} webhooks: delete one first"
                )));
            }
            Ok(store::insert(c, &hook)?)
        })?;
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

/// Changes URL, events or active; deactivating cancels the pending deliveries.
pub async fn update(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    body: Map<String, Value>,
    allow_private: bool,
) -> Result<WebhookRow, ApiError> {
    let target = apply(&mut WebhookRow::default(), &body, false, allow_private)?;
    check_resolved(target, allow_private).await?;
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let mut hook = load(c, &viewer, &id)?;
            apply(&mut hook, &body, false, allow_private)?;
            hook.version += 1;
            hook.updated_at = crate::time::now().naive_utc();
            store::update(c, &hook)?;
            if !hook.active {
                store::cancel_pending(c, &hook.workspace_id, &hook.id)?;
            }
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
