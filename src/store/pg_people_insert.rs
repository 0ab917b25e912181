//! New people on PostgreSQL in one statement: their rows, tags, "create" history entries,
//! counters, duplicate values and change-feed entries travel as one JSON document, and
//! one prepared statement of data-modifying CTEs writes them all. A create was eight
//! round trips to the database; every one cost a send, a receive and a wake-up on both
//! sides, and together they were a third of the machine's time under load. Now it is
//! three (BEGIN, this, COMMIT), whatever the number of people.

use diesel::pg::PgConnection;
use diesel::sql_types::Text;
use diesel::{IntoSql, QueryResult, RunQueryDsl};
use serde::Serialize;

use super::changes::{Appended, NewChange};
use super::history::HistoryRow;
use super::stakeholder_row::StakeholderRow;
use crate::domain::{duplicate_keys, tally};

/// Everything a create of people writes, as the statement reads it.
#[derive(Serialize)]
struct Document<'a> {
    people: &'a [StakeholderRow],
    tags: Vec<Tag<'a>>,
    history: &'a [HistoryRow],
    tallies: Vec<Counter<'a>>,
    shared: Vec<SharedValue<'a>>,
    changes: &'a [NewChange],
}

#[derive(Serialize)]
struct Tag<'a> {
    workspace_id: &'a str,
    stakeholder_id: &'a str,
    tag: &'a str,
}

#[derive(Serialize)]
struct Counter<'a> {
    workspace_id: &'a str,
    key: &'a str,
    n: i64,
}

#[derive(Serialize)]
struct SharedValue<'a> {
    workspace_id: &'a str,
    reason: &'a str,
    value: &'a str,
    holders: i64,
}

// Each table's rows come from the document by column name (`jsonb_populate_recordset`
// against the table's own row type). Counters go to this connection's slot and the
// feed is numbered in document order, as `tallies::apply` and `changes::append` do.
const STATEMENT_HEAD: &str = "WITH d AS (SELECT ";
const STATEMENT_TAIL: &str = concat!("::jsonb AS j), \
  s AS (INSERT INTO stakeholders SELECT r.* FROM d, jsonb_populate_recordset(NULL::stakeholders, d.j -> 'people') r), \
  t AS (INSERT INTO stakeholder_tags (workspace_id, stakeholder_id, tag) \
        SELECT r.workspace_id, r.stakeholder_id, r.tag \
        FROM d, jsonb_populate_recordset(NULL::stakeholder_tags, d.j -> 'tags') r), \
  h AS (INSERT INTO stakeholder_history SELECT r.* \
        FROM d, jsonb_populate_recordset(NULL::stakeholder_history, d.j -> 'history') r), \
  c AS (INSERT INTO tallies (workspace_id, key, slot, n) \
        SELECT r.workspace_id, r.key, ", crate::tally_slot_sql!(), ", r.n \
        FROM d, jsonb_populate_recordset(NULL::tallies, d.j -> 'tallies') r \
        ON CONFLICT (workspace_id, key, slot) DO UPDATE SET n = tallies.n + excluded.n), \
  v AS (INSERT INTO shared_values (workspace_id, reason, value, holders) \
        SELECT r.workspace_id, r.reason, r.value, r.holders \
        FROM d, jsonb_populate_recordset(NULL::shared_values, d.j -> 'shared') r \
        ON CONFLICT (workspace_id, reason, value) \
        DO UPDATE SET holders = shared_values.holders + excluded.holders), \
  added AS (INSERT INTO changes (workspace_id, xid, seq, entity_type, entity_id, op, at, merged_into) \
        SELECT r.workspace_id, pg_current_xact_id()::text::bigint, nextval('change_seq'), \
               r.entity_type, r.entity_id, r.op, r.at, r.merged_into \
        FROM d, jsonb_populate_recordset(NULL::changes, d.j -> 'changes') WITH ORDINALITY r \
        ORDER BY r.ordinality RETURNING xid, seq) \
  SELECT xid, seq, EXISTS (SELECT 1 FROM webhooks w, d \
                           WHERE w.workspace_id = d.j -> 'people' -> 0 ->> 'workspace_id' AND w.active) \
         AS listened FROM added");

/// The rows a create of people writes besides their own.
pub struct Companions<'a> {
    /// (person id, tag) pairs.
    pub tags: &'a [(&'a str, &'a str)],
    /// One "create" entry per person.
    pub history: &'a [HistoryRow],
    /// The counters' deltas (creates only add).
    pub tallies: &'a tally::Deltas,
    /// The duplicate values' deltas (creates only add).
    pub shared: &'a duplicate_keys::Deltas,
}

/// Writes the people and their companions, numbering `changes` (one per person) in
/// the feed; returns whether the workspace has an active webhook.
pub fn insert(
    pg: &mut PgConnection,
    people: &[StakeholderRow],
    with: Companions<'_>,
    changes: &mut [NewChange],
) -> QueryResult<bool> {
    let Some(first) = people.first() else { return Ok(false) };
    let workspace_id = first.workspace_id.as_str();
    let document = Document {
        people,
        tags: with
            .tags
            .iter()
            .map(|&(stakeholder_id, tag)| Tag { workspace_id, stakeholder_id, tag })
            .collect(),
        history: with.history,
        tallies: with
            .tallies
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(key, n)| Counter { workspace_id, key, n: *n })
            .collect(),
        shared: with
            .shared
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((reason, value), n)| SharedValue {
                workspace_id,
                reason: reason.as_str(),
                value,
                holders: *n,
            })
            .collect(),
        changes,
    };
    let json =
        serde_json::to_string(&document).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    let appended: Vec<Appended> =
        super::pg_fixed::fixed(STATEMENT_HEAD, (json.into_sql::<Text>(),), STATEMENT_TAIL).load(pg)?;
    Ok(super::changes::place(changes, appended))
}
