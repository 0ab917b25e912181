//! Account queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::accounts as a;
use crate::db::{Backend, DbConnection};
use crate::domain::account::{Account, AccountStatus};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = a, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    name: String,
    source: Option<String>,
    external_id: Option<String>,
    industry: Option<String>,
    status: String,
    owner: Option<String>,
    business_goals: String,
    kpis: String,
    pain_points: String,
    competitors: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

fn list_json(v: &[String]) -> String {
    serde_json::to_string(v).expect("strings serialise")
}

fn from_json(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

impl From<&Account> for Row {
    fn from(x: &Account) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            name: x.name.clone(),
            source: x.source.clone(),
            external_id: x.external_id.clone(),
            industry: x.industry.clone(),
            status: x.status.as_str().to_string(),
            owner: x.owner.clone(),
            business_goals: list_json(&x.business_goals),
            kpis: list_json(&x.kpis),
            pain_points: list_json(&x.pain_points),
            competitors: list_json(&x.competitors),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            deleted_at: x.deleted_at.map(|t| t.naive_utc()),
        }
    }
}

impl From<Row> for Account {
    fn from(r: Row) -> Self {
        Account {
            workspace_id: r.workspace_id,
            id: r.id,
            name: r.name,
            source: r.source,
            external_id: r.external_id,
            industry: r.industry,
            status: AccountStatus::parse(&r.status).unwrap_or_default(),
            owner: r.owner,
            business_goals: from_json(&r.business_goals),
            kpis: from_json(&r.kpis),
            pain_points: from_json(&r.pain_points),
            competitors: from_json(&r.competitors),
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            deleted_at: r.deleted_at.map(utc),
        }
    }
}

/// Inserts one and records the change.
pub fn insert(conn: &mut DbConnection, x: &Account) -> QueryResult<()> {
    diesel::insert_into(a::table).values(Row::from(x)).execute(conn)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The one with this id in the workspace.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Account>> {
    let row = a::table.filter(a::workspace_id.eq(workspace_id)).filter(a::id.eq(id));
    row.select(Row::as_select()).first(conn).optional().map(|r| r.map(Account::from))
}

/// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        let row = a::table.filter(a::workspace_id.eq(workspace_id)).filter(a::id.eq(id));
        row.select(a::version).for_update().load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, recording the change.
pub fn save(conn: &mut DbConnection, before: &Account, after: &Account) -> QueryResult<bool> {
    let row = a::table.filter(a::workspace_id.eq(&after.workspace_id)).filter(a::id.eq(&after.id));
    let changed =
        diesel::update(row.filter(a::version.eq(before.version))).set(Row::from(after)).execute(conn)?;
    if changed == 1 {
        super::changes::record_write(conn, Some(before), after)?;
    }
    Ok(changed == 1)
}

/// The id of the account holding a CRM key, if any.
pub fn id_by_external_key(
    conn: &mut DbConnection,
    workspace_id: &str,
    source: &str,
    external_id: &str,
) -> QueryResult<Option<String>> {
    a::table
        .filter(a::workspace_id.eq(workspace_id))
        .filter(a::source.eq(source))
        .filter(a::external_id.eq(external_id))
        .select(a::id)
        .first(conn)
        .optional()
}

/// Filters of the account list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    /// Only this status.
    pub status: Vec<AccountStatus>,
    /// Only this owner.
    pub owner: Option<String>,
    /// Include deleted accounts.
    pub include_deleted: bool,
}

/// Up to `limit` accounts after (name, id) `after`, by name then id.
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    filter: &Filter,
    after: Option<(String, String)>,
    limit: i64,
) -> QueryResult<Vec<Account>> {
    let mut q: a::BoxedQuery<'static, Backend> =
        a::table.filter(a::workspace_id.eq(workspace_id.to_string())).into_boxed();
    if !filter.include_deleted {
        q = q.filter(a::deleted_at.is_null());
    }
    if !filter.ids.is_empty() {
        q = q.filter(a::id.eq_any(filter.ids.clone()));
    }
    if !filter.status.is_empty() {
        q = q.filter(a::status.eq_any(filter.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(owner) = &filter.owner {
        q = q.filter(a::owner.eq(owner.clone()));
    }
    if let Some((name, id)) = after {
        q = q.filter(a::name.gt(name.clone()).or(a::name.eq(name).and(a::id.gt(id))));
    }
    let rows = q.order((a::name.asc(), a::id.asc())).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Account::from).collect())
}
