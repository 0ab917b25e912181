//! The one connection type serving both backends, and the pool manager that opens it.

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::connection::TransactionManager;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use super::group_commit::SqliteWriter;

/// A connection to whichever backend the database URL names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for scale-out deployments.
    Pg(PgConnection),
    /// SQLite, the zero-configuration default.
    Sqlite(SqliteConnection),
}

/// The query backend shared by both connection kinds.
pub type Backend = multi_connection_impl::MultiBackend;

/// Which database a URL points at; chosen from the scheme, never guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (or `:memory:`).
    Sqlite(String),
    /// A full `postgres://` URL handed to libpq.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH` or `postgres://…` / `postgresql://…`; anything else is an error.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// URL needs a file path, e.g. sqlite://stakemap.db".into());
            }
            Ok(Self::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_string()))
        } else {
            let scheme = url.split("://").next().unwrap_or(url);
            Err(format!("unsupported database URL scheme '{scheme}': use sqlite://PATH or postgres://…"))
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Opens connections for r2d2, surfacing the driver's own error. For SQLite it also holds
/// the file's writer connection, which lives as long as the pool, and marks every
/// connection it opens as served by it.
#[derive(Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    writer: Option<Arc<SqliteWriter>>,
}

impl ConnectionManager {
    /// A manager for the given database; for SQLite this opens the writer connection.
    pub fn new(url: DatabaseUrl) -> Result<Self, diesel::ConnectionError> {
        let mut manager = Self { url, writer: None };
        if let DatabaseUrl::Sqlite(_) = manager.url {
            let writer = SqliteWriter::register(manager.open()?)
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            manager.writer = writer;
        }
        Ok(manager)
    }

    /// Opens one connection and applies the per-connection settings.
    pub fn open(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                // WAL lets readers run beside the writer; busy_timeout makes writers of
                // other processes queue instead of failing; NORMAL sync is durable across
                // process crashes in WAL; a 64 MiB page cache keeps a large workspace's
                // indexes in memory.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                     PRAGMA wal_autocheckpoint = 8000;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                if let Some(writer) = &self.writer {
                    writer.serve(&mut conn).map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                let slot = next_tally_slot();
                conn.batch_execute(&format!(
                    "SET TIME ZONE 'UTC'; SET plan_cache_mode = force_custom_plan; \
                     SET stakemap.tally_slot = {slot}"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Pg(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection that lost its server, or comes back inside a transaction (its user
    /// panicked), is dropped rather than handed to the next request.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        let lost = LOST.with(|lost| lost.replace(false));
        lost || std::thread::panicking()
            || !matches!(
                <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
                    .transaction_depth(),
                Ok(None)
            )
    }
}

thread_local! {
    /// Set when a query on this thread found its connection's server gone. A connection
    /// is used and given back on one thread (`service::run`), so the pool learns here
    /// which connection to drop, instead of testing every connection with a query on
    /// each check-out (a round trip per request, an eleventh of a create's).
    static LOST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that the connection this thread holds has lost its server (a PostgreSQL
/// restart): the pool drops it when it is given back, and the next request opens a new
/// one. At worst a request on each stale connection answers 503.
pub fn note_lost() {
    LOST.with(|lost| lost.set(true));
}

/// Dashboard counter slots (`store::tallies`): each connection writes its own row of a
/// counter so concurrent writers never queue on one. Handed out in turn from a random
/// start, so a process's connections never share a slot (process ids modulo 32 did, for
/// two of eight connections more often than not) and replicas start apart.
fn next_tally_slot() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: std::sync::OnceLock<AtomicU32> = std::sync::OnceLock::new();
    let next = NEXT.get_or_init(|| AtomicU32::new(uuid::Uuid::new_v4().as_u128() as u32 % TALLY_SLOTS));
    next.fetch_add(1, Ordering::Relaxed) % TALLY_SLOTS
}

/// How many slots a counter is split into.
const TALLY_SLOTS: u32 = 32;

/// How long a request waits for a free connection before it is answered 503.
pub const POOL_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    #[test]
    fn a_process_connections_take_distinct_counter_slots() {
        let slots: std::collections::HashSet<u32> =
            (0..super::TALLY_SLOTS).map(|_| super::next_tally_slot()).collect();
        assert_eq!(slots.len(), super::TALLY_SLOTS as usize);
    }
}
