//! Heavy operations (exports, imports, batches, the anonymized export) per workspace:
//! at most a few at a time, so one workspace cannot take every connection and core.
//!
//! Counted in this process, like the rate limit: with N replicas a workspace may run N×
//! the share, each replica still protecting the workspaces it serves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::ApiError;

/// Heavy operations one workspace may run at once in this process.
pub const PER_WORKSPACE: usize = 4;

/// Seconds a refused caller is told to wait: a heavy operation usually ends by then.
const RETRY_AFTER_SECONDS: u64 = 5;

/// Counts running heavy operations per workspace, and takes turns for their database work.
#[derive(Clone)]
pub struct HeavyGate {
    limit: usize,
    running: Arc<Mutex<HashMap<String, usize>>>,
    turns: Arc<tokio::sync::Semaphore>,
}

/// A slot held until dropped (a streamed export holds it until its last page is sent).
pub struct HeavySlot {
    workspace_id: String,
    running: Arc<Mutex<HashMap<String, usize>>>,
    turns: Arc<tokio::sync::Semaphore>,
}

impl HeavySlot {
    /// Waits for a turn to run one step of database work (a page, a batch): heavy work of
    /// every workspace takes turns on all cores but one, first come first served, so
    /// ordinary requests always find a core and heavy operations interleave fairly.
    pub async fn turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.turns.acquire().await.expect("the semaphore is never closed")
    }
}

impl HeavyGate {
    /// A gate admitting `limit` operations per workspace.
    pub fn new(limit: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let turns = Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1)));
        Self { limit, running: Arc::default(), turns }
    }

    /// Takes a slot for the workspace, or 429 with `Retry-After` when its share is in use.
    pub fn enter(&self, workspace_id: &str) -> Result<HeavySlot, ApiError> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let count = running.entry(workspace_id.to_string()).or_default();
        if *count >= self.limit {
            return Err(ApiError::TooManyRequests(RETRY_AFTER_SECONDS));
        }
        *count += 1;
        Ok(HeavySlot {
            workspace_id: workspace_id.to_string(),
            running: self.running.clone(),
            turns: self.turns.clone(),
        })
    }
}

impl Drop for HeavySlot {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = running.get_mut(&self.workspace_id) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.workspace_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_gets_its_share_and_others_are_unaffected() {
        let gate = HeavyGate::new(2);
        let a1 = gate.enter("a").unwrap();
        let _a2 = gate.enter("a").unwrap();
        assert!(matches!(gate.enter("a"), Err(ApiError::TooManyRequests(_))));
        let _b = gate.enter("b").expect("another workspace has its own share");
        drop(a1);
        assert!(gate.enter("a").is_ok(), "a finished operation frees its slot");
    }
}
