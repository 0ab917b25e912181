//! Engagement plan queries; derived dates are stored so status filters use an index.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::access::Viewer;
use crate::db::schema::{engagement_plans as p, stakeholders as s};
use crate::db::DbConnection;
use crate::domain::cadence::{iso, Cadence, PlanStatus, DUE_SOON_DAYS};
use crate::domain::engagement::{Channel, Plan, Priority};
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = p, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    stakeholder_id: String,
    channel: String,
    cadence: String,
    owner: Option<String>,
    priority: String,
    objective: Option<String>,
    next_step: Option<String>,
    starts_on: String,
    last_contact_at: Option<NaiveDateTime>,
    next_due_on: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

fn today() -> NaiveDate {
    crate::time::now().date_naive()
}

impl From<&Plan> for Row {
    fn from(x: &Plan) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            stakeholder_id: x.stakeholder_id.clone(),
            channel: x.channel.as_str().into(),
            cadence: x.cadence.as_str().into(),
            owner: x.owner.clone(),
            priority: x.priority.as_str().into(),
            objective: x.objective.clone(),
            next_step: x.next_step.clone(),
            starts_on: iso(x.starts_on),
            last_contact_at: x.last_contact_at.map(|t| t.naive_utc()),
            next_due_on: iso(x.next_due_on),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            deleted_at: x.deleted_at.map(|t| t.naive_utc()),
        }
    }
}

impl From<Row> for Plan {
    fn from(r: Row) -> Self {
        let mut plan = Plan {
            workspace_id: r.workspace_id,
            id: r.id,
            stakeholder_id: r.stakeholder_id,
            channel: Channel::parse(&r.channel).unwrap_or(Channel::Meeting),
            cadence: Cadence::parse(&r.cadence).unwrap_or(Cadence::Monthly),
            owner: r.owner,
            priority: Priority::parse(&r.priority).unwrap_or_default(),
            objective: r.objective,
            next_step: r.next_step,
            starts_on: day(&r.starts_on),
            last_contact_at: r.last_contact_at.map(utc),
            next_due_on: day(&r.next_due_on),
            status: PlanStatus::OnTrack,
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            deleted_at: r.deleted_at.map(utc),
        };
        plan.status = crate::domain::cadence::status(plan.next_due_on, today());
        plan
    }
}

/// Inserts one and records the change.
pub fn insert(conn: &mut DbConnection, x: &Plan) -> QueryResult<()> {
    diesel::insert_into(p::table).values(Row::from(x)).execute(conn)?;
    planned_counters(conn, None, x)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The one with this id in the workspace.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Plan>> {
    let row = p::table.filter(p::workspace_id.eq(workspace_id)).filter(p::id.eq(id));
    row.select(Row::as_select()).first(conn).optional().map(|r| r.map(Plan::from))
}

/// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        let row = p::table.filter(p::workspace_id.eq(workspace_id)).filter(p::id.eq(id));
        row.select(p::version).for_update().load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, recording the change.
pub fn save(conn: &mut DbConnection, before: &Plan, after: &Plan) -> QueryResult<bool> {
    let row = p::table.filter(p::workspace_id.eq(&after.workspace_id)).filter(p::id.eq(&after.id));
    let changed =
        diesel::update(row.filter(p::version.eq(before.version))).set(Row::from(after)).execute(conn)?;
    if changed == 1 {
        planned_counters(conn, Some(before), after)?;
        super::changes::record_write(conn, Some(before), after)?;
    }
    Ok(changed == 1)
}

/// Live plans of a stakeholder.
pub fn live_count(conn: &mut DbConnection, workspace_id: &str, stakeholder_id: &str) -> QueryResult<i64> {
    p::table
        .filter(p::workspace_id.eq(workspace_id))
        .filter(p::stakeholder_id.eq(stakeholder_id))
        .filter(p::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// After a plan write: moves the plan's due-date counter, and when the person's live
/// plans went from none to some (or back), the "planned" counters (key players without a
/// plan is a dashboard risk).
fn planned_counters(conn: &mut DbConnection, before: Option<&Plan>, after: &Plan) -> QueryResult<()> {
    super::row_tallies::plan_written(conn, before, after)?;
    let live = |plan: Option<&Plan>, sid: &str| {
        plan.is_some_and(|x| x.deleted_at.is_none() && x.stakeholder_id == sid) as i64
    };
    let mut people = vec![after.stakeholder_id.as_str()];
    people.extend(before.map(|b| b.stakeholder_id.as_str()).filter(|sid| *sid != after.stakeholder_id));
    for sid in people {
        // The person's row lock serializes plan writes for them on PostgreSQL, so two
        // concurrent first plans cannot both count as "from none to some".
        super::stakeholders::lock(conn, &after.workspace_id, sid)?;
        let now = live_count(conn, &after.workspace_id, sid)?;
        let was = now - live(Some(after), sid) + live(before, sid);
        if (was > 0) != (now > 0) {
            if let Some(person) = super::stakeholders::find(conn, &after.workspace_id, sid)? {
                let sign = if now > 0 { 1 } else { -1 };
                let mut deltas = crate::domain::tally::Deltas::new();
                crate::domain::tally::add(&mut deltas, crate::domain::tally::planned(&person), sign);
                super::tallies::apply(conn, &after.workspace_id, &deltas)?;
            }
        }
    }
    Ok(())
}

/// Sets the last contact of every plan of a stakeholder and recomputes its next due date.
pub fn set_last_contact(
    conn: &mut DbConnection,
    workspace_id: &str,
    stakeholder_id: &str,
    last: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let plans: Vec<Row> = p::table
        .filter(p::workspace_id.eq(workspace_id))
        .filter(p::stakeholder_id.eq(stakeholder_id))
        .select(Row::as_select())
        .load(conn)?;
    let state = super::row_tallies::state_of(conn, workspace_id, stakeholder_id)?;
    for row in plans {
        let before = Plan::from(row);
        let mut plan = before.clone();
        plan.last_contact_at = last.map(utc);
        plan.refresh(today());
        super::tallies::record(conn, workspace_id, Some(&before), Some(&plan), |x| {
            crate::domain::tally::plan(x, state)
        })?;
        diesel::update(p::table.filter(p::workspace_id.eq(workspace_id)).filter(p::id.eq(&plan.id)))
            .set((p::last_contact_at.eq(last), p::next_due_on.eq(iso(plan.next_due_on))))
            .execute(conn)?;
    }
    Ok(())
}

/// Filters of the plan list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    pub stakeholder_id: Option<String>,
    pub owner: Option<String>,
    pub status: Vec<PlanStatus>,
    pub include_deleted: bool,
}

/// Up to `limit` plans after id `after`, by id; the status filter is a range of next_due_on.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    filter: &Filter,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Plan>> {
    let workspace_id = viewer.workspace_id.as_str();
    let allowed = viewer.confidential_values().to_vec();
    let live = s::table
        .filter(s::workspace_id.eq(workspace_id.to_string()))
        .filter(s::deleted_at.is_null())
        .filter(s::confidential.eq_any(allowed))
        .select(s::id);
    let mut q = p::table
        .filter(p::workspace_id.eq(workspace_id.to_string()))
        .filter(p::stakeholder_id.eq_any(live))
        .into_boxed();
    if !filter.include_deleted {
        q = q.filter(p::deleted_at.is_null());
    }
    if !filter.ids.is_empty() {
        q = q.filter(p::id.eq_any(filter.ids.clone()));
    }
    if let Some(v) = &filter.stakeholder_id {
        q = q.filter(p::stakeholder_id.eq(v.clone()));
    }
    if let Some(v) = &filter.owner {
        q = q.filter(p::owner.eq(v.clone()));
    }
    let (today, soon) = (iso(today()), iso(today() + chrono::Days::new(DUE_SOON_DAYS)));
    // The statuses split the calendar at today and today + DUE_SOON_DAYS: a set of them
    // is a union of those ranges.
    let has = |s: PlanStatus| filter.status.contains(&s);
    q = match (has(PlanStatus::Overdue), has(PlanStatus::DueSoon), has(PlanStatus::OnTrack)) {
        (true, false, false) => q.filter(p::next_due_on.lt(today)),
        (false, true, false) => q.filter(p::next_due_on.ge(today)).filter(p::next_due_on.le(soon)),
        (false, false, true) => q.filter(p::next_due_on.gt(soon)),
        (true, true, false) => q.filter(p::next_due_on.le(soon)),
        (false, true, true) => q.filter(p::next_due_on.ge(today)),
        (true, false, true) => q.filter(p::next_due_on.lt(today).or(p::next_due_on.gt(soon))),
        _ => q,
    };
    if let Some(after) = after {
        q = q.filter(p::id.gt(after));
    }
    let rows = q.order(p::id.asc()).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Plan::from).collect())
}
