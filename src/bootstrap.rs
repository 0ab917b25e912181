//! Opening the database and resolving the signing secret: shared by every CLI command.

use std::net::TcpListener;

use base64::Engine;
use rand::RngCore;

use crate::auth::JwtKeys;
use crate::configuration::Config;
use crate::db::{self, Pool};
use crate::startup::{self, AppState};
use crate::store;

/// The database pool (migrated) and the token keys.
pub struct Ready {
    /// Connection pool.
    pub pool: Pool,
    /// Token keys.
    pub jwt: JwtKeys,
    /// The HS256 secret in use (also keys the cursor signatures).
    pub secret: Vec<u8>,
}

/// Connects, applies migrations and resolves the JWT secret.
pub fn prepare(config: &Config) -> Result<Ready, String> {
    let pool = db::connect(&config.database, config.pool_size)?;
    let mut conn = pool.get().map_err(|e| format!("cannot get a database connection: {e}"))?;
    let applied = db::run_migrations(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let folded = store::text_keys::backfill(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
    if folded > 0 {
        tracing::info!(folded, "search and sort keys filled in");
    }
    let recount = |c: &mut db::DbConnection| -> diesel::QueryResult<bool> {
        if folded == 0 && !store::shared_values::is_empty(c)? {
            return Ok(false);
        }
        db::tx::write(c, store::shared_values::rebuild)?;
        Ok(true)
    };
    if recount(&mut conn).map_err(|e| format!("migration failed: {e}"))? && folded > 0 {
        tracing::info!("duplicate values recounted");
    }
    let secret = match &config.jwt_secret {
        Some(secret) => secret.clone(),
        None => {
            let (stored, created) = store::settings::jwt_secret(&mut conn, generate_secret)
                .map_err(|e| format!("cannot read the stored JWT secret: {e}"))?;
            if created {
                tracing::warn!(
                    "STAKEMAP_JWT_SECRET is not set: generated one and stored it in the database; \
                     every replica and the `token` command will use it"
                );
            }
            stored.into_bytes()
        }
    };
    drop(conn);
    let jwt = JwtKeys::new(
        secret.clone(),
        config.jwt_public_key.clone(),
        config.jwt_issuer.clone(),
        config.jwt_audience.clone(),
    );
    Ok(Ready { pool, jwt, secret })
}

fn generate_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A bound, not yet awaited server and the address it listens on.
pub struct Application {
    /// The actual port (useful when the configured port was 0).
    pub port: u16,
    /// The running server; await it to serve.
    pub server: actix_web::dev::Server,
}

/// Prepares the database and binds the listener.
pub fn build(config: &Config, ready: Ready) -> Result<Application, String> {
    let listener =
        TcpListener::bind(&config.listen).map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let worker = crate::webhook_worker::WorkerConfig {
        poll: config.webhook_poll,
        retry_base: config.webhook_retry_base,
        keys: ready.jwt.clone(),
        allow_private: config.webhook_allow_private,
    };
    if config.webhook_worker {
        tokio::spawn(crate::webhook_worker::run(ready.pool.clone(), worker));
    }
    let state = AppState::new(ready.pool, ready.jwt, &ready.secret, config);
    let server = startup::run(listener, state, config.cors_origins.clone()).map_err(|e| e.to_string())?;
    Ok(Application { port, server })
}
