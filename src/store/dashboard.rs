//! Dashboard aggregates, each computed by the database (GROUP BY / COUNT / SUM), never
//! by loading rows into the process.

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use crate::db::schema::{
    accounts as a, contracts as c, engagement_plans as p, feedback_items as fi,
    interaction_stakeholders as l, interactions as i, stakeholders as s, submissions as sub,
};
use crate::db::DbConnection;
use crate::domain::cadence::iso;

/// Whose rows count: one workspace, confidential people only for roles that may see them.
#[derive(Debug, Clone)]
pub struct Scope {
    pub workspace_id: String,
    pub hide_confidential: bool,
}

impl Scope {
    fn confidential(&self) -> Vec<bool> {
        if self.hide_confidential {
            vec![false]
        } else {
            vec![false, true]
        }
    }
}

macro_rules! live_people {
    ($scope:expr) => {
        s::table
            .filter(s::workspace_id.eq($scope.workspace_id.clone()))
            .filter(s::deleted_at.is_null())
            .filter(s::confidential.eq_any($scope.confidential()))
    };
}

// An optional account filter as one query shape: GROUP BY cannot follow a boxed query.
macro_rules! people_of {
    ($scope:expr, $account:expr) => {{
        let any = $account.is_none();
        let account = $account.map(str::to_string).unwrap_or_default();
        live_people!($scope).filter(s::account_id.eq(account).or(any.into_sql::<Bool>().nullable()))
    }};
}

macro_rules! count_by {
    ($conn:expr, $scope:expr, $col:expr) => {{
        live_people!($scope).group_by($col).select(($col, count_star())).load($conn)
    }};
}

/// (influence, impact, stance, people) of one grid cell.
pub type GridCell = (Option<i32>, Option<i32>, String, i64);
/// (contract id, account id, title, end date).
pub type EndingContract = (String, String, String, Option<String>);
/// (month, kind, interactions, impressions, clicks, shares, reactions).
pub type MonthKind = (String, String, i64, i64, i64, i64, i64);

/// Counts of live people by each profile and analysis dimension (`None` = not set).
pub struct PeopleCounts {
    pub group: Vec<(String, i64)>,
    pub category: Vec<(Option<String>, i64)>,
    pub quadrant: Vec<(String, i64)>,
    pub stance: Vec<(String, i64)>,
    pub decision_role: Vec<(Option<String>, i64)>,
    pub relationship_status: Vec<(Option<String>, i64)>,
}

/// Counts of live people by group, category, quadrant, stance, decision role and relationship.
pub fn people_counts(conn: &mut DbConnection, scope: &Scope) -> QueryResult<PeopleCounts> {
    Ok(PeopleCounts {
        group: count_by!(conn, scope, s::stakeholder_group)?,
        category: count_by!(conn, scope, s::category)?,
        quadrant: count_by!(conn, scope, s::quadrant)?,
        stance: count_by!(conn, scope, s::stance)?,
        decision_role: count_by!(conn, scope, s::decision_role)?,
        relationship_status: count_by!(conn, scope, s::relationship_status)?,
    })
}

/// People per (quadrant, stance), optionally of one account.
pub fn quadrant_stance(
    conn: &mut DbConnection,
    scope: &Scope,
    account: Option<&str>,
) -> QueryResult<Vec<((String, String), i64)>> {
    let rows: Vec<(String, String, i64)> = people_of!(scope, account)
        .group_by((s::quadrant, s::stance))
        .select((s::quadrant, s::stance, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(q, st, n)| ((q, st), n)).collect())
}

/// People per (influence, impact, stance) cell of the 5×5 grid.
pub fn grid(conn: &mut DbConnection, scope: &Scope, account: Option<&str>) -> QueryResult<Vec<GridCell>> {
    people_of!(scope, account)
        .group_by((s::influence, s::impact, s::stance))
        .select((s::influence, s::impact, s::stance, count_star()))
        .load(conn)
}

/// One point on the matrix.
pub type Point = (String, String, Option<i32>, Option<i32>, String, String);

/// Up to `limit` individual points (id, name, influence, impact, quadrant, stance), by name.
pub fn points(
    conn: &mut DbConnection,
    scope: &Scope,
    account: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Point>> {
    people_of!(scope, account)
        .order((s::name.asc(), s::id.asc()))
        .limit(limit)
        .select((s::id, s::name, s::influence, s::impact, s::quadrant, s::stance))
        .load(conn)
}

/// Live plans of visible live people that are overdue on `today`, by owner.
pub fn overdue_by_owner(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    p::table
        .filter(p::workspace_id.eq(&scope.workspace_id))
        .filter(p::deleted_at.is_null())
        .filter(p::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
        .filter(p::next_due_on.lt(iso(today)))
        .group_by(p::owner)
        .select((p::owner, count_star()))
        .load(conn)
}

/// (all live plans, plans not yet due within 7 days i.e. on track) of visible live people.
pub fn plan_totals(conn: &mut DbConnection, scope: &Scope, today: NaiveDate) -> QueryResult<(i64, i64)> {
    let base = || {
        p::table
            .filter(p::workspace_id.eq(&scope.workspace_id))
            .filter(p::deleted_at.is_null())
            .filter(p::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
    };
    let total = base().count().get_result(conn)?;
    let soon = iso(today + chrono::Days::new(crate::domain::cadence::DUE_SOON_DAYS));
    let on_track = base().filter(p::next_due_on.gt(soon)).count().get_result(conn)?;
    Ok((total, on_track))
}

/// Points of visible people still open (neither done nor declined).
pub fn open_points(conn: &mut DbConnection, scope: &Scope) -> QueryResult<i64> {
    fi::table
        .filter(fi::workspace_id.eq(&scope.workspace_id))
        .filter(fi::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
        .filter(fi::status.ne_all(vec!["done", "declined"]))
        .count()
        .get_result(conn)
}

/// Per period: (submitted, promoters, passives, detractors) of visible people, optionally
/// of one form, for periods in `from..=to`.
pub fn submissions_by_period(
    conn: &mut DbConnection,
    scope: &Scope,
    form_id: Option<&str>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<(String, [i64; 4])>> {
    let any = form_id.is_none();
    let form = form_id.unwrap_or_default().to_string();
    let base = || {
        sub::table
            .filter(sub::workspace_id.eq(scope.workspace_id.clone()))
            .filter(sub::period.ge(from.to_string()))
            .filter(sub::period.le(to.to_string()))
            .filter(sub::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
            .filter(sub::form_id.eq(form.clone()).or(any.into_sql::<Bool>()))
    };
    // One pass: the NPS bands are conditional sums beside the count.
    let rows: Vec<(String, i64, i64, i64, i64)> = base()
        .group_by(sub::period)
        .select((
            sub::period,
            count_star(),
            sql::<BigInt>("CAST(SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(CASE WHEN nps BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS BIGINT)"),
        ))
        .order(sub::period.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(|(period, n, p, pa, d)| (period, [n, p, pa, d])).collect())
}

/// The latest period with any NPS answer.
pub fn latest_nps_period(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Option<String>> {
    sub::table
        .filter(sub::workspace_id.eq(&scope.workspace_id))
        .filter(sub::nps.is_not_null())
        .select(diesel::dsl::max(sub::period))
        .first(conn)
}

/// Per (month, kind): (count, impressions, clicks, shares, reactions) of live interactions
/// in `from..=to` months; interactions involving hidden people are left out.
pub fn interactions_by_month(
    conn: &mut DbConnection,
    scope: &Scope,
    from: &str,
    to: &str,
) -> QueryResult<Vec<MonthKind>> {
    // Hidden people: those confidential, unless the role may see them (then none).
    let hidden: Vec<bool> = if scope.hide_confidential { vec![true] } else { vec![] };
    let secret = s::table
        .filter(s::workspace_id.eq(scope.workspace_id.clone()))
        .filter(s::confidential.eq_any(hidden))
        .select(s::id);
    let touching = l::table
        .filter(l::workspace_id.eq(scope.workspace_id.clone()))
        .filter(l::stakeholder_id.eq_any(secret))
        .select(l::interaction_id);
    i::table
        .filter(i::workspace_id.eq(scope.workspace_id.clone()))
        .filter(i::deleted_at.is_null())
        .filter(i::occurred_month.ge(from.to_string()))
        .filter(i::occurred_month.le(to.to_string()))
        .filter(diesel::dsl::not(i::id.eq_any(touching)))
        .group_by((i::occurred_month, i::kind))
        .select((
            i::occurred_month,
            i::kind,
            count_star(),
            sql::<BigInt>("CAST(COALESCE(SUM(impressions), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(clicks), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(shares), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(reactions), 0) AS BIGINT)"),
        ))
        .load(conn)
}

/// A risk list: how many, and the first few.
pub struct RiskList<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// (id, name, influence, stance, quadrant) of people matching a risk.
pub type RiskPerson = (String, String, Option<i32>, String, String);

macro_rules! risk_people {
    ($conn:expr, $scope:expr, $limit:expr, $($filter:expr),+) => {{
        let total = live_people!($scope)$(.filter($filter))+.count().get_result($conn)?;
        let items = live_people!($scope)$(.filter($filter))+
            .order((s::influence.desc(), s::name.asc(), s::id.asc()))
            .limit($limit)
            .select((s::id, s::name, s::influence, s::stance, s::quadrant))
            .load($conn)?;
        RiskList { total, items }
    }};
}

/// Critics with influence ≥ 4.
pub fn influential_critics(
    conn: &mut DbConnection,
    scope: &Scope,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    Ok(risk_people!(conn, scope, limit, s::stance.eq("critic"), s::influence.ge(4)))
}

/// Veto holders who are not advocates.
pub fn unconvinced_vetoes(
    conn: &mut DbConnection,
    scope: &Scope,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    Ok(risk_people!(conn, scope, limit, s::veto.eq(true), s::stance.ne("advocate")))
}

/// Key players without a live plan.
pub fn unplanned_key_players(
    conn: &mut DbConnection,
    scope: &Scope,
    limit: i64,
) -> QueryResult<RiskList<RiskPerson>> {
    let planned = || {
        p::table
            .filter(p::workspace_id.eq(scope.workspace_id.clone()))
            .filter(p::deleted_at.is_null())
            .select(p::stakeholder_id)
    };
    Ok(risk_people!(
        conn,
        scope,
        limit,
        s::quadrant.eq("key_player"),
        diesel::dsl::not(s::id.eq_any(planned()))
    ))
}

/// (plan id, stakeholder id, next due) of overdue live plans of visible people.
pub fn overdue_plans(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<RiskList<(String, String, String)>> {
    let base = || {
        p::table
            .filter(p::workspace_id.eq(scope.workspace_id.clone()))
            .filter(p::deleted_at.is_null())
            .filter(p::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
            .filter(p::next_due_on.lt(iso(today)))
    };
    let total = base().count().get_result(conn)?;
    let items = base()
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
            .filter(fi::stakeholder_id.eq_any(live_people!(scope).select(s::id)))
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
