//! A form's period: report, who is missing, and closing the loop.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::forms::load as load_form;
use super::stakeholders::view::StakeholderView;
use super::support::with_conn;
use crate::auth::Auth;
use crate::db::tx;
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::nps::{rate, Nps};
use crate::domain::period::Period;
use crate::domain::report::{per_question, QuestionResult};
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::startup::AppState;
use crate::store::{audience, feedback_items, forms, submissions};

/// A form's results for one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormReport {
    /// The form.
    pub form_id: String,
    /// The month.
    pub period: String,
    /// Audience size now (live stakeholders matching the audience).
    pub expected: i64,
    /// Submissions for the period.
    pub submitted: i64,
    /// submitted / expected as a fraction (0–1, four decimals; 0 when nobody is expected).
    pub response_rate: f64,
    /// NPS of the period's NPS answers.
    pub nps: Nps,
    /// Per question, each submission counted under its own form version.
    pub questions: Vec<QuestionResult>,
    /// Whether the period has been closed.
    pub closed: bool,
}

/// Audience members who have not submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingPage {
    /// Stakeholders to remind, by id.
    pub items: Vec<StakeholderView>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The answer to closing a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct Closure {
    /// The form.
    pub form_id: String,
    /// The month now closed: no new submissions or amendments.
    pub period: String,
    /// True.
    pub closed: bool,
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
    let report = with_conn(&state, move |conn| {
        let form = load_form(conn, &auth, &id)?;
        let ws = &auth.workspace_id;
        // Only people the caller may see count, as on the dashboard and submission list.
        let expected = match auth.sees_confidential() {
            true => audience::count(conn, ws, &form.audience)?,
            false => audience::count_public(conn, ws, &form.audience)?,
        };
        let (submitted, promoters, passives, detractors) =
            submissions::period_counts(conn, &auth, &form.id, &period)?;
        let versions = forms::versions(conn, ws, &form.id)?;
        let answers = submissions::period_answers(conn, &auth, &form.id, &period)?
            .into_iter()
            .map(|(v, text)| (v, serde_json::from_str(&text).unwrap_or_default()))
            .collect::<Vec<_>>();
        let closed = submissions::is_closed(conn, ws, &form.id, &period)?;
        Ok(FormReport {
            form_id: form.id,
            period,
            expected,
            submitted,
            response_rate: rate(submitted, expected),
            nps: Nps::from_counts(promoters, passives, detractors),
            questions: per_question(&versions, &answers),
            closed,
        })
    })
    .await?;
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
    let people = with_conn(&state, move |conn| {
        let form = load_form(conn, &auth, &id)?;
        Ok(audience::missing(
            conn,
            &auth.workspace_id,
            &form.audience,
            &form.id,
            &period,
            !role.sees_confidential(),
            &query,
        )?)
    })
    .await?;
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
    let outcome = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            let form = load_form(c, &auth, &id)?;
            let open = feedback_items::unanswered(c, &auth.workspace_id, &form.id, &period)?;
            if !open.is_empty() {
                return Ok(Err(open));
            }
            submissions::close(c, &auth.workspace_id, &form.id, &period, &auth.sub)?;
            Ok(Ok(Closure { form_id: form.id, period: period.clone(), closed: true }))
        })
    })
    .await?;
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

/// Registers the report routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(report).service(missing).service(close);
}
