//! Whole-workspace reads for exports: every row, oldest first, so codes stay stable.

use diesel::prelude::*;

use super::stakeholder_row::StakeholderRow;
use crate::access::Viewer;
use crate::db::schema::{accounts as a, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::account::Account;
use crate::domain::anonymize::{anonymize, AnonMap};
use crate::domain::stakeholder::Stakeholder;

/// Loads the workspace and builds its anonymised map.
pub fn anonymized_map(conn: &mut DbConnection, viewer: &Viewer) -> QueryResult<AnonMap> {
    let workspace_id = viewer.workspace_id.as_str();
    let people: Vec<Stakeholder> = s::table
        .filter(s::workspace_id.eq(workspace_id))
        .order((s::created_at.asc(), s::id.asc()))
        .select(StakeholderRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Stakeholder::from)
        .collect();
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
    let edges = super::relationships::list(conn, viewer, &Default::default(), None, i64::MAX)?;
    Ok(anonymize(&people, &edges, &accounts, &contracts))
}
