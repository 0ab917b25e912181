//! Delivers queued webhook events: claims due deliveries, POSTs them signed, and retries
//! failures with exponential backoff. Every replica runs one; claims never overlap.

mod send;

use std::collections::HashMap;
use std::time::Duration;

use actix_web::web;
use futures_util::future;
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::db::{tx, Pool};
use crate::error::ApiError;
use crate::store::webhooks::{self, Claimed};
use send::Outcome;

pub use send::TIMEOUT;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// Deliveries in flight at once in this process.
pub const CONCURRENCY: usize = 64;
/// Deliveries of one workspace in flight at once: its share of [`CONCURRENCY`].
pub const PER_WORKSPACE: usize = 4;
/// How long a claimed delivery is reserved for the worker sending it.
const LEASE_SECONDS: i64 = 60;
/// Longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// Worker settings.
#[derive(Clone)]
pub struct WorkerConfig {
    /// How often to look for due deliveries.
    pub poll: Duration,
    /// First retry delay; doubled after each failure.
    pub retry_base: Duration,
    /// The server keys webhook signing secrets are derived from.
    pub keys: crate::auth::JwtKeys,
    /// Whether receivers on loopback and private addresses may be called.
    pub allow_private: bool,
}

/// The delay before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 30) as u32);
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

/// One delivery: send, then record the outcome. Returns the workspace it belonged to.
async fn deliver(pool: Pool, client: reqwest::Client, config: WorkerConfig, item: Claimed) -> String {
    let workspace = item.delivery.workspace_id.clone();
    let outcome = send::send(&client, &item, &config).await;
    let retry_at = (!outcome.ok && item.delivery.attempts < MAX_ATTEMPTS).then(|| {
        let wait = chrono::Duration::from_std(backoff(config.retry_base, item.delivery.attempts))
            .unwrap_or(chrono::Duration::hours(6));
        crate::time::now().naive_utc() + wait
    });
    let recorded = web::block(move || -> Result<(), ApiError> {
        let mut conn = pool.get()?;
        let Outcome { ok, status, error } = outcome;
        tx::write(&mut conn, |c| Ok(webhooks::finish(c, &item.delivery, ok, status, error, retry_at)?))
    })
    .await;
    if let Err(e) = recorded.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
        // The lease runs out and the delivery is tried again: at least once, never lost.
        tracing::warn!(error = %e, "webhook delivery outcome not recorded");
    }
    workspace
}

/// Claims what the free slots allow: at most `PER_WORKSPACE` in flight per workspace,
/// `CONCURRENCY` in all.
async fn claim(pool: &Pool, busy: &HashMap<String, usize>, free: usize) -> Result<Vec<Claimed>, ApiError> {
    let pool = pool.clone();
    let busy = busy.clone();
    web::block(move || -> Result<Vec<Claimed>, ApiError> {
        let mut conn = pool.get()?;
        let lease = chrono::Duration::seconds(LEASE_SECONDS);
        tx::write(&mut conn, |c| Ok(webhooks::claim_fairly(c, &busy, PER_WORKSPACE, free, lease)?))
    })
    .await?
}

/// Runs forever (until the server's runtime stops): deliveries go out concurrently, each
/// workspace holding at most `PER_WORKSPACE` of the `CONCURRENCY` slots, so one
/// workspace's slow or dead receivers cannot hold up another's deliveries.
pub async fn run(pool: Pool, config: WorkerConfig) {
    let client = send::client(config.allow_private);
    let mut in_flight = FuturesUnordered::new();
    let mut busy: HashMap<String, usize> = HashMap::new();
    loop {
        let free = CONCURRENCY.saturating_sub(in_flight.len());
        if free > 0 {
            match claim(&pool, &busy, free).await {
                Ok(claimed) => {
                    for item in claimed {
                        *busy.entry(item.delivery.workspace_id.clone()).or_default() += 1;
                        in_flight.push(deliver(pool.clone(), client.clone(), config.clone(), item));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "webhook delivery claim failed"),
            }
        }
        // Wait for a delivery to finish (its slot frees) or for the next poll.
        let poll = Box::pin(tokio::time::sleep(config.poll));
        let finished = match in_flight.is_empty() {
            true => {
                poll.await;
                None
            }
            false => match future::select(in_flight.next(), poll).await {
                future::Either::Left((done, _)) => done,
                future::Either::Right(_) => None,
            },
        };
        if let Some(workspace) = finished {
            if let Some(n) = busy.get_mut(&workspace) {
                *n -= 1;
                if *n == 0 {
                    busy.remove(&workspace);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(base, 1), Duration::from_secs(5));
        assert_eq!(backoff(base, 2), Duration::from_secs(10));
        assert_eq!(backoff(base, 4), Duration::from_secs(40));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
