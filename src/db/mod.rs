//! Database access: the connection pool, migrations and transactions.

mod connection;
mod group_commit;
pub mod schema;
pub mod tx;

pub use connection::{note_lost, Backend, ConnectionManager, DatabaseUrl, DbConnection, POOL_TIMEOUT};

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The r2d2 pool every request borrows from.
pub type Pool = r2d2::Pool<ConnectionManager>;
/// A borrowed connection.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Builds the pool and checks one connection can be opened, reporting the driver's error.
pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Pool, String> {
    // Open one connection directly first (the SQLite writer, or a check for PostgreSQL):
    // r2d2 would only say "timed out".
    let manager =
        ConnectionManager::new(url.clone()).map_err(|e| format!("cannot open the database: {e}"))?;
    if url.is_postgres() {
        manager.open().map_err(|e| format!("cannot open the database: {e}"))?;
    }
    r2d2::Pool::builder()
        .max_size(size.max(1))
        // Not tested with a query on each check-out (a round trip per request): a
        // PostgreSQL connection that lost its server is dropped when given back (see
        // `connection::note_lost`); a SQLite one cannot lose it.
        .test_on_check_out(false)
        // No connections opened in the background: r2d2 replaces a checked-out idle
        // connection on its own thread, and a one-shot command (`token`, `workspace`)
        // exiting while that thread is inside libpq's TLS handshake crashed in OpenSSL's
        // exit-time cleanup. A connection is opened when a request needs one and kept.
        .min_idle(Some(0))
        .connection_timeout(POOL_TIMEOUT)
        .build(manager)
        .map_err(|e| format!("cannot build the connection pool: {e}"))
}

type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS)?.len(),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS)?.len(),
    };
    Ok(applied)
}

/// True when every embedded migration has been applied.
pub fn migrations_current(conn: &mut DbConnection) -> Result<bool, MigrationError> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS)?,
        DbConnection::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS)?,
    };
    Ok(!pending)
}
