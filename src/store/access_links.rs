//! Access links: a person's opaque form-link tokens, stored only as SHA-256 hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::access_links as l;
use crate::db::DbConnection;

/// A stored link (never its token).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = l)]
#[diesel(treat_none_as_default_value = false)]
pub struct AccessLink {
    pub workspace_id: String,
    pub id: String,
    pub stakeholder_id: String,
    pub form_id: Option<String>,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl AccessLink {
    /// Neither revoked nor expired at `now`.
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Stores a link.
pub fn insert(conn: &mut DbConnection, link: &AccessLink) -> QueryResult<()> {
    diesel::insert_into(l::table).values(link).execute(conn).map(|_| ())
}

/// A person's links, newest first (at most 1000).
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    stakeholder_id: &str,
) -> QueryResult<Vec<AccessLink>> {
    l::table
        .filter(l::workspace_id.eq(workspace_id))
        .filter(l::stakeholder_id.eq(stakeholder_id))
        .order(l::id.desc())
        .limit(1000)
        .select(AccessLink::as_select())
        .load(conn)
}

/// The link with this id.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<AccessLink>> {
    l::table
        .filter(l::workspace_id.eq(workspace_id))
        .filter(l::id.eq(id))
        .select(AccessLink::as_select())
        .first(conn)
        .optional()
}

/// The link with this token hash, in any workspace (the token decides which).
pub fn by_token_hash(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<AccessLink>> {
    l::table.filter(l::token_hash.eq(token_hash)).select(AccessLink::as_select()).first(conn).optional()
}

/// Revokes one link; false when it was already revoked or does not exist.
pub fn revoke(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<bool> {
    diesel::update(
        l::table
            .filter(l::workspace_id.eq(workspace_id))
            .filter(l::id.eq(id))
            .filter(l::revoked_at.is_null()),
    )
    .set(l::revoked_at.eq(crate::time::now().naive_utc()))
    .execute(conn)
    .map(|n| n > 0)
}

/// Revokes every live link of a person (deleted or merged away).
pub fn revoke_all(conn: &mut DbConnection, workspace_id: &str, stakeholder_id: &str) -> QueryResult<usize> {
    diesel::update(
        l::table
            .filter(l::workspace_id.eq(workspace_id))
            .filter(l::stakeholder_id.eq(stakeholder_id))
            .filter(l::revoked_at.is_null()),
    )
    .set(l::revoked_at.eq(crate::time::now().naive_utc()))
    .execute(conn)
}

/// Whether the link with this id is live now.
pub fn is_live(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<bool> {
    Ok(find(conn, workspace_id, id)?.is_some_and(|l| l.is_live(crate::time::now().naive_utc())))
}
