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
use crate::store::changes::{Change, EntityType};
use crate::store::export::PersonCursor;

/// How long a feed read waits, at most, for a transaction that began writing before
/// changes already committed (they are listed only once it ends, so none is skipped).
const FEED_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Up to `limit` changes after position `after`, as the viewer may see them, and whether
/// more are already committed behind a transaction still in flight. A short page with
/// such changes waiting is read again after a moment (no connection held meanwhile), so
/// a reader rarely notices another writer's transaction.
pub async fn changes(
    pool: &Pool,
    viewer: Viewer,
    after: crate::store::changes::FeedPosition,
    types: Vec<EntityType>,
    limit: i64,
) -> Result<(Vec<Change>, bool), ApiError> {
    let started = std::time::Instant::now();
    loop {
        let (viewer, types) = (viewer.clone(), types.clone());
        let (rows, withheld) =
            run(pool, move |conn| Ok(crate::store::change_feed::list(conn, &viewer, after, &types, limit)?))
                .await?;
        if !withheld || started.elapsed() >= FEED_WAIT {
            return Ok((rows, withheld));
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
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
