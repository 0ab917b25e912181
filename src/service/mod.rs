//! The use cases: each asks `access` whether the caller may act, runs the
//! read-modify-write in one transaction, calls `domain` for the rules and `store` for
//! the rows. The only layer that opens transactions; handlers call one function here.

pub mod access_links;
pub mod accounts;
pub mod api_keys;
pub mod calendar_links;
pub mod conditions;
pub mod contracts;
pub mod dashboard;
pub mod dashboard_views;
pub mod duplicates;
pub mod feedback_items;
pub mod form_reports;
pub mod forms;
pub mod idempotency;
pub mod interactions;
pub mod me;
pub mod network;
pub mod operations;
pub mod people;
pub mod plans;
pub mod relationships;
pub mod reminders;
pub mod risks;
pub mod stakeholder_batch;
pub mod stakeholder_create;
pub mod stakeholder_merge;
pub mod stakeholder_sync;
pub mod stakeholders;
pub mod submissions;
pub mod sync;
pub mod versioned;
pub mod webhooks;

use crate::db::{DbConnection, Pool};
use crate::error::ApiError;

/// Runs blocking database work on the thread pool with a pooled connection.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}
