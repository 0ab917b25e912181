//! When each person was last reminded of a form's month.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::form_reminders as r;
use crate::db::DbConnection;

/// Which people were reminded of this form and period after `since`.
pub fn since(
    conn: &mut DbConnection,
    workspace_id: &str,
    (form_id, period): (&str, &str),
    since: NaiveDateTime,
) -> QueryResult<HashSet<String>> {
    let ids: Vec<String> = r::table
        .filter(r::workspace_id.eq(workspace_id))
        .filter(r::form_id.eq(form_id))
        .filter(r::period.eq(period))
        .filter(r::reminded_at.gt(since))
        .select(r::stakeholder_id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

/// Records that this person was reminded at `at` (replacing an older record).
pub fn record(
    conn: &mut DbConnection,
    workspace_id: &str,
    (form_id, period): (&str, &str),
    stakeholder_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let one = r::table
        .filter(r::workspace_id.eq(workspace_id))
        .filter(r::form_id.eq(form_id))
        .filter(r::period.eq(period))
        .filter(r::stakeholder_id.eq(stakeholder_id));
    // The form row is locked by the caller, so update-then-insert cannot race.
    if diesel::update(one).set(r::reminded_at.eq(at)).execute(conn)? == 0 {
        diesel::insert_into(r::table)
            .values((
                r::workspace_id.eq(workspace_id),
                r::form_id.eq(form_id),
                r::period.eq(period),
                r::stakeholder_id.eq(stakeholder_id),
                r::reminded_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
