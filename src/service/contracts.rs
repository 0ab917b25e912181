//! Contracts of an account: the CRM owns them.

use serde_json::{Map, Value};

use super::accounts::load_visible as load_account;
use super::conditions::Precondition;
use super::run;
use super::versioned::{self, Editable};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::contract::Contract;
use crate::domain::patch::{apply, Mode};
use crate::error::ApiError;
use crate::store::contracts as store;

/// Contracts one account lists at most (its whole history in practice).
const MAX_CONTRACTS: i64 = 500;

fn load(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Contract, ApiError> {
    let contract = store::find(conn, &viewer.workspace_id, id)?
        .filter(|c| include_deleted || c.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("contract"))?;
    load_account(conn, viewer, &contract.account_id).map_err(|_| ApiError::not_found("contract"))?;
    Ok(contract)
}

impl Editable for Contract {
    fn modify(
        conn: &mut DbConnection,
        viewer: &Viewer,
        id: &str,
        if_match: &Option<Precondition>,
        include_deleted: bool,
        change: &dyn Fn(&mut Self) -> Result<bool, ApiError>,
    ) -> Result<Self, ApiError> {
        versioned::modify(
            conn,
            if_match,
            |c| {
                store::lock(c, &viewer.workspace_id, id)?;
                load(c, viewer, id, include_deleted)
            },
            change,
            |c, before, after| Ok(store::save(c, before, after)?),
        )
    }
}

/// Adds a contract to a visible account.
pub async fn create(
    pool: &Pool,
    viewer: Viewer,
    account_id: String,
    body: Map<String, Value>,
) -> Result<Contract, ApiError> {
    let mut contract = Contract::blank(&viewer.workspace_id, &account_id, crate::time::now());
    run(pool, move |conn| {
        tx::write(conn, |c| {
            load_account(c, &viewer, &account_id)?;
            apply(&mut contract, &body, Mode::Create)?;
            store::insert(c, &contract)?;
            Ok(contract)
        })
    })
    .await
}

/// A visible account's contracts, oldest start first.
pub async fn of_account(
    pool: &Pool,
    viewer: Viewer,
    account_id: String,
    include_deleted: bool,
) -> Result<Vec<Contract>, ApiError> {
    run(pool, move |conn| {
        load_account(conn, &viewer, &account_id)?;
        Ok(store::of_account(conn, &viewer.workspace_id, &account_id, include_deleted, MAX_CONTRACTS)?)
    })
    .await
}

/// One live contract.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<Contract, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id, false)).await
}
