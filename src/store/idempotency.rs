//! Remembered POST responses for `Idempotency-Key`, kept 24 hours.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys as k;
use crate::db::DbConnection;

/// How long a key is remembered.
pub const TTL_HOURS: i64 = 24;

/// What a key holds when a request arrives with it.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// New key: this request proceeds and its response will be stored.
    Proceed,
    /// Same key, same request, finished: replay (status, body, headers as JSON).
    Replay(u16, String, String),
    /// Same key, different request.
    Mismatch,
    /// Same key, same request, still running.
    InProgress,
}

/// Claims `key` for a request with `hash`, or says what the key already holds.
pub fn claim(conn: &mut DbConnection, workspace_id: &str, key: &str, hash: &str) -> QueryResult<Claim> {
    let now = crate::time::now().naive_utc();
    let expired = now - Duration::hours(TTL_HOURS);
    diesel::delete(
        k::table
            .filter(k::workspace_id.eq(workspace_id))
            .filter(k::key.eq(key))
            .filter(k::created_at.lt(expired)),
    )
    .execute(conn)?;
    type Stored = (String, Option<i32>, Option<String>, Option<String>);
    let existing: Option<Stored> = k::table
        .filter(k::workspace_id.eq(workspace_id))
        .filter(k::key.eq(key))
        .select((k::request_hash, k::status, k::response_body, k::response_headers))
        .first(conn)
        .optional()?;
    Ok(match existing {
        Some((stored, _, _, _)) if stored != hash => Claim::Mismatch,
        Some((_, Some(status), body, headers)) => {
            Claim::Replay(status as u16, body.unwrap_or_default(), headers.unwrap_or_default())
        }
        Some((_, None, _, _)) => Claim::InProgress,
        None => {
            diesel::insert_into(k::table)
                .values((
                    k::workspace_id.eq(workspace_id),
                    k::key.eq(key),
                    k::request_hash.eq(hash),
                    k::created_at.eq(now),
                ))
                .execute(conn)?;
            Claim::Proceed
        }
    })
}

/// Stores the response of a claimed key.
pub fn complete(
    conn: &mut DbConnection,
    workspace_id: &str,
    key: &str,
    status: u16,
    body: &str,
    headers: &str,
) -> QueryResult<()> {
    diesel::update(k::table.filter(k::workspace_id.eq(workspace_id)).filter(k::key.eq(key)))
        .set((
            k::status.eq(Some(status as i32)),
            k::response_body.eq(Some(body)),
            k::response_headers.eq(Some(headers)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Forgets a claimed key (the request failed on the server; the client may retry it).
pub fn release(conn: &mut DbConnection, workspace_id: &str, key: &str) -> QueryResult<()> {
    diesel::delete(k::table.filter(k::workspace_id.eq(workspace_id)).filter(k::key.eq(key)))
        .execute(conn)
        .map(|_| ())
}

/// Drops keys older than the TTL.
pub fn purge(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::created_at.lt(now - Duration::hours(TTL_HOURS)))).execute(conn)
}
