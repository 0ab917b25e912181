//! Submissions: `POST /v1/forms/{id}/submissions`, `/v1/submissions`.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::{Auth, Role};
use crate::domain::period::Period;
use crate::domain::submission::Submission;
use crate::error::{ApiError, FieldError};
use crate::pagination::IdPage;
use crate::service::submissions as service;
use crate::state::AppState;
use crate::store::submissions as store;

/// A submission with its person's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionRow {
    /// The submission.
    #[serde(flatten)]
    pub submission: Submission,
    /// Whose answers these are, as the caller may know them.
    pub stakeholder: crate::service::people::PersonRef,
}

/// A page of submissions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    /// Oldest first.
    pub items: Vec<SubmissionRow>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Submit body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct SubmissionInput {
    /// Who answers; taken from the token for stakeholder tokens (any other id is 403).
    #[schema(format = "uuid")]
    stakeholder_id: Option<String>,
    /// `YYYY-MM`; default the current month (UTC); future months are 422.
    #[schema(format = "month")]
    period: Option<String>,
    /// `{question_key: value}` checked against the form's latest version.
    #[schema(value_type = Object)]
    answers: Map<String, Value>,
}

/// Amend body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AmendInput {
    /// The complete new answers, checked against the submission's own form version.
    #[schema(value_type = Object)]
    answers: Map<String, Value>,
}

fn parse_body(
    auth: &Auth,
    body: &Map<String, Value>,
) -> Result<(String, Period, Map<String, Value>), ApiError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["stakeholder_id", "period", "answers"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a submission field"))
        .collect();
    let stakeholder_id = match (body.get("stakeholder_id"), &auth.stakeholder_id) {
        (None | Some(Value::Null), Some(own)) if auth.role == Role::Stakeholder => Some(own.clone()),
        (Some(v), _) => {
            crate::domain::fields::uuid("stakeholder_id", v).map_err(|e| errors.push(e)).ok().flatten()
        }
        _ => None,
    };
    if stakeholder_id.is_none() && !errors.iter().any(|e| e.field == "stakeholder_id") {
        errors.push(FieldError::new("stakeholder_id", "is required"));
    }
    let period = match body.get("period") {
        None | Some(Value::Null) => Some(Period::current()),
        Some(Value::String(s)) => match Period::parse(s) {
            Some(p) if p.is_future() => {
                errors.push(FieldError::new("period", "is in the future"));
                None
            }
            Some(p) => Some(p),
            None => {
                errors.push(FieldError::new("period", "must be a month YYYY-MM"));
                None
            }
        },
        Some(_) => {
            errors.push(FieldError::new("period", "must be a month YYYY-MM"));
            None
        }
    };
    let answers = match body.get("answers") {
        Some(Value::Object(a)) => Some(a.clone()),
        _ => {
            errors.push(FieldError::new("answers", "is required: an object of question_key: value"));
            None
        }
    };
    match (stakeholder_id, period, answers) {
        (Some(s), Some(p), Some(a)) if errors.is_empty() => Ok((s, p, a)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Submit a form for a stakeholder and month (201, pinned to the latest form version).
/// Archived forms, closed and future periods and invalid answers are 422 (one entry per
/// problem); a stakeholder outside the audience is 403; a second submission for the same
/// form, stakeholder and period is 409 naming the first.
#[utoipa::path(tag = "feedback", params(("id" = String, Path, description = "Form id")),
    request_body = SubmissionInput,
    responses((status = 201, body = Submission, headers(("Location" = String, description = "URL of the submission"))),
              (status = 409, description = "Already submitted for this period; `detail` names the existing submission", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[post("/forms/{id}/submissions")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let internal = auth.sees_internal_actors();
    let (stakeholder_id, period, given) = parse_body(&auth, &body)?;
    let submission =
        service::create(&state.pool, auth, id.into_inner(), (stakeholder_id, period, given)).await?;
    let submission = submission.shown(internal);
    Ok(created(&format!("/v1/submissions/{}", submission.id), submission.version, &submission))
}

/// Amend a submission's answers while its period is open (checked against its own version).
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Submission id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body = AmendInput,
    responses((status = 200, body = Submission)),
    security(("bearer" = [])))]
#[put("/submissions/{id}")]
pub async fn amend(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let internal = auth.sees_internal_actors();
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| *k != "answers")
        .map(|k| FieldError::new(k, "only answers can be amended"))
        .collect();
    let given = match body.get("answers") {
        Some(Value::Object(a)) => a.clone(),
        _ => {
            errors.push(FieldError::new("answers", "is required: an object of question_key: value"));
            Map::new()
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let submission = service::amend(&state.pool, auth, id.into_inner(), if_match, given).await?;
    let submission = submission.shown(internal);
    Ok(with_etag(StatusCode::OK, submission.version, &submission))
}

/// One submission (a stakeholder token: only its own, 404 otherwise).
#[utoipa::path(tag = "feedback", params(("id" = String, Path, description = "Submission id")),
    responses((status = 200, body = Submission)),
    security(("bearer" = [])))]
#[get("/submissions/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let internal = auth.sees_internal_actors();
    let submission = service::get(&state.pool, auth, id.into_inner()).await?;
    let submission = submission.shown(internal);
    Ok(with_etag(StatusCode::OK, submission.version, &submission))
}

/// Submissions, oldest first (a stakeholder token sees only its own).
#[utoipa::path(tag = "feedback",
    params(("ids" = Option<String>, Query, description = "Only these records: a comma list of at most 500 ids"),
           ("form_id" = Option<String>, Query, description = "Only this form"),
           ("period" = Option<String>, Query, description = "Only this month, YYYY-MM"),
           ("stakeholder_id" = Option<String>, Query, description = "Only this stakeholder"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = SubmissionPage)),
    security(("bearer" = [])))]
#[get("/submissions")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let internal = auth.sees_internal_actors();
    let mut errors = Vec::new();
    let mut filter = store::Filter {
        ids: super::support::ids_param(&params, &mut errors),
        stakeholder_id: super::support::uuid_param(&params, "stakeholder_id", &mut errors),
        form_id: super::support::uuid_param(&params, "form_id", &mut errors),
        ..Default::default()
    };
    if let Some(p) = params.get("period") {
        match Period::parse(p) {
            Some(p) => filter.period = Some(p.to_string()),
            None => errors.push(FieldError::new("period", "must be a month YYYY-MM")),
        }
    }
    if auth.role == Role::Stakeholder {
        let own = auth.stakeholder_id.clone();
        if filter.stakeholder_id.is_some() && filter.stakeholder_id != own {
            return Err(ApiError::Forbidden("a stakeholder token may only read its own submissions".into()));
        }
        filter.stakeholder_id = own;
    }
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let viewer = auth.clone();
    let items = service::list(&state.pool, auth, filter, query.after.clone(), query.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    let ids = items.iter().map(|s| s.stakeholder_id.clone()).collect();
    let people = crate::service::people::refs(&state.pool, &viewer, ids).await?;
    let items = items
        .into_iter()
        .map(|x| SubmissionRow { stakeholder: people.of(&x.stakeholder_id), submission: x.shown(internal) })
        .collect();
    Ok(HttpResponse::Ok().json(SubmissionPage { items, next_cursor }))
}

/// Registers the submission routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(amend);
}
