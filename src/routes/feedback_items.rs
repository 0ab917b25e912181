//! `/v1/feedback-items`: actionable points and the response to each.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::Auth;
use crate::domain::feedback_item::{FeedbackItem, PointStatus, CREATE_FIELDS};
use crate::error::{ApiError, FieldError};
use crate::pagination::IdPage;
use crate::service::feedback_items as service;
use crate::state::AppState;
use crate::store::feedback_items as store;

/// A point with its person's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackItemRow {
    /// The point.
    #[serde(flatten)]
    pub point: FeedbackItem,
    /// Who raised it, as the caller may know them.
    pub stakeholder: crate::service::people::PersonRef,
}

/// A page of points.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackItemPage {
    /// Oldest first.
    pub items: Vec<FeedbackItemRow>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FeedbackItemInput {
    /// Who raised it.
    #[schema(format = "uuid")]
    stakeholder_id: String,
    /// The submission it came from (must be that stakeholder's).
    #[schema(format = "uuid")]
    submission_id: Option<String>,
    /// 1–500.
    #[schema(min_length = 1, max_length = 500, format = "line")]
    summary: String,
    /// ≤ 5000.
    #[schema(max_length = 5000, format = "text")]
    detail: Option<String>,
}

/// Triage body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FeedbackItemPatch {
    /// New status; done and declined need a response.
    #[schema(nullable = false)]
    status: Option<PointStatus>,
    /// What was done, or why not (≤ 5000).
    #[schema(max_length = 5000, format = "text")]
    response: Option<String>,
    /// 1–500.
    #[schema(nullable = false, min_length = 1, max_length = 500, format = "line")]
    summary: Option<String>,
    /// ≤ 5000.
    #[schema(max_length = 5000, format = "text")]
    detail: Option<String>,
}

/// Raise a point, standalone or from a submission (then it belongs to that form and period).
#[utoipa::path(tag = "feedback", request_body = FeedbackItemInput,
    responses((status = 201, body = FeedbackItem, headers(("Location" = String, description = "URL of the point")))),
    security(("bearer" = [])))]
#[post("/feedback-items")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let extra: Vec<FieldError> = body
        .keys()
        .filter(|k| !CREATE_FIELDS.contains(&k.as_str()))
        .map(|k| FieldError::new(k, "cannot be set on create (status and response come with triage)"))
        .collect();
    if !extra.is_empty() {
        return Err(ApiError::Validation(extra));
    }
    let item = service::create(&state.pool, auth, body.into_inner()).await?;
    Ok(created(&format!("/v1/feedback-items/{}", item.id), item.version, &item))
}

/// One point.
#[utoipa::path(tag = "feedback", params(("id" = String, Path, description = "Point id")),
    responses((status = 200, body = FeedbackItem)),
    security(("bearer" = [])))]
#[get("/feedback-items/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let item = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, item.version, &item))
}

/// Triage a point: status open → planned → in_progress → done | declined; done and
/// declined need a `response` (what was done, or why not), which reaches the person.
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Point id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content((FeedbackItemPatch = "application/merge-patch+json"), (FeedbackItemPatch = "application/json"))),
    responses((status = 200, body = FeedbackItem)),
    security(("bearer" = [])))]
#[patch("/feedback-items/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let fixed: Vec<FieldError> = ["stakeholder_id", "submission_id"]
        .iter()
        .filter(|k| body.contains_key(**k))
        .map(|k| FieldError::new(*k, "cannot be changed"))
        .collect();
    if !fixed.is_empty() {
        return Err(ApiError::Validation(fixed));
    }
    let item = service::update(&state.pool, auth, id.into_inner(), if_match, body.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, item.version, &item))
}

/// Points, oldest first.
#[utoipa::path(tag = "feedback",
    params(("ids" = Option<String>, Query, description = "Only these records: a comma list of at most 500 ids"),
           ("status" = Option<PointStatus>, Query, description = "Only this status"),
           ("stakeholder_id" = Option<String>, Query, description = "Only this stakeholder's"),
           ("form_id" = Option<String>, Query, description = "Only points from this form's submissions"),
           ("period" = Option<String>, Query, description = "Only points from this month's submissions"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = FeedbackItemPage)),
    security(("bearer" = [])))]
#[get("/feedback-items")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut filter = store::Filter {
        ids: super::support::ids_param(&params, &mut errors),
        status: super::support::choices(
            &params,
            "status",
            PointStatus::parse,
            PointStatus::expected,
            &mut errors,
        ),
        stakeholder_id: super::support::uuid_param(&params, "stakeholder_id", &mut errors),
        form_id: super::support::uuid_param(&params, "form_id", &mut errors),
        ..Default::default()
    };
    if let Some(p) = params.get("period") {
        match crate::domain::period::Period::parse(p) {
            Some(p) => filter.period = Some(p.to_string()),
            None => errors.push(FieldError::new("period", "must be a month YYYY-MM")),
        }
    }
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let viewer = auth.clone();
    let items = service::list(&state.pool, auth, filter, query.after.clone(), query.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    let ids = items.iter().map(|p| p.stakeholder_id.clone()).collect();
    let people = crate::service::people::refs(&state.pool, &viewer, ids).await?;
    let items = items
        .into_iter()
        .map(|point| FeedbackItemRow { stakeholder: people.of(&point.stakeholder_id), point })
        .collect();
    Ok(HttpResponse::Ok().json(FeedbackItemPage { items, next_cursor }))
}

/// Registers the point routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update);
}
