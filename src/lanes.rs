//! Lanes: work of one key (a workspace) that arrives while that key's lane is busy waits,
//! and the next run takes everything waiting at once. One client runs alone and at once;
//! many clients of one workspace share each run's fixed costs (a transaction, its round
//! trips, its log flush), so creates scale with the clients instead of queueing on them.
//!
//! Counted in this process: N replicas run up to N × `width` runs of a workspace at once.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

/// Items waiting per key, and the runs of each key under way.
pub struct Lanes<T, R> {
    width: usize,
    most: usize,
    lanes: Arc<Mutex<HashMap<String, Lane<T, R>>>>,
}

struct Lane<T, R> {
    running: usize,
    waiting: Vec<(T, oneshot::Sender<R>)>,
}

fn lock<K>(mutex: &Mutex<K>) -> MutexGuard<'_, K> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T: Send + 'static, R: Send + 'static> Lanes<T, R> {
    /// Lanes running at most `width` runs per key at once, each of at most `most` items.
    pub fn new(width: usize, most: usize) -> Self {
        Self { width: width.max(1), most: most.max(1), lanes: Arc::default() }
    }

    /// Runs `item` in a run of its key's lane and returns its result; None when the run
    /// ended without one (it panicked). `run` gets a run's items in arrival order and must
    /// return one result per item, in that order.
    ///
    /// Runs go on a blocking thread of their own that answers every caller itself, so a
    /// caller that goes away (its client hung up, its worker shut down) leaves the
    /// others' answers, and the writes behind them, untouched.
    pub async fn submit<F>(&self, key: &str, item: T, run: F) -> Option<R>
    where
        F: Fn(Vec<T>) -> Vec<R> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut lanes = lock(&self.lanes);
            let lane =
                lanes.entry(key.to_string()).or_insert_with(|| Lane { running: 0, waiting: Vec::new() });
            lane.waiting.push((item, reply));
            let start = lane.running < self.width;
            lane.running += usize::from(start);
            start
        };
        if start {
            let turn = Turn { key: key.to_string(), lanes: self.lanes.clone(), given_back: false };
            let most = self.most;
            actix_web::rt::task::spawn_blocking(move || drain(turn, most, run));
        }
        answer.await.ok()
    }
}

/// One run slot of a lane, given back when no item waits (or, should its thread die, when dropped).
struct Turn<T, R> {
    key: String,
    lanes: Arc<Mutex<HashMap<String, Lane<T, R>>>>,
    given_back: bool,
}

impl<T, R> Turn<T, R> {
    /// The next items to run; None, with the slot given back under the same lock, when
    /// none wait (so an item that arrives meanwhile starts a run of its own).
    fn next(&mut self, most: usize) -> Option<Vec<(T, oneshot::Sender<R>)>> {
        let mut lanes = lock(&self.lanes);
        let lane = lanes.get_mut(&self.key)?;
        if lane.waiting.is_empty() {
            lane.running -= 1;
            if lane.running == 0 {
                lanes.remove(&self.key);
            }
            self.given_back = true;
            return None;
        }
        let n = lane.waiting.len().min(most);
        Some(lane.waiting.drain(..n).collect())
    }
}

impl<T, R> Drop for Turn<T, R> {
    fn drop(&mut self) {
        if self.given_back {
            return;
        }
        let mut lanes = lock(&self.lanes);
        if let Some(lane) = lanes.get_mut(&self.key) {
            lane.running -= 1;
            if lane.running == 0 {
                // Nobody is left to run what waits: its callers get None.
                lanes.remove(&self.key);
            }
        }
    }
}

/// Runs the lane's waiting items, a run at a time, until none wait; answers each caller.
fn drain<T, R>(mut turn: Turn<T, R>, most: usize, run: impl Fn(Vec<T>) -> Vec<R>) {
    while let Some(batch) = turn.next(most) {
        let (items, replies): (Vec<T>, Vec<oneshot::Sender<R>>) = batch.into_iter().unzip();
        // A run that panics answers its callers None; the lane goes on with the next.
        let Ok(results) = std::panic::catch_unwind(AssertUnwindSafe(|| run(items))) else { continue };
        for (reply, result) in replies.into_iter().zip(results) {
            // A caller that went away no longer needs the answer; its write stands.
            let _ = reply.send(result);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// What a test's runs did: how many started, and the sizes of those that ended.
    #[derive(Default)]
    struct Log {
        started: AtomicUsize,
        sizes: Mutex<Vec<usize>>,
    }

    type Sizes = Arc<Log>;

    fn runner(sizes: Sizes) -> impl Fn(Vec<u32>) -> Vec<u32> + Send + 'static {
        move |items: Vec<u32>| {
            sizes.started.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            // Recorded as the run ends: a run cut short would leave no trace.
            lock(&sizes.sizes).push(items.len());
            items.into_iter().map(|i| i * 10).collect()
        }
    }

    #[actix_web::test]
    async fn one_item_runs_alone_and_at_once() {
        let lanes = Lanes::new(2, 8);
        let sizes = Sizes::default();
        assert_eq!(lanes.submit("w", 4, runner(sizes.clone())).await, Some(40));
        assert_eq!(*lock(&sizes.sizes), vec![1]);
        // The run gives its slot back just after answering.
        for _ in 0..100 {
            if lock(&lanes.lanes).is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("an idle lane is forgotten");
    }

    #[actix_web::test]
    async fn items_arriving_while_the_lane_is_busy_share_runs() {
        let lanes = Lanes::new(1, 8);
        let sizes = Sizes::default();
        let first = lanes.submit("w", 0, runner(sizes.clone()));
        let rest = (1..12).map(|i| lanes.submit("w", i, runner(sizes.clone())));
        let rest = async {
            // The others arrive once the first item's run is under way.
            while sizes.started.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            futures_util::future::join_all(rest).await
        };
        let (first, rest) = futures_util::future::join(first, rest).await;
        // Every caller gets its own item's result.
        assert_eq!(first, Some(0));
        assert_eq!(rest, (1..12).map(|i| Some(i * 10)).collect::<Vec<_>>());
        // The first ran alone and at once; the rest waited and went in runs of at most 8.
        assert_eq!(*lock(&sizes.sizes), vec![1, 8, 3]);
    }

    #[actix_web::test]
    async fn keys_do_not_share_runs() {
        let lanes = Lanes::new(1, 8);
        let sizes = Sizes::default();
        let a = lanes.submit("a", 1, runner(sizes.clone()));
        let b = lanes.submit("b", 2, runner(sizes.clone()));
        assert_eq!(futures_util::future::join(a, b).await, (Some(10), Some(20)));
        assert_eq!(*lock(&sizes.sizes), vec![1, 1]);
    }

    #[actix_web::test]
    async fn a_panicking_run_answers_none_and_the_lane_goes_on() {
        let lanes: Lanes<u32, u32> = Lanes::new(1, 8);
        // Every caller passes the same work; item 1 makes it panic.
        let work = |items: Vec<u32>| -> Vec<u32> {
            assert!(!items.contains(&1), "a run panicked");
            items.into_iter().map(|i| i * 10).collect()
        };
        assert_eq!(lanes.submit("w", 1, work).await, None);
        assert_eq!(lanes.submit("w", 2, work).await, Some(20));
    }

    #[actix_web::test]
    async fn a_caller_that_goes_away_leaves_the_others_answered() {
        let lanes = Lanes::new(1, 8);
        let sizes = Sizes::default();
        // The first caller starts a run and gives up before it ends; the run still ends,
        // and answers the caller that joined the lane behind it.
        let gone =
            tokio::time::timeout(Duration::from_millis(2), lanes.submit("w", 1, runner(sizes.clone())));
        assert!(gone.await.is_err(), "the first caller gave up");
        let second = lanes.submit("w", 2, runner(sizes.clone()));
        assert_eq!(second.await, Some(20));
        // Both items were run to the end (together, if the run started late).
        assert_eq!(lock(&sizes.sizes).iter().sum::<usize>(), 2, "the given-up item's run ran to its end");
    }
}
