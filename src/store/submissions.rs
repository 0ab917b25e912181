//! Submission queries and period bookkeeping.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::Viewer;
use crate::db::schema::{form_period_closures as cl, stakeholders as s, submissions as sub};
use crate::db::DbConnection;
use crate::domain::submission::Submission;
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sub, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    form_id: String,
    form_version: i32,
    stakeholder_id: String,
    period: String,
    answers: String,
    nps: Option<i32>,
    submitted_by: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    superseded_by: Option<String>,
}

impl From<&Submission> for Row {
    fn from(x: &Submission) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            form_id: x.form_id.clone(),
            form_version: x.form_version,
            stakeholder_id: x.stakeholder_id.clone(),
            period: x.period.clone(),
            answers: serde_json::Value::Object(x.answers.clone()).to_string(),
            nps: x.nps,
            submitted_by: x.submitted_by.clone(),
            version: x.version,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            superseded_by: x.superseded_by.clone(),
        }
    }
}

impl From<Row> for Submission {
    fn from(r: Row) -> Self {
        Submission {
            workspace_id: r.workspace_id,
            id: r.id,
            form_id: r.form_id,
            form_version: r.form_version,
            stakeholder_id: r.stakeholder_id,
            period: r.period,
            answers: serde_json::from_str(&r.answers).unwrap_or_default(),
            nps: r.nps,
            submitted_by: r.submitted_by,
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            superseded_by: r.superseded_by,
        }
    }
}

/// Inserts one and records the change.
pub fn insert(conn: &mut DbConnection, x: &Submission) -> QueryResult<()> {
    diesel::insert_into(sub::table).values(Row::from(x)).execute(conn)?;
    super::row_tallies::submission_written(conn, None, x)?;
    super::changes::record_write(conn, None, x).map(|_| ())
}

/// The one with this id in the workspace.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Submission>> {
    let row = sub::table.filter(sub::workspace_id.eq(workspace_id)).filter(sub::id.eq(id));
    row.select(Row::as_select()).first(conn).optional().map(|r| r.map(Submission::from))
}

/// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        let row = sub::table.filter(sub::workspace_id.eq(workspace_id)).filter(sub::id.eq(id));
        row.select(sub::version).for_update().load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s version, recording the change.
pub fn save(conn: &mut DbConnection, before: &Submission, after: &Submission) -> QueryResult<bool> {
    let row = sub::table.filter(sub::workspace_id.eq(&after.workspace_id)).filter(sub::id.eq(&after.id));
    let changed =
        diesel::update(row.filter(sub::version.eq(before.version))).set(Row::from(after)).execute(conn)?;
    if changed == 1 {
        super::row_tallies::submission_written(conn, Some(before), after)?;
        super::changes::record_write(conn, Some(before), after)?;
    }
    Ok(changed == 1)
}

/// The id of the submission for (form, stakeholder, period), if any.
pub fn existing(
    conn: &mut DbConnection,
    workspace_id: &str,
    form_id: &str,
    stakeholder_id: &str,
    period: &str,
) -> QueryResult<Option<String>> {
    sub::table
        .filter(sub::workspace_id.eq(workspace_id))
        .filter(sub::form_id.eq(form_id))
        .filter(sub::stakeholder_id.eq(stakeholder_id))
        .filter(sub::period.eq(period))
        .filter(sub::superseded_by.is_null())
        .select(sub::id)
        .first(conn)
        .optional()
}

/// Filters of the submission list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    pub form_id: Option<String>,
    pub period: Option<String>,
    pub stakeholder_id: Option<String>,
}

/// Up to `limit` submissions after id `after`, by id.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    filter: &Filter,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Submission>> {
    let workspace_id = viewer.workspace_id.as_str();
    let allowed = viewer.record_confidential_values();
    let visible = s::table
        .filter(s::workspace_id.eq(workspace_id.to_string()))
        .filter(s::confidential.eq_any(allowed))
        .select(s::id);
    let mut q = sub::table
        .filter(sub::workspace_id.eq(workspace_id.to_string()))
        .filter(sub::stakeholder_id.eq_any(visible))
        .into_boxed();
    if !filter.ids.is_empty() {
        q = q.filter(sub::id.eq_any(filter.ids.clone()));
    }
    if let Some(v) = &filter.form_id {
        q = q.filter(sub::form_id.eq(v.clone()));
    }
    if let Some(v) = &filter.period {
        q = q.filter(sub::period.eq(v.clone()));
    }
    if let Some(v) = &filter.stakeholder_id {
        q = q.filter(sub::stakeholder_id.eq(v.clone()));
    }
    if let Some(own) = viewer.own_only() {
        q = q.filter(sub::stakeholder_id.eq(own.to_string()));
    }
    if let Some(after) = after {
        q = q.filter(sub::id.gt(after));
    }
    let rows = q.order(sub::id.asc()).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Submission::from).collect())
}

type VisiblePeople = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<s::table, diesel::dsl::Eq<s::workspace_id, String>>,
        diesel::dsl::EqAny<s::confidential, Vec<bool>>,
    >,
    s::id,
>;

/// Ids of the people whose records the viewer may see (deleted ones too: a record's
/// own deletion is decided elsewhere).
fn visible_people(viewer: &Viewer) -> VisiblePeople {
    s::table
        .filter(s::workspace_id.eq(viewer.workspace_id.clone()))
        .filter(s::confidential.eq_any(viewer.confidential_values().to_vec()))
        .select(s::id)
}

/// Submissions of a form in a period and their NPS bands, counted in the database:
/// (submitted, promoters, passives, detractors).
pub fn period_counts(
    conn: &mut DbConnection,
    viewer: &Viewer,
    form_id: &str,
    period: &str,
) -> QueryResult<(i64, i64, i64, i64)> {
    let workspace_id = viewer.workspace_id.as_str();
    let base = || {
        sub::table
            .filter(sub::workspace_id.eq(workspace_id))
            .filter(sub::form_id.eq(form_id))
            .filter(sub::period.eq(period))
            .filter(sub::superseded_by.is_null())
            .filter(sub::stakeholder_id.eq_any(visible_people(viewer)))
    };
    let submitted = base().count().get_result(conn)?;
    let promoters = base().filter(sub::nps.ge(9)).count().get_result(conn)?;
    let passives = base().filter(sub::nps.between(7, 8)).count().get_result(conn)?;
    let detractors = base().filter(sub::nps.le(6)).count().get_result(conn)?;
    Ok((submitted, promoters, passives, detractors))
}

/// (version, answers) of every submission of a form in a period, for per-question counts.
pub fn period_answers(
    conn: &mut DbConnection,
    viewer: &Viewer,
    form_id: &str,
    period: &str,
) -> QueryResult<Vec<(i32, String)>> {
    sub::table
        .filter(sub::workspace_id.eq(&viewer.workspace_id))
        .filter(sub::stakeholder_id.eq_any(visible_people(viewer)))
        .filter(sub::form_id.eq(form_id))
        .filter(sub::period.eq(period))
        .filter(sub::superseded_by.is_null())
        .select((sub::form_version, sub::answers))
        .load(conn)
}

/// Whether a form's period has been closed.
pub fn is_closed(
    conn: &mut DbConnection,
    workspace_id: &str,
    form_id: &str,
    period: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cl::table
            .filter(cl::workspace_id.eq(workspace_id))
            .filter(cl::form_id.eq(form_id))
            .filter(cl::period.eq(period)),
    ))
    .get_result(conn)
}

/// Records a period as closed (once).
pub fn close(
    conn: &mut DbConnection,
    workspace_id: &str,
    form_id: &str,
    period: &str,
    actor: &str,
) -> QueryResult<()> {
    if is_closed(conn, workspace_id, form_id, period)? {
        return Ok(());
    }
    diesel::insert_into(cl::table)
        .values((
            cl::workspace_id.eq(workspace_id),
            cl::form_id.eq(form_id),
            cl::period.eq(period),
            cl::closed_at.eq(crate::time::now().naive_utc()),
            cl::closed_by.eq(actor),
        ))
        .execute(conn)
        .map(|_| ())
}
