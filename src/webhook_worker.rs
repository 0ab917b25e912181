//! Delivers queued webhook events: claims due deliveries, POSTs them signed, and retries
//! failures with exponential backoff. Every replica runs one; claims never overlap.

use std::time::Duration;

use actix_web::web;

use crate::db::{tx, Pool};
use crate::domain::signature;
use crate::error::ApiError;
use crate::store::webhooks::{self, Claimed};

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// Deliveries claimed per round.
const BATCH: i64 = 20;
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
}

/// The delay before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 30) as u32);
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

async fn send(
    client: &reqwest::Client,
    claimed: &Claimed,
    keys: &crate::auth::JwtKeys,
) -> (bool, Option<i32>, Option<String>) {
    let body = claimed.delivery.payload.clone();
    let secret = match claimed.secret.is_empty() {
        true => keys.webhook_secret(&claimed.delivery.webhook_id),
        false => claimed.secret.clone(),
    };
    let header = signature::sign(&secret, chrono::Utc::now().timestamp(), &body);
    let result = client
        .post(&claimed.url)
        .header("Content-Type", "application/json")
        .header(signature::HEADER, header)
        .header("Stakemap-Event", &claimed.delivery.event)
        .header("Stakemap-Delivery", &claimed.delivery.id)
        .body(body)
        .send()
        .await;
    match result {
        Ok(res) if res.status().is_success() => (true, Some(res.status().as_u16() as i32), None),
        Ok(res) => {
            (false, Some(res.status().as_u16() as i32), Some(format!("receiver answered {}", res.status())))
        }
        Err(e) => (false, None, Some(format!("request failed: {e}"))),
    }
}

/// One round: claim, send, record. Returns how many deliveries were attempted.
pub async fn round(pool: &Pool, client: &reqwest::Client, config: &WorkerConfig) -> Result<usize, ApiError> {
    let claim_pool = pool.clone();
    let claimed = web::block(move || -> Result<Vec<Claimed>, ApiError> {
        let mut conn = claim_pool.get()?;
        tx::write(&mut conn, |c| Ok(webhooks::claim(c, BATCH, chrono::Duration::seconds(LEASE_SECONDS))?))
    })
    .await??;
    let count = claimed.len();
    for item in claimed {
        let (ok, status, error) = send(client, &item, &config.keys).await;
        let retry_at = (!ok && item.delivery.attempts < MAX_ATTEMPTS).then(|| {
            let wait = chrono::Duration::from_std(backoff(config.retry_base, item.delivery.attempts))
                .unwrap_or(chrono::Duration::hours(6));
            crate::time::now().naive_utc() + wait
        });
        let finish_pool = pool.clone();
        web::block(move || -> Result<(), ApiError> {
            let mut conn = finish_pool.get()?;
            tx::write(&mut conn, |c| Ok(webhooks::finish(c, &item.delivery, ok, status, error, retry_at)?))
        })
        .await??;
    }
    Ok(count)
}

/// Runs rounds forever (until the server's runtime stops).
pub async fn run(pool: Pool, config: WorkerConfig) {
    let client =
        reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("HTTP client builds");
    loop {
        match round(&pool, &client, &config).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook delivery round failed"),
        }
        tokio::time::sleep(config.poll).await;
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
