//! The dashboard's risk lists: totals from the counters, the first few rows by query.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::*;

/// A risk list: how many, and the first few.
pub struct RiskList<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// (id, name, influence, stance, quadrant) of people matching a risk.
pub type RiskPerson = (String, String, Option<i32>, String, String);

macro_rules! risk_people {
    ($conn:expr, $scope:expr, $limit:expr, $($filter:expr),+) => {
        live_people!($scope)$(.filter($filter))+
            .order((s::influence.desc(), s::name.asc(), s::id.asc()))
            .limit($limit)
            .select((s::id, s::name, s::influence, s::stance, s::quadrant))
            .load($conn)?
    };
}

/// Critics with influence ≥ 4 (the total from the cell counters).
pub fn influential_critics(
    conn: &mut DbConnection,
    scope: &Scope,
    people: &PeopleTallies,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    let total = cells(people).iter().filter(|c| c.2 == "critic" && c.0 >= Some(4)).map(|c| c.3).sum();
    let items = risk_people!(conn, scope, limit, s::stance.eq("critic"), s::influence.ge(4));
    Ok(RiskList { total, items })
}

/// Veto holders who are not advocates (the total from the veto counters, by stance).
pub fn unconvinced_vetoes(
    conn: &mut DbConnection,
    scope: &Scope,
    people: &PeopleTallies,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    let vetoes = people.get("veto").into_iter().flatten();
    let total = vetoes.filter(|(stance, _)| *stance != "advocate").map(|(_, n)| n).sum();
    // `WHERE veto` as the bare column, the very term of the partial index on veto holders.
    let items = risk_people!(conn, scope, limit, s::veto, s::stance.ne("advocate"));
    Ok(RiskList { total, items })
}

/// Key players without a live plan: the total from the cell and "planned" counters.
pub fn unplanned_key_players(
    conn: &mut DbConnection,
    scope: &Scope,
    people: &PeopleTallies,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    let key_players: i64 =
        cells(people).iter().filter(|c| quadrant(c.0, c.1) == Quadrant::KeyPlayer).map(|c| c.3).sum();
    let planned = people.get("planned").and_then(|q| q.get(Quadrant::KeyPlayer.as_str())).copied();
    let plans = || {
        p::table
            .filter(p::workspace_id.eq(scope.workspace_id.clone()))
            .filter(p::deleted_at.is_null())
            .filter(p::stakeholder_id.eq(s::id))
    };
    let items = risk_people!(
        conn,
        scope,
        limit,
        s::quadrant.eq(Quadrant::KeyPlayer.as_str()),
        diesel::dsl::not(diesel::dsl::exists(plans()))
    );
    Ok(RiskList { total: key_players - planned.unwrap_or(0), items })
}

/// (plan id, stakeholder id, next due) of overdue live plans of visible people, the
/// earliest due first; `total` comes from `plan_counts`.
pub fn overdue_plans(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
    total: i64,
    limit: i64,
) -> QueryResult<RiskList<(String, String, String)>> {
    let items = p::table
        .filter(p::workspace_id.eq(scope.workspace_id.clone()))
        .filter(p::deleted_at.is_null())
        .filter(p::next_due_on.lt(iso(today)))
        .filter(not_hidden!(p::stakeholder_id, scope))
        .order((p::next_due_on.asc(), p::id.asc()))
        .limit(limit)
        .select((p::id, p::stakeholder_id, p::next_due_on))
        .load(conn)?;
    Ok(RiskList { total, items })
}

/// (contract id, account id, title, end date) of active or renewed live contracts of live
/// accounts ending in `today..=today+90`.
pub fn contracts_ending(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<RiskList<EndingContract>> {
    let live_accounts = || {
        a::table
            .filter(a::workspace_id.eq(scope.workspace_id.clone()))
            .filter(a::deleted_at.is_null())
            .select(a::id)
    };
    let base = || {
        c::table
            .filter(c::workspace_id.eq(scope.workspace_id.clone()))
            .filter(c::deleted_at.is_null())
            .filter(c::status.eq_any(vec!["active", "renewed"]))
            .filter(c::end_date.ge(iso(today)))
            .filter(c::end_date.le(iso(today + chrono::Days::new(90))))
            .filter(c::account_id.eq_any(live_accounts()))
    };
    let total = base().count().get_result(conn)?;
    let items = base()
        .order((c::end_date.asc(), c::id.asc()))
        .limit(limit)
        .select((c::id, c::account_id, c::title, c::end_date))
        .load(conn)?;
    Ok(RiskList { total, items })
}

/// (point id, stakeholder id, summary, raised at) of points of visible people raised
/// before `cutoff` that still have no response.
pub fn stale_points(
    conn: &mut DbConnection,
    scope: &Scope,
    cutoff: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<RiskList<(String, String, String, chrono::NaiveDateTime)>> {
    let base = || {
        fi::table
            .filter(fi::workspace_id.eq(scope.workspace_id.clone()))
            .filter(not_hidden!(fi::stakeholder_id, scope))
            .filter(fi::response.is_null().or(fi::response.eq("")))
            .filter(fi::created_at.lt(cutoff))
    };
    let total = base().count().get_result(conn)?;
    let items = base()
        .order((fi::created_at.asc(), fi::id.asc()))
        .limit(limit)
        .select((fi::id, fi::stakeholder_id, fi::summary, fi::created_at))
        .load(conn)?;
    Ok(RiskList { total, items })
}
