//! CRM routes: upsert by external id and batches.

use actix_web::http::{header, StatusCode};
use actix_web::{post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::view::{StakeholderInput, StakeholderView};
use crate::auth::Auth;
use crate::error::{ApiError, FieldError};
use crate::routes::extractors::{json_object, read_body, BULK_BODY_BYTES};
use crate::routes::support::{etag, Precondition};
use crate::service::stakeholder_batch as service;
pub use crate::service::stakeholder_sync::{ItemResult, Outcome, SyncMode};
use crate::state::AppState;

/// Items one batch may hold.
pub const MAX_BATCH: usize = 1000;

/// Results of a batch or import, one per item in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// Per item.
    pub results: Vec<ItemResult>,
}

/// Batch body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BatchInput {
    /// upsert (default), create_only or update_only.
    mode: Option<SyncMode>,
    /// 1–1000 profile bodies, each with `source` and `external_id`.
    items: Vec<StakeholderInput>,
}

fn key_part(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    crate::domain::fields::check_crm_key(field, value, max)
}

/// Create or update the stakeholder holding a CRM key: 201 created, 200 updated or
/// unchanged. Profile fields only (analysis fields are 422); absent fields are left as
/// they are. `If-Match: *` = update only (404 if missing); `If-None-Match: *` = create
/// only (412 if present). Safe under concurrent upserts of one key: one row results.
#[utoipa::path(tag = "sync",
    params(("source" = String, Path, description = "CRM system"), ("external_id" = String, Path, description = "Id in the CRM"),
           ("If-Match" = Option<String>, Header, description = "`*` = update only"),
           ("If-None-Match" = Option<String>, Header, description = "`*` = create only")),
    request_body = StakeholderInput,
    responses((status = 200, description = "Updated or unchanged", body = StakeholderView), (status = 201, description = "Created", body = StakeholderView)),
    security(("bearer" = [])))]
#[put("/stakeholders/by-external-id/{source}/{external_id}")]
pub async fn upsert(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let (source, external_id) = path.into_inner();
    let errors: Vec<FieldError> =
        [key_part("source", &source, 100), key_part("external_id", &external_id, 200)]
            .into_iter()
            .filter_map(Result::err)
            .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mode = match (
        crate::routes::support::precondition(&req, header::IF_MATCH)?,
        crate::routes::support::precondition(&req, header::IF_NONE_MATCH)?,
    ) {
        // Evaluated in RFC 9110 order, `If-Match: *` then `If-None-Match: *` can never
        // both hold: whatever exists, the answer is 412.
        (Some(Precondition::Any), Some(Precondition::Any)) => {
            return Err(ApiError::PreconditionFailed(
                "If-Match: * and If-None-Match: * cannot both hold; send one".into(),
            ))
        }
        (Some(Precondition::Any), None) => SyncMode::UpdateOnly,
        (None, Some(Precondition::Any)) => SyncMode::CreateOnly,
        (None, None) => SyncMode::Upsert,
        _ => {
            return Err(ApiError::BadRequest("only `*` is accepted in If-Match / If-None-Match here".into()))
        }
    };
    let role = auth.role;
    let body = body.into_inner();
    let (s, outcome) = service::upsert(&state.pool, auth, (source, external_id), body, mode).await?;
    let status = if outcome == Outcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, etag(s.version)));
    if status == StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/v1/stakeholders/{}", s.id)));
    }
    Ok(res.json(StakeholderView::for_role(s, role)))
}

/// Upsert up to 1000 stakeholders by CRM key; one bad item never fails the others.
/// `unchanged` items write nothing (no version, history or change event).
#[utoipa::path(tag = "sync", request_body = BatchInput,
    responses((status = 200, body = BatchResult)), security(("bearer" = [])))]
#[post("/stakeholders/batch")]
pub async fn batch(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let slot = state.heavy.enter(&auth.workspace_id)?;
    let body = json_object(&read_body(&req, payload, &["application/json"], BULK_BODY_BYTES).await?)?;
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["mode", "items"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a batch field"))
        .collect();
    let mode = match body.get("mode") {
        None | Some(Value::Null) => SyncMode::Upsert,
        Some(v) => v.as_str().and_then(SyncMode::parse).unwrap_or_else(|| {
            errors.push(FieldError::new("mode", "must be upsert, create_only or update_only"));
            SyncMode::Upsert
        }),
    };
    let items: Vec<(Option<u64>, Map<String, Value>)> = match body.get("items") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_BATCH => {
            items.iter().map(|i| (None, i.as_object().cloned().unwrap_or_default())).collect()
        }
        _ => {
            errors.push(FieldError::new("items", format!("must be an array of 1 to {MAX_BATCH} objects")));
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let turn = slot.turn().await;
    let results = service::run_items(
        &state.pool,
        auth,
        items,
        service::Rules { mode, analysis: false, dry_run: false },
    )
    .await?;
    drop(turn);
    Ok(HttpResponse::Ok().json(BatchResult { results }))
}
