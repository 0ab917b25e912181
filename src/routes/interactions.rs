//! `/v1/interactions`: the log of meetings, emails, events and advocacy.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::DateTime;
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::Auth;
use crate::domain::interaction::{Interaction, InteractionKind, Metrics, Sentiment};
use crate::error::{ApiError, FieldError};
use crate::pagination::{self, Position};
use crate::service::interactions as service;
use crate::state::AppState;
use crate::store::interactions as store;

const SORT: &str = "-occurred_at";

/// An interaction with its people's summaries.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionRow {
    /// The interaction.
    #[serde(flatten)]
    pub interaction: Interaction,
    /// Who took part, in `stakeholder_ids` order, as the caller may know them.
    pub stakeholders: Vec<crate::service::people::PersonRef>,
}

/// A page of interactions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionPage {
    /// Newest first.
    pub items: Vec<InteractionRow>,
    /// Cursor of the next (older) page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create / merge-patch body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct InteractionInput {
    /// 1–100 stakeholders (required on create).
    #[schema(schema_with = crate::openapi::constraints::uuids::<1, 100>)]
    stakeholder_ids: Option<Vec<String>>,
    /// Required on create.
    kind: Option<InteractionKind>,
    /// RFC 3339, not in the future (required on create).
    #[schema(format = DateTime)]
    occurred_at: Option<String>,
    /// 1–2000 (required on create).
    #[schema(min_length = 1, max_length = 2000, format = "text")]
    summary: Option<String>,
    /// ≤ 2000.
    #[schema(max_length = 2000, format = "text")]
    outcome: Option<String>,
    /// How it went.
    sentiment: Option<Sentiment>,
    /// Advocacy metrics, non-negative integers.
    metrics: Option<Metrics>,
}

/// Log an interaction; the plans of every linked stakeholder are brought up to date.
#[utoipa::path(tag = "engagement", request_body = InteractionInput,
    responses((status = 201, body = Interaction, headers(("Location" = String, description = "URL of the interaction")))),
    security(("bearer" = [])))]
#[post("/interactions")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let x = service::create(&state.pool, auth, body.into_inner()).await?;
    Ok(created(&format!("/v1/interactions/{}", x.id), x.version, &x))
}

/// One interaction.
#[utoipa::path(tag = "engagement", params(("id" = String, Path, description = "Interaction id")),
    responses((status = 200, body = Interaction)), security(("bearer" = [])))]
#[get("/interactions/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let x = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, x.version, &x))
}

fn timestamp(
    params: &HashMap<String, String>,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<chrono::NaiveDateTime> {
    let raw = params.get(key)?;
    match DateTime::parse_from_rfc3339(raw) {
        Ok(t) => Some(t.naive_utc()),
        Err(_) => {
            errors.push(FieldError::new(key, "must be an RFC 3339 timestamp"));
            None
        }
    }
}

/// Interactions, newest first.
#[utoipa::path(tag = "engagement",
    params(("ids" = Option<String>, Query, description = "Only these records: a comma list of at most 500 ids"),
           ("stakeholder_id" = Option<String>, Query, description = "Only those involving this stakeholder"),
           ("kind" = Option<InteractionKind>, Query, description = "Only this kind"),
           ("from" = Option<String>, Query, format = DateTime, description = "occurred_at at or after (RFC 3339)"),
           ("to" = Option<String>, Query, format = DateTime, description = "occurred_at before (RFC 3339)"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = InteractionPage)), security(("bearer" = [])))]
#[get("/interactions")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut filter = store::Filter {
        stakeholder_id: super::support::uuid_param(&params, "stakeholder_id", &mut errors),
        ..Default::default()
    };
    filter.ids = super::support::ids_param(&params, &mut errors);
    filter.kind = super::support::choices(
        &params,
        "kind",
        InteractionKind::parse,
        InteractionKind::expected,
        &mut errors,
    );
    filter.from = timestamp(&params, "from", &mut errors);
    filter.to = timestamp(&params, "to", &mut errors);
    let limit = pagination::limit(params.get("limit").map(String::as_str))?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = match pagination::cursor_param(&params, "cursor") {
        Some(cursor) => {
            let p = state.cursors.decode(cursor, SORT)?;
            let at =
                p.values.first().and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            Some((at.ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?.naive_utc(), p.id))
        }
        None => None,
    };
    let viewer = auth.clone();
    let mut items = service::list(&state.pool, auth, filter, before, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|x| {
            state.cursors.encode(&Position {
                sort: SORT.into(),
                values: vec![json!(x.occurred_at.to_rfc3339())],
                id: x.id.clone(),
            })
        })
    } else {
        None
    };
    let ids = items.iter().flat_map(|i| i.stakeholder_ids.iter().cloned()).collect();
    let people = crate::service::people::refs(&state.pool, &viewer, ids).await?;
    let items = items
        .into_iter()
        .map(|i| InteractionRow {
            stakeholders: i.stakeholder_ids.iter().map(|id| people.of(id)).collect(),
            interaction: i,
        })
        .collect();
    Ok(HttpResponse::Ok().json(InteractionPage { items, next_cursor }))
}

/// Merge-patch an interaction (plans of everyone it involved before or after are updated).
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Interaction id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content((InteractionInput = "application/merge-patch+json"), (InteractionInput = "application/json"))),
    responses((status = 200, body = Interaction), (status = 409, description = "Conflicts with another record (e.g. a CRM key already taken)", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[patch("/interactions/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::update::<Interaction>(auth, &state, &req, id, body).await
}

/// Soft-delete an interaction (it stops counting as a contact).
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Interaction id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = [])))]
#[delete("/interactions/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::remove::<Interaction>(auth, &state, &req, id).await
}

/// Restore a deleted interaction.
#[utoipa::path(tag = "engagement",
    params(("id" = String, Path, description = "Interaction id"), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Interaction)),
    security(("bearer" = [])))]
#[post("/interactions/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::versioned::restore::<Interaction>(auth, &state, &req, id).await
}

/// Registers the interaction routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(restore);
}
