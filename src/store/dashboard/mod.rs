//! Dashboard aggregates, each computed by the database, never by loading rows into the
//! process. Counts that would scan a big workspace's tables come from the exact counters
//! (`store::tallies`), kept apart by the state of the person a row belongs to, so a role
//! reads only the states it may see. Lists of the first few are ordered index scans.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::schema::{
    accounts as a, contracts as c, engagement_plans as p, feedback_items as fi, stakeholders as s,
};
use crate::db::DbConnection;
use crate::domain::cadence::iso;
use crate::domain::form::Audience;
use crate::domain::quadrant::quadrant;
use crate::domain::stakeholder_enums::Quadrant;
use crate::domain::tally;
use crate::store::{audience, tallies};

/// Whose rows count: one workspace, confidential people only for roles that may see them.
#[derive(Debug, Clone)]
pub struct Scope {
    pub workspace_id: String,
    pub hide_confidential: bool,
}

impl Scope {
    /// What the viewer may count.
    pub fn of(viewer: &crate::access::Viewer) -> Self {
        Scope { workspace_id: viewer.workspace_id.clone(), hide_confidential: !viewer.sees_confidential() }
    }

    fn confidential(&self) -> Vec<bool> {
        if self.hide_confidential {
            vec![false]
        } else {
            vec![false, true]
        }
    }

    /// The person states whose rows this scope counts: live public, and live
    /// confidential when the role sees them (`domain::tally::state`).
    fn states(&self) -> &'static [&'static str] {
        if self.hide_confidential {
            &["p"]
        } else {
            &["p", "c"]
        }
    }

    /// The confidentiality flags of people this scope hides (none, or `true`).
    fn hidden_flags(&self) -> Vec<bool> {
        if self.hide_confidential {
            vec![true]
        } else {
            Vec::new()
        }
    }
}

/// Ids of deleted people of the scope's workspace. `deleted_at > epoch` rather than
/// IS NOT NULL: an index range SQLite's planner takes.
macro_rules! deleted_people {
    ($scope:expr) => {
        s::table
            .filter(s::workspace_id.eq($scope.workspace_id.clone()))
            .filter(s::deleted_at.gt(chrono::DateTime::UNIX_EPOCH.naive_utc()))
            .select(s::id)
    };
}

/// Ids of confidential people, when the scope hides them (else none).
macro_rules! secret_people {
    ($scope:expr) => {
        s::table
            .filter(s::workspace_id.eq($scope.workspace_id.clone()))
            .filter(s::confidential.eq_any($scope.hidden_flags()))
            .select(s::id)
    };
}

/// `$col` names no hidden person.
macro_rules! not_hidden {
    ($col:expr, $scope:expr) => {
        // NOT (… IN …), not `!= ALL (…)`: PostgreSQL hashes an IN list once, but
        // re-runs an ALL subquery for every row.
        diesel::dsl::not($col.eq_any(deleted_people!($scope)))
            .and(diesel::dsl::not($col.eq_any(secret_people!($scope))))
    };
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

/// (influence, impact, stance, people) of one grid cell.
pub type GridCell = (Option<i32>, Option<i32>, String, i64);
/// (contract id, account id, title, end date).
pub type EndingContract = (String, String, String, Option<String>);
/// (month, kind, interactions, impressions, clicks, shares, reactions).
pub type MonthKind = (String, String, i64, i64, i64, i64, i64);

/// Live people per dimension (`group`, `category`, `decision_role`,
/// `relationship_status`, `cell`, `veto`, `tag`) and value (`-` = not set), from the
/// exact counters: confidential people only when the scope shows them.
pub type PeopleTallies = BTreeMap<String, BTreeMap<String, i64>>;

/// The people counters of the scope.
pub fn people(conn: &mut DbConnection, scope: &Scope) -> QueryResult<PeopleTallies> {
    let mut out = PeopleTallies::new();
    for confidential in scope.confidential() {
        for (key, n) in tallies::read(conn, &scope.workspace_id, tally::people_prefix(confidential))? {
            if let Some((dimension, value)) = key.split_once('/') {
                *out.entry(dimension.to_string()).or_default().entry(value.to_string()).or_default() += n;
            }
        }
    }
    Ok(out)
}

/// People per (influence, impact, stance) cell: from the counters for the whole
/// workspace, by a GROUP BY over the account's people for one account.
pub fn grid(conn: &mut DbConnection, scope: &Scope, account: Option<&str>) -> QueryResult<Vec<GridCell>> {
    let Some(account) = account else {
        return Ok(cells(&people(conn, scope)?));
    };
    people_of!(scope, Some(account))
        .group_by((s::influence, s::impact, s::stance))
        .select((s::influence, s::impact, s::stance, count_star()))
        .load(conn)
}

/// How many people the scope shows are in a form's audience: from the counters when
/// the audience is one kind of disjoint sets (everyone, groups, categories) or one tag,
/// else by a query.
pub fn audience_size(
    conn: &mut DbConnection,
    scope: &Scope,
    people: &PeopleTallies,
    audience: &Audience,
) -> QueryResult<i64> {
    let sum = |dimension: &str, values: Vec<&str>| {
        people
            .get(dimension)
            .into_iter()
            .flatten()
            .filter(|(v, _)| values.contains(&v.as_str()))
            .map(|(_, n)| n)
            .sum()
    };
    let only_ids_empty = audience.stakeholder_ids.is_empty();
    let (groups, categories, tags) = (&audience.groups, &audience.categories, &audience.tags);
    Ok(match (groups.is_empty(), categories.is_empty(), tags.len()) {
        _ if audience.is_everyone() => people.get("group").map_or(0, |g| g.values().sum()),
        (false, true, 0) if only_ids_empty => sum("group", groups.iter().map(|g| g.as_str()).collect()),
        (true, false, 0) if only_ids_empty => {
            sum("category", categories.iter().map(|c| c.as_str()).collect())
        }
        (true, true, 1) if only_ids_empty => sum("tag", vec![tags[0].as_str()]),
        _ if scope.hide_confidential => audience::count_public(conn, &scope.workspace_id, audience)?,
        _ => audience::count(conn, &scope.workspace_id, audience)?,
    })
}

/// The grid cells of people counters.
pub fn cells(people: &PeopleTallies) -> Vec<GridCell> {
    people
        .get("cell")
        .into_iter()
        .flatten()
        .filter_map(|(cell, n)| {
            let (influence, impact, stance) = tally::parse_cell(cell)?;
            Some((influence, impact, stance.to_string(), *n))
        })
        .collect()
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
        .order((s::name_key.asc(), s::id.asc()))
        .limit(limit)
        .select((s::id, s::name, s::influence, s::impact, s::quadrant, s::stance))
        .load(conn)
}

/// Live plans of one owner: how many, how many overdue, how many on track.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerPlans {
    pub total: i64,
    pub overdue: i64,
    pub on_track: i64,
}

/// Per owner, live plans of the people the scope shows: overdue (due before `today`) and
/// on track (not due within 7 days), from the due-date counters of the visible states.
pub fn plan_counts(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
) -> QueryResult<BTreeMap<Option<String>, OwnerPlans>> {
    let (today, soon) = (iso(today), iso(today + chrono::Days::new(crate::domain::cadence::DUE_SOON_DAYS)));
    let mut out: BTreeMap<Option<String>, OwnerPlans> = BTreeMap::new();
    for (key, n) in tallies::read(conn, &scope.workspace_id, "plans/")? {
        let mut parts = key.splitn(3, '/');
        let (Some(due), Some(state), Some(owner)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if !scope.states().contains(&state) {
            continue;
        }
        let counts = out.entry((!owner.is_empty()).then(|| owner.to_string())).or_default();
        counts.total += n;
        counts.overdue += if due < today.as_str() { n } else { 0 };
        counts.on_track += if due > soon.as_str() { n } else { 0 };
    }
    out.retain(|_, c| c.total != 0);
    Ok(out)
}

/// Points of visible people still open (neither done nor declined).
pub fn open_points(conn: &mut DbConnection, scope: &Scope) -> QueryResult<i64> {
    fi::table
        .filter(fi::workspace_id.eq(&scope.workspace_id))
        .filter(not_hidden!(fi::stakeholder_id, scope))
        .filter(fi::status.ne_all(vec!["done", "declined"]))
        .count()
        .get_result(conn)
}

/// Submission counters per period: [submitted, promoters, passives, detractors].
pub type PeriodCounts = BTreeMap<String, [i64; 4]>;

const BANDS: [&str; 4] = ["n", "promoters", "passives", "detractors"];

/// Per period in `from..=to`: [submitted, promoters, passives, detractors] of the people
/// the scope shows, optionally of one form, from the counters of the visible states.
pub fn submissions_by_period(
    conn: &mut DbConnection,
    scope: &Scope,
    form_id: Option<&str>,
    from: &str,
    to: &str,
) -> QueryResult<PeriodCounts> {
    let prefix = match form_id {
        Some(form) => format!("submissions/{form}/"),
        None => "submissions/".to_string(),
    };
    let mut out = PeriodCounts::new();
    for (key, n) in tallies::read(conn, &scope.workspace_id, &prefix)? {
        // `{period}/{band}/{state}`, or `{form}/{period}/{band}/{state}` across forms.
        let mut parts = key.rsplitn(4, '/');
        let (Some(state), Some(band), Some(period)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Some(slot) = BANDS.iter().position(|b| *b == band) else { continue };
        if scope.states().contains(&state) && (from..=to).contains(&period) {
            out.entry(period.to_string()).or_default()[slot] += n;
        }
    }
    out.retain(|_, c| c[0] != 0);
    Ok(out)
}

/// The latest period with any NPS answer (any form, anyone's), from the counters.
pub fn latest_nps_period(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Option<String>> {
    Ok(tallies::read(conn, &scope.workspace_id, "submissions/")?
        .into_iter()
        .filter_map(|(key, _)| {
            let mut parts = key.rsplitn(4, '/');
            let (_state, band, period) = (parts.next()?, parts.next()?, parts.next()?);
            (band != "n").then(|| period.to_string())
        })
        .max())
}

const METRICS: [&str; 5] = ["n", "impressions", "clicks", "shares", "reactions"];

/// Per (month, kind): (count, impressions, clicks, shares, reactions) of live interactions
/// in `from..=to` months; those involving a confidential person only for roles that see
/// them (the counters keep the two apart).
pub fn interactions_by_month(
    conn: &mut DbConnection,
    scope: &Scope,
    from: &str,
    to: &str,
) -> QueryResult<Vec<MonthKind>> {
    let mut out: BTreeMap<(String, String), [i64; 5]> = BTreeMap::new();
    for (key, n) in tallies::read(conn, &scope.workspace_id, "interactions/")? {
        let mut parts = key.splitn(4, '/');
        let (Some(month), Some(kind), Some(metric), Some(state)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(slot) = METRICS.iter().position(|m| *m == metric) else { continue };
        let visible = state == "p" || !scope.hide_confidential;
        if visible && (from..=to).contains(&month) {
            out.entry((month.to_string(), kind.to_string())).or_default()[slot] += n;
        }
    }
    Ok(out
        .into_iter()
        .filter(|(_, v)| v[0] != 0)
        .map(|((month, kind), [n, impressions, clicks, shares, reactions])| {
            (month, kind, n, impressions, clicks, shares, reactions)
        })
        .collect())
}

// The risk lists use the people macros above (defined before this line on purpose).
mod risks;
pub use risks::*;
