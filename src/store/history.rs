//! Stakeholder history rows: written with each change, read newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::db::schema::stakeholder_history as h;
use crate::db::DbConnection;
use crate::domain::history::{diff, HistoryOp};
use crate::domain::stakeholder::Stakeholder;

/// One stored entry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = h)]
#[diesel(treat_none_as_default_value = false)]
pub struct HistoryRow {
    pub workspace_id: String,
    pub id: String,
    pub stakeholder_id: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub op: String,
    pub changes: String,
}

impl HistoryRow {
    /// The recorded changes.
    pub fn changes(&self) -> Map<String, Value> {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

/// The entry for the change from `before` to `after` by `actor`.
pub fn entry(actor: &str, op: HistoryOp, before: Option<&Stakeholder>, after: &Stakeholder) -> HistoryRow {
    HistoryRow {
        workspace_id: after.workspace_id.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        stakeholder_id: after.id.clone(),
        at: after.updated_at.naive_utc(),
        actor: actor.to_string(),
        op: op.as_str().to_string(),
        changes: Value::Object(diff(before, after)).to_string(),
    }
}

/// Records the change from `before` to `after` by `actor`.
pub fn record(
    conn: &mut DbConnection,
    actor: &str,
    op: HistoryOp,
    before: Option<&Stakeholder>,
    after: &Stakeholder,
) -> QueryResult<()> {
    diesel::insert_into(h::table).values(&entry(actor, op, before, after)).execute(conn).map(|_| ())
}

/// Up to `limit` entries of one stakeholder, newest first, strictly older than `before` (at, id).
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    stakeholder_id: &str,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<HistoryRow>> {
    let mut q = h::table
        .filter(h::workspace_id.eq(workspace_id.to_string()))
        .filter(h::stakeholder_id.eq(stakeholder_id.to_string()))
        .into_boxed();
    if let Some((at, id)) = before {
        q = q.filter(h::at.lt(at).or(h::at.eq(at).and(h::id.lt(id))));
    }
    q.order((h::at.desc(), h::id.desc())).limit(limit).select(HistoryRow::as_select()).load(conn)
}

/// Records one side of a merge: the fields that changed plus which person the other was
/// (`merged_from` on the survivor, `merged_into` on the merged person).
pub fn record_merge(
    conn: &mut DbConnection,
    actor: &str,
    (before, after): (&Stakeholder, &Stakeholder),
    (link, other): (&str, &str),
) -> QueryResult<()> {
    let mut row = entry(actor, HistoryOp::Merge, Some(before), after);
    let mut changes: Map<String, Value> = serde_json::from_str(&row.changes).unwrap_or_default();
    changes.insert(link.to_string(), serde_json::json!({"from": null, "to": other}));
    row.changes = Value::Object(changes).to_string();
    diesel::insert_into(h::table).values(&row).execute(conn).map(|_| ())
}
