//! Server-wide settings kept in the database so every replica agrees.

use diesel::prelude::*;

use crate::db::schema::server_settings;
use crate::db::DbConnection;

const JWT_SECRET_KEY: &str = "jwt_secret";

/// Returns the stored JWT secret, creating it with `generate` on first use.
/// Returns the secret and whether this call created it.
pub fn jwt_secret(conn: &mut DbConnection, generate: impl FnOnce() -> String) -> QueryResult<(String, bool)> {
    if let Some(existing) = get(conn, JWT_SECRET_KEY)? {
        return Ok((existing, false));
    }
    let candidate = generate();
    let inserted = diesel::insert_into(server_settings::table)
        .values((server_settings::key.eq(JWT_SECRET_KEY), server_settings::value.eq(&candidate)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok((candidate, true)),
        // Another replica won the race: use its secret.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Ok((get(conn, JWT_SECRET_KEY)?.unwrap_or(candidate), false))
        }
        Err(e) => Err(e),
    }
}

fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    server_settings::table
        .filter(server_settings::key.eq(key))
        .select(server_settings::value)
        .first(conn)
        .optional()
}
