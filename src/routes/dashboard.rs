//! `/v1/dashboard/*`: the front-end's home screen. Every number comes from a database
//! aggregate; confidential people count only for admin and manager.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::with_conn;
use crate::auth::Auth;
use crate::domain::matrix_svg::{self, Cell, Dot, MAX_DOTS};
use crate::domain::nps::{rate, Nps};
use crate::domain::period::Period;
use crate::domain::quadrant::quadrant;
use crate::domain::tally;
use crate::error::ApiError;
use crate::startup::AppState;
use crate::store::dashboard::Scope;
use crate::store::{dashboard as store, forms};

/// Items listed per risk (the total is always given).
const RISK_ITEMS: i64 = 50;
/// Individual points a matrix answer lists at most.
const MAX_POINTS: i64 = 1000;

fn scope(auth: &Auth) -> Scope {
    Scope { workspace_id: auth.workspace_id.clone(), hide_confidential: !auth.role.sees_confidential() }
}

/// One dimension's counters as `{value: count}`, not set as `none`.
fn counts(people: &store::PeopleTallies, dimension: &str) -> Map<String, Value> {
    let values = people.get(dimension).into_iter().flatten();
    values.map(|(v, n)| (if v == tally::NONE { "none".to_string() } else { v.clone() }, json!(n))).collect()
}

/// Counts for the home screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// Live stakeholders: `total` and counts `by_group`, `by_category`, `by_quadrant`,
    /// `by_stance`, `by_decision_role`, `by_relationship_status` (`none` = not set).
    #[schema(value_type = Object)]
    pub stakeholders: Value,
    /// Live plans past their due date.
    pub overdue_plans: i64,
    /// Points neither done nor declined.
    pub open_points: i64,
    /// NPS of the latest month with answers (all forms): `{period, score, promoters,
    /// passives, detractors}`, or null.
    #[schema(value_type = Option<Object>)]
    pub latest_nps: Option<Value>,
}

/// Counts by group, category, quadrant, stance, decision role and relationship status;
/// overdue plans; open points; the latest NPS.
#[utoipa::path(tag = "dashboard", responses((status = 200, body = Summary)), security(("bearer" = [])))]
#[get("/dashboard/summary")]
pub async fn summary(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let scope = scope(&auth);
    let body = with_conn(&state, move |conn| {
        let people = store::people(conn, &scope)?;
        let total: i64 = people.get("group").map_or(0, |g| g.values().sum());
        let today = crate::time::now().date_naive();
        let overdue: i64 = store::plan_counts(conn, &scope, today)?.values().map(|c| c.overdue).sum();
        let latest = match store::latest_nps_period(conn, &scope)? {
            Some(period) => {
                let rows = store::submissions_by_period(conn, &scope, None, &period, &period)?;
                let [_, p, pa, d] = rows.get(&period).copied().unwrap_or_default();
                let nps = Nps::from_counts(p, pa, d);
                Some(json!({"period": period, "score": nps.score, "promoters": p, "passives": pa, "detractors": d}))
            }
            None => None,
        };
        let cells = store::cells(&people);
        let by = |f: fn(&store::GridCell) -> String| {
            let mut out = Map::new();
            for cell in &cells {
                let n = out.get(&f(cell)).and_then(Value::as_i64).unwrap_or(0) + cell.3;
                out.insert(f(cell), json!(n));
            }
            out
        };
        Ok(Summary {
            stakeholders: json!({
                "total": total, "by_group": counts(&people, "group"), "by_category": counts(&people, "category"),
                "by_quadrant": by(|c| quadrant(c.0, c.1).as_str().to_string()), "by_stance": by(|c| c.2.clone()),
                "by_decision_role": counts(&people, "decision_role"),
                "by_relationship_status": counts(&people, "relationship_status"),
            }),
            overdue_plans: overdue,
            open_points: store::open_points(conn, &scope)?,
            latest_nps: latest,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The matrix: counts per quadrant × stance, per score cell, and (up to 1000) points.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matrix {
    /// Live people in scope.
    pub total: i64,
    /// `{quadrant: {stance: count}}`.
    #[schema(value_type = Object)]
    pub counts: Value,
    /// People per influence × impact × stance cell (scores null = not assessed).
    #[schema(value_type = Vec<Object>)]
    pub cells: Vec<Value>,
    /// One entry per person (id, name, influence, impact, quadrant, stance), by name.
    #[schema(value_type = Vec<Object>)]
    pub points: Vec<Value>,
    /// True when there are more than 1000 people and `points` lists the first 1000.
    pub points_truncated: bool,
}

fn account_param(params: &HashMap<String, String>) -> Result<Option<String>, ApiError> {
    params
        .get("account_id")
        .map(|a| {
            crate::domain::fields::uuid("account_id", &Value::from(a.as_str()))
                .map_err(|e| ApiError::Validation(vec![e]))
        })
        .transpose()
        .map(Option::flatten)
}

/// Points and counts per quadrant × stance, optionally of one account.
#[utoipa::path(tag = "dashboard", params(("account_id" = Option<String>, Query, description = "Only this account's people")),
    responses((status = 200, body = Matrix)), security(("bearer" = [])))]
#[get("/dashboard/matrix")]
pub async fn matrix(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let account = account_param(&params)?;
    let scope = scope(&auth);
    let body = with_conn(&state, move |conn| {
        let account = account.as_deref();
        let mut by_quadrant: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut total = 0;
        let grid = store::grid(conn, &scope, account)?;
        for (influence, impact, stance, n) in &grid {
            total += n;
            let stances = by_quadrant.entry(quadrant(*influence, *impact).as_str().to_string()).or_default();
            let sum = stances.get(stance).and_then(Value::as_i64).unwrap_or(0) + n;
            stances.insert(stance.clone(), json!(sum));
        }
        let cells = grid
            .into_iter()
            .map(|(i, m, st, n)| json!({"influence": i, "impact": m, "stance": st, "count": n}))
            .collect();
        let points = store::points(conn, &scope, account, MAX_POINTS)?
            .into_iter()
            .map(|(id, name, i, m, q, st)| json!({"id": id, "name": name, "influence": i, "impact": m, "quadrant": q, "stance": st}))
            .collect();
        Ok(Matrix { total, counts: json!(by_quadrant), cells, points, points_truncated: total > MAX_POINTS })
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The 2×2 chart as SVG: dots coloured by stance (names on hover) up to 200 people,
/// per-cell counts beyond.
#[utoipa::path(tag = "dashboard", params(("account_id" = Option<String>, Query, description = "Only this account's people")),
    responses((status = 200, description = "image/svg+xml", body = String, content_type = "image/svg+xml")), security(("bearer" = [])))]
#[get("/dashboard/matrix.svg")]
pub async fn matrix_image(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let account = account_param(&params)?;
    let scope = scope(&auth);
    let svg = with_conn(&state, move |conn| {
        let account = account.as_deref();
        let grid = store::grid(conn, &scope, account)?;
        let assessed: i64 = grid.iter().filter(|g| g.0.is_some() && g.1.is_some()).map(|g| g.3).sum();
        let unassessed: i64 = grid.iter().filter(|g| g.0.is_none() || g.1.is_none()).map(|g| g.3).sum();
        let title = "Influence × impact";
        if assessed as usize <= MAX_DOTS {
            let points = store::points(conn, &scope, account, MAX_POINTS)?;
            let dots: Vec<Dot> = points
                .iter()
                .filter_map(|(_, name, i, m, _, st)| {
                    Some(Dot { name, influence: (*i)?, impact: (*m)?, stance: st })
                })
                .collect();
            Ok(matrix_svg::with_dots(title, &dots, unassessed))
        } else {
            let cells: Vec<Cell> = grid
                .iter()
                .filter_map(|(i, m, st, n)| {
                    Some(Cell { influence: (*i)?, impact: (*m)?, stance: st, count: *n })
                })
                .collect();
            Ok(matrix_svg::with_cells(title, &cells, unassessed))
        }
    })
    .await?;
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(svg))
}

/// `from..=to` months: default the last 12 months; at most 60.
fn months(params: &HashMap<String, String>) -> Result<Vec<Period>, ApiError> {
    let parse = |key: &str| {
        params
            .get(key)
            .map(|v| Period::parse(v).ok_or_else(|| ApiError::invalid(key, "must be a month YYYY-MM")))
            .transpose()
    };
    let to = parse("to")?.unwrap_or_else(Period::current);
    let from = match parse("from")? {
        Some(f) => f,
        None => (0..11).fold(to, |p, _| p.previous()).max(Period::FIRST),
    };
    let mut out = vec![from];
    while *out.last().expect("not empty") < to {
        let next = out.last().expect("not empty").next();
        out.push(next);
        if out.len() > 60 {
            return Err(ApiError::invalid("from", "the window is at most 60 months"));
        }
    }
    if from > to {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    Ok(out)
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

/// Per month of a form: expected, submitted, response rate and NPS.
#[utoipa::path(tag = "dashboard",
    params(("form_id" = String, Query, description = "The form"), ("from" = Option<String>, Query, format = "month", description = "YYYY-MM; default 11 months before `to`"),
           ("to" = Option<String>, Query, format = "month", description = "YYYY-MM; default the current month")),
    responses((status = 200, body = FeedbackMonths)), security(("bearer" = [])))]
#[get("/dashboard/feedback")]
pub async fn feedback(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let form_id =
        params.get("form_id").cloned().ok_or_else(|| ApiError::invalid("form_id", "is required"))?;
    let months = months(&params)?;
    let scope = scope(&auth);
    let rows = with_conn(&state, move |conn| {
        let form =
            forms::find(conn, &auth.workspace_id, &form_id)?.ok_or_else(|| ApiError::not_found("form"))?;
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
    .await?;
    Ok(HttpResponse::Ok().json(FeedbackMonths { items: rows }))
}

type MonthRows = Vec<store::MonthKind>;

async fn monthly(state: &web::Data<AppState>, auth: &Auth, months: &[Period]) -> Result<MonthRows, ApiError> {
    let scope = scope(auth);
    let (from, to) = (months[0].to_string(), months[months.len() - 1].to_string());
    with_conn(state, move |conn| Ok(store::interactions_by_month(conn, &scope, &from, &to)?)).await
}

/// Interactions per month by kind; overdue plans by owner; share of plans on track.
#[utoipa::path(tag = "dashboard",
    params(("from" = Option<String>, Query, format = "month", description = "YYYY-MM; default 11 months before `to`"), ("to" = Option<String>, Query, format = "month", description = "YYYY-MM; default the current month")),
    responses((status = 200, description = "`{months: [{month, total, by_kind}], overdue_by_owner: [{owner, count}], plans: {total, on_track, share_on_track}}`", body = Object)),
    security(("bearer" = [])))]
#[get("/dashboard/engagement")]
pub async fn engagement(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let months = months(&params)?;
    let rows = monthly(&state, &auth, &months).await?;
    let scope = scope(&auth);
    let plans =
        with_conn(&state, move |conn| Ok(store::plan_counts(conn, &scope, crate::time::now().date_naive())?))
            .await?;
    let (total, on_track) = plans.values().fold((0, 0), |(t, o), c| (t + c.total, o + c.on_track));
    let owners = plans.into_iter().filter(|(_, c)| c.overdue > 0).map(|(owner, c)| (owner, c.overdue));
    let by_month: Vec<Value> = months
        .iter()
        .map(|m| {
            let month = m.to_string();
            let kinds: Map<String, Value> =
                rows.iter().filter(|r| r.0 == month).map(|r| (r.1.clone(), json!(r.2))).collect();
            let total: i64 = rows.iter().filter(|r| r.0 == month).map(|r| r.2).sum();
            json!({"month": month, "total": total, "by_kind": kinds})
        })
        .collect();
    let mut owners: Vec<Value> = owners.map(|(o, n)| json!({"owner": o, "count": n})).collect();
    owners.sort_by(|a, b| {
        b["count"].as_i64().cmp(&a["count"].as_i64()).then(a["owner"].as_str().cmp(&b["owner"].as_str()))
    });
    Ok(HttpResponse::Ok().json(json!({
        "months": by_month, "overdue_by_owner": owners,
        "plans": {"total": total, "on_track": on_track, "share_on_track": rate(on_track, total)},
    })))
}

/// Per month: meetings, speaking (speaking + interview), social shares, and the sums of
/// reactions, clicks and impressions over all interactions.
#[utoipa::path(tag = "dashboard",
    params(("from" = Option<String>, Query, format = "month", description = "YYYY-MM; default 11 months before `to`"), ("to" = Option<String>, Query, format = "month", description = "YYYY-MM; default the current month")),
    responses((status = 200, description = "`{months: [{month, meetings, speaking, social_shares, reactions, clicks, impressions}]}`", body = Object)),
    security(("bearer" = [])))]
#[get("/dashboard/advocacy")]
pub async fn advocacy(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let months = months(&params)?;
    let rows = monthly(&state, &auth, &months).await?;
    let by_month: Vec<Value> = months
        .iter()
        .map(|m| {
            let month = m.to_string();
            let of = |kinds: &[&str]| rows.iter().filter(|r| r.0 == month && kinds.contains(&r.1.as_str())).map(|r| r.2).sum::<i64>();
            let sum = |f: fn(&store::MonthKind) -> i64| rows.iter().filter(|r| r.0 == month).map(f).sum::<i64>();
            json!({"month": month, "meetings": of(&["meeting"]), "speaking": of(&["speaking", "interview"]),
                   "social_shares": of(&["social_share"]), "reactions": sum(|r| r.6), "clicks": sum(|r| r.4), "impressions": sum(|r| r.3)})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"months": by_month})))
}

fn people(list: store::RiskList<store::RiskPerson>) -> Value {
    let items: Vec<Value> = list.items.into_iter().map(|(id, name, i, st, q)| json!({"id": id, "name": name, "influence": i, "stance": st, "quadrant": q})).collect();
    json!({"total": list.total, "items": items})
}

/// Critics with influence ≥ 4, veto holders who are not advocates, key players without a
/// plan, overdue plans, contracts ending within 90 days, points older than 30 days
/// without a response: each `{total, items}` (first 50).
#[utoipa::path(tag = "dashboard", responses((status = 200, description = "Risk lists", body = Object)), security(("bearer" = [])))]
#[get("/dashboard/risks")]
pub async fn risks(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let scope = scope(&auth);
    let body = with_conn(&state, move |conn| {
        let now = crate::time::now();
        let today = now.date_naive();
        let people_counts = store::people(conn, &scope)?;
        let overdue_total = store::plan_counts(conn, &scope, today)?.values().map(|c| c.overdue).sum();
        let overdue = store::overdue_plans(conn, &scope, today, overdue_total, RISK_ITEMS)?;
        let ending = store::contracts_ending(conn, &scope, today, RISK_ITEMS)?;
        let stale = store::stale_points(conn, &scope, (now - chrono::Duration::days(30)).naive_utc(), RISK_ITEMS)?;
        Ok(json!({
            "influential_critics": people(store::influential_critics(conn, &scope, &people_counts, RISK_ITEMS)?),
            "veto_not_advocate": people(store::unconvinced_vetoes(conn, &scope, &people_counts, RISK_ITEMS)?),
            "key_players_without_plan": people(store::unplanned_key_players(conn, &scope, &people_counts, RISK_ITEMS)?),
            "overdue_plans": {"total": overdue.total, "items": overdue.items.into_iter().map(|(id, s, d)| json!({"plan_id": id, "stakeholder_id": s, "next_due_on": d})).collect::<Vec<_>>()},
            "contracts_ending_soon": {"total": ending.total, "items": ending.items.into_iter().map(|(id, a, t, e)| json!({"contract_id": id, "account_id": a, "title": t, "end_date": e})).collect::<Vec<_>>()},
            "stale_points": {"total": stale.total, "items": stale.items.into_iter().map(|(id, s, t, at)| json!({"point_id": id, "stakeholder_id": s, "summary": t, "created_at": crate::time::rfc3339(at.and_utc())})).collect::<Vec<_>>()},
        }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Registers the dashboard routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(summary)
        .service(matrix)
        .service(matrix_image)
        .service(feedback)
        .service(engagement)
        .service(advocacy)
        .service(risks);
}
