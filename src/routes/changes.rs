//! `GET /v1/changes`: every create, update and delete, in commit order.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::pagination::{self, Position};
use crate::state::AppState;
use crate::store::changes::{EntityType, FeedPosition};

// The cursor: (xid, seq) of the last change read. Cursors made before the feed carried
// transaction ids hold a bare seq, which reads as (0, seq): every change of that time
// has xid 0, so they resume exactly where they stopped.
const SORT: &str = "feed";
const OLD_SORT: &str = "seq";

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEntry {
    /// A number unique in the workspace's feed; the feed is in order of (writing
    /// transaction, seq), so on PostgreSQL it need not increase from one entry to the next.
    pub seq: i64,
    /// Record type.
    #[serde(rename = "type")]
    #[schema(value_type = crate::store::changes::EntityType)]
    pub entity_type: String,
    /// Record id; fetch it to see its current state.
    pub id: String,
    /// `upsert` (created, updated or restored) or `delete`.
    #[schema(value_type = crate::store::changes::FeedOp)]
    pub op: String,
    /// When it was committed.
    pub at: DateTime<Utc>,
    /// On the `delete` of a person merged into another: the survivor.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uuid")]
    pub merged_into: Option<String>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    /// In commit order.
    pub items: Vec<ChangeEntry>,
    /// Where to resume: never null, so a poller always has a cursor to come back with.
    pub next_cursor: String,
    /// Whether more changes are waiting right now (also when committed changes wait for
    /// a transaction that began writing before them: ask again shortly).
    pub has_more: bool,
}

/// The change feed, in the order the changes' transactions began writing: a change is
/// listed only once every transaction older than its own has ended, so a reader that
/// resumes from its last `next_cursor` misses nothing and sees nothing twice, even while
/// a write that began earlier commits late (it waits for that write instead, up to a
/// second per call, then answers with `has_more: true`; on PostgreSQL that includes a long
/// write of another workspace, such as a large import). Writers of a workspace never wait
/// for one another. Cursors from before this order still work. Entries carry ids only;
/// fetching a record applies the reader's role rules (and confidential stakeholders'
/// changes are left out for roles that cannot see them).
#[utoipa::path(tag = "sync",
    params(("after" = Option<String>, Query, description = "`next_cursor` of the previous call; omit to start from the beginning"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("types" = Option<String>, Query, format = "entity-types", description = "Comma list of stakeholder, account, contract, relationship, plan, interaction, submission, feedback_item")),
    responses((status = 200, body = ChangePage)), security(("bearer" = [])))]
#[get("/changes")]
pub async fn changes(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(params.get("limit").map(String::as_str))?;
    let after = match pagination::cursor_param(&params, "after") {
        Some(cursor) => position(&state, cursor)?,
        None => FeedPosition { xid: 0, seq: 0 },
    };
    let mut types = Vec::new();
    for t in params.get("types").map(|t| t.split(',').collect::<Vec<_>>()).unwrap_or_default() {
        types.push(EntityType::parse(t.trim()).ok_or_else(|| {
            ApiError::invalid("types", format!("unknown type '{t}'; use {}", EntityType::expected()))
        })?);
    }
    let (mut rows, withheld) =
        crate::service::sync::changes(&state.pool, auth, after, types, limit + 1).await?;
    let has_more = rows.len() as i64 > limit || withheld;
    rows.truncate(limit as usize);
    let last = rows.last().map(|c| FeedPosition { xid: c.xid, seq: c.seq }).unwrap_or(after);
    let next_cursor = state.cursors.encode(&Position {
        sort: SORT.into(),
        values: vec![json!(last.xid), json!(last.seq)],
        id: String::new(),
    });
    let items = rows
        .into_iter()
        .map(|c| ChangeEntry {
            seq: c.seq,
            entity_type: c.entity_type,
            id: c.entity_id,
            op: c.op,
            at: c.at.and_utc(),
            merged_into: c.merged_into,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ChangePage { items, next_cursor, has_more }))
}

// The position a cursor names: (xid, seq), or an old cursor's bare seq as (0, seq).
fn position(state: &AppState, cursor: &str) -> Result<FeedPosition, ApiError> {
    let invalid = || ApiError::BadRequest("invalid cursor: pass a next_cursor this feed returned".into());
    let (values, old) = match state.cursors.decode(cursor, SORT) {
        Ok(p) => (p.values, false),
        Err(_) => (state.cursors.decode(cursor, OLD_SORT)?.values, true),
    };
    let number = |i: usize| values.get(i).and_then(|v| v.as_i64()).ok_or_else(invalid);
    match old {
        true => Ok(FeedPosition { xid: 0, seq: number(0)? }),
        false => Ok(FeedPosition { xid: number(0)?, seq: number(1)? }),
    }
}

/// Registers the change feed.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(changes);
}
