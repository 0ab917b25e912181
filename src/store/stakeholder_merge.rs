//! Moving everything that points at a merged person onto the survivor, inside the
//! merge's transaction. Both people are live and equally confidential (the service checks),
//! so rows keep the same person state and their dashboard counters stay where they are;
//! the exceptions (a superseded answer, the "planned" counter) are moved here explicitly.

use diesel::prelude::*;

use crate::db::schema::{
    duplicate_dismissals as dd, engagement_plans as p, feedback_items as f, interaction_stakeholders as l,
    interactions as i, relationships as r, stakeholder_history as h, submissions as sub,
};
use crate::db::DbConnection;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::tally;

/// Moves plans, submissions, points, interactions, relationships and history of `from`
/// onto `into` (both as they were before the merge).
pub fn move_references(conn: &mut DbConnection, from: &Stakeholder, into: &Stakeholder) -> QueryResult<()> {
    let ws = from.workspace_id.as_str();
    move_plans(conn, ws, from, into)?;
    move_submissions(conn, ws, from, into)?;
    diesel::update(f::table.filter(f::workspace_id.eq(ws)).filter(f::stakeholder_id.eq(&from.id)))
        .set((f::stakeholder_id.eq(&into.id), f::version.eq(f::version + 1)))
        .execute(conn)?;
    move_interactions(conn, ws, &from.id, &into.id)?;
    move_relationships(conn, ws, &from.id, &into.id)?;
    diesel::update(h::table.filter(h::workspace_id.eq(ws)).filter(h::stakeholder_id.eq(&from.id)))
        .set(h::stakeholder_id.eq(&into.id))
        .execute(conn)?;
    diesel::delete(
        dd::table.filter(dd::workspace_id.eq(ws)).filter(dd::a_id.eq(&from.id).or(dd::b_id.eq(&from.id))),
    )
    .execute(conn)?;
    Ok(())
}

// Plan counters carry the person's state, equal for both; the "planned" counter counts
// people with a live plan: the merged person leaves it, the survivor may join it.
fn move_plans(conn: &mut DbConnection, ws: &str, from: &Stakeholder, into: &Stakeholder) -> QueryResult<()> {
    let from_plans = super::plans::live_count(conn, ws, &from.id)?;
    let into_plans = super::plans::live_count(conn, ws, &into.id)?;
    diesel::update(p::table.filter(p::workspace_id.eq(ws)).filter(p::stakeholder_id.eq(&from.id)))
        .set((p::stakeholder_id.eq(&into.id), p::version.eq(p::version + 1)))
        .execute(conn)?;
    if from_plans > 0 {
        super::tallies::record(conn, ws, Some(from), None, tally::planned)?;
        if into_plans == 0 {
            super::tallies::record(conn, ws, None, Some(into), tally::planned)?;
        }
    }
    Ok(())
}

type Answered = (String, String, String, Option<i32>);

// When both answered a form's period, the survivor's answer stays and the other is kept,
// marked `superseded_by`, and leaves the counters.
fn move_submissions(
    conn: &mut DbConnection,
    ws: &str,
    from: &Stakeholder,
    into: &Stakeholder,
) -> QueryResult<()> {
    let theirs = |id: &str| {
        sub::table
            .filter(sub::workspace_id.eq(ws.to_string()))
            .filter(sub::stakeholder_id.eq(id.to_string()))
            .filter(sub::superseded_by.is_null())
            .select((sub::id, sub::form_id, sub::period, sub::nps))
    };
    let kept: Vec<Answered> = theirs(&into.id).load(conn)?;
    let moved: Vec<Answered> = theirs(&from.id).load(conn)?;
    let state = tally::person_state(from);
    for (id, form, period, nps) in moved {
        let survivor_answer = kept.iter().find(|k| k.1 == form && k.2 == period).map(|k| k.0.clone());
        if let Some(answer) = &survivor_answer {
            let mut deltas = tally::Deltas::new();
            tally::add(&mut deltas, tally::submission_keys(&form, &period, nps, state), -1);
            super::tallies::apply(conn, ws, &deltas)?;
            diesel::update(sub::table.filter(sub::workspace_id.eq(ws)).filter(sub::id.eq(&id)))
                .set(sub::superseded_by.eq(answer))
                .execute(conn)?;
        }
    }
    diesel::update(sub::table.filter(sub::workspace_id.eq(ws)).filter(sub::stakeholder_id.eq(&from.id)))
        .set((sub::stakeholder_id.eq(&into.id), sub::version.eq(sub::version + 1)))
        .execute(conn)?;
    Ok(())
}

// An interaction with both people keeps the survivor once.
fn move_interactions(conn: &mut DbConnection, ws: &str, from: &str, into: &str) -> QueryResult<()> {
    let rows: Vec<(String, String)> = i::table
        .filter(i::workspace_id.eq(ws))
        .filter(
            i::id.eq_any(
                l::table
                    .filter(l::workspace_id.eq(ws.to_string()))
                    .filter(l::stakeholder_id.eq(from.to_string()))
                    .select(l::interaction_id),
            ),
        )
        .select((i::id, i::stakeholder_ids))
        .load(conn)?;
    for (id, ids) in rows {
        let people: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
        let had_both = people.iter().any(|p| p == into);
        let mut moved: Vec<String> = Vec::with_capacity(people.len());
        for person in people {
            let person = if person == from { into.to_string() } else { person };
            if !moved.contains(&person) {
                moved.push(person);
            }
        }
        let link = l::table.filter(l::workspace_id.eq(ws)).filter(l::interaction_id.eq(&id));
        if had_both {
            diesel::delete(link.filter(l::stakeholder_id.eq(from))).execute(conn)?;
        } else {
            diesel::update(link.filter(l::stakeholder_id.eq(from)))
                .set(l::stakeholder_id.eq(into))
                .execute(conn)?;
        }
        let ids = serde_json::to_string(&moved).expect("strings serialise");
        diesel::update(i::table.filter(i::workspace_id.eq(ws)).filter(i::id.eq(&id)))
            .set((i::stakeholder_ids.eq(ids), i::version.eq(i::version + 1)))
            .execute(conn)?;
    }
    Ok(())
}

// A link between the two would become a self-link: removed. A link the survivor already
// has (same ends and kind) is folded into it.
fn move_relationships(conn: &mut DbConnection, ws: &str, from: &str, into: &str) -> QueryResult<()> {
    let links: Vec<(String, String, String, String)> = r::table
        .filter(r::workspace_id.eq(ws))
        .filter(r::deleted_at.is_null())
        .filter(r::from_id.eq(from).or(r::to_id.eq(from)))
        .select((r::id, r::from_id, r::to_id, r::kind))
        .load(conn)?;
    let now = crate::time::now().naive_utc();
    for (id, a, b, kind) in links {
        let swap = |x: String| if x == from { into.to_string() } else { x };
        let (a, b) = (swap(a), swap(b));
        let this = r::table.filter(r::workspace_id.eq(ws)).filter(r::id.eq(&id));
        let parallel: i64 = r::table
            .filter(r::workspace_id.eq(ws))
            .filter(r::deleted_at.is_null())
            .filter(r::id.ne(&id))
            .filter(r::from_id.eq(&a))
            .filter(r::to_id.eq(&b))
            .filter(r::kind.eq(&kind))
            .count()
            .get_result(conn)?;
        if a == b || parallel > 0 {
            diesel::update(this)
                .set((r::deleted_at.eq(now), r::updated_at.eq(now), r::version.eq(r::version + 1)))
                .execute(conn)?;
        } else {
            diesel::update(this)
                .set((
                    r::from_id.eq(&a),
                    r::to_id.eq(&b),
                    r::updated_at.eq(now),
                    r::version.eq(r::version + 1),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
