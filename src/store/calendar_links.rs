//! Calendar links: opaque tokens, stored only as SHA-256 hashes, that open one feed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::calendar_links as l;
use crate::db::DbConnection;

/// A stored link (never its token).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = l)]
#[diesel(treat_none_as_default_value = false)]
pub struct CalendarLink {
    pub workspace_id: String,
    pub id: String,
    pub token_hash: String,
    pub owner: Option<String>,
    pub created_by: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// Stores a link.
pub fn insert(conn: &mut DbConnection, link: &CalendarLink) -> QueryResult<()> {
    diesel::insert_into(l::table).values(link).execute(conn).map(|_| ())
}

/// A workspace's links, oldest first: every one, or only those `created_by` made.
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    created_by: Option<&str>,
) -> QueryResult<Vec<CalendarLink>> {
    let mut q = l::table.filter(l::workspace_id.eq(workspace_id)).into_boxed();
    if let Some(sub) = created_by {
        q = q.filter(l::created_by.eq(sub));
    }
    q.order(l::id.asc()).limit(1000).select(CalendarLink::as_select()).load(conn)
}

/// Deletes a link (only one `created_by` made, when given); false if there was none.
pub fn delete(
    conn: &mut DbConnection,
    workspace_id: &str,
    id: &str,
    created_by: Option<&str>,
) -> QueryResult<bool> {
    let mut q =
        diesel::delete(l::table).filter(l::workspace_id.eq(workspace_id)).filter(l::id.eq(id)).into_boxed();
    if let Some(sub) = created_by {
        q = q.filter(l::created_by.eq(sub));
    }
    q.execute(conn).map(|n| n > 0)
}

/// The link with this token hash, marked used.
pub fn open(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<CalendarLink>> {
    let found = l::table
        .filter(l::token_hash.eq(token_hash))
        .select(CalendarLink::as_select())
        .first(conn)
        .optional()?;
    if let Some(link) = &found {
        let now = crate::time::now().naive_utc();
        diesel::update(l::table.filter(l::workspace_id.eq(&link.workspace_id)).filter(l::id.eq(&link.id)))
            .set(l::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(found)
}
