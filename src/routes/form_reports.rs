//! A form's period: report, who is missing, and closing the loop.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::stakeholders::view::StakeholderView;
use crate::auth::Auth;
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::period::Period;
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::service::form_reports as service;
pub use crate::service::form_reports::{Closure, FormReport};
use crate::service::reminders::{self, Reminded};
use crate::state::AppState;

/// Audience members who have not submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingPage {
    /// Stakeholders to remind, by id.
    pub items: Vec<StakeholderView>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

fn period_param(params: &HashMap<String, String>) -> Result<String, ApiError> {
    match params.get("period") {
        None => Ok(Period::current().to_string()),
        Some(p) => Period::parse(p)
            .map(|p| p.to_string())
            .ok_or_else(|| ApiError::invalid("period", "must be a month YYYY-MM")),
    }
}

/// Results for a month: expected, submitted, response rate, NPS and per-question
/// counts and means.
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("period" = Option<String>, Query, description = "YYYY-MM; default the current month")),
    responses((status = 200, body = FormReport)),
    security(("bearer" = [])))]
#[get("/forms/{id}/report")]
pub async fn report(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let period = period_param(&params)?;
    let report = service::report(&state.pool, auth, id.into_inner(), period).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Audience members with no submission for the month: who to remind.
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("period" = Option<String>, Query, description = "YYYY-MM; default the current month"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = MissingPage)),
    security(("bearer" = [])))]
#[get("/forms/{id}/missing")]
pub async fn missing(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let period = period_param(&params)?;
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    let role = auth.role;
    let people = service::missing(&state.pool, auth, id.into_inner(), period, query).await?;
    let (people, next_cursor) = page.finish(people, &state.cursors, |x| &x.id);
    let items = people.into_iter().map(|s| StakeholderView::for_role(s, role)).collect();
    Ok(HttpResponse::Ok().json(MissingPage { items, next_cursor }))
}

/// The points still without a response when a close is refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unanswered {
    /// RFC 9457 fields as in every problem.
    #[serde(flatten)]
    pub problem: crate::error::Problem,
    /// Every point of the period that still lacks a response.
    pub unanswered: Vec<FeedbackItem>,
}

/// Close a month: 409 listing every point of the period still without a response;
/// 200 once every point is answered (again 200 if already closed).
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("period" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = Closure),
              (status = 409, description = "Points still lack a response; `unanswered` lists them", body = Unanswered, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[post("/forms/{id}/periods/{period}/close")]
pub async fn close(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = path.into_inner();
    let period = Period::parse(&period)
        .ok_or_else(|| ApiError::invalid("period", "must be a month YYYY-MM"))?
        .to_string();
    let outcome = service::close(&state.pool, auth, id, period).await?;
    match outcome {
        Ok(closure) => Ok(HttpResponse::Ok().json(closure)),
        Err(open) => {
            let error =
                ApiError::Conflict(format!("{} point(s) of this period still lack a response", open.len()));
            let body = Unanswered { problem: error.problem(), unanswered: open };
            Ok(HttpResponse::Conflict().content_type(crate::error::PROBLEM_JSON).json(body))
        }
    }
}

/// Remind everyone in the audience who has not answered the month: a fresh access link
/// each, and a `form.reminder` webhook event with the person's contact fields, language,
/// the form title in that language and the link URL, for the CRM or mail tool to send.
/// At most once per person, form and month per 24 hours (`recently_reminded` counts
/// those skipped). Confidential people are never reminded this way (the CRM never sees
/// them). 422 for an archived form or a future month, 409 for a closed month.
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("period" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = Reminded)),
    security(("bearer" = [])))]
#[post("/forms/{id}/periods/{period}/reminders")]
pub async fn remind(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = path.into_inner();
    let period = match Period::parse(&period) {
        Some(p) if p.is_future() => return Err(ApiError::invalid("period", "is in the future")),
        Some(p) => p.to_string(),
        None => return Err(ApiError::invalid("period", "must be a month YYYY-MM")),
    };
    let settings = reminders::Settings {
        link_url: state.access_link_url.clone(),
        default_locale: state.default_locale.clone(),
    };
    let done = reminders::send(&state.pool, auth, (id, period), settings).await?;
    Ok(HttpResponse::Ok().json(done))
}

/// Registers the report routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(report).service(missing).service(close).service(remind);
}
