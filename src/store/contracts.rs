//! Contract queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::contracts as c;
use crate::db::DbConnection;
use crate::domain::contract::{Contract, ContractStatus};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = c, primary_key(workspace_id, id), treat_none_as_null = true)]
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

versioned_store!(c, Row, Contract);

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
