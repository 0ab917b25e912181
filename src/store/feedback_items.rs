//! Feedback point queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::Viewer;
use crate::db::schema::{feedback_items as fi, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::feedback_item::{FeedbackItem, PointStatus};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = fi, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    stakeholder_id: String,
    submission_id: Option<String>,
    form_id: Option<String>,
    period: Option<String>,
    summary: String,
    detail: Option<String>,
    status: String,
    response: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<&FeedbackItem> for Row {
    fn from(x: &FeedbackItem) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            stakeholder_id: x.stakeholder_id.clone(),
            submission_id: x.submission_id.clone(),
            form_id: x.form_id.clone(),
            period: x.period.clone(),
            summary: x.summary.clone(),
            detail: x.detail.clone(),
            status: x.status.as_str().to_string(),
            response: x.response.clone(),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
        }
    }
}

impl From<Row> for FeedbackItem {
    fn from(r: Row) -> Self {
        FeedbackItem {
            workspace_id: r.workspace_id,
            id: r.id,
            stakeholder_id: r.stakeholder_id,
            submission_id: r.submission_id,
            form_id: r.form_id,
            period: r.period,
            summary: r.summary,
            detail: r.detail,
            status: PointStatus::parse(&r.status).unwrap_or_default(),
            response: r.response,
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// Inserts one and records the change.
pub fn insert(conn: &mut DbConnection, x: &FeedbackItem) -> QueryResult<()> {
    diesel::insert_into(fi::table).values(Row::from(x)).execute(conn)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The one with this id in the workspace.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<FeedbackItem>> {
    let row = fi::table.filter(fi::workspace_id.eq(workspace_id)).filter(fi::id.eq(id));
    row.select(Row::as_select()).first(conn).optional().map(|r| r.map(FeedbackItem::from))
}

/// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        let row = fi::table.filter(fi::workspace_id.eq(workspace_id)).filter(fi::id.eq(id));
        row.select(fi::version).for_update().load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, recording the change.
pub fn save(conn: &mut DbConnection, before: &FeedbackItem, after: &FeedbackItem) -> QueryResult<bool> {
    let row = fi::table.filter(fi::workspace_id.eq(&after.workspace_id)).filter(fi::id.eq(&after.id));
    let changed =
        diesel::update(row.filter(fi::version.eq(before.version))).set(Row::from(after)).execute(conn)?;
    if changed == 1 {
        super::changes::record_write(conn, Some(before), after)?;
    }
    Ok(changed == 1)
}

/// Filters of the point list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    pub status: Vec<PointStatus>,
    pub stakeholder_id: Option<String>,
    pub form_id: Option<String>,
    pub period: Option<String>,
}

/// Up to `limit` points after id `after`, oldest first.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    filter: &Filter,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<FeedbackItem>> {
    let workspace_id = viewer.workspace_id.as_str();
    let allowed = viewer.record_confidential_values();
    let visible = s::table
        .filter(s::workspace_id.eq(workspace_id.to_string()))
        .filter(s::confidential.eq_any(allowed))
        .select(s::id);
    let mut q = fi::table
        .filter(fi::workspace_id.eq(workspace_id.to_string()))
        .filter(fi::stakeholder_id.eq_any(visible))
        .into_boxed();
    if !filter.ids.is_empty() {
        q = q.filter(fi::id.eq_any(filter.ids.clone()));
    }
    if !filter.status.is_empty() {
        q = q.filter(fi::status.eq_any(filter.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(v) = &filter.stakeholder_id {
        q = q.filter(fi::stakeholder_id.eq(v.clone()));
    }
    if let Some(own) = viewer.own_only() {
        q = q.filter(fi::stakeholder_id.eq(own.to_string()));
    }
    if let Some(v) = &filter.form_id {
        q = q.filter(fi::form_id.eq(v.clone()));
    }
    if let Some(v) = &filter.period {
        q = q.filter(fi::period.eq(v.clone()));
    }
    if let Some(after) = after {
        q = q.filter(fi::id.gt(after));
    }
    let rows = q.order(fi::id.asc()).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(FeedbackItem::from).collect())
}

/// Points of a form's period that nobody has answered yet.
pub fn unanswered(
    conn: &mut DbConnection,
    workspace_id: &str,
    form_id: &str,
    period: &str,
) -> QueryResult<Vec<FeedbackItem>> {
    let rows = fi::table
        .filter(fi::workspace_id.eq(workspace_id))
        .filter(fi::form_id.eq(form_id))
        .filter(fi::period.eq(period))
        .filter(fi::response.is_null().or(fi::response.eq("")))
        .order(fi::id.asc())
        .select(Row::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(FeedbackItem::from).collect())
}
