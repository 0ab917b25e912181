//! The merge-patch, soft-delete and restore answers every versioned resource gives,
//! written once: each resource's handlers (which carry its path and docs) call these.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::support::{precondition, with_etag};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::service::versioned::{self, Editable};
use crate::state::AppState;

/// PATCH: 200 with the saved record and its ETag.
pub async fn update<R: Editable + serde::Serialize>(
    auth: Auth,
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = precondition(req, header::IF_MATCH)?;
    let saved: R = versioned::update(&state.pool, auth, id.into_inner(), if_match, body.into_inner()).await?;
    Ok(with_etag(StatusCode::OK, saved.version(), &saved))
}

/// DELETE: 204.
pub async fn remove<R: Editable>(
    auth: Auth,
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = precondition(req, header::IF_MATCH)?;
    versioned::remove::<R>(&state.pool, auth, id.into_inner(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// POST …/restore: 200 with the record and its ETag.
pub async fn restore<R: Editable + serde::Serialize>(
    auth: Auth,
    state: &web::Data<AppState>,
    req: &HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = precondition(req, header::IF_MATCH)?;
    let saved: R = versioned::restore(&state.pool, auth, id.into_inner(), if_match).await?;
    Ok(with_etag(StatusCode::OK, saved.version(), &saved))
}
