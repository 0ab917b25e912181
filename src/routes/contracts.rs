//! Contracts: `/v1/accounts/{id}/contracts` and `/v1/contracts/{id}`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::Auth;
use crate::domain::contract::{Contract, ContractStatus};
use crate::error::ApiError;
use crate::service::contracts as service;
use crate::state::AppState;

/// An account's contract history, oldest start first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractList {
    /// Contracts.
    pub items: Vec<Contract>,
    /// Always null: an account's contracts fit one page (at most 500).
    pub next_cursor: Option<String>,
}

/// Create / merge-patch body; unknown and read-only fields are 422.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ContractInput {
    /// 1–200; required on create.
    #[schema(min_length = 1, max_length = 200, format = "line")]
    title: Option<String>,
    /// Minor units, 0 to 10^18; required on create.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_000.0)]
    value_minor: Option<i64>,
    /// ISO 4217; required on create.
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: Option<String>,
    /// YYYY-MM-DD; required on create.
    #[schema(format = Date)]
    start_date: Option<String>,
    /// YYYY-MM-DD, not before start_date.
    #[schema(format = Date)]
    end_date: Option<String>,
    /// Default active.
    status: Option<ContractStatus>,
    /// ≤ 2000.
    #[schema(max_length = 2000, format = "text")]
    kpi_terms: Option<String>,
    /// ≤ 2000; required when terminated.
    #[schema(max_length = 2000, format = "text")]
    status_reason: Option<String>,
}

/// Add a contract to an account.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")),
    request_body = ContractInput,
    responses((status = 201, body = Contract, headers(("Location" = String, description = "URL of the new contract")))),
    security(("bearer" = [])))]
#[post("/accounts/{id}/contracts")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let contract = service::create(&state.pool, auth, id.into_inner(), body.into_inner()).await?;
    Ok(created(&format!("/v1/contracts/{}", contract.id), contract.version, &contract))
}

/// An account's contracts: its contract history, oldest start first.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id"),
        ("include_deleted" = Option<bool>, Query, description = "Also deleted contracts")),
    responses((status = 200, body = ContractList)),
    security(("bearer" = [])))]
#[get("/accounts/{id}/contracts")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let include_deleted = super::stakeholders::include_deleted(&params)?;
    let items = service::of_account(&state.pool, auth, id.into_inner(), include_deleted).await?;
    Ok(HttpResponse::Ok().json(ContractList { items, next_cursor: None }))
}

/// One contract.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = Contract)),
    security(("bearer" = [])))]
#[get("/contracts/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let contract = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, contract.version, &contract))
}

/// Merge-patch a contract (e.g. renew, complete, or terminate with a reason).
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Contract id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content((ContractInput = "application/merge-patch+json"), (ContractInput = "application/json"))),
    responses((status = 200, body = Contract), (status = 409, description = "Conflicts with another record (e.g. a CRM key already taken)", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[patch("/contracts/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::update::<Contract>(auth, &state, &req, id, body).await
}

/// Soft-delete a contract.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Contract id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = [])))]
#[delete("/contracts/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::remove::<Contract>(auth, &state, &req, id).await
}

/// Restore a deleted contract.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Contract id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Contract)),
    security(("bearer" = [])))]
#[post("/contracts/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::restore::<Contract>(auth, &state, &req, id).await
}

/// Registers the contract routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(restore);
}
