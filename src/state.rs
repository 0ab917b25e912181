//! What every handler shares in one server process (nothing another replica would need).

use std::collections::HashSet;
use std::sync::RwLock;

use crate::auth::JwtKeys;
use crate::configuration::Config;
use crate::db::Pool;
use crate::pagination::CursorCodec;
use crate::rate_limit::RateLimiter;

/// Shared, read-only state of one server process (nothing another replica would need).
pub struct AppState {
    /// Database connections.
    pub pool: Pool,
    /// Token signing and verification.
    pub jwt: JwtKeys,
    /// Cursor signing.
    pub cursors: CursorCodec,
    /// Default body limit in bytes.
    pub max_body_bytes: usize,
    /// Requests per token per window.
    pub rate_limiter: RateLimiter,
    /// Workspaces seen to exist; they are never deleted, so a hit is always right.
    known_workspaces: RwLock<HashSet<String>>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// API keys recently checked for revocation.
    pub live_keys: crate::auth::revocation::LiveKeys,
    /// Unauthenticated calls and invalid tokens per client address.
    pub auth_limiter: crate::rate_limit::RateLimiter,
    /// Heavy operations running per workspace.
    pub heavy: crate::heavy::HeavyGate,
    /// Creates waiting to be written together, per workspace.
    pub creates: crate::service::stakeholder_create::CreateLanes,
    /// Whether webhook receivers may be on loopback or private addresses.
    pub webhook_allow_private: bool,
    /// Access link URL template, with `{token}`.
    pub access_link_url: String,
    /// The workspace language.
    pub default_locale: String,
}

impl AppState {
    /// State for a pool and keys under these settings.
    pub fn new(pool: Pool, jwt: JwtKeys, cursor_secret: &[u8], config: &Config) -> Self {
        Self {
            pool,
            jwt,
            cursors: CursorCodec::new(cursor_secret),
            max_body_bytes: config.max_body_bytes,
            rate_limiter: RateLimiter::new(config.rate_limit, config.rate_limit_window),
            auth_limiter: RateLimiter::new(config.auth_rate_limit, config.rate_limit_window),
            heavy: crate::heavy::HeavyGate::new(crate::heavy::PER_WORKSPACE),
            creates: crate::service::stakeholder_create::lanes(),
            webhook_allow_private: config.webhook_allow_private,
            access_link_url: config.access_link_url.clone(),
            default_locale: config.default_locale.clone(),
            known_workspaces: RwLock::new(HashSet::new()),
            metrics: crate::metrics::Metrics::default(),
            live_keys: Default::default(),
        }
    }

    /// Whether this workspace id is known to exist.
    pub fn known_workspace(&self, id: &str) -> bool {
        self.known_workspaces.read().map(|set| set.contains(id)).unwrap_or(false)
    }

    /// Records that a workspace exists.
    pub fn remember_workspace(&self, id: &str) {
        if let Ok(mut set) = self.known_workspaces.write() {
            set.insert(id.to_string());
        }
    }
}
