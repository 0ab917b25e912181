//! Write transactions that behave the same on both backends.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::Connection;

use super::DbConnection;

type Manager = <DbConnection as Connection>::TransactionManager;

/// Runs `f` in a write transaction, committing on `Ok` and rolling back on `Err`.
///
/// SQLite gets `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can
/// fail at once with "database is locked" when two writers race, whereas an immediate one
/// takes the write lock up front and queues behind `busy_timeout`.
pub fn write<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        DbConnection::Pg(_) => Manager::begin_transaction(conn)?,
    }
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
