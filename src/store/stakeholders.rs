//! Stakeholder queries: insert, fetch, lock, versioned save (with history), tags.

use diesel::prelude::*;

use super::history;
use super::stakeholder_row::StakeholderRow;
use crate::access::Viewer;
use crate::db::schema::{stakeholder_tags, stakeholders};
use crate::db::DbConnection;
use crate::domain::history::HistoryOp;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::tally;

/// Inserts a new stakeholder through the one insert pipeline every path shares (single
/// create, upsert, batch, import): row, tags, counters, history, change feed, webhooks.
pub fn insert(conn: &mut DbConnection, s: &Stakeholder, actor: &str) -> QueryResult<()> {
    super::stakeholder_bulk::insert_many(conn, &s.workspace_id, std::slice::from_ref(s), &[actor])
}

/// The stakeholder with this id in this workspace, deleted or not.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Stakeholder>> {
    stakeholders::table
        .filter(stakeholders::workspace_id.eq(workspace_id))
        .filter(stakeholders::id.eq(id))
        .select(StakeholderRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(Stakeholder::from))
}

/// Takes the row lock for a read-modify-write. PostgreSQL: `SELECT … FOR UPDATE`, so
/// concurrent writers queue instead of racing; SQLite: nothing to do, the `BEGIN IMMEDIATE`
/// write transaction already holds the database's write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        stakeholders::table
            .filter(stakeholders::workspace_id.eq(workspace_id))
            .filter(stakeholders::id.eq(id))
            .select(stakeholders::version)
            .for_update()
            .load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` over the stored row if that row is still at `before`'s version, with
/// its history entry and change event; returns false when another writer got there first.
pub fn save(
    conn: &mut DbConnection,
    before: &Stakeholder,
    after: &Stakeholder,
    actor: &str,
) -> QueryResult<bool> {
    if !save_row(conn, before, after)? {
        return Ok(false);
    }
    let op = match (before.deleted_at, after.deleted_at) {
        (None, Some(_)) => HistoryOp::Delete,
        (Some(_), None) => HistoryOp::Restore,
        _ => HistoryOp::Update,
    };
    history::record(conn, actor, op, Some(before), after)?;
    super::changes::record_write(conn, Some(before), after)?;
    Ok(true)
}

/// The row part of `save`: the versioned update, tags and dashboard counters, without the
/// history entry and change event (a merge writes its own).
pub fn save_row(conn: &mut DbConnection, before: &Stakeholder, after: &Stakeholder) -> QueryResult<bool> {
    let changed = diesel::update(
        stakeholders::table
            .filter(stakeholders::workspace_id.eq(&after.workspace_id))
            .filter(stakeholders::id.eq(&after.id))
            .filter(stakeholders::version.eq(before.version)),
    )
    .set(StakeholderRow::from(after))
    .execute(conn)?;
    if changed != 1 {
        return Ok(false);
    }
    if before.profile.tags != after.profile.tags {
        replace_tags(conn, after)?;
    }
    if before.deleted_at.is_none() && after.deleted_at.is_some() {
        // Deleted (or merged away): their access links die with them.
        super::access_links::revoke_all(conn, &after.workspace_id, &after.id)?;
    }
    super::tallies::record(conn, &after.workspace_id, Some(before), Some(after), tally::person)?;
    super::row_tallies::person_written(conn, before, after)?;
    super::shared_values::record(conn, &after.workspace_id, Some(before), Some(after))?;
    // Only a change of quadrant, confidentiality or deletion can move the "planned"
    // counter: skip the plan lookup on every other save (the CRM batch's hot path).
    let planned_key_changes = tally::planned(before) != tally::planned(after);
    if planned_key_changes && super::plans::live_count(conn, &after.workspace_id, &after.id)? > 0 {
        super::tallies::record(conn, &after.workspace_id, Some(before), Some(after), tally::planned)?;
    }
    Ok(true)
}

/// The person this one was merged into, if it was.
pub fn merged_into(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<String>> {
    stakeholders::table
        .filter(stakeholders::workspace_id.eq(workspace_id))
        .filter(stakeholders::id.eq(id))
        .select(stakeholders::merged_into)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Marks `id` as merged into `into`, and points everyone merged into `id` at `into` too,
/// so an old CRM key resolves in one step.
pub fn mark_merged(conn: &mut DbConnection, workspace_id: &str, id: &str, into: &str) -> QueryResult<()> {
    diesel::update(
        stakeholders::table
            .filter(stakeholders::workspace_id.eq(workspace_id))
            .filter(stakeholders::id.eq(id).or(stakeholders::merged_into.eq(id))),
    )
    .set(stakeholders::merged_into.eq(into))
    .execute(conn)
    .map(|_| ())
}

/// The id of the stakeholder holding a CRM key, if any.
pub fn id_by_external_key(
    conn: &mut DbConnection,
    workspace_id: &str,
    source: &str,
    external_id: &str,
) -> QueryResult<Option<String>> {
    stakeholders::table
        .filter(stakeholders::workspace_id.eq(workspace_id))
        .filter(stakeholders::source.eq(source))
        .filter(stakeholders::external_id.eq(external_id))
        .select(stakeholders::id)
        .first(conn)
        .optional()
}

/// Who holds a CRM key, as a viewer may learn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHolder {
    /// A person the viewer may see (and name).
    Visible(String),
    /// A person hidden from the viewer: the key is taken, by nobody they can name.
    Hidden,
}

/// The holder of `source` + `external_id` in the viewer's workspace, if any.
pub fn key_holder(
    conn: &mut DbConnection,
    viewer: &Viewer,
    source: &str,
    external_id: &str,
) -> QueryResult<Option<KeyHolder>> {
    let holder: Option<(String, bool, Option<String>)> = stakeholders::table
        .filter(stakeholders::workspace_id.eq(&viewer.workspace_id))
        .filter(stakeholders::source.eq(source))
        .filter(stakeholders::external_id.eq(external_id))
        .select((stakeholders::id, stakeholders::confidential, stakeholders::merged_into))
        .first(conn)
        .optional()?;
    // A merged person's key is an alias of the person they were merged into.
    let holder = match holder {
        Some((_, _, Some(survivor))) => stakeholders::table
            .filter(stakeholders::workspace_id.eq(&viewer.workspace_id))
            .filter(stakeholders::id.eq(survivor))
            .select((stakeholders::id, stakeholders::confidential))
            .first::<(String, bool)>(conn)
            .optional()?,
        other => other.map(|(id, confidential, _)| (id, confidential)),
    };
    Ok(holder.map(|(id, confidential)| match viewer.confidential_values().contains(&confidential) {
        true => KeyHolder::Visible(id),
        false => KeyHolder::Hidden,
    }))
}

fn replace_tags(conn: &mut DbConnection, s: &Stakeholder) -> QueryResult<()> {
    diesel::delete(
        stakeholder_tags::table
            .filter(stakeholder_tags::workspace_id.eq(&s.workspace_id))
            .filter(stakeholder_tags::stakeholder_id.eq(&s.id)),
    )
    .execute(conn)?;
    // One statement per tag: MultiConnection cannot render multi-row inserts, and a
    // stakeholder has at most 50 tags.
    for tag in &s.profile.tags {
        diesel::insert_into(stakeholder_tags::table)
            .values((
                stakeholder_tags::workspace_id.eq(&s.workspace_id),
                stakeholder_tags::stakeholder_id.eq(&s.id),
                stakeholder_tags::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The names of these people, by id.
pub fn names(
    conn: &mut DbConnection,
    workspace_id: &str,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = stakeholders::table
        .filter(stakeholders::workspace_id.eq(workspace_id))
        .filter(stakeholders::id.eq_any(ids))
        .select((stakeholders::id, stakeholders::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Name and visibility of these people as `viewer` may know them: a person the viewer may
/// not see is in the answer as hidden, never with their name.
pub fn summaries(
    conn: &mut DbConnection,
    viewer: &Viewer,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Option<String>>> {
    let rows: Vec<(String, String, bool)> = stakeholders::table
        .filter(stakeholders::workspace_id.eq(viewer.workspace_id.as_str()))
        .filter(stakeholders::id.eq_any(ids))
        .select((stakeholders::id, stakeholders::name, stakeholders::confidential))
        .load(conn)?;
    let own = |id: &str| viewer.own_only().is_none_or(|me| me == id);
    Ok(rows
        .into_iter()
        .map(|(id, name, confidential)| {
            let visible = (!confidential || viewer.sees_confidential()) && own(&id);
            let name = visible.then_some(name);
            (id, name)
        })
        .collect())
}

/// What the approach order needs of each live person the viewer may see.
#[derive(Debug, Clone, Queryable)]
pub struct ApproachRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Stance as stored.
    pub stance: String,
    /// Influence 1–5.
    pub influence: Option<i32>,
    /// Impact 1–5.
    pub impact: Option<i32>,
    /// Holds a veto.
    pub veto: bool,
}

/// Every live person the viewer may see, as the approach order needs them.
pub fn approach_rows(conn: &mut DbConnection, viewer: &Viewer) -> QueryResult<Vec<ApproachRow>> {
    stakeholders::table
        .filter(stakeholders::workspace_id.eq(&viewer.workspace_id))
        .filter(stakeholders::deleted_at.is_null())
        .filter(stakeholders::confidential.eq_any(viewer.confidential_values()))
        .select((
            stakeholders::id,
            stakeholders::name,
            stakeholders::title,
            stakeholders::stance,
            stakeholders::influence,
            stakeholders::impact,
            stakeholders::veto,
        ))
        .load(conn)
}
