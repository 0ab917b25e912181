//! Stakeholder inserts, one or a whole CRM batch: one lookup for all keys of a batch,
//! then on PostgreSQL one statement for everything the new people write
//! (`pg_people_insert`), on SQLite multi-row inserts of rows, tags, history and change
//! events. A single create goes through the same `insert_many`, so no path
//! re-implements the steps.

use std::collections::HashMap;

use diesel::prelude::*;

use super::changes::{self, ChangeKind, NewChange, Tracked};
use super::history::{self, HistoryRow};
use super::pg_people_insert::Companions;
use super::stakeholder_row::StakeholderRow;
use crate::db::schema::{accounts as a, stakeholder_history as h, stakeholder_tags as t, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::history::HistoryOp;
use crate::domain::stakeholder::Stakeholder;

/// Rows per INSERT: within SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
/// for the widest table (36 columns).
const CHUNK: usize = 500;

/// Inserts rows on SQLite in chunks; a single row (a create) as a statement diesel keeps
/// prepared. (MultiConnection cannot render multi-row INSERTs, hence the concrete
/// connection.)
macro_rules! insert_chunks {
    ($sqlite:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(CHUNK) {
            match chunk {
                [one] => diesel::insert_into($table).values(one).execute($sqlite)?,
                many => diesel::insert_into($table).values(many).execute($sqlite)?,
            };
        }
    }};
}

/// The stakeholders (deleted too) holding any of these CRM keys, by key.
pub fn by_keys(
    conn: &mut DbConnection,
    workspace_id: &str,
    keys: &[(String, String)],
) -> QueryResult<HashMap<(String, String), Stakeholder>> {
    let mut by_source: HashMap<&str, Vec<&str>> = HashMap::new();
    for (source, external_id) in keys {
        by_source.entry(source).or_default().push(external_id);
    }
    let mut found = HashMap::new();
    for (source, ids) in by_source {
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(StakeholderRow, Option<String>)> = s::table
                .filter(s::workspace_id.eq(workspace_id))
                .filter(s::source.eq(source))
                .filter(s::external_id.eq_any(chunk))
                .select((StakeholderRow::as_select(), s::merged_into))
                .load(conn)?;
            for (row, merged_into) in rows {
                let key =
                    (row.source.clone().unwrap_or_default(), row.external_id.clone().unwrap_or_default());
                match merged_into {
                    // A merged person's key is an alias of the survivor.
                    Some(survivor) => {
                        if let Some(s) = super::stakeholders::find(conn, workspace_id, &survivor)? {
                            found.insert(key, s);
                        }
                    }
                    None => {
                        found.insert(key, Stakeholder::from(row));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Which of these account ids are live accounts of the workspace.
pub fn live_accounts(
    conn: &mut DbConnection,
    workspace_id: &str,
    ids: &[String],
) -> QueryResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    a::table
        .filter(a::workspace_id.eq(workspace_id))
        .filter(a::id.eq_any(ids))
        .filter(a::deleted_at.is_null())
        .select(a::id)
        .load(conn)
}

/// The insert pipeline of stakeholders, one or many: rows, tags, counters, duplicate
/// values, "create" history entries (`actors[i]` created `people[i]`, or `actors[0]` all
/// of them) and change events (webhook deliveries queued for what the integration role
/// may see), in one statement on PostgreSQL and a few on SQLite.
pub fn insert_many(
    conn: &mut DbConnection,
    workspace_id: &str,
    people: &[Stakeholder],
    actors: &[&str],
) -> QueryResult<()> {
    if people.is_empty() {
        return Ok(());
    }
    assert!(actors.len() == 1 || actors.len() == people.len(), "one actor, or one per person");
    let rows: Vec<StakeholderRow> = people.iter().map(StakeholderRow::from).collect();
    let tags: Vec<(&str, &str)> = people
        .iter()
        .flat_map(|p| p.profile.tags.iter().map(move |tag| (p.id.as_str(), tag.as_str())))
        .collect();
    let entries: Vec<HistoryRow> = people
        .iter()
        .zip(actors.iter().cycle())
        .map(|(p, actor)| history::entry(actor, HistoryOp::Create, None, p))
        .collect();
    // The counters move once per key for the whole batch, not once per person.
    let mut deltas = crate::domain::tally::Deltas::new();
    let mut shared = crate::domain::duplicate_keys::Deltas::new();
    for p in people {
        crate::domain::tally::add(&mut deltas, crate::domain::tally::person(p), 1);
        crate::domain::duplicate_keys::add(&mut shared, p, 1);
    }
    let entity = <Stakeholder as Tracked>::ENTITY;
    let mut changed: Vec<NewChange> =
        people.iter().map(|p| changes::entry(workspace_id, entity, &p.id, ChangeKind::Created)).collect();
    let listened = match conn {
        DbConnection::Pg(pg) => {
            let with = Companions { tags: &tags, history: &entries, tallies: &deltas, shared: &shared };
            super::pg_people_insert::insert(pg, &rows, with, &mut changed)?
        }
        DbConnection::Sqlite(c) => {
            insert_chunks!(&mut *c, s::table, rows);
            let tags: Vec<_> = tags
                .into_iter()
                .map(|(id, tag)| (t::workspace_id.eq(workspace_id), t::stakeholder_id.eq(id), t::tag.eq(tag)))
                .collect();
            insert_chunks!(&mut *c, t::table, tags);
            insert_chunks!(&mut *c, h::table, entries);
            super::tallies::apply(conn, workspace_id, &deltas)?;
            super::shared_values::apply(conn, workspace_id, &shared)?;
            changes::append(conn, &mut changed)?
        }
    };
    if !listened {
        return Ok(());
    }
    let hooks = super::webhooks::active(conn, workspace_id)?;
    if hooks.is_empty() {
        return Ok(());
    }
    // Webhooks see what the integration role sees: no event for a confidential person.
    let events: Vec<_> = changed
        .iter()
        .zip(people)
        .filter(|(_, p)| !p.analysis.confidential)
        .map(|(row, p)| changes::payload(row, ChangeKind::Created, p.change_data()))
        .collect();
    super::webhooks::enqueue(conn, workspace_id, &hooks, &events)
}

/// For the rest of a bulk load's transaction, PostgreSQL plans each statement for its
/// values: a generic plan made while the tables were nearly empty would keep scanning
/// them as they grow (and a batch runs each statement a few times, so planning is cheap).
pub fn plan_each_execution(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(pg)?;
    }
    Ok(())
}

/// Rows bulk-inserted since the last ANALYZE, in this process (a hint, not shared state).
static SINCE_ANALYZE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Refresh planner statistics after this many bulk-inserted rows.
const ANALYZE_EVERY: u64 = 10_000;

/// During a large initial load PostgreSQL's planner still believes the tables are
/// empty (autovacuum analyzes about once a minute) and scans instead of using the key
/// index; refreshing statistics every 10,000 loaded rows keeps lookups indexed.
pub fn refresh_statistics(conn: &mut DbConnection, inserted: usize) -> QueryResult<()> {
    use std::sync::atomic::Ordering;
    let DbConnection::Pg(pg) = conn else { return Ok(()) };
    let total = SINCE_ANALYZE.fetch_add(inserted as u64, Ordering::Relaxed) + inserted as u64;
    if total < ANALYZE_EVERY {
        return Ok(());
    }
    SINCE_ANALYZE.store(0, Ordering::Relaxed);
    diesel::sql_query("ANALYZE stakeholders, stakeholder_tags, stakeholder_history, changes")
        .execute(pg)
        .map(|_| ())
}
