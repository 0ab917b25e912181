//! Reading the change feed: in (xid, seq) order, as the viewer may see it, never past a
//! transaction still in flight.

use diesel::prelude::*;

use super::changes::{Change, ChangeKind, EntityType, FeedPosition, HIDE_OP};
use crate::access::Viewer;
use crate::db::schema::changes as ch;
use crate::db::DbConnection;

/// The first position readers may not pass yet: on PostgreSQL, the oldest transaction
/// still in flight (every older one has committed or rolled back, so all its changes are
/// visible); on SQLite none (changes commit in sequence order).
fn horizon(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    #[derive(QueryableByName)]
    struct Xmin {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        xmin: i64,
    }
    match conn {
        DbConnection::Pg(pg) => {
            let row: Xmin =
                diesel::sql_query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin")
                    .get_result(pg)?;
            Ok(Some(row.xmin))
        }
        DbConnection::Sqlite(_) => Ok(None),
    }
}

/// Up to `limit` changes after `after`, in feed order, optionally of some types, as
/// the viewer may see them: for a viewer who cannot see confidential people, changes of
/// records tied to one (the person, their plans, submissions, points, interactions and
/// relationships) are left out, and the change that hid a person reads as `delete`;
/// relationships (analysis) are left out for viewers who cannot see analysis. The flag
/// says whether committed changes wait behind a transaction still in flight.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    after: FeedPosition,
    types: &[EntityType],
    limit: i64,
) -> QueryResult<(Vec<Change>, bool)> {
    use crate::db::schema::{
        engagement_plans as p, feedback_items as f, interaction_stakeholders as l, relationships as r,
        stakeholders as s, submissions as sub,
    };
    let ws = viewer.workspace_id.clone();
    let horizon = horizon(conn)?;
    let mut q = ch::table
        .filter(ch::workspace_id.eq(ws.clone()))
        .filter(ch::xid.gt(after.xid).or(ch::xid.eq(after.xid).and(ch::seq.gt(after.seq))))
        .into_boxed();
    if let Some(xmin) = horizon {
        q = q.filter(ch::xid.lt(xmin));
    }
    let hidden = !viewer.sees_confidential();
    if hidden {
        let secret =
            || s::table.filter(s::workspace_id.eq(ws.clone())).filter(s::confidential.eq(true)).select(s::id);
        let of = |t: EntityType| ch::entity_type.eq(t.as_str());
        let plans = p::table
            .filter(p::workspace_id.eq(ws.clone()))
            .filter(p::stakeholder_id.eq_any(secret()))
            .select(p::id);
        let subs = sub::table
            .filter(sub::workspace_id.eq(ws.clone()))
            .filter(sub::stakeholder_id.eq_any(secret()))
            .select(sub::id);
        let points = f::table
            .filter(f::workspace_id.eq(ws.clone()))
            .filter(f::stakeholder_id.eq_any(secret()))
            .select(f::id);
        let meetings = l::table
            .filter(l::workspace_id.eq(ws.clone()))
            .filter(l::stakeholder_id.eq_any(secret()))
            .select(l::interaction_id);
        let links = r::table
            .filter(r::workspace_id.eq(ws.clone()))
            .filter(r::from_id.eq_any(secret()).or(r::to_id.eq_any(secret())))
            .select(r::id);
        q = q
            .filter(diesel::dsl::not(
                of(EntityType::Stakeholder).and(ch::entity_id.eq_any(secret())).and(ch::op.ne(HIDE_OP)),
            ))
            .filter(diesel::dsl::not(of(EntityType::Plan).and(ch::entity_id.eq_any(plans))))
            .filter(diesel::dsl::not(of(EntityType::Submission).and(ch::entity_id.eq_any(subs))))
            .filter(diesel::dsl::not(of(EntityType::FeedbackItem).and(ch::entity_id.eq_any(points))))
            .filter(diesel::dsl::not(of(EntityType::Interaction).and(ch::entity_id.eq_any(meetings))))
            .filter(diesel::dsl::not(of(EntityType::Relationship).and(ch::entity_id.eq_any(links))));
    }
    if !viewer.sees_analysis() {
        // Relationships are analysis: not even their ids reach integration tokens.
        q = q.filter(ch::entity_type.ne(EntityType::Relationship.as_str()));
    }
    if !types.is_empty() {
        q = q.filter(ch::entity_type.eq_any(types.iter().map(|t| t.as_str()).collect::<Vec<_>>()));
    }
    let mut rows =
        q.order((ch::xid.asc(), ch::seq.asc())).limit(limit).select(Change::as_select()).load(conn)?;
    // Committed changes past the horizon: an older transaction is still writing.
    let withheld = match horizon {
        Some(xmin) if (rows.len() as i64) < limit => diesel::select(diesel::dsl::exists(
            ch::table.filter(ch::workspace_id.eq(ws.clone())).filter(ch::xid.ge(xmin)),
        ))
        .get_result::<bool>(conn)?,
        _ => false,
    };
    for row in rows.iter_mut().filter(|c| c.op == HIDE_OP) {
        row.op = match hidden {
            true => ChangeKind::Deleted.op(),
            false => ChangeKind::Updated.op(),
        }
        .to_string();
    }
    Ok((rows, withheld))
}
