//! Write transactions that behave the same on both backends.

use std::sync::{Mutex, PoisonError};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::Connection;

use super::group_commit::SqliteWriter;
use super::DbConnection;

type Manager = <DbConnection as Connection>::TransactionManager;

/// SQLite writes of this process to a file without a registered writer (none is, outside
/// a pool) queue here rather than on SQLite's busy handler, which sleeps between retries
/// (1, 2, 5 … up to 100 ms) and so keeps colliding writers waiting far longer than a write
/// takes. Other processes on the same file still meet `busy_timeout`.
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

/// Runs `f` in a write transaction, committing on `Ok` and rolling back on `Err`.
///
/// SQLite: on the file's writer connection, grouped with concurrent writes
/// (`group_commit`). Otherwise `BEGIN IMMEDIATE`: a deferred transaction that reads and
/// then writes can fail at once with "database is locked" when two writers race, whereas
/// an immediate one takes the write lock up front and queues behind `busy_timeout`.
pub fn write<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if matches!(conn, DbConnection::Sqlite(_)) {
        if let Some(writer) = SqliteWriter::of(conn) {
            return writer.write(conn, f);
        }
    }
    // Held until the transaction ends, when this function returns.
    let _writer = match conn {
        DbConnection::Sqlite(inner) => {
            let turn = SQLITE_WRITER.lock().unwrap_or_else(PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            Some(turn)
        }
        DbConnection::Pg(inner) => {
            // A request's write runs the same few prepared statements over and over
            // (inserts, key lookups, counter upserts): one generic plan per connection
            // serves them, where the connection's default (a custom plan per execution,
            // see `connection`) re-planned each, a tenth of the database's time under
            // load. Sent with BEGIN, so it costs no round trip; bulk loads opt back in
            // to custom plans (`store::stakeholder_bulk::plan_each_execution`).
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN; SET LOCAL plan_cache_mode = auto")?;
            None
        }
    };
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            match Manager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => {}
                Err(rollback) => return Err(rollback.into()),
            }
            Err(err)
        }
    }
}
