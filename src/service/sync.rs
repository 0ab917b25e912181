//! What the CRM connector and other readers pull: the change feed and the anonymised map.

use super::run;
use crate::access::Viewer;
use crate::db::Pool;
use crate::domain::account::Account;
use crate::domain::anonymize::AnonMap;
use crate::domain::contract::Contract;
use crate::domain::relationship::Relationship;
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::store::changes::{self, Change, EntityType};
use crate::store::export::PersonCursor;

/// Up to `limit` changes after sequence `after`, as the viewer may see them.
pub async fn changes(
    pool: &Pool,
    viewer: Viewer,
    after: i64,
    types: Vec<EntityType>,
    limit: i64,
) -> Result<Vec<Change>, ApiError> {
    run(pool, move |conn| Ok(changes::list(conn, &viewer, after, &types, limit)?)).await
}

/// The workspace's map with every personal and free text removed.
pub async fn anonymized(pool: &Pool, viewer: Viewer) -> Result<AnonMap, ApiError> {
    run(pool, move |conn| Ok(crate::store::export::anonymized_map(conn, &viewer)?)).await
}

/// One page of the workspace's people in code order (deleted included), for the
/// streamed anonymised CSV.
pub async fn anonymized_people(
    pool: &Pool,
    viewer: &Viewer,
    after: Option<PersonCursor>,
    limit: i64,
) -> Result<Vec<Stakeholder>, ApiError> {
    let ws = viewer.workspace_id.clone();
    run(pool, move |conn| Ok(crate::store::export::people_page(conn, &ws, after.as_ref(), limit)?)).await
}

/// One page of the relationships `viewer` sees, by id.
pub async fn anonymized_edges(
    pool: &Pool,
    viewer: &Viewer,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Relationship>, ApiError> {
    let viewer = viewer.clone();
    run(pool, move |conn| {
        Ok(crate::store::relationships::list(conn, &viewer, &Default::default(), after, limit)?)
    })
    .await
}

/// Every account (deleted included, in code order) and their contracts.
pub async fn anonymized_accounts(
    pool: &Pool,
    viewer: &Viewer,
) -> Result<(Vec<Account>, Vec<Contract>), ApiError> {
    let ws = viewer.workspace_id.clone();
    run(pool, move |conn| Ok(crate::store::export::accounts_and_contracts(conn, &ws)?)).await
}
