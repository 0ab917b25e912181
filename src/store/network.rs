//! Loading the network: live stakeholders the caller may see and the edges among them.

use diesel::prelude::*;

use super::relationships::{self, Scope};
use crate::access::Viewer;
use crate::db::schema::stakeholders as s;
use crate::db::DbConnection;
use crate::domain::network::{Edge, Network, Node};
use crate::domain::quadrant::quadrant;
use crate::domain::stakeholder_enums::{DecisionRole, Group, Stance};

/// The most nodes one network answer holds; larger maps must be narrowed by account.
pub const MAX_NODES: i64 = 5_000;

type NodeRow =
    (String, String, Option<String>, Option<i32>, Option<i32>, String, Option<String>, bool, String);

/// The network, or `None` when it has more than `MAX_NODES` people.
pub fn load(
    conn: &mut DbConnection,
    viewer: &Viewer,
    account_id: Option<&str>,
) -> QueryResult<Option<Network>> {
    let mut q = s::table
        .filter(s::workspace_id.eq(viewer.workspace_id.clone()))
        .filter(s::deleted_at.is_null())
        .into_boxed();
    if !viewer.sees_confidential() {
        q = q.filter(s::confidential.eq(false));
    }
    if let Some(account) = account_id {
        q = q.filter(s::account_id.eq(account.to_string()));
    }
    let rows: Vec<NodeRow> = q
        .order((s::name_key.asc(), s::id.asc()))
        .limit(MAX_NODES + 1)
        .select((
            s::id,
            s::name,
            s::title,
            s::influence,
            s::impact,
            s::stance,
            s::decision_role,
            s::veto,
            s::stakeholder_group,
        ))
        .load(conn)?;
    if rows.len() as i64 > MAX_NODES {
        return Ok(None);
    }
    let nodes = rows
        .into_iter()
        .map(|(id, name, title, influence, impact, stance, decision_role, veto, group)| Node {
            id,
            name,
            title,
            influence,
            impact,
            quadrant: quadrant(influence, impact),
            stance: Stance::parse(&stance).unwrap_or_default(),
            decision_role: decision_role.as_deref().and_then(DecisionRole::parse),
            veto,
            group: Group::parse(&group).unwrap_or(Group::External),
        })
        .collect();
    let scope = Scope { account_id: account_id.map(str::to_string), ..Scope::default() };
    let edges = relationships::list(conn, viewer, &scope, None, MAX_NODES * 10)?
        .into_iter()
        .map(|r| Edge {
            id: r.id,
            from: r.from_id,
            to: r.to_id,
            kind: r.kind,
            label: r.label,
            strength: r.strength,
        })
        .collect();
    Ok(Some(Network { nodes, edges }))
}
