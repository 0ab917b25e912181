//! The exact dashboard counters (`domain::tally`): moved in the same transaction as the
//! write that changes them, read by key prefix.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use crate::db::schema::tallies as t;
use crate::db::DbConnection;
use crate::domain::tally::{change, Deltas};

/// This connection's counter slot on PostgreSQL, as SQL: the one `db::connection` gave
/// it (a backend's process id modulo 32 only when none was given, such as in `psql`).
#[macro_export]
macro_rules! tally_slot_sql {
    () => {
        "coalesce(current_setting('stakemap.tally_slot', true)::int, pg_backend_pid() % 32)"
    };
}

/// Moves each counter by its delta, exactly under concurrent writers.
///
/// PostgreSQL: one prepared upsert for all keys into this connection's slot of each
/// counter (`tally_slot_sql!`), an atomic increment; connections write different
/// rows of a counter, so concurrent writers do not queue on it (keys go in sorted order,
/// so two writers sharing a slot lock them in one order). SQLite: slot 0, an increment,
/// and an insert when no row was there. Its writers are serialised, so the pair cannot
/// race, and both statements stay in diesel's prepared-statement cache, which an upsert
/// built by the DSL does not (it was a twentieth of a create's time, re-parsed per key).
pub fn apply(conn: &mut DbConnection, workspace_id: &str, deltas: &Deltas) -> QueryResult<()> {
    let moved: Vec<(&String, &i64)> = deltas.iter().filter(|(_, n)| **n != 0).collect();
    if let DbConnection::Pg(c) = conn {
        if moved.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = moved.iter().map(|(k, _)| k.as_str()).collect();
        let counts: Vec<i64> = moved.iter().map(|(_, n)| **n).collect();
        super::pg_fixed::fixed(
            concat!(
                "INSERT INTO tallies (workspace_id, key, slot, n) SELECT w, k, ",
                tally_slot_sql!(),
                ", d FROM unnest("
            ),
            (
                vec![workspace_id; keys.len()].into_sql::<Array<Text>>(),
                keys.into_sql::<Array<Text>>(),
                counts.into_sql::<Array<BigInt>>(),
            ),
            ") AS u(w, k, d) ON CONFLICT (workspace_id, key, slot) DO UPDATE SET n = tallies.n + excluded.n",
        )
        .execute(c)?;
        return Ok(());
    }
    for (key, n) in moved {
        match conn {
            DbConnection::Pg(_) => unreachable!("written above in one statement"),
            DbConnection::Sqlite(c) => {
                let moved = diesel::update(
                    t::table
                        .filter(t::workspace_id.eq(workspace_id))
                        .filter(t::key.eq(key))
                        .filter(t::slot.eq(0)),
                )
                .set(t::n.eq(t::n + n))
                .execute(c)?;
                if moved == 0 {
                    diesel::insert_into(t::table)
                        .values((t::workspace_id.eq(workspace_id), t::key.eq(key), t::slot.eq(0), t::n.eq(n)))
                        .execute(c)?
                } else {
                    moved
                }
            }
        };
    }
    Ok(())
}

/// Moves the counters for one row written from `before` to `after`.
pub fn record<T>(
    conn: &mut DbConnection,
    workspace_id: &str,
    before: Option<&T>,
    after: Option<&T>,
    keys: impl Fn(&T) -> Vec<(String, i64)>,
) -> QueryResult<()> {
    apply(conn, workspace_id, &change(before, after, keys))
}

/// Every non-zero counter whose key starts with `prefix` (its slots summed), by key, with
/// the prefix cut off.
pub fn read(conn: &mut DbConnection, workspace_id: &str, prefix: &str) -> QueryResult<Vec<(String, i64)>> {
    // Keys under a prefix sort between it and the prefix with its last byte bumped
    // (all prefixes end in '/', and '0' follows '/'), so this is an index range scan.
    let upper = format!("{}0", prefix.strip_suffix('/').unwrap_or(prefix));
    let rows: Vec<(String, i64)> = t::table
        .filter(t::workspace_id.eq(workspace_id))
        .filter(t::key.ge(prefix))
        .filter(t::key.lt(upper))
        .order(t::key.asc())
        .select((t::key, t::n))
        .load(conn)?;
    let mut summed: Vec<(String, i64)> = Vec::new();
    for (key, n) in rows {
        match summed.last_mut() {
            Some((last, total)) if *last == key => *total += n,
            _ => summed.push((key, n)),
        }
    }
    Ok(summed.into_iter().filter(|(_, n)| *n != 0).map(|(k, n)| (k[prefix.len()..].to_string(), n)).collect())
}
