//! Accounts: create, read, list, merge-patch, upsert by CRM key, soft delete, restore.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::run;
use super::versioned::{self, Editable};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::account::Account;
use crate::domain::patch::{apply, Mode};
use crate::error::ApiError;
use crate::store::accounts::{self as store, Filter};

/// Loads an account of the caller's workspace: 404 if missing or deleted.
pub fn load_visible(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<Account, ApiError> {
    load(conn, viewer, id, false)
}

fn load(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Account, ApiError> {
    store::find(conn, &viewer.workspace_id, id)?
        .filter(|a| include_deleted || a.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("account"))
}

fn ensure_key_free(conn: &mut DbConnection, a: &Account) -> Result<(), ApiError> {
    if let (Some(source), Some(external_id)) = (&a.source, &a.external_id) {
        if let Some(other) = store::id_by_external_key(conn, &a.workspace_id, source, external_id)? {
            if other != a.id {
                return Err(ApiError::ConflictWith(
                    format!(
                        "source '{source}' external_id '{external_id}' already belongs to account {other}"
                    ),
                    Some(other),
                ));
            }
        }
    }
    Ok(())
}

fn modify(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    if_match: &Option<Precondition>,
    include_deleted: bool,
    change: impl Fn(&mut Account) -> Result<bool, ApiError>,
) -> Result<Account, ApiError> {
    versioned::modify(
        conn,
        if_match,
        |c| {
            store::lock(c, &viewer.workspace_id, id)?;
            load(c, viewer, id, include_deleted)
        },
        change,
        |c, before, after| {
            ensure_key_free(c, after)?;
            Ok(store::save(c, before, after)?)
        },
    )
}

fn insert(conn: &mut DbConnection, account: Account) -> Result<Account, ApiError> {
    tx::write(conn, |c| {
        ensure_key_free(c, &account)?;
        store::insert(c, &account)?;
        Ok(account)
    })
}

/// Creates an account from a create body.
pub async fn create(pool: &Pool, viewer: Viewer, body: Map<String, Value>) -> Result<Account, ApiError> {
    let mut account = Account::blank(&viewer.workspace_id, crate::time::now());
    apply(&mut account, &body, Mode::Create)?;
    run(pool, move |conn| insert(conn, account)).await
}

/// One account (deleted ones only when asked).
pub async fn get(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    include_deleted: bool,
) -> Result<Account, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id, include_deleted)).await
}

/// Up to `limit` accounts after the (name, id) position.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: Filter,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<Account>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer.workspace_id, &filter, after, limit)?)).await
}

/// Creates or updates the account holding a CRM key; true when created.
pub async fn upsert(
    pool: &Pool,
    viewer: Viewer,
    (source, external_id): (String, String),
    body: Map<String, Value>,
    if_match: Option<Precondition>,
    create_only: bool,
) -> Result<(Account, bool), ApiError> {
    run(pool, move |conn| {
        let existing = store::id_by_external_key(conn, &viewer.workspace_id, &source, &external_id)?;
        match existing {
            Some(_) if create_only => {
                Err(ApiError::PreconditionFailed("an account with this key exists".into()))
            }
            Some(id) => {
                Ok((modify(conn, &viewer, &id, &if_match, true, |a| versioned::patched(a, &body))?, false))
            }
            None if if_match.is_some() => Err(ApiError::not_found("account")),
            None => {
                let mut account = Account::blank(&viewer.workspace_id, crate::time::now());
                apply(&mut account, &body, Mode::Create)?;
                Ok((insert(conn, account)?, true))
            }
        }
    })
    .await
}

impl Editable for Account {
    fn modify(
        conn: &mut DbConnection,
        viewer: &Viewer,
        id: &str,
        if_match: &Option<Precondition>,
        include_deleted: bool,
        change: &dyn Fn(&mut Self) -> Result<bool, ApiError>,
    ) -> Result<Self, ApiError> {
        modify(conn, viewer, id, if_match, include_deleted, change)
    }
}
