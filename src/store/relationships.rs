//! Relationship queries. An edge is visible only while both ends are live stakeholders
//! the caller may see.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::access::Viewer;
use crate::db::schema::{relationships as r, stakeholders as s};
use crate::db::{Backend, DbConnection};
use crate::domain::relationship::{Relationship, RelationshipKind};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    from_id: String,
    to_id: String,
    kind: String,
    label: Option<String>,
    strength: Option<i32>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

impl From<Row> for Relationship {
    fn from(row: Row) -> Self {
        Relationship {
            id: row.id,
            workspace_id: row.workspace_id,
            from_id: row.from_id,
            to_id: row.to_id,
            kind: RelationshipKind::parse(&row.kind).unwrap_or(RelationshipKind::Influences),
            label: row.label,
            strength: row.strength,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            deleted_at: row.deleted_at.map(utc),
        }
    }
}

/// Which relationships a query may return.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Also return deleted relationships (their ends must still be live).
    pub include_deleted: bool,
    /// Only edges with this stakeholder at either end.
    pub stakeholder_id: Option<String>,
    /// Only this kind.
    pub kind: Vec<RelationshipKind>,
    /// Only edges with both ends in this account.
    pub account_id: Option<String>,
}

type Query = r::BoxedQuery<'static, Backend>;

fn visible(viewer: &Viewer, scope: &Scope) -> Query {
    let workspace_id = viewer.workspace_id.as_str();
    // The endpoint filter is one fixed query shape (a boxed subquery cannot nest in a
    // MultiConnection query): optional conditions become bound values.
    let confidential = viewer.confidential_values().to_vec();
    let any_account = scope.account_id.is_none();
    let account = scope.account_id.clone().unwrap_or_default();
    let ends = || {
        s::table
            .filter(s::workspace_id.eq(workspace_id.to_string()))
            .filter(s::deleted_at.is_null())
            .filter(s::confidential.eq_any(confidential.clone()))
            .filter(s::account_id.eq(account.clone()).or(any_account.into_sql::<Bool>().nullable()))
            .select(s::id)
    };
    let mut q = r::table
        .filter(r::workspace_id.eq(workspace_id.to_string()))
        .filter(r::from_id.eq_any(ends()))
        .filter(r::to_id.eq_any(ends()))
        .into_boxed();
    if !scope.include_deleted {
        q = q.filter(r::deleted_at.is_null());
    }
    if let Some(id) = &scope.stakeholder_id {
        q = q.filter(r::from_id.eq(id.clone()).or(r::to_id.eq(id.clone())));
    }
    if !scope.kind.is_empty() {
        q = q.filter(r::kind.eq_any(scope.kind.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
    }
    q
}

/// Inserts a relationship.
pub fn insert(conn: &mut DbConnection, rel: &Relationship) -> QueryResult<()> {
    let row = Row {
        workspace_id: rel.workspace_id.clone(),
        id: rel.id.clone(),
        from_id: rel.from_id.clone(),
        to_id: rel.to_id.clone(),
        kind: rel.kind.as_str().to_string(),
        label: rel.label.clone(),
        strength: rel.strength,
        version: rel.version,
        created_at: rel.created_at.naive_utc(),
        updated_at: rel.updated_at.naive_utc(),
        deleted_at: None,
    };
    diesel::insert_into(r::table).values(&row).execute(conn)?;
    super::changes::record_write(conn, None, rel).map(|_| ())
}

/// A visible relationship by id.
pub fn find(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    scope: &Scope,
) -> QueryResult<Option<Relationship>> {
    visible(viewer, scope)
        .filter(r::id.eq(id.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(Relationship::from))
}

/// Whether a live relationship of this kind already links the two stakeholders.
pub fn exists(conn: &mut DbConnection, rel: &Relationship) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        r::table
            .filter(r::workspace_id.eq(&rel.workspace_id))
            .filter(r::from_id.eq(&rel.from_id))
            .filter(r::to_id.eq(&rel.to_id))
            .filter(r::kind.eq(rel.kind.as_str()))
            .filter(r::deleted_at.is_null()),
    ))
    .get_result(conn)
}

/// Up to `limit` visible relationships with id greater than `after`, by id.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    scope: &Scope,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Relationship>> {
    let mut q = visible(viewer, scope);
    if let Some(after) = after {
        q = q.filter(r::id.gt(after));
    }
    let rows = q.order(r::id.asc()).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Relationship::from).collect())
}

/// Marks a relationship deleted or live again; version + 1.
pub fn set_deleted(
    conn: &mut DbConnection,
    rel: &Relationship,
    deleted_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let now = crate::time::now();
    diesel::update(r::table.filter(r::workspace_id.eq(&rel.workspace_id)).filter(r::id.eq(&rel.id)))
        .set((r::deleted_at.eq(deleted_at), r::updated_at.eq(now.naive_utc()), r::version.eq(r::version + 1)))
        .execute(conn)?;
    let mut after = rel.clone();
    after.deleted_at = deleted_at.map(crate::time::utc);
    after.updated_at = now;
    after.version += 1;
    super::changes::record_write(conn, Some(rel), &after).map(|_| ())
}
