//! Webhook subscriptions and their outbox of deliveries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::db::schema::{webhook_deliveries as d, webhooks as w};
use crate::db::DbConnection;
use crate::time::utc;

/// A subscription.
#[derive(Debug, Clone, Default, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = w, primary_key(workspace_id, id))]
#[diesel(treat_none_as_default_value = false)]
pub struct WebhookRow {
    pub workspace_id: String,
    pub id: String,
    pub url: String,
    pub events: String,
    pub active: bool,
    pub secret: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl WebhookRow {
    /// The subscribed event names (`*` = all).
    pub fn event_list(&self) -> Vec<String> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }

    /// Whether the subscription wants this event.
    pub fn wants(&self, event: &str) -> bool {
        self.event_list().iter().any(|e| e == "*" || e == event)
    }
}

/// One delivery attempt record, as listed to admins.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = d)]
pub struct Delivery {
    /// Delivery id (also `id` in the payload: receivers can de-duplicate on it).
    pub id: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
    /// Subscription.
    pub webhook_id: String,
    /// Event name, e.g. `stakeholder.updated`.
    pub event: String,
    /// The JSON body sent.
    #[schema(value_type = WebhookEvent)]
    #[serde(serialize_with = "as_json")]
    pub payload: String,
    /// pending, delivered, failed (gave up) or cancelled (the webhook was deactivated).
    #[schema(value_type = DeliveryStatus)]
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    #[serde(serialize_with = "as_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: NaiveDateTime,
    /// The receiver's last HTTP status.
    pub last_status_code: Option<i32>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When queued.
    #[serde(serialize_with = "as_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    /// When delivered.
    #[serde(serialize_with = "as_opt_utc")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<NaiveDateTime>,
}

pub use super::webhook_event::{DeliveryStatus, WebhookEvent, WebhookEventData};

fn as_json<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    serde_json::from_str::<Value>(text).unwrap_or(Value::Null).serialize(s)
}

fn as_utc<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    utc(*t).serialize(s)
}

fn as_opt_utc<S: serde::Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    t.map(utc).serialize(s)
}

/// Inserts a subscription.
pub fn insert(conn: &mut DbConnection, hook: &WebhookRow) -> QueryResult<()> {
    diesel::insert_into(w::table).values(hook).execute(conn).map(|_| ())
}

/// The subscription with this id.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<WebhookRow>> {
    w::table
        .filter(w::workspace_id.eq(workspace_id))
        .filter(w::id.eq(id))
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

/// Every subscription of a workspace.
pub fn list(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<Vec<WebhookRow>> {
    w::table
        .filter(w::workspace_id.eq(workspace_id))
        .order(w::id.asc())
        .select(WebhookRow::as_select())
        .load(conn)
}

/// How many subscriptions a workspace has. On PostgreSQL the workspace row is locked
/// first, so concurrent creates count one after another and the cap holds.
pub fn count_locking_workspace(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<i64> {
    use crate::db::schema::workspaces as ws;
    if let DbConnection::Pg(pg) = conn {
        ws::table.filter(ws::id.eq(workspace_id)).select(ws::id).for_update().load::<String>(pg)?;
    }
    w::table.filter(w::workspace_id.eq(workspace_id)).count().get_result(conn)
}

/// Cancels a subscription's pending deliveries (it was deactivated): they are never sent.
pub fn cancel_pending(conn: &mut DbConnection, workspace_id: &str, webhook_id: &str) -> QueryResult<usize> {
    diesel::update(
        d::table
            .filter(d::workspace_id.eq(workspace_id))
            .filter(d::webhook_id.eq(webhook_id))
            .filter(d::status.eq("pending")),
    )
    .set((d::status.eq("cancelled"), d::last_error.eq("webhook deactivated")))
    .execute(conn)
}

/// Overwrites a subscription.
pub fn update(conn: &mut DbConnection, hook: &WebhookRow) -> QueryResult<()> {
    diesel::update(w::table.filter(w::workspace_id.eq(&hook.workspace_id)).filter(w::id.eq(&hook.id)))
        .set(hook)
        .execute(conn)
        .map(|_| ())
}

/// Removes a subscription and its delivery log.
pub fn delete(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    use diesel::result::{DatabaseErrorKind, Error};
    // A concurrent write may queue a delivery for this webhook after its deliveries were
    // deleted (PostgreSQL, read committed): the webhook's delete then fails on the foreign
    // key. Each try runs in a savepoint and sees the deliveries committed since.
    let mut tries = 0;
    loop {
        let attempt = diesel::Connection::transaction(conn, |c| {
            diesel::delete(d::table.filter(d::workspace_id.eq(workspace_id)).filter(d::webhook_id.eq(id)))
                .execute(c)?;
            diesel::delete(w::table.filter(w::workspace_id.eq(workspace_id)).filter(w::id.eq(id))).execute(c)
        });
        match attempt {
            Err(Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) if tries < 3 => tries += 1,
            other => return other.map(|_| ()),
        }
    }
}

/// The workspace's active subscriptions.
pub fn active(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<Vec<WebhookRow>> {
    w::table
        .filter(w::workspace_id.eq(workspace_id))
        .filter(w::active.eq(true))
        .select(WebhookRow::as_select())
        .load(conn)
}

/// Whether the workspace has an active webhook.
pub fn any_active(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        w::table.filter(w::workspace_id.eq(workspace_id)).filter(w::active.eq(true)),
    ))
    .get_result(conn)
}

/// Queues a delivery of each (event, payload) to every subscription in `hooks` wanting it.
/// A webhook deleted meanwhile by another transaction (PostgreSQL, read committed) fails
/// the insert on its foreign key: the deliveries are then queued again, in a savepoint,
/// for the subscriptions still there (deleting a webhook cancels what it would get).
pub fn enqueue(
    conn: &mut DbConnection,
    workspace_id: &str,
    hooks: &[WebhookRow],
    events: &[(String, Value)],
) -> QueryResult<()> {
    use diesel::result::{DatabaseErrorKind, Error};
    let mut hooks = hooks.to_vec();
    for _ in 0..3 {
        match diesel::Connection::transaction(conn, |c| insert_deliveries(c, workspace_id, &hooks, events)) {
            Err(Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => {
                let live: Vec<String> = active(conn, workspace_id)?.into_iter().map(|h| h.id).collect();
                hooks.retain(|h| live.contains(&h.id));
            }
            other => return other,
        }
    }
    diesel::Connection::transaction(conn, |c| insert_deliveries(c, workspace_id, &hooks, events))
}

fn insert_deliveries(
    conn: &mut DbConnection,
    workspace_id: &str,
    hooks: &[WebhookRow],
    events: &[(String, Value)],
) -> QueryResult<()> {
    let now = crate::time::now().naive_utc();
    for (event, payload) in events {
        for hook in hooks.iter().filter(|h| h.wants(event)) {
            let id = uuid::Uuid::now_v7().to_string();
            let mut payload = payload.clone();
            payload["id"] = Value::from(id.clone());
            diesel::insert_into(d::table)
                .values((
                    d::workspace_id.eq(workspace_id),
                    d::id.eq(&id),
                    d::webhook_id.eq(&hook.id),
                    d::event.eq(event),
                    d::payload.eq(payload.to_string()),
                    d::status.eq("pending"),
                    d::attempts.eq(0),
                    d::next_attempt_at.eq(now),
                    d::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A claimed delivery with what is needed to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// Claims due deliveries for this worker, fairly: workspaces with due deliveries are
/// visited from a random start, each given at most `per_workspace` minus what it already
/// has in flight (`busy`), until `free` deliveries are claimed. A claimed delivery's next
/// attempt moves `lease` into the future so no other worker takes it meanwhile.
/// PostgreSQL skips rows other replicas have locked (`FOR UPDATE SKIP LOCKED`); SQLite
/// has one writer at a time. A delivery whose webhook was deactivated is cancelled.
pub fn claim_fairly(
    conn: &mut DbConnection,
    busy: &std::collections::HashMap<String, usize>,
    per_workspace: usize,
    free: usize,
    lease: chrono::Duration,
) -> QueryResult<Vec<Claimed>> {
    let now = crate::time::now().naive_utc();
    let mut workspaces: Vec<String> = d::table
        .filter(d::status.eq("pending"))
        .filter(d::next_attempt_at.le(now))
        .select(d::workspace_id)
        .distinct()
        .limit(1000)
        .load(conn)?;
    if !workspaces.is_empty() {
        let start = rand::random::<usize>() % workspaces.len();
        workspaces.rotate_left(start);
    }
    let mut claimed = Vec::new();
    for workspace in workspaces {
        let room = per_workspace.saturating_sub(busy.get(&workspace).copied().unwrap_or(0));
        let room = room.min(free - claimed.len());
        if room == 0 {
            if claimed.len() == free {
                break;
            }
            continue;
        }
        claim_in(conn, &workspace, room as i64, now, lease, &mut claimed)?;
    }
    Ok(claimed)
}

fn claim_in(
    conn: &mut DbConnection,
    workspace_id: &str,
    limit: i64,
    now: NaiveDateTime,
    lease: chrono::Duration,
    claimed: &mut Vec<Claimed>,
) -> QueryResult<()> {
    let due = d::table
        .filter(d::status.eq("pending"))
        .filter(d::workspace_id.eq(workspace_id))
        .filter(d::next_attempt_at.le(now))
        .order(d::next_attempt_at.asc())
        .limit(limit);
    let rows: Vec<Delivery> = match conn {
        DbConnection::Pg(pg) => due.select(Delivery::as_select()).for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(_) => due.select(Delivery::as_select()).load(conn)?,
    };
    for mut delivery in rows {
        let target = d::table.filter(d::workspace_id.eq(workspace_id)).filter(d::id.eq(&delivery.id));
        match find(conn, workspace_id, &delivery.webhook_id)? {
            Some(hook) if hook.active => {
                delivery.next_attempt_at = now + lease;
                delivery.attempts += 1;
                diesel::update(target)
                    .set((d::next_attempt_at.eq(delivery.next_attempt_at), d::attempts.eq(delivery.attempts)))
                    .execute(conn)?;
                claimed.push(Claimed { delivery, url: hook.url, secret: hook.secret });
            }
            _ => {
                // Queued by a write that raced the webhook's deactivation.
                diesel::update(target)
                    .set((d::status.eq("cancelled"), d::last_error.eq("webhook deactivated")))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Records the outcome of an attempt: delivered, retry at `retry_at`, or given up (`None`).
pub fn finish(
    conn: &mut DbConnection,
    delivery: &Delivery,
    ok: bool,
    status_code: Option<i32>,
    error: Option<String>,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let now = crate::time::now().naive_utc();
    let target = d::table.filter(d::workspace_id.eq(&delivery.workspace_id)).filter(d::id.eq(&delivery.id));
    // Cancelled meanwhile (deactivated while in flight): stays cancelled.
    let target = target.filter(d::status.eq("pending"));
    let status = match (ok, retry_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    diesel::update(target)
        .set((
            d::status.eq(status),
            d::last_status_code.eq(status_code),
            d::last_error.eq(error),
            d::delivered_at.eq(ok.then_some(now)),
            d::next_attempt_at.eq(retry_at.unwrap_or(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Up to `limit` deliveries of a subscription after id `after`, oldest first.
pub fn deliveries(
    conn: &mut DbConnection,
    workspace_id: &str,
    webhook_id: &str,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    d::table
        .filter(d::workspace_id.eq(workspace_id))
        .filter(d::webhook_id.eq(webhook_id))
        .filter(d::id.gt(after.unwrap_or_default()))
        .order(d::id.asc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)
}
