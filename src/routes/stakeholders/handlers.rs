//! Stakeholder handlers: parse, call the service, map to the view the role may see.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::query::{self, ListParams};
use super::view::{StakeholderInput, StakeholderPage, StakeholderView};
use crate::auth::{Auth, Role};
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::pagination::Position;
use crate::routes::support::etag;
use crate::service::stakeholder_create;
use crate::service::stakeholders as service;
use crate::state::AppState;
use crate::store::stakeholder_list::{self, After};

fn respond(status: actix_web::http::StatusCode, s: Stakeholder, role: Role) -> HttpResponse {
    let tag = etag(s.version);
    HttpResponse::build(status).insert_header((header::ETAG, tag)).json(StakeholderView::for_role(s, role))
}

/// Create a stakeholder.
#[utoipa::path(
    tag = "stakeholders",
    request_body(content = StakeholderInput, description = "Profile fields; analysis fields need admin or manager (403 otherwise)."),
    responses(
        (status = 201, description = "Created; `Location` names it", body = StakeholderView,
            headers(("Location" = String, description = "URL of the new stakeholder"), ("ETag" = String, description = "\"<version>\""))),
        (status = 409, description = "`source` + `external_id` already used in this workspace", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stakeholders")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let role = auth.role;
    let s = stakeholder_create::create(&state.pool, &state.creates, auth, body.into_inner()).await?;
    let location = format!("/v1/stakeholders/{}", s.id);
    let mut response = respond(actix_web::http::StatusCode::CREATED, s, role);
    response.headers_mut().insert(header::LOCATION, location.parse().expect("ids are ASCII"));
    Ok(response)
}

/// Get one stakeholder.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("include_deleted" = Option<bool>, Query, description = "Also find a soft-deleted stakeholder")),
    responses(
        (status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\""))),
        (status = 304, description = "`If-None-Match` matched the current version"),
    ),
    security(("bearer" = []))
)]
#[get("/stakeholders/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let include_deleted = query::include_deleted(&params)?;
    let if_none_match = crate::routes::support::precondition(&req, header::IF_NONE_MATCH)?;
    let role = auth.role;
    let s = service::get(&state.pool, auth, id.into_inner(), include_deleted).await?;
    if if_none_match.is_some_and(|c| c.matches(s.version)) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag(s.version))).finish());
    }
    Ok(respond(actix_web::http::StatusCode::OK, s, role))
}

/// List stakeholders with filters, sort and keyset pagination.
#[utoipa::path(
    tag = "stakeholders",
    params(ListParams),
    responses((status = 200, body = StakeholderPage)),
    security(("bearer" = []))
)]
#[get("/stakeholders")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let request = query::parse(&params, auth.role)?;
    let after = match &request.cursor {
        Some(cursor) => {
            let position = state.cursors.decode(cursor, &request.sort_text)?;
            Some(After { values: position.values, id: position.id })
        }
        None => None,
    };
    let role = auth.role;
    let (filter, sort, limit) = (request.filter, request.sort.clone(), request.limit);
    let mut rows = service::list(&state.pool, auth, filter, sort, after, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            state.cursors.encode(&Position {
                sort: request.sort_text.clone(),
                values: request.sort.iter().map(|k| stakeholder_list::sort_value(k.field, last)).collect(),
                id: last.id.clone(),
            })
        })
    } else {
        None
    };
    let items = rows.into_iter().map(|s| StakeholderView::for_role(s, role)).collect();
    Ok(HttpResponse::Ok().json(StakeholderPage { items, next_cursor }))
}

/// Update a stakeholder with a JSON Merge Patch (absent = unchanged, null = clear).
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content(
        (StakeholderInput = "application/merge-patch+json"),
        (StakeholderInput = "application/json"),
    ), description = "Fields to change; analysis fields need admin or manager (403 otherwise)."),
    responses(
        (status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\""))),
        (status = 409, description = "`source` + `external_id` already used", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/stakeholders/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let role = auth.role;
    let s = service::update(&state.pool, auth, id.into_inner(), if_match, body.into_inner()).await?;
    Ok(respond(actix_web::http::StatusCode::OK, s, role))
}

/// Soft-delete a stakeholder (hidden until restored).
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = []))
)]
#[delete("/stakeholders/{id}")]
pub async fn delete(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    service::delete(&state.pool, auth, id.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore a soft-deleted stakeholder; restoring a live one changes nothing.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\"")))),
    security(("bearer" = []))
)]
#[post("/stakeholders/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let role = auth.role;
    let s = service::restore(&state.pool, auth, id.into_inner(), if_match).await?;
    Ok(respond(actix_web::http::StatusCode::OK, s, role))
}
