//! Contracts: `/v1/accounts/{id}/contracts` and `/v1/contracts/{id}`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::accounts::load_visible as load_account;
use super::support::{created, with_conn, with_etag, Precondition};
use crate::auth::Auth;
use crate::db::{tx, DbConnection};
use crate::domain::contract::{Contract, ContractStatus};
use crate::domain::patch::{apply, Mode};
use crate::error::ApiError;
use crate::service::versioned;
use crate::startup::AppState;
use crate::store::contracts as store;

/// Contracts one account lists at most (its whole history in practice).
const MAX_CONTRACTS: i64 = 500;

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

fn load(conn: &mut DbConnection, auth: &Auth, id: &str, include_deleted: bool) -> Result<Contract, ApiError> {
    let contract = store::find(conn, &auth.workspace_id, id)?
        .filter(|c| include_deleted || c.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("contract"))?;
    load_account(conn, auth, &contract.account_id).map_err(|_| ApiError::not_found("contract"))?;
    Ok(contract)
}

fn modify(
    conn: &mut DbConnection,
    auth: &Auth,
    id: &str,
    if_match: &Option<Precondition>,
    include_deleted: bool,
    change: impl Fn(&mut Contract) -> Result<bool, ApiError>,
) -> Result<Contract, ApiError> {
    versioned::modify(
        conn,
        if_match,
        |c| {
            store::lock(c, &auth.workspace_id, id)?;
            load(c, auth, id, include_deleted)
        },
        change,
        |c, before, after| Ok(store::save(c, before, after)?),
    )
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
    let mut contract = Contract::blank(&auth.workspace_id, &id, crate::time::now());
    let contract = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            load_account(c, &auth, &id)?;
            apply(&mut contract, &body, Mode::Create)?;
            store::insert(c, &contract)?;
            Ok(contract)
        })
    })
    .await?;
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
    let items = with_conn(&state, move |conn| {
        load_account(conn, &auth, &id)?;
        Ok(store::of_account(conn, &auth.workspace_id, &id, include_deleted, MAX_CONTRACTS)?)
    })
    .await?;
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
    let contract = with_conn(&state, move |conn| load(conn, &auth, &id, false)).await?;
    Ok(with_etag(StatusCode::OK, contract.version, &contract))
}

versioned_handlers!(
    tag: "accounts",
    path: "/contracts/{id}",
    restore_path: "/contracts/{id}/restore",
    id: "Contract id",
    resource: Contract,
    input: ContractInput,
    update_doc: "Merge-patch a contract (e.g. renew, complete, or terminate with a reason).",
    remove_doc: "Soft-delete a contract.",
    restore_doc: "Restore a deleted contract.",
);

/// Registers the contract routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(restore);
}
