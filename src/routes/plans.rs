//! `/v1/engagement-plans`: who is engaged how, how often, by whom; on track or not.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::Auth;
use crate::domain::cadence::{Cadence, PlanStatus};
use crate::domain::engagement::{Channel, Plan, Priority};
use crate::domain::fields::{check_text, TextKind};
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::service::plans as service;
use crate::state::AppState;
use crate::store::plans as store;

/// A plan with its person's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRow {
    /// The plan.
    #[serde(flatten)]
    pub plan: Plan,
    /// The person it is with, as the caller may know them.
    pub stakeholder: crate::service::people::PersonRef,
}

/// A page of plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanPage {
    /// By id.
    pub items: Vec<PlanRow>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create / merge-patch body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct PlanInput {
    /// Required on create; a live stakeholder the caller can see.
    #[schema(format = "uuid")]
    stakeholder_id: Option<String>,
    /// Required on create.
    channel: Option<Channel>,
    /// Required on create.
    cadence: Option<Cadence>,
    /// ≤ 200.
    #[schema(max_length = 200, format = "line")]
    owner: Option<String>,
    /// Default medium.
    priority: Option<Priority>,
    /// ≤ 2000.
    #[schema(max_length = 2000, format = "text")]
    objective: Option<String>,
    /// ≤ 2000.
    #[schema(max_length = 2000, format = "text")]
    next_step: Option<String>,
    /// YYYY-MM-DD; default today (UTC).
    #[schema(nullable = false, format = Date)]
    starts_on: Option<String>,
}

/// Create a plan.
#[utoipa::path(tag = "engagement", request_body = PlanInput,
    responses((status = 201, body = Plan, headers(("Location" = String, description = "URL of the plan")))),
    security(("bearer" = [])))]
#[post("/engagement-plans")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let plan = service::create(&state.pool, auth, body.into_inner()).await?;
    Ok(created(&format!("/v1/engagement-plans/{}", plan.id), plan.version, &plan))
}

/// One plan.
#[utoipa::path(tag = "engagement", params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, body = Plan)), security(("bearer" = [])))]
#[get("/engagement-plans/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let plan = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

/// Plans by id, with derived last contact, next due date and status.
#[utoipa::path(tag = "engagement",
    params(("ids" = Option<String>, Query, description = "Only these records: a comma list of at most 500 ids"),
           ("stakeholder_id" = Option<String>, Query, description = "Only this stakeholder's"),
           ("owner" = Option<String>, Query, description = "Only this owner's"),
           ("status" = Option<PlanStatus>, Query, description = "on_track, due_soon or overdue (as of today, UTC)"),
           ("include_deleted" = Option<bool>, Query, description = "Also deleted plans"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = PlanPage)), security(("bearer" = [])))]
#[get("/engagement-plans")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut filter = store::Filter {
        include_deleted: super::stakeholders::include_deleted(&params)?,
        stakeholder_id: super::support::uuid_param(&params, "stakeholder_id", &mut errors),
        ids: super::support::ids_param(&params, &mut errors),
        ..Default::default()
    };
    if let Some(v) = params.get("owner") {
        match check_text("owner", v, 1, 200, TextKind::Line) {
            Ok(()) => filter.owner = Some(v.clone()),
            Err(e) => errors.push(e),
        }
    }
    filter.status =
        super::support::choices(&params, "status", PlanStatus::parse, PlanStatus::expected, &mut errors);
    let page = IdPage::from_params(&params, &state.cursors)?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let viewer = auth.clone();
    let items = service::list(&state.pool, auth, filter, page.after.clone(), page.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    let people = crate::service::people::refs(
        &state.pool,
        &viewer,
        items.iter().map(|p| p.stakeholder_id.clone()).collect(),
    )
    .await?;
    let items = items
        .into_iter()
        .map(|plan| PlanRow { stakeholder: people.of(&plan.stakeholder_id), plan })
        .collect();
    Ok(HttpResponse::Ok().json(PlanPage { items, next_cursor }))
}

/// Merge-patch a plan.
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content((PlanInput = "application/merge-patch+json"), (PlanInput = "application/json"))),
    responses((status = 200, body = Plan), (status = 409, description = "Conflicts with another record (e.g. a CRM key already taken)", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[patch("/engagement-plans/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::update::<Plan>(auth, &state, &req, id, body).await
}

/// Soft-delete a plan.
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = [])))]
#[delete("/engagement-plans/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::remove::<Plan>(auth, &state, &req, id).await
}

/// Restore a deleted plan.
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Plan)),
    security(("bearer" = [])))]
#[post("/engagement-plans/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::restore::<Plan>(auth, &state, &req, id).await
}

/// Registers the plan routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(restore);
}
