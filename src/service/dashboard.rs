//! The dashboard's aggregates, read from the counters the writes keep, as the caller
//! may see them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::run;
use crate::access::Viewer;
use crate::db::Pool;
use crate::domain::matrix_svg::{self, Cell, Dot, Labels, MAX_DOTS};
use crate::domain::nps::{rate, Nps};
use crate::domain::period::Period;
use crate::domain::quadrant::quadrant;
use crate::domain::stakeholder_enums::{Quadrant, Stance};
use crate::domain::tally;
use crate::error::ApiError;
use crate::store::dashboard::{self as store, Scope};
use crate::store::forms;

pub use super::dashboard_views::*;

/// Individual points a matrix answer lists at most.
const MAX_POINTS: i64 = 1000;

/// The dashboard queries' scope for a viewer.
pub fn scope(viewer: &Viewer) -> Scope {
    Scope::of(viewer)
}

/// One dimension's counters as `{value: count}`, not set as `none`.
fn counts(people: &store::PeopleTallies, dimension: &str) -> Counts {
    let values = people.get(dimension).into_iter().flatten();
    values.map(|(v, n)| (if v == tally::NONE { "none".to_string() } else { v.clone() }, *n)).collect()
}

/// A stored stance or quadrant word as its enum (the stores only write known words).
fn stance(text: &str) -> Stance {
    Stance::parse(text).unwrap_or_default()
}

/// One month of a form's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackMonth {
    /// `YYYY-MM`.
    pub period: String,
    /// The form's audience size as it is now (people the caller may see).
    pub expected: i64,
    /// Submissions that month.
    pub submitted: i64,
    /// submitted / expected (0–1).
    pub response_rate: f64,
    /// NPS that month.
    pub nps: Nps,
}

/// The months of a form's results, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackMonths {
    /// One entry per month of the window.
    pub items: Vec<FeedbackMonth>,
}

/// Counts for the home screen.
pub async fn summary(pool: &Pool, viewer: Viewer) -> Result<Summary, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let people = store::people(conn, &scope)?;
        let total: i64 = people.get("group").map_or(0, |g| g.values().sum());
        let today = crate::time::now().date_naive();
        let overdue: i64 = store::plan_counts(conn, &scope, today)?.values().map(|c| c.overdue).sum();
        let latest = match store::latest_nps_period(conn, &scope)? {
            Some(period) => {
                let rows = store::submissions_by_period(conn, &scope, None, &period, &period)?;
                let [_, p, pa, d] = rows.get(&period).copied().unwrap_or_default();
                Some(MonthNps::new(period, Nps::from_counts(p, pa, d)))
            }
            None => None,
        };
        let cells = store::cells(&people);
        let by = |f: fn(&store::GridCell) -> String| {
            let mut out = Counts::new();
            for cell in &cells {
                *out.entry(f(cell)).or_default() += cell.3;
            }
            out
        };
        Ok(Summary {
            stakeholders: StakeholderCounts {
                total,
                by_group: counts(&people, "group"),
                by_category: counts(&people, "category"),
                by_quadrant: by(|c| quadrant(c.0, c.1).as_str().to_string()),
                by_stance: by(|c| c.2.clone()),
                by_decision_role: counts(&people, "decision_role"),
                by_relationship_status: counts(&people, "relationship_status"),
            },
            overdue_plans: overdue,
            open_points: store::open_points(conn, &scope)?,
            latest_nps: latest,
        })
    })
    .await
}

/// The matrix, optionally of one account.
pub async fn matrix(pool: &Pool, viewer: Viewer, account: Option<String>) -> Result<Matrix, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let account = account.as_deref();
        let mut by_quadrant: BTreeMap<String, Counts> = BTreeMap::new();
        let mut total = 0;
        let grid = store::grid(conn, &scope, account)?;
        for (influence, impact, stance, n) in &grid {
            total += n;
            let stances = by_quadrant.entry(quadrant(*influence, *impact).as_str().to_string()).or_default();
            *stances.entry(stance.clone()).or_default() += n;
        }
        let cells = grid
            .into_iter()
            .map(|(influence, impact, st, count)| MatrixCell {
                influence,
                impact,
                stance: stance(&st),
                count,
            })
            .collect();
        let points = store::points(conn, &scope, account, MAX_POINTS)?
            .into_iter()
            .map(|(id, name, influence, impact, q, st)| MatrixPoint {
                id,
                name,
                influence,
                impact,
                quadrant: Quadrant::parse(&q).unwrap_or(Quadrant::Unassessed),
                stance: stance(&st),
            })
            .collect();
        Ok(Matrix { total, counts: by_quadrant, cells, points, points_truncated: total > MAX_POINTS })
    })
    .await
}

/// The 2×2 chart as SVG, optionally of one account, labelled and worded as asked.
pub async fn matrix_image(
    pool: &Pool,
    viewer: Viewer,
    account: Option<String>,
    labels: Labels,
    lang: &'static str,
) -> Result<String, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let account = account.as_deref();
        let grid = store::grid(conn, &scope, account)?;
        let assessed: i64 = grid.iter().filter(|g| g.0.is_some() && g.1.is_some()).map(|g| g.3).sum();
        let unassessed: i64 = grid.iter().filter(|g| g.0.is_none() || g.1.is_none()).map(|g| g.3).sum();
        if assessed as usize <= MAX_DOTS {
            let points = store::points(conn, &scope, account, MAX_POINTS)?;
            let dots: Vec<Dot> = points
                .iter()
                .filter_map(|(_, name, i, m, _, st)| {
                    Some(Dot { name, influence: (*i)?, impact: (*m)?, stance: st })
                })
                .collect();
            Ok(matrix_svg::with_dots(&dots, unassessed, labels, lang))
        } else {
            let cells: Vec<Cell> = grid
                .iter()
                .filter_map(|(i, m, st, n)| {
                    Some(Cell { influence: (*i)?, impact: (*m)?, stance: st, count: *n })
                })
                .collect();
            Ok(matrix_svg::with_cells(&cells, unassessed, lang))
        }
    })
    .await
}

/// A form's results per month of the window.
pub async fn feedback(
    pool: &Pool,
    viewer: Viewer,
    form_id: String,
    months: Vec<Period>,
) -> Result<Vec<FeedbackMonth>, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let form =
            forms::find(conn, &scope.workspace_id, &form_id)?.ok_or_else(|| ApiError::not_found("form"))?;
        let people = store::people(conn, &scope)?;
        let expected = store::audience_size(conn, &scope, &people, &form.audience)?;
        let (from, to) = (months[0].to_string(), months[months.len() - 1].to_string());
        let by_period: HashMap<String, [i64; 4]> =
            store::submissions_by_period(conn, &scope, Some(&form.id), &from, &to)?.into_iter().collect();
        Ok(months
            .iter()
            .map(|m| {
                let [n, p, pa, d] = by_period.get(&m.to_string()).copied().unwrap_or_default();
                FeedbackMonth {
                    period: m.to_string(),
                    expected,
                    submitted: n,
                    response_rate: rate(n, expected),
                    nps: Nps::from_counts(p, pa, d),
                }
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// Interactions per month and kind over the window.
pub async fn monthly(
    pool: &Pool,
    viewer: Viewer,
    months: &[Period],
) -> Result<Vec<store::MonthKind>, ApiError> {
    let scope = scope(&viewer);
    let (from, to) = (months[0].to_string(), months[months.len() - 1].to_string());
    run(pool, move |conn| Ok(store::interactions_by_month(conn, &scope, &from, &to)?)).await
}

/// Live plans per owner: total, on track, overdue (as of today).
pub async fn plan_counts(
    pool: &Pool,
    viewer: Viewer,
) -> Result<BTreeMap<Option<String>, store::OwnerPlans>, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| Ok(store::plan_counts(conn, &scope, crate::time::now().date_naive())?)).await
}
