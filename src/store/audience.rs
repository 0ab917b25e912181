//! Who is in a form's audience, computed in the database.

use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::stakeholder_row::StakeholderRow;
use crate::access::Viewer;
use crate::db::schema::{stakeholder_tags as t, stakeholders as s, submissions as sub};
use crate::db::DbConnection;
use crate::domain::form::Audience;
use crate::domain::stakeholder::Stakeholder;

/// Live stakeholders matching the audience: any listed group, category, tag or id
/// (all lists empty = everyone). One query shape: empty lists simply match nothing.
macro_rules! members {
    ($ws:expr, $a:expr) => {{
        let everyone = $a.is_everyone();
        let groups: Vec<&str> = $a.groups.iter().map(|g| g.as_str()).collect();
        let categories: Vec<&str> = $a.categories.iter().map(|c| c.as_str()).collect();
        let tagged = t::table
            .filter(t::workspace_id.eq($ws.to_string()))
            .filter(t::tag.eq_any($a.tags.clone()))
            .select(t::stakeholder_id);
        s::table.filter(s::workspace_id.eq($ws.to_string())).filter(s::deleted_at.is_null()).filter(
            everyone
                .into_sql::<Bool>()
                .or(s::stakeholder_group.eq_any(groups))
                .or(s::id.eq_any(tagged))
                .or(s::id.eq_any($a.stakeholder_ids.clone()))
                .nullable()
                .or(s::category.eq_any(categories)),
        )
    }};
}

/// How many live stakeholders the audience holds.
pub fn count(conn: &mut DbConnection, workspace_id: &str, audience: &Audience) -> QueryResult<i64> {
    members!(workspace_id, audience).count().get_result(conn)
}

/// How many live stakeholders the audience holds who are not confidential.
pub fn count_public(conn: &mut DbConnection, workspace_id: &str, audience: &Audience) -> QueryResult<i64> {
    members!(workspace_id, audience).filter(s::confidential.eq(false)).count().get_result(conn)
}

/// Whether a stakeholder is in the audience.
pub fn contains(
    conn: &mut DbConnection,
    workspace_id: &str,
    audience: &Audience,
    stakeholder_id: &str,
) -> QueryResult<bool> {
    let n: i64 =
        members!(workspace_id, audience).filter(s::id.eq(stakeholder_id)).count().get_result(conn)?;
    Ok(n > 0)
}

/// One page of audience members (by id) the viewer may see with no submission to the
/// form for the period.
pub fn missing(
    conn: &mut DbConnection,
    viewer: &Viewer,
    audience: &Audience,
    (form_id, period): (&str, &str),
    (after, limit): (Option<String>, i64),
) -> QueryResult<Vec<Stakeholder>> {
    let workspace_id = viewer.workspace_id.as_str();
    let submitted = sub::table
        .filter(sub::workspace_id.eq(workspace_id.to_string()))
        .filter(sub::form_id.eq(form_id.to_string()))
        .filter(sub::period.eq(period.to_string()))
        .select(sub::stakeholder_id);
    let allowed = viewer.confidential_values().to_vec();
    let rows = members!(workspace_id, audience)
        .filter(diesel::dsl::not(s::id.eq_any(submitted)))
        .filter(s::confidential.eq_any(allowed))
        .filter(s::id.gt(after.unwrap_or_default()))
        .order(s::id.asc())
        .limit(limit)
        .select(StakeholderRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Stakeholder::from).collect())
}
