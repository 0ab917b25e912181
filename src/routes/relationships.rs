//! `/v1/relationships`: links between stakeholders.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::etag;
use crate::auth::Auth;
use crate::domain::relationship::{self, Relationship, RelationshipKind};
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::service::relationships as service;
use crate::state::AppState;
use crate::store::relationships::Scope;

/// A relationship with its ends' summaries.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationshipRow {
    /// The relationship.
    #[serde(flatten)]
    pub relationship: Relationship,
    /// The `from_id` end, as the caller may know them.
    pub from: crate::service::people::PersonRef,
    /// The `to_id` end, as the caller may know them.
    pub to: crate::service::people::PersonRef,
}

/// A page of relationships.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationshipPage {
    /// This page.
    pub items: Vec<RelationshipRow>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct RelationshipInput {
    /// Source stakeholder (404 if not visible in this workspace).
    #[schema(format = "uuid")]
    from_id: String,
    /// Target stakeholder; a self-link is 422.
    #[schema(format = "uuid")]
    to_id: String,
    /// Kind of link.
    kind: RelationshipKind,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    label: Option<String>,
    /// 1–5.
    #[schema(minimum = 1, maximum = 5)]
    strength: Option<i32>,
}

fn respond(status: StatusCode, rel: Relationship) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(rel.version))).json(rel)
}

/// Link two stakeholders. A live link of the same kind between the same two is 409.
#[utoipa::path(
    tag = "relationships",
    request_body = RelationshipInput,
    responses(
        (status = 201, body = Relationship, headers(("Location" = String, description = "URL of the new relationship"))),
        (status = 409, description = "The same link already exists", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/relationships")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let rel = relationship::parse_new(&auth.workspace_id, &body, crate::time::now())?;
    let rel = service::create(&state.pool, auth, rel).await?;
    let location = format!("/v1/relationships/{}", rel.id);
    let mut res = respond(StatusCode::CREATED, rel);
    res.headers_mut().insert(header::LOCATION, location.parse().expect("ids are ASCII"));
    Ok(res)
}

/// One relationship.
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id")),
    responses((status = 200, body = Relationship)),
    security(("bearer" = []))
)]
#[get("/relationships/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rel = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, rel))
}

/// Relationships, oldest first; only those whose two ends are live stakeholders the caller may see.
#[utoipa::path(
    tag = "relationships",
    params(
        ("stakeholder_id" = Option<String>, Query, description = "Only links with this stakeholder at either end"),
        ("kind" = Option<RelationshipKind>, Query, description = "Only this kind"),
        ("include_deleted" = Option<bool>, Query, description = "Also deleted links"),
        ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses((status = 200, body = RelationshipPage)),
    security(("bearer" = []))
)]
#[get("/relationships")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut scope = Scope::default();
    let mut errors = Vec::new();
    scope.stakeholder_id = super::support::uuid_param(&params, "stakeholder_id", &mut errors);
    scope.kind = super::support::choices(
        &params,
        "kind",
        RelationshipKind::parse,
        RelationshipKind::expected,
        &mut errors,
    );
    scope.include_deleted = super::stakeholders::include_deleted(&params)?;
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let viewer = auth.clone();
    let items = service::list(&state.pool, auth, scope, query.after.clone(), query.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    let ids = items.iter().flat_map(|r| [r.from_id.clone(), r.to_id.clone()]).collect();
    let people = crate::service::people::refs(&state.pool, &viewer, ids).await?;
    let items = items
        .into_iter()
        .map(|r| RelationshipRow { from: people.of(&r.from_id), to: people.of(&r.to_id), relationship: r })
        .collect();
    Ok(HttpResponse::Ok().json(RelationshipPage { items, next_cursor }))
}

/// Delete a relationship (soft).
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = []))
)]
#[delete("/relationships/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    service::set_deleted(&state.pool, auth, id.into_inner(), if_match, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore a deleted relationship (both ends must be live).
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Relationship)),
    security(("bearer" = []))
)]
#[post("/relationships/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let rel = service::set_deleted(&state.pool, auth, id.into_inner(), if_match, false).await?;
    Ok(respond(StatusCode::OK, rel))
}

/// Registers the relationship routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(remove).service(restore);
}
