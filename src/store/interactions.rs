//! Interaction queries, their stakeholder links, and the last-contact dates they drive.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::Viewer;
use crate::db::schema::{interaction_stakeholders as l, interactions as i, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::interaction::{Interaction, InteractionKind, Metrics, Sentiment};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = i, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    kind: String,
    occurred_at: NaiveDateTime,
    summary: String,
    outcome: Option<String>,
    sentiment: Option<String>,
    stakeholder_ids: String,
    impressions: Option<i64>,
    clicks: Option<i64>,
    shares: Option<i64>,
    reactions: Option<i64>,
    occurred_month: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

impl From<&Interaction> for Row {
    fn from(x: &Interaction) -> Self {
        let m = x.metrics.clone().unwrap_or_default();
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            kind: x.kind.as_str().into(),
            occurred_at: x.occurred_at.naive_utc(),
            summary: x.summary.clone(),
            outcome: x.outcome.clone(),
            sentiment: x.sentiment.map(|s| s.as_str().into()),
            stakeholder_ids: serde_json::to_string(&x.stakeholder_ids).expect("ids serialise"),
            impressions: m.impressions,
            clicks: m.clicks,
            shares: m.shares,
            reactions: m.reactions,
            occurred_month: x.occurred_at.format("%Y-%m").to_string(),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            deleted_at: x.deleted_at.map(|t| t.naive_utc()),
        }
    }
}

impl From<Row> for Interaction {
    fn from(r: Row) -> Self {
        let m = Metrics {
            impressions: r.impressions,
            clicks: r.clicks,
            shares: r.shares,
            reactions: r.reactions,
        };
        Interaction {
            workspace_id: r.workspace_id,
            id: r.id,
            stakeholder_ids: serde_json::from_str(&r.stakeholder_ids).unwrap_or_default(),
            kind: InteractionKind::parse(&r.kind).unwrap_or(InteractionKind::Other),
            occurred_at: utc(r.occurred_at),
            summary: r.summary,
            outcome: r.outcome,
            sentiment: r.sentiment.as_deref().and_then(Sentiment::parse),
            metrics: (m != Metrics::default()).then_some(m),
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            deleted_at: r.deleted_at.map(utc),
        }
    }
}

fn replace_links(conn: &mut DbConnection, x: &Interaction) -> QueryResult<()> {
    diesel::delete(l::table.filter(l::workspace_id.eq(&x.workspace_id)).filter(l::interaction_id.eq(&x.id)))
        .execute(conn)?;
    if x.deleted_at.is_some() {
        return Ok(());
    }
    for sid in &x.stakeholder_ids {
        diesel::insert_into(l::table)
            .values((
                l::workspace_id.eq(&x.workspace_id),
                l::interaction_id.eq(&x.id),
                l::stakeholder_id.eq(sid),
                l::occurred_at.eq(x.occurred_at.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The latest live interaction with a stakeholder.
pub fn last_contact(
    conn: &mut DbConnection,
    workspace_id: &str,
    stakeholder_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    l::table
        .filter(l::workspace_id.eq(workspace_id))
        .filter(l::stakeholder_id.eq(stakeholder_id))
        .select(diesel::dsl::max(l::occurred_at))
        .first(conn)
}

/// The latest contact with each of these people that the viewer may see: interactions
/// with a confidential participant do not count for a viewer who cannot see them.
pub fn visible_last_contacts(
    conn: &mut DbConnection,
    viewer: &Viewer,
    stakeholder_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, NaiveDateTime>> {
    use crate::db::schema::stakeholders as s;
    let ws = viewer.workspace_id.clone();
    let secret =
        s::table.filter(s::workspace_id.eq(ws.clone())).filter(s::confidential.eq(true)).select(s::id);
    // Two queries: a table cannot appear in its own subquery without an alias, and the
    // meetings of confidential people are few.
    let hidden: Vec<String> = l::table
        .filter(l::workspace_id.eq(ws.clone()))
        .filter(l::stakeholder_id.eq_any(secret))
        .select(l::interaction_id)
        .load(conn)?;
    let rows: Vec<(String, Option<NaiveDateTime>)> = l::table
        .filter(l::workspace_id.eq(ws.clone()))
        .filter(l::stakeholder_id.eq_any(stakeholder_ids))
        .filter(diesel::dsl::not(l::interaction_id.eq_any(hidden)))
        .group_by(l::stakeholder_id)
        .select((l::stakeholder_id, diesel::dsl::max(l::occurred_at)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, at)| at.map(|at| (id, at))).collect())
}

/// Recomputes the last contact, and so the plans, of each stakeholder.
pub fn refresh_contacts<'a>(
    conn: &mut DbConnection,
    workspace_id: &str,
    stakeholder_ids: impl IntoIterator<Item = &'a String>,
) -> QueryResult<()> {
    for sid in stakeholder_ids {
        let last = last_contact(conn, workspace_id, sid)?;
        super::plans::set_last_contact(conn, workspace_id, sid, last)?;
    }
    Ok(())
}

/// Inserts an interaction with its links and refreshes the linked stakeholders' plans.
pub fn insert(conn: &mut DbConnection, x: &Interaction) -> QueryResult<()> {
    diesel::insert_into(i::table).values(Row::from(x)).execute(conn)?;
    replace_links(conn, x)?;
    refresh_contacts(conn, &x.workspace_id, &x.stakeholder_ids)?;
    super::row_tallies::interaction_written(conn, None, x)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The interaction with this id.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Interaction>> {
    i::table
        .filter(i::workspace_id.eq(workspace_id))
        .filter(i::id.eq(id))
        .select(Row::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Interaction::from))
}

/// Row lock for a read-modify-write (see `stakeholders::lock`).
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        i::table
            .filter(i::workspace_id.eq(workspace_id))
            .filter(i::id.eq(id))
            .select(i::version)
            .for_update()
            .load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, relinking and refreshing the
/// plans of everyone it touched before or after.
pub fn save(conn: &mut DbConnection, before: &Interaction, after: &Interaction) -> QueryResult<bool> {
    let changed = diesel::update(
        i::table
            .filter(i::workspace_id.eq(&after.workspace_id))
            .filter(i::id.eq(&after.id))
            .filter(i::version.eq(before.version)),
    )
    .set(Row::from(after))
    .execute(conn)?;
    if changed != 1 {
        return Ok(false);
    }
    replace_links(conn, after)?;
    super::row_tallies::interaction_written(conn, Some(before), after)?;
    let mut touched = before.stakeholder_ids.clone();
    touched.extend(after.stakeholder_ids.iter().filter(|id| !before.stakeholder_ids.contains(id)).cloned());
    refresh_contacts(conn, &after.workspace_id, &touched)?;
    super::changes::record_write(conn, Some(before), after)?;
    Ok(true)
}

/// Filters of the interaction list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    pub stakeholder_id: Option<String>,
    pub kind: Vec<InteractionKind>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Up to `limit` live interactions, newest first, strictly before (occurred_at, id) `before`.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    filter: &Filter,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Interaction>> {
    let workspace_id = viewer.workspace_id.as_str();
    let mut q = i::table
        .filter(i::workspace_id.eq(workspace_id.to_string()))
        .filter(i::deleted_at.is_null())
        .into_boxed();
    if !viewer.sees_confidential() {
        let secret = s::table
            .filter(s::workspace_id.eq(workspace_id.to_string()))
            .filter(s::confidential.eq(true))
            .select(s::id);
        let touching = l::table
            .filter(l::workspace_id.eq(workspace_id.to_string()))
            .filter(l::stakeholder_id.eq_any(secret))
            .select(l::interaction_id);
        q = q.filter(diesel::dsl::not(i::id.eq_any(touching)));
    }
    if !filter.ids.is_empty() {
        q = q.filter(i::id.eq_any(filter.ids.clone()));
    }
    if let Some(sid) = &filter.stakeholder_id {
        let linked = l::table
            .filter(l::workspace_id.eq(workspace_id.to_string()))
            .filter(l::stakeholder_id.eq(sid.clone()))
            .select(l::interaction_id);
        q = q.filter(i::id.eq_any(linked));
    }
    if !filter.kind.is_empty() {
        q = q.filter(i::kind.eq_any(filter.kind.iter().map(|k| k.as_str()).collect::<Vec<_>>()));
    }
    if let Some(from) = filter.from {
        q = q.filter(i::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(i::occurred_at.lt(to));
    }
    if let Some((at, id)) = before {
        q = q.filter(i::occurred_at.lt(at).or(i::occurred_at.eq(at).and(i::id.lt(id))));
    }
    let rows =
        q.order((i::occurred_at.desc(), i::id.desc())).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Interaction::from).collect())
}
