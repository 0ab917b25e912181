//! What every handler shares in one server process (nothing another replica would need).

use std::collections::HashSet;
use std::sync::RwLock;

use crate::auth::JwtKeys;
use crate::db::Pool;
use crate::pagination::CursorCodec;

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
    pub rate_limiter: crate::rate_limit::RateLimiter,
    /// Workspaces seen to exist; they are never deleted, so a hit is always right.
    known_workspaces: RwLock<HashSet<String>>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// API keys recently checked for revocation.
    pub live_keys: crate::auth::revocation::LiveKeys,
}

impl AppState {
    /// State for a pool and keys.
    pub fn new(
        pool: Pool,
        jwt: JwtKeys,
        cursor_secret: &[u8],
        max_body_bytes: usize,
        rate_limiter: crate::rate_limit::RateLimiter,
    ) -> Self {
        Self {
            pool,
            jwt,
            cursors: CursorCodec::new(cursor_secret),
            max_body_bytes,
            rate_limiter,
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
