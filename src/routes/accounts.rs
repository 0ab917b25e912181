//! `/v1/accounts`: customer accounts, with upsert by CRM key.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag, Precondition};
use crate::auth::Auth;
use crate::domain::account::{Account, AccountStatus};
use crate::domain::fields::{check_text, TextKind};
use crate::error::{ApiError, FieldError};
use crate::pagination::{self, Position};
use crate::service::accounts as service;
use crate::state::AppState;
use crate::store::accounts::Filter;

const SORT: &str = "name";

/// A page of accounts, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountPage {
    /// This page.
    pub items: Vec<Account>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create / merge-patch / upsert body; unknown and read-only fields are 422.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AccountInput {
    /// 1–200; required on create.
    #[schema(min_length = 1, max_length = 200, format = "line")]
    name: Option<String>,
    /// CRM system; with `external_id`.
    #[schema(max_length = 100, format = "crm-key-or-empty")]
    source: Option<String>,
    /// CRM id; unique per workspace with `source` (409 when taken).
    #[schema(max_length = 200, format = "crm-key-or-empty")]
    external_id: Option<String>,
    /// ≤ 100.
    #[schema(max_length = 100, format = "line")]
    industry: Option<String>,
    /// Default prospect.
    status: Option<AccountStatus>,
    /// ≤ 200.
    #[schema(max_length = 200, format = "line")]
    owner: Option<String>,
    /// ≤ 50 items of ≤ 500.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 500>)]
    business_goals: Option<Vec<String>>,
    /// ≤ 50 items of ≤ 500.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 500>)]
    kpis: Option<Vec<String>>,
    /// ≤ 50 items of ≤ 500.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 500>)]
    pain_points: Option<Vec<String>>,
    /// ≤ 50 items of ≤ 200.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 200>)]
    competitors: Option<Vec<String>>,
}

/// Create an account.
#[utoipa::path(tag = "accounts", request_body = AccountInput,
    responses((status = 201, body = Account, headers(("Location" = String, description = "URL of the new account"))),
              (status = 409, description = "CRM key taken", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[post("/accounts")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let account = service::create(&state.pool, auth, body.into_inner()).await?;
    Ok(created(&format!("/v1/accounts/{}", account.id), account.version, &account))
}

/// One account.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Account id"),
           ("include_deleted" = Option<bool>, Query, description = "Also find a deleted account")),
    responses((status = 200, body = Account), (status = 304, description = "`If-None-Match` matched")),
    security(("bearer" = [])))]
#[get("/accounts/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let include_deleted = super::stakeholders::include_deleted(&params)?;
    let if_none_match = crate::routes::support::precondition(&req, header::IF_NONE_MATCH)?;
    let account = service::get(&state.pool, auth, id.into_inner(), include_deleted).await?;
    if if_none_match.is_some_and(|c| c.matches(account.version)) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, super::support::etag(account.version)))
            .finish());
    }
    Ok(with_etag(StatusCode::OK, account.version, &account))
}

/// Accounts by name.
#[utoipa::path(tag = "accounts",
    params(("ids" = Option<String>, Query, description = "Only these records: a comma list of at most 500 ids"),
           ("status" = Option<AccountStatus>, Query, description = "Only this status"),
           ("owner" = Option<String>, Query, description = "Only this owner"),
           ("include_deleted" = Option<bool>, Query, description = "Also deleted accounts"),
           ("sort" = Option<String>, Query, pattern = "^name$", description = "Only `name` (the default) is supported"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = AccountPage)),
    security(("bearer" = [])))]
#[get("/accounts")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut filter =
        Filter { include_deleted: super::stakeholders::include_deleted(&params)?, ..Filter::default() };
    filter.ids = super::support::ids_param(&params, &mut errors);
    filter.status = super::support::choices(
        &params,
        "status",
        AccountStatus::parse,
        AccountStatus::expected,
        &mut errors,
    );
    if let Some(owner) = params.get("owner") {
        match check_text("owner", owner, 1, 200, TextKind::Line) {
            Ok(()) => filter.owner = Some(owner.clone()),
            Err(e) => errors.push(e),
        }
    }
    if params.get("sort").is_some_and(|s| s != SORT) {
        errors.push(FieldError::new("sort", "accounts sort by name only"));
    }
    let limit = pagination::limit(params.get("limit").map(String::as_str))?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let after = match pagination::cursor_param(&params, "cursor") {
        Some(cursor) => {
            let p = state.cursors.decode(cursor, SORT)?;
            let name = p
                .values
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?;
            Some((name.to_string(), p.id))
        }
        None => None,
    };
    let mut items = service::list(&state.pool, auth, filter, after, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|a| {
            state.cursors.encode(&Position {
                sort: SORT.into(),
                values: vec![Value::from(a.name.clone())],
                id: a.id.clone(),
            })
        })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(AccountPage { items, next_cursor }))
}

fn key_segment(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    check_text(field, value, 1, max, TextKind::Line)
}

/// Create or update the account holding a CRM key (201 created / 200 updated). Body fields
/// absent are left unchanged on update; `source`/`external_id` in the body must match the
/// path. `If-Match: *` = update only (404 if missing); `If-None-Match: *` = create only
/// (412 if present). A deleted account is updated but stays deleted.
#[utoipa::path(tag = "accounts",
    params(("source" = String, Path, description = "CRM system"), ("external_id" = String, Path, description = "Id in the CRM"),
           ("If-Match" = Option<String>, Header, description = "`*` = update only; an ETag = 412 when stale"),
           ("If-None-Match" = Option<String>, Header, description = "`*` = create only")),
    request_body = AccountInput,
    responses((status = 200, description = "Updated", body = Account), (status = 201, description = "Created", body = Account)),
    security(("bearer" = [])))]
#[put("/accounts/by-external-id/{source}/{external_id}")]
pub async fn upsert(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let (source, external_id) = path.into_inner();
    let errors: Vec<FieldError> =
        [key_segment("source", &source, 100), key_segment("external_id", &external_id, 200)]
            .into_iter()
            .filter_map(Result::err)
            .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut body = body.into_inner();
    for (field, value) in [("source", &source), ("external_id", &external_id)] {
        match body.get(field) {
            Some(given) if given != &Value::from(value.as_str()) => {
                return Err(ApiError::invalid(field, "must match the path or be omitted"))
            }
            _ => {
                body.insert(field.to_string(), Value::from(value.as_str()));
            }
        }
    }
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let create_only =
        crate::routes::support::precondition(&req, header::IF_NONE_MATCH)? == Some(Precondition::Any);
    let (account, was_created) =
        service::upsert(&state.pool, auth, (source, external_id), body, if_match, create_only).await?;
    if was_created {
        return Ok(created(&format!("/v1/accounts/{}", account.id), account.version, &account));
    }
    Ok(with_etag(StatusCode::OK, account.version, &account))
}

/// Merge-patch an account.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Account id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content((AccountInput = "application/merge-patch+json"), (AccountInput = "application/json"))),
    responses((status = 200, body = Account), (status = 409, description = "Conflicts with another record (e.g. a CRM key already taken)", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[patch("/accounts/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::update::<Account>(auth, &state, &req, id, body).await
}

/// Soft-delete an account.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Account id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = [])))]
#[delete("/accounts/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::remove::<Account>(auth, &state, &req, id).await
}

/// Restore a deleted account; restoring a live one changes nothing.
#[utoipa::path(tag = "accounts",
    params(("id" = String, Path, description = "Account id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Account)),
    security(("bearer" = [])))]
#[post("/accounts/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::restore::<Account>(auth, &state, &req, id).await
}

/// Registers the account routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(list)
        .service(upsert)
        .service(get)
        .service(update)
        .service(remove)
        .service(restore);
}
