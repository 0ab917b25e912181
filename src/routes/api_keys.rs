//! `/v1/api-keys` (admin) and `POST /v1/auth/token`: keys for machines, exchanged for tokens.

use actix_web::{delete, get, post, web, HttpResponse};
use base64::Engine;
use chrono::DateTime;
use rand::RngCore;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Auth, Role};
use crate::domain::fields;
use crate::error::{ApiError, FieldError};
use crate::service::api_keys as service;
use crate::state::AppState;
use crate::store::api_keys::{self as store, ApiKey};

/// How long a token from `POST /v1/auth/token` lives, in seconds.
pub const TOKEN_TTL: i64 = 3600;

/// A new key with its secret, which is shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key.
    #[serde(flatten)]
    pub key: ApiKey,
    /// The secret to exchange at `POST /v1/auth/token`; store it now, it is not shown again.
    pub secret: String,
}

/// Keys of the workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    /// Oldest first, revoked ones included.
    pub items: Vec<ApiKey>,
    /// Always null: a workspace's keys fit one page.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ApiKeyInput {
    /// 1–200.
    #[schema(min_length = 1, max_length = 200, format = "line")]
    name: String,
    /// admin, manager, contributor, viewer or integration.
    role: Role,
    /// RFC 3339, in the future.
    #[schema(format = DateTime)]
    expires_at: Option<String>,
}

/// Token exchange body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    /// An API key secret.
    api_key: String,
}

/// A bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The JWT.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(value_type = crate::openapi::TokenType)]
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// Create an API key (admin). The secret is in this response only; it is stored hashed.
#[utoipa::path(tag = "auth", request_body = ApiKeyInput, responses((status = 201, body = CreatedKey)), security(("bearer" = [])))]
#[post("/api-keys")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["name", "role", "expires_at"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not an API key field"))
        .collect();
    let null = Value::Null;
    let name = fields::required_text("name", body.get("name").unwrap_or(&null), 1, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let role = match body.get("role").and_then(Value::as_str).and_then(Role::parse) {
        Some(Role::Stakeholder) => {
            errors.push(FieldError::new(
                "role",
                "stakeholder tokens come from access links (POST /v1/stakeholders/{id}/access-links)",
            ));
            None
        }
        Some(role) => Some(role),
        None => {
            errors.push(FieldError::new(
                "role",
                "must be one of: admin, manager, contributor, viewer, integration",
            ));
            None
        }
    };
    let expires_at = match body.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()) {
            Some(t) if t.to_utc() > chrono::Utc::now() => Some(t.naive_utc()),
            Some(_) => {
                errors.push(FieldError::new("expires_at", "must be in the future"));
                None
            }
            None => {
                errors.push(FieldError::new("expires_at", "must be an RFC 3339 timestamp"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let secret = format!("smk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw));
    let key = ApiKey {
        workspace_id: auth.workspace_id.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        name: name.unwrap_or_default(),
        role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
        secret_hash: store::hash(&secret),
        prefix: secret[..12].to_string(),
        expires_at,
        revoked_at: None,
        last_used_at: None,
        created_at: crate::time::now().naive_utc(),
    };
    let key = service::create(&state.pool, key).await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::routes::support::NO_STORE)
        .insert_header(("Location", format!("/v1/api-keys/{}", key.id)))
        .json(CreatedKey { key, secret }))
}

/// The workspace's keys (admin; secrets are never shown again).
#[utoipa::path(tag = "auth", responses((status = 200, body = ApiKeyList)), security(("bearer" = [])))]
#[get("/api-keys")]
pub async fn list(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = service::list(&state.pool, auth).await?;
    Ok(HttpResponse::Ok().json(ApiKeyList { items, next_cursor: None }))
}

/// Revoke a key (admin): it can no longer get tokens.
#[utoipa::path(tag = "auth", params(("id" = String, Path, description = "Key id")), responses((status = 204, description = "Revoked")), security(("bearer" = [])))]
#[delete("/api-keys/{id}")]
pub async fn revoke(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key_id = id.clone();
    let revoked = service::revoke(&state.pool, auth, id.into_inner()).await?;
    if !revoked {
        return Err(ApiError::not_found("api key"));
    }
    state.live_keys.forget(&key_id);
    Ok(HttpResponse::NoContent().finish())
}

/// Exchange an API key for a bearer token of the key's role (no auth header needed).
/// An unknown, revoked or expired key is 401. Calls are limited per client address
/// (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = TokenRequest, responses((status = 200, body = TokenResponse)))]
#[post("/auth/token")]
pub async fn token(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::throttle_anonymous(&req)?;
    let secret = body
        .get("api_key")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("api_key", "is required"))?
        .to_string();
    if secret.len() > 200 {
        return Err(ApiError::Unauthorized("invalid API key".into()));
    }
    let key = service::authenticate(&state.pool, secret).await?;
    let key = key.ok_or_else(|| ApiError::Unauthorized("unknown, revoked or expired API key".into()))?;
    let role = Role::parse(&key.role).ok_or(ApiError::Internal)?;
    // Never beyond the key's own expiry.
    let until_expiry = key.expires_at.map(|e| (e - crate::time::now().naive_utc()).num_seconds());
    let ttl = until_expiry.map_or(TOKEN_TTL, |s| s.clamp(1, TOKEN_TTL));
    let sub = format!("{}{}", crate::auth::revocation::API_KEY_SUB_PREFIX, key.id);
    let access_token = state.jwt.issue(&sub, &key.workspace_id, role, None, ttl);
    Ok(HttpResponse::Ok().insert_header(crate::routes::support::NO_STORE).json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ttl,
    }))
}

/// Registers the key and token routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(revoke).service(token);
}
