//! Group commit for SQLite: every write of the process to one database file runs on that
//! file's single writer connection, and writes that arrive while another is running join
//! its transaction, each after the first in its own savepoint, so one commit (one WAL
//! append, one sync point) serves them all.
//!
//! Why: SQLite has one writer at a time anyway, and a create touches a page in each of
//! some twenty indexes. Committed one by one, every create appended all those pages to
//! the WAL again and re-read them (a connection drops its page cache whenever another
//! connection wrote); grouped, the pages shared by the group are written once, and the
//! writer's cache stays warm. Creates on the large dataset went from 1,306 to about
//! 2,300 a second (`bench/README.md`).
//!
//! A write is acknowledged only after the commit that holds it: `write` returns when its
//! group has committed (or failed, when every member gets the error). A member whose work
//! fails rolls back to its savepoint and leaves the others' work in place; the first one
//! has nobody else's work to keep and rolls back the transaction.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryResult, RunQueryDsl};

use super::DbConnection;

type Manager = <DbConnection as Connection>::TransactionManager;

/// At most this many writes share one transaction, so a member waits for at most as many
/// others before its commit.
const MAX_GROUP: usize = 32;

/// A checkpoint every this many transactions, about as often as SQLite's default of one per
/// 1,000 WAL pages would run with a create's 25 pages and groups of eight.
const CHECKPOINT_EVERY: usize = 32;

/// The writer's own automatic checkpoint threshold (WAL pages): a backstop only.
const BACKSTOP_CHECKPOINT_PAGES: usize = 32_000;

/// The writer's page cache, in KiB. Measured on the load benchmark: with the readers'
/// 64 MiB the writer filled it and peak RSS rose to 146 MB, at 24 MiB it stayed at 98 MB
/// and creates were no slower (2,126 and 2,216 a second).
const WRITER_CACHE_KIB: usize = 24_576;

diesel::define_sql_function! {
    /// The id of the writer that serves this connection's file, set on every connection a
    /// pool opens: a cached statement, where asking SQLite for the file's name cost about
    /// a twentieth of a create.
    fn stakemap_writer() -> BigInt;
}

/// One database file's writer connection and its open group.
pub struct SqliteWriter {
    id: i64,
    key: String,
    state: Mutex<State>,
    /// Writers waiting for `state`: while any wait, the running one leaves the group open.
    queued: AtomicUsize,
    /// Transactions committed (or failed to) so far: fewer than the writes when they grouped.
    groups: AtomicUsize,
}

struct State {
    conn: DbConnection,
    open: Option<OpenGroup>,
}

struct OpenGroup {
    group: Arc<Group>,
    members: usize,
}

/// One transaction's outcome, awaited by the members that did not commit it.
#[derive(Default)]
struct Group {
    outcome: Mutex<Option<Result<(), String>>>,
    done: Condvar,
}

impl Group {
    fn finish(&self, outcome: Result<(), String>) {
        *lock(&self.outcome) = Some(outcome);
        self.done.notify_all();
    }

    fn wait(&self) -> Result<(), String> {
        let mut outcome = lock(&self.outcome);
        loop {
            if let Some(result) = outcome.as_ref() {
                return result.clone();
            }
            outcome = self.done.wait(outcome).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The writers of this process, one per database file; the pools' managers hold them.
static WRITERS: Mutex<Vec<Weak<SqliteWriter>>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicI64 = AtomicI64::new(1);

impl SqliteWriter {
    /// The writer of the file `conn` has open: the registered one if another pool of this
    /// process has it, else `conn` registered as the writer. None for an in-memory database
    /// (one per connection).
    pub fn register(mut conn: DbConnection) -> Result<Option<Arc<Self>>, DieselError> {
        let key = file_of(&mut conn)?;
        if key.is_empty() {
            return Ok(None);
        }
        let mut writers = lock(&WRITERS);
        writers.retain(|w| w.strong_count() > 0);
        if let Some(existing) = writers.iter().filter_map(Weak::upgrade).find(|w| w.key == key) {
            return Ok(Some(existing));
        }
        // Checkpoints run outside the writer's lock (`checkpoint`); this only bounds the
        // WAL should they fall behind.
        conn.batch_execute(&format!("PRAGMA wal_autocheckpoint = {BACKSTOP_CHECKPOINT_PAGES}"))?;
        conn.batch_execute(&format!("PRAGMA cache_size = -{WRITER_CACHE_KIB}"))?;
        let writer = Arc::new(Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            key,
            state: Mutex::new(State { conn, open: None }),
            queued: AtomicUsize::new(0),
            groups: AtomicUsize::new(0),
        });
        writers.push(Arc::downgrade(&writer));
        Ok(Some(writer))
    }

    /// Marks a connection to this writer's file as served by it (see `of`).
    pub fn serve(&self, conn: &mut SqliteConnection) -> QueryResult<()> {
        let id = self.id;
        stakemap_writer_utils::register_impl(conn, move || id)
    }

    /// The writer serving `conn`, if a pool's manager marked it (`serve`).
    pub fn of(conn: &mut DbConnection) -> Option<Arc<Self>> {
        let id: i64 = diesel::select(stakemap_writer()).get_result(conn).ok()?;
        lock(&WRITERS).iter().filter_map(Weak::upgrade).find(|w| w.id == id)
    }

    /// Runs `f` in the open group's transaction (opening one if none is), in a savepoint
    /// unless it is the first; returns once the group has committed. `pooled` is the caller's own connection to the
    /// same file, which runs the periodic checkpoint outside the writer's lock.
    pub fn write<T, E, F>(&self, pooled: &mut DbConnection, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<DieselError>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = lock(&self.state);
        self.queued.fetch_sub(1, Ordering::SeqCst);
        if state.open.is_none() {
            let DbConnection::Sqlite(inner) = &mut state.conn else { unreachable!("a SQLite writer") };
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            state.open = Some(OpenGroup { group: Arc::default(), members: 0 });
        }
        let (group, members) = {
            let open = state.open.as_mut().expect("opened above");
            open.members += 1;
            (open.group.clone(), open.members)
        };

        let outcome = if members == 1 {
            // First in the transaction: nothing of anyone else's to keep, so no savepoint
            // (whose statement journal copies every page the write touches); a failure
            // rolls the whole transaction back.
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(&mut state.conn)));
            if !matches!(outcome, Ok(Ok(_))) {
                let rolled_back = Manager::rollback_transaction(&mut state.conn);
                state.open = None;
                drop(state);
                group.finish(rolled_back.map_err(|e| e.to_string()));
                return settle(outcome, Ok(()));
            }
            outcome
        } else {
            run_in_savepoint(&mut state.conn, f)
        };

        let committed = if self.queued.load(Ordering::SeqCst) > 0 && members < MAX_GROUP {
            // A writer is waiting for the lock: it joins this transaction and either commits
            // it or, if yet another is waiting, passes it on in turn.
            drop(state);
            group.wait()
        } else {
            let committed = commit(&mut state.conn);
            state.open = None;
            let groups = self.groups.fetch_add(1, Ordering::Relaxed) + 1;
            drop(state);
            group.finish(committed.clone());
            if groups.is_multiple_of(CHECKPOINT_EVERY) {
                checkpoint(pooled);
            }
            committed
        };
        settle(outcome, committed)
    }
}

/// A member's result: its own failure or panic, else the group's commit outcome.
fn settle<T, E>(outcome: std::thread::Result<Result<T, E>>, committed: Result<(), String>) -> Result<T, E>
where
    E: From<DieselError>,
{
    match outcome {
        Ok(Ok(value)) => match committed {
            Ok(()) => Ok(value),
            Err(message) => {
                Err(DieselError::DatabaseError(DatabaseErrorKind::Unknown, Box::new(message)).into())
            }
        },
        Ok(Err(err)) => Err(err),
        Err(panic) => panic::resume_unwind(panic),
    }
}

/// Runs `f` in a savepoint: released when it succeeds, rolled back when it fails or panics.
fn run_in_savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> std::thread::Result<Result<T, E>>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    if let Err(err) = Manager::begin_transaction(conn) {
        return Ok(Err(err.into()));
    }
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(conn)));
    if matches!(outcome, Ok(Ok(_))) {
        if let Err(err) = Manager::commit_transaction(conn) {
            let _ = Manager::rollback_transaction(conn);
            return Ok(Err(err.into()));
        }
    } else {
        // A failed rollback leaves the transaction manager broken; the group's commit
        // then fails, and every member is told.
        let _ = Manager::rollback_transaction(conn);
    }
    outcome
}

/// Copies committed WAL pages into the database file while the writer goes on: a passive
/// checkpoint waits for no one. Run by SQLite itself on commit, it held every queued write
/// up for the length of an `fsync`.
fn checkpoint(conn: &mut DbConnection) {
    if let Err(err) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
        tracing::warn!(error = %err, "WAL checkpoint failed; the writer's own will run later");
    }
}

/// Commits the group's transaction; on failure rolls it back so the connection is clean.
fn commit(conn: &mut DbConnection) -> Result<(), String> {
    Manager::commit_transaction(conn).map_err(|err| {
        let _ = Manager::rollback_transaction(conn);
        format!("the transaction could not be committed: {err}")
    })
}

/// The file a SQLite connection has open as `main` (empty for an in-memory database).
fn file_of(conn: &mut DbConnection) -> Result<String, DieselError> {
    diesel::select(diesel::dsl::sql::<Text>("(SELECT file FROM pragma_database_list WHERE name = 'main')"))
        .get_result(conn)
}

#[cfg(test)]
mod tests;
