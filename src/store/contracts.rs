//! Contract queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::contracts as c;
use crate::db::DbConnection;
use crate::domain::contract::{Contract, ContractStatus};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = c, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    account_id: String,
    title: String,
    value_minor: i64,
    currency: String,
    start_date: String,
    end_date: Option<String>,
    status: String,
    kpi_terms: Option<String>,
    status_reason: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

// Dates are stored as ISO text: the same on both backends and ordered as text.
fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

impl From<&Contract> for Row {
    fn from(x: &Contract) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            account_id: x.account_id.clone(),
            title: x.title.clone(),
            value_minor: x.value_minor,
            currency: x.currency.clone(),
            start_date: x.start_date.to_string(),
            end_date: x.end_date.map(|d| d.to_string()),
            status: x.status.as_str().to_string(),
            kpi_terms: x.kpi_terms.clone(),
            status_reason: x.status_reason.clone(),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            deleted_at: x.deleted_at.map(|t| t.naive_utc()),
        }
    }
}

impl From<Row> for Contract {
    fn from(r: Row) -> Self {
        Contract {
            workspace_id: r.workspace_id,
            id: r.id,
            account_id: r.account_id,
            title: r.title,
            value_minor: r.value_minor,
            currency: r.currency,
            start_date: day(&r.start_date),
            end_date: r.end_date.as_deref().map(day),
            status: ContractStatus::parse(&r.status).unwrap_or_default(),
            kpi_terms: r.kpi_terms,
            status_reason: r.status_reason,
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            deleted_at: r.deleted_at.map(utc),
        }
    }
}

/// Inserts one and records the change.
pub fn insert(conn: &mut DbConnection, x: &Contract) -> QueryResult<()> {
    diesel::insert_into(c::table).values(Row::from(x)).execute(conn)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The one with this id in the workspace.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Contract>> {
    let row = c::table.filter(c::workspace_id.eq(workspace_id)).filter(c::id.eq(id));
    row.select(Row::as_select()).first(conn).optional().map(|r| r.map(Contract::from))
}

/// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        let row = c::table.filter(c::workspace_id.eq(workspace_id)).filter(c::id.eq(id));
        row.select(c::version).for_update().load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, recording the change.
pub fn save(conn: &mut DbConnection, before: &Contract, after: &Contract) -> QueryResult<bool> {
    let row = c::table.filter(c::workspace_id.eq(&after.workspace_id)).filter(c::id.eq(&after.id));
    let changed =
        diesel::update(row.filter(c::version.eq(before.version))).set(Row::from(after)).execute(conn)?;
    if changed == 1 {
        super::changes::record_write(conn, Some(before), after)?;
    }
    Ok(changed == 1)
}

/// An account's contracts, oldest start first: its contract history. At most `limit`.
pub fn of_account(
    conn: &mut DbConnection,
    workspace_id: &str,
    account_id: &str,
    include_deleted: bool,
    limit: i64,
) -> QueryResult<Vec<Contract>> {
    let mut q = c::table
        .filter(c::workspace_id.eq(workspace_id.to_string()))
        .filter(c::account_id.eq(account_id.to_string()))
        .into_boxed();
    if !include_deleted {
        q = q.filter(c::deleted_at.is_null());
    }
    let rows =
        q.order((c::start_date.asc(), c::id.asc())).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Contract::from).collect())
}
