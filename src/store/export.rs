//! Whole-workspace reads for exports: every row, oldest first, so codes stay stable.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::stakeholder_row::StakeholderRow;
use crate::access::Viewer;
use crate::db::schema::{accounts as a, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::account::Account;
use crate::domain::anonymize::{anonymize, AnonMap};
use crate::domain::contract::Contract;
use crate::domain::stakeholder::Stakeholder;

/// Where a page of people starts: the previous page's last (created_at, id).
pub type PersonCursor = (NaiveDateTime, String);

/// Up to `limit` people of the workspace after `after`, deleted included, oldest first:
/// the order their codes are given in.
pub fn people_page(
    conn: &mut DbConnection,
    workspace_id: &str,
    after: Option<&PersonCursor>,
    limit: i64,
) -> QueryResult<Vec<Stakeholder>> {
    let mut q = s::table.filter(s::workspace_id.eq(workspace_id.to_string())).into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(s::created_at.gt(*at).or(s::created_at.eq(*at).and(s::id.gt(id.clone()))));
    }
    let rows = q
        .order((s::created_at.asc(), s::id.asc()))
        .limit(limit)
        .select(StakeholderRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Stakeholder::from).collect())
}

/// Every account of the workspace (deleted included, oldest first) and their contracts.
pub fn accounts_and_contracts(
    conn: &mut DbConnection,
    workspace_id: &str,
) -> QueryResult<(Vec<Account>, Vec<Contract>)> {
    let account_ids: Vec<String> = a::table
        .filter(a::workspace_id.eq(workspace_id))
        .order((a::created_at.asc(), a::id.asc()))
        .select(a::id)
        .load(conn)?;
    let mut accounts: Vec<Account> = Vec::with_capacity(account_ids.len());
    let mut contracts = Vec::new();
    for id in &account_ids {
        if let Some(account) = super::accounts::find(conn, workspace_id, id)? {
            contracts.extend(super::contracts::of_account(conn, workspace_id, id, false, i64::MAX)?);
            accounts.push(account);
        }
    }
    Ok((accounts, contracts))
}

/// Loads the workspace and builds its anonymised map.
pub fn anonymized_map(conn: &mut DbConnection, viewer: &Viewer) -> QueryResult<AnonMap> {
    let people = people_page(conn, &viewer.workspace_id, None, i64::MAX)?;
    let (accounts, contracts) = accounts_and_contracts(conn, &viewer.workspace_id)?;
    let edges = super::relationships::list(conn, viewer, &Default::default(), None, i64::MAX)?;
    Ok(anonymize(&people, &edges, &accounts, &contracts))
}
