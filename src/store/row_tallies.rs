//! What each write moves in the dashboard counters for rows that belong to people
//! (submissions, plans, interactions): their keys carry the person's state, so a write
//! looks the state up, and a person whose state changes moves their rows' counters.

use std::collections::HashSet;

use diesel::prelude::*;

use super::tallies::{apply, record};
use crate::db::schema::{
    engagement_plans as p, interaction_stakeholders as l, interactions as i, stakeholders as s,
    submissions as sub,
};
use crate::db::DbConnection;
use crate::domain::engagement::Plan;
use crate::domain::interaction::Interaction;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::submission::Submission;
use crate::domain::tally::{self, Deltas};

/// The state (`p`, `c`, `d`) of a stakeholder as stored now.
pub fn state_of(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<&'static str> {
    let row: Option<(Option<chrono::NaiveDateTime>, bool)> = s::table
        .filter(s::workspace_id.eq(workspace_id))
        .filter(s::id.eq(id))
        .select((s::deleted_at, s::confidential))
        .first(conn)
        .optional()?;
    Ok(row.map_or("d", |(deleted, confidential)| tally::state(deleted.is_some(), confidential)))
}

/// Whether any of these stakeholders is confidential.
pub fn any_confidential<S: AsRef<str>>(
    conn: &mut DbConnection,
    workspace_id: &str,
    ids: &[S],
) -> QueryResult<bool> {
    let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    let n: i64 = s::table
        .filter(s::workspace_id.eq(workspace_id))
        .filter(s::id.eq_any(ids))
        .filter(s::confidential.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// After a submission is stored or amended.
pub fn submission_written(
    conn: &mut DbConnection,
    before: Option<&Submission>,
    after: &Submission,
) -> QueryResult<()> {
    let state = state_of(conn, &after.workspace_id, &after.stakeholder_id)?;
    record(conn, &after.workspace_id, before, Some(after), |x| tally::submission(x, state))
}

/// After an interaction is stored, changed, deleted or restored.
pub fn interaction_written(
    conn: &mut DbConnection,
    before: Option<&Interaction>,
    after: &Interaction,
) -> QueryResult<()> {
    let ws = &after.workspace_id;
    let mut deltas = Deltas::new();
    let hidden = any_confidential(conn, ws, &after.stakeholder_ids)?;
    if let Some(b) = before {
        // The same people as now need no second lookup.
        let was_hidden = if b.stakeholder_ids == after.stakeholder_ids {
            hidden
        } else {
            any_confidential(conn, ws, &b.stakeholder_ids)?
        };
        tally::add(&mut deltas, tally::interaction(b, was_hidden), -1);
    }
    tally::add(&mut deltas, tally::interaction(after, hidden), 1);
    apply(conn, ws, &deltas)
}

/// After a plan is stored or changed (its person may differ before and after).
pub fn plan_written(conn: &mut DbConnection, before: Option<&Plan>, after: &Plan) -> QueryResult<()> {
    let ws = &after.workspace_id;
    let mut deltas = Deltas::new();
    if let Some(b) = before {
        let state = state_of(conn, ws, &b.stakeholder_id)?;
        tally::add(&mut deltas, tally::plan(b, state), -1);
    }
    let state = state_of(conn, ws, &after.stakeholder_id)?;
    tally::add(&mut deltas, tally::plan(after, state), 1);
    apply(conn, ws, &deltas)
}

/// After a person's write: when they were deleted, restored or their confidentiality
/// changed, their submissions, plans and interactions move to the new state's counters.
pub fn person_written(conn: &mut DbConnection, before: &Stakeholder, after: &Stakeholder) -> QueryResult<()> {
    let (old, new) = (tally::person_state(before), tally::person_state(after));
    let ws = after.workspace_id.clone();
    let mut deltas = Deltas::new();
    if old != new {
        let sent: Vec<(String, String, Option<i32>)> = sub::table
            .filter(sub::workspace_id.eq(&ws))
            .filter(sub::stakeholder_id.eq(&after.id))
            .select((sub::form_id, sub::period, sub::nps))
            .load(conn)?;
        for (form, period, nps) in sent {
            tally::add(&mut deltas, tally::submission_keys(&form, &period, nps, old), -1);
            tally::add(&mut deltas, tally::submission_keys(&form, &period, nps, new), 1);
        }
        let plans: Vec<(String, Option<String>)> = p::table
            .filter(p::workspace_id.eq(&ws))
            .filter(p::stakeholder_id.eq(&after.id))
            .filter(p::deleted_at.is_null())
            .select((p::next_due_on, p::owner))
            .load(conn)?;
        for (due, owner) in plans {
            tally::add(&mut deltas, tally::plan_keys(&due, owner.as_deref(), old), -1);
            tally::add(&mut deltas, tally::plan_keys(&due, owner.as_deref(), new), 1);
        }
    }
    if before.analysis.confidential != after.analysis.confidential {
        move_interactions(
            conn,
            &ws,
            &after.id,
            before.analysis.confidential,
            after.analysis.confidential,
            &mut deltas,
        )?;
    }
    apply(conn, &ws, &deltas)
}

type InteractionSums = (String, String, String, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// Moves the person's live interactions between hidden and visible when their
/// confidentiality flips, unless another confidential person keeps them hidden.
fn move_interactions(
    conn: &mut DbConnection,
    ws: &str,
    person: &str,
    was: bool,
    is: bool,
    deltas: &mut Deltas,
) -> QueryResult<()> {
    let theirs =
        l::table.filter(l::workspace_id.eq(ws.to_string())).filter(l::stakeholder_id.eq(person.to_string()));
    let rows: Vec<InteractionSums> = i::table
        .filter(i::workspace_id.eq(ws))
        .filter(i::deleted_at.is_null())
        .filter(i::id.eq_any(theirs.select(l::interaction_id)))
        .select((i::id, i::occurred_month, i::kind, i::impressions, i::clicks, i::shares, i::reactions))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let secret =
        s::table.filter(s::workspace_id.eq(ws.to_string())).filter(s::confidential.eq(true)).select(s::id);
    let kept_hidden: HashSet<String> = l::table
        .filter(l::workspace_id.eq(ws))
        .filter(l::interaction_id.eq_any(ids))
        .filter(l::stakeholder_id.ne(person))
        .filter(l::stakeholder_id.eq_any(secret))
        .select(l::interaction_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (id, month, kind, impressions, clicks, shares, reactions) in rows {
        let others = kept_hidden.contains(&id);
        if (others || was) != (others || is) {
            let metrics = [impressions, clicks, shares, reactions];
            tally::add(deltas, tally::interaction_keys(&month, &kind, metrics, others || was), -1);
            tally::add(deltas, tally::interaction_keys(&month, &kind, metrics, others || is), 1);
        }
    }
    Ok(())
}
