//! `/v1/engagement-plans`: who is engaged how, how often, by whom; on track or not.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::stakeholders::load_visible;
use super::support::{created, with_conn, with_etag, Precondition};
use crate::auth::Auth;
use crate::db::{tx, DbConnection};
use crate::domain::cadence::{Cadence, PlanStatus};
use crate::domain::engagement::{Channel, Plan, Priority};
use crate::domain::fields::{check_text, TextKind};
use crate::domain::patch::{apply, Mode};
use crate::error::{ApiError, FieldError};
use crate::pagination::IdPage;
use crate::service::versioned;
use crate::startup::AppState;
use crate::store::{interactions, plans as store};

/// A page of plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanPage {
    /// By id.
    pub items: Vec<Plan>,
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

fn load(conn: &mut DbConnection, auth: &Auth, id: &str, include_deleted: bool) -> Result<Plan, ApiError> {
    let plan = store::find(conn, &auth.workspace_id, id)?
        .filter(|p| include_deleted || p.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("plan"))?;
    load_visible(conn, auth, &plan.stakeholder_id, false).map_err(|_| ApiError::not_found("plan"))?;
    let mut plans = [plan];
    crate::service::plans::as_seen_by(conn, auth, &mut plans)?;
    let [plan] = plans;
    Ok(plan)
}

// Derived dates follow the stakeholder's latest interaction.
fn refresh(conn: &mut DbConnection, plan: &mut Plan) -> Result<(), ApiError> {
    plan.last_contact_at =
        interactions::last_contact(conn, &plan.workspace_id, &plan.stakeholder_id)?.map(crate::time::utc);
    plan.refresh(crate::time::now().date_naive());
    Ok(())
}

fn modify(
    conn: &mut DbConnection,
    auth: &Auth,
    id: &str,
    if_match: &Option<Precondition>,
    include_deleted: bool,
    change: impl Fn(&mut Plan) -> Result<bool, ApiError>,
) -> Result<Plan, ApiError> {
    versioned::modify(
        conn,
        if_match,
        |c| {
            store::lock(c, &auth.workspace_id, id)?;
            load(c, auth, id, include_deleted)
        },
        change,
        |c, before, after| {
            let mut after = after.clone();
            load_visible(c, auth, &after.stakeholder_id, false)?;
            refresh(c, &mut after)?;
            Ok(store::save(c, before, &after)?)
        },
    )
    .and_then(|plan| load(conn, auth, &plan.id, true))
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
    let mut plan = Plan::blank(&auth.workspace_id, crate::time::now());
    apply(&mut plan, &body, Mode::Create)?;
    let plan = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            load_visible(c, &auth, &plan.stakeholder_id, false)?;
            refresh(c, &mut plan)?;
            store::insert(c, &plan)?;
            load(c, &auth, &plan.id, false)
        })
    })
    .await?;
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
    let plan = with_conn(&state, move |conn| load(conn, &auth, &id, false)).await?;
    Ok(with_etag(StatusCode::OK, plan.version, &plan))
}

/// Plans by id, with derived last contact, next due date and status.
#[utoipa::path(tag = "engagement",
    params(("stakeholder_id" = Option<String>, Query, description = "Only this stakeholder's"),
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
    let mut filter =
        store::Filter { hide_confidential: !auth.role.sees_confidential(), ..Default::default() };
    filter.include_deleted = super::stakeholders::include_deleted(&params)?;
    filter.stakeholder_id = super::support::uuid_param(&params, "stakeholder_id", &mut errors);
    if let Some(v) = params.get("owner") {
        match check_text("owner", v, 1, 200, TextKind::Line) {
            Ok(()) => filter.owner = Some(v.clone()),
            Err(e) => errors.push(e),
        }
    }
    if let Some(v) = params.get("status") {
        filter.status = PlanStatus::parse(v);
        if filter.status.is_none() {
            errors.push(FieldError::new("status", format!("must be one of: {}", PlanStatus::expected())));
        }
    }
    let page = IdPage::from_params(&params, &state.cursors)?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let query = page.clone();
    let items = with_conn(&state, move |conn| {
        let mut items = store::list(conn, &auth.workspace_id, &filter, query.after.clone(), query.fetch())?;
        crate::service::plans::as_seen_by(conn, &auth, &mut items)?;
        Ok(items)
    })
    .await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    Ok(HttpResponse::Ok().json(PlanPage { items, next_cursor }))
}

versioned_handlers!(
    tag: "engagement",
    path: "/engagement-plans/{id}",
    restore_path: "/engagement-plans/{id}/restore",
    id: "Plan id",
    resource: Plan,
    input: PlanInput,
    update_doc: "Merge-patch a plan.",
    remove_doc: "Soft-delete a plan.",
    restore_doc: "Restore a deleted plan.",
);

/// Registers the plan routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(restore);
}
