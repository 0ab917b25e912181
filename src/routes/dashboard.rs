//! `/v1/dashboard/*`: the front-end's home screen. Every number comes from a database
//! aggregate; confidential people count only for admin and manager.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::groups_svg;
use crate::domain::matrix_svg::Labels;
use crate::domain::nps::rate;
use crate::domain::period::Period;
use crate::error::ApiError;
use crate::service::dashboard as service;
pub use crate::service::dashboard::{FeedbackMonth, FeedbackMonths, Matrix, Summary};
use crate::state::AppState;
use crate::store::dashboard as store;

/// Counts by group, category, quadrant, stance, decision role and relationship status;
/// overdue plans; open points; the latest NPS.
#[utoipa::path(tag = "dashboard", responses((status = 200, body = Summary)), security(("bearer" = [])))]
#[get("/dashboard/summary")]
pub async fn summary(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let body = service::summary(&state.pool, auth).await?;
    Ok(HttpResponse::Ok().json(body))
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
    let body = service::matrix(&state.pool, auth, account).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The 2×2 chart as a 1280×720 picture for a slide: up to 200 people, each a dot coloured
/// by stance (Okabe–Ito palette, with a legend) and labelled so that no label covers
/// another or a dot (people on one score fan out; a label set apart gets a leader line);
/// quadrant names and axis titles in `lang`; the unassessed counted. Above 200 people,
/// counts per cell and stance. Confidential people only for admin and manager.
#[utoipa::path(tag = "dashboard", params(("account_id" = Option<String>, Query, description = "Only this account's people"),
        ("labels" = Option<Labels>, Query, description = "What each dot is labelled with (default name)"),
        ("lang" = Option<String>, Query, pattern = "^[A-Za-z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|[0-9]{3}))?$", description = "Language of the picture's words: en, zh-CN, ko or fi (others: the closest, else en); default from Accept-Language"),
        ("Accept-Language" = Option<String>, Header, description = "Used when `lang` is absent")),
    responses((status = 200, description = "image/svg+xml", body = String, content_type = "image/svg+xml")), security(("bearer" = [])))]
#[get("/dashboard/matrix.svg")]
pub async fn matrix_image(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let account = account_param(&params)?;
    let labels = match params.get("labels") {
        None => Labels::Name,
        Some(v) => Labels::parse(v)
            .ok_or_else(|| ApiError::invalid("labels", format!("must be one of {}", Labels::expected())))?,
    };
    let lang = picture_lang(&req, &params)?;
    let svg = service::matrix_image(&state.pool, auth, account, labels, lang).await?;
    Ok(svg_response(svg, lang))
}

/// The register as concentric rings for a slide: the team in the middle, internal
/// people around it, external people outside, each a dot in their ring coloured by stance
/// and named (no label covers another or a dot), key relationships (conflicts, and links
/// of strength 3 or more or unrated) drawn between them; words in `lang`. Confidential
/// people only for admin and manager. At most 200 people (narrow with `account_id`).
#[utoipa::path(tag = "dashboard", params(("account_id" = Option<String>, Query, description = "Only this account's people"),
        ("lang" = Option<String>, Query, pattern = "^[A-Za-z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|[0-9]{3}))?$", description = "Language of the picture's words: en, zh-CN, ko or fi; default from Accept-Language"),
        ("Accept-Language" = Option<String>, Header, description = "Used when `lang` is absent")),
    responses((status = 200, description = "image/svg+xml", body = String, content_type = "image/svg+xml")), security(("bearer" = [])))]
#[get("/dashboard/groups.svg")]
pub async fn groups_image(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let account = account_param(&params)?;
    let lang = picture_lang(&req, &params)?;
    let net = crate::service::network::network(&state.pool, auth, account).await?;
    if net.nodes.len() > groups_svg::MAX_PEOPLE {
        return Err(ApiError::invalid(
            "account_id",
            format!("the picture shows at most {} people: narrow it with account_id", groups_svg::MAX_PEOPLE),
        ));
    }
    Ok(svg_response(groups_svg::render(&net, lang), lang))
}

/// The language of a picture: `lang`, else the request's `Accept-Language`, else English.
pub fn picture_lang(req: &HttpRequest, params: &HashMap<String, String>) -> Result<&'static str, ApiError> {
    let accept = req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    crate::domain::picture_words::choose(params.get("lang").map(String::as_str), accept)
        .map_err(|message| ApiError::invalid("lang", message))
}

/// A picture's response: SVG, in its language.
pub fn svg_response(svg: String, lang: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((actix_web::http::header::CONTENT_LANGUAGE, lang.to_string()))
        .body(svg)
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
    // Ids that are not UUIDs never reach the database.
    if uuid::Uuid::parse_str(&form_id).is_err() {
        return Err(ApiError::invalid("form_id", "must be a UUID"));
    }
    let months = months(&params)?;
    let rows = service::feedback(&state.pool, auth, form_id, months).await?;
    Ok(HttpResponse::Ok().json(FeedbackMonths { items: rows }))
}

/// Interactions per month by kind; overdue plans by owner; share of plans on track.
#[utoipa::path(tag = "dashboard",
    params(("from" = Option<String>, Query, format = "month", description = "YYYY-MM; default 11 months before `to`"), ("to" = Option<String>, Query, format = "month", description = "YYYY-MM; default the current month")),
    responses((status = 200, body = service::Engagement)),
    security(("bearer" = [])))]
#[get("/dashboard/engagement")]
pub async fn engagement(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let months = months(&params)?;
    let rows = service::monthly(&state.pool, auth.clone(), &months).await?;
    let plans = service::plan_counts(&state.pool, auth).await?;
    let (total, on_track) = plans.values().fold((0, 0), |(t, o), c| (t + c.total, o + c.on_track));
    let owners = plans.into_iter().filter(|(_, c)| c.overdue > 0).map(|(owner, c)| (owner, c.overdue));
    let by_month = months
        .iter()
        .map(|m| {
            let month = m.to_string();
            let by_kind = rows.iter().filter(|r| r.0 == month).map(|r| (r.1.clone(), r.2)).collect();
            let total: i64 = rows.iter().filter(|r| r.0 == month).map(|r| r.2).sum();
            service::EngagementMonth { month, total, by_kind }
        })
        .collect();
    let mut owners: Vec<service::OwnerOverdue> =
        owners.map(|(owner, count)| service::OwnerOverdue { owner, count }).collect();
    owners.sort_by(|a, b| b.count.cmp(&a.count).then(a.owner.cmp(&b.owner)));
    Ok(HttpResponse::Ok().json(service::Engagement {
        months: by_month,
        overdue_by_owner: owners,
        plans: service::PlanShare { total, on_track, share_on_track: rate(on_track, total) },
    }))
}

/// Per month: meetings, speaking (speaking + interview), social shares, and the sums of
/// reactions, clicks and impressions over all interactions.
#[utoipa::path(tag = "dashboard",
    params(("from" = Option<String>, Query, format = "month", description = "YYYY-MM; default 11 months before `to`"), ("to" = Option<String>, Query, format = "month", description = "YYYY-MM; default the current month")),
    responses((status = 200, body = service::Advocacy)),
    security(("bearer" = [])))]
#[get("/dashboard/advocacy")]
pub async fn advocacy(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let months = months(&params)?;
    let rows = service::monthly(&state.pool, auth, &months).await?;
    let by_month = months
        .iter()
        .map(|m| {
            let month = m.to_string();
            let of = |kinds: &[&str]| {
                rows.iter()
                    .filter(|r| r.0 == month && kinds.contains(&r.1.as_str()))
                    .map(|r| r.2)
                    .sum::<i64>()
            };
            let sum =
                |f: fn(&store::MonthKind) -> i64| rows.iter().filter(|r| r.0 == month).map(f).sum::<i64>();
            service::AdvocacyMonth {
                meetings: of(&["meeting"]),
                speaking: of(&["speaking", "interview"]),
                social_shares: of(&["social_share"]),
                reactions: sum(|r| r.6),
                clicks: sum(|r| r.4),
                impressions: sum(|r| r.3),
                month,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(service::Advocacy { months: by_month }))
}

/// Critics with influence ≥ 4, veto holders who are not advocates, key players without a
/// plan, overdue plans, contracts ending within 90 days, points older than 30 days
/// without a response: each `{total, items}` (first 50).
#[utoipa::path(tag = "dashboard", responses((status = 200, body = service::Risks)), security(("bearer" = [])))]
#[get("/dashboard/risks")]
pub async fn risks(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let body = crate::service::risks::risks(&state.pool, auth).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Registers the dashboard routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(summary)
        .service(matrix)
        .service(matrix_image)
        .service(groups_image)
        .service(feedback)
        .service(engagement)
        .service(advocacy)
        .service(risks);
}
