//! The count of people holding each duplicate-making value (`domain::duplicate_keys`),
//! moved in the same transaction as the write that changes it.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use diesel::upsert::excluded;

use crate::db::schema::shared_values as v;
use crate::db::DbConnection;
use crate::domain::duplicate_keys::{self, Deltas, Reason};
use crate::domain::stakeholder::Stakeholder;

/// Rows per SQLite upsert statement.
const CHUNK: usize = 1000;
/// Up to this many values (one person's), SQLite moves each with cached statements.
const FEW: usize = 8;

/// Moves each value's count by its delta, exactly under concurrent writers; a value no
/// one holds any more is removed.
///
/// The keys are distinct and sorted, so two PostgreSQL writers lock them in the same
/// order and cannot deadlock. PostgreSQL: one prepared upsert whose rows arrive as
/// arrays. SQLite: a batch's thousands of values in a few multi-row upserts; the few
/// values of a single write each with an increment and an insert when no row was there,
/// statements it keeps prepared (its writers are serialised, so the pair cannot race).
pub fn apply(conn: &mut DbConnection, workspace_id: &str, deltas: &Deltas) -> QueryResult<()> {
    let moved: Vec<_> = deltas.iter().filter(|(_, n)| **n != 0).collect();
    match conn {
        _ if moved.is_empty() => return Ok(()),
        DbConnection::Pg(c) => {
            let reasons: Vec<&str> = moved.iter().map(|((reason, _), _)| reason.as_str()).collect();
            let values: Vec<&str> = moved.iter().map(|((_, value), _)| value.as_str()).collect();
            let counts: Vec<i64> = moved.iter().map(|(_, n)| **n).collect();
            super::pg_fixed::fixed(
                "INSERT INTO shared_values (workspace_id, reason, value, holders) SELECT w, r, v, d FROM unnest(",
                (
                    vec![workspace_id; moved.len()].into_sql::<Array<Text>>(),
                    reasons.into_sql::<Array<Text>>(),
                    values.into_sql::<Array<Text>>(),
                    counts.into_sql::<Array<BigInt>>(),
                ),
                ") AS u(w, r, v, d) ON CONFLICT (workspace_id, reason, value) \
                 DO UPDATE SET holders = shared_values.holders + excluded.holders",
            )
            .execute(c)?;
        }
        DbConnection::Sqlite(c) if moved.len() > FEW => {
            for chunk in moved.chunks(CHUNK) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|((reason, value), n)| {
                        (
                            v::workspace_id.eq(workspace_id),
                            v::reason.eq(reason.as_str()),
                            v::value.eq(value),
                            v::holders.eq(**n),
                        )
                    })
                    .collect();
                diesel::insert_into(v::table)
                    .values(rows)
                    .on_conflict((v::workspace_id, v::reason, v::value))
                    .do_update()
                    .set(v::holders.eq(v::holders + excluded(v::holders)))
                    .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => {
            for ((reason, value), n) in &moved {
                let one = v::table
                    .filter(v::workspace_id.eq(workspace_id))
                    .filter(v::reason.eq(reason.as_str()))
                    .filter(v::value.eq(value));
                if diesel::update(one).set(v::holders.eq(v::holders + **n)).execute(c)? == 0 {
                    diesel::insert_into(v::table)
                        .values((
                            v::workspace_id.eq(workspace_id),
                            v::reason.eq(reason.as_str()),
                            v::value.eq(value),
                            v::holders.eq(**n),
                        ))
                        .execute(c)?;
                }
            }
        }
    }
    for ((reason, value), _) in moved.iter().filter(|(_, n)| **n < 0) {
        diesel::delete(
            v::table
                .filter(v::workspace_id.eq(workspace_id))
                .filter(v::reason.eq(reason.as_str()))
                .filter(v::value.eq(value))
                .filter(v::holders.le(0)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Moves the counts for one person written from `before` to `after`.
pub fn record(
    conn: &mut DbConnection,
    workspace_id: &str,
    before: Option<&Stakeholder>,
    after: Option<&Stakeholder>,
) -> QueryResult<()> {
    apply(conn, workspace_id, &duplicate_keys::change(before, after))
}

/// The values of this reason held by more than one and at most `most` people.
pub fn held_by_several(
    conn: &mut DbConnection,
    workspace_id: &str,
    reason: Reason,
    most: i64,
) -> QueryResult<Vec<String>> {
    // `holders > 1` word for word, so SQLite proves the partial index applies.
    v::table
        .filter(v::workspace_id.eq(workspace_id))
        .filter(v::reason.eq(reason.as_str()))
        .filter(v::holders.gt(1))
        .filter(v::holders.le(most))
        .select(v::value)
        .load(conn)
}

/// Recounts every value from the stored rows (after the folded columns were filled in).
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(v::table).execute(conn)?;
    diesel::sql_query(REBUILD).execute(conn).map(|_| ())
}

/// Whether nothing is counted yet (a new table, or a register with no one in it).
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let any: Option<String> = v::table.select(v::workspace_id).first(conn).optional()?;
    Ok(any.is_none())
}

// The same rule as `duplicate_keys::keys`, over the stored folded columns.
const REBUILD: &str = "INSERT INTO shared_values (workspace_id, reason, value, holders)
SELECT workspace_id, 'name', name_tokens, COUNT(*) FROM stakeholders
  WHERE deleted_at IS NULL AND name_tokens <> '' GROUP BY workspace_id, name_tokens
UNION ALL SELECT workspace_id, 'email', email_key, COUNT(*) FROM stakeholders
  WHERE deleted_at IS NULL AND email_key IS NOT NULL GROUP BY workspace_id, email_key
UNION ALL SELECT workspace_id, 'phone', phone_key, COUNT(*) FROM stakeholders
  WHERE deleted_at IS NULL AND phone_key IS NOT NULL GROUP BY workspace_id, phone_key
UNION ALL SELECT workspace_id, 'crm_key', external_id, COUNT(*) FROM stakeholders
  WHERE external_id IS NOT NULL GROUP BY workspace_id, external_id";
