//! How long a replica trusts its last look at an API key: tokens from a revoked key stop
//! working within `RECHECK` on every replica, without a database read per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The `sub` of tokens exchanged for an API key: this prefix and the key's id.
pub const API_KEY_SUB_PREFIX: &str = "api-key:";
/// The `sub` of tokens exchanged for an access link: this prefix and the link's id.
pub const ACCESS_LINK_SUB_PREFIX: &str = "access-link:";
/// How long a key's state is trusted before it is read again (API.md promises 30 s).
pub const RECHECK: Duration = Duration::from_secs(20);

/// Keys recently seen live or revoked.
#[derive(Default)]
pub struct LiveKeys {
    seen: Mutex<HashMap<String, (Instant, bool)>>,
}

impl LiveKeys {
    /// Whether the key was live at its last look, if that look is recent enough.
    pub fn cached(&self, key_id: &str) -> Option<bool> {
        let seen = self.seen.lock().ok()?;
        seen.get(key_id).filter(|(at, _)| at.elapsed() < RECHECK).map(|(_, live)| *live)
    }

    /// Records a look at a key.
    pub fn remember(&self, key_id: &str, live: bool) {
        if let Ok(mut seen) = self.seen.lock() {
            // Bounded: old looks are useless anyway.
            if seen.len() > 10_000 {
                seen.retain(|_, (at, _)| at.elapsed() < RECHECK);
            }
            seen.insert(key_id.to_string(), (Instant::now(), live));
        }
    }

    /// Forgets a key at once (its revocation on this replica).
    pub fn forget(&self, key_id: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(key_id);
        }
    }
}
