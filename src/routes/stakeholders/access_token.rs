//! `POST /v1/stakeholders/{id}/access-token`: a personal link token for feedback forms.

use actix_web::{post, web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::{Auth, Role};
use crate::error::ApiError;
use crate::state::AppState;

/// Shortest and longest lifetimes of a stakeholder token, and the default.
const MIN_TTL: i64 = 60;
const MAX_TTL: i64 = 90 * 86_400;
const DEFAULT_TTL: i64 = 30 * 86_400;

/// Body: the token's lifetime.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AccessTokenInput {
    /// Seconds, 60 to 7,776,000 (90 days); default 30 days.
    #[schema(minimum = 60, maximum = 7776000)]
    ttl_seconds: Option<i64>,
}

/// A stakeholder-role token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    /// The JWT.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(value_type = crate::openapi::TokenType)]
    pub token_type: &'static str,
    /// Lifetime in seconds.
    pub expires_in: i64,
    /// The stakeholder it speaks for.
    pub stakeholder_id: String,
}

/// Issue a `stakeholder`-role token for this stakeholder (for a feedback link). It can
/// read `/v1/me*`, submit and amend its own feedback, and nothing else.
#[utoipa::path(tag = "stakeholders", params(("id" = String, Path, description = "Stakeholder id")),
    request_body = AccessTokenInput,
    responses((status = 201, body = AccessToken)),
    security(("bearer" = [])))]
#[post("/stakeholders/{id}/access-token")]
pub async fn issue(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    if let Some(key) = body.keys().find(|k| *k != "ttl_seconds") {
        return Err(ApiError::invalid(key, "is not an access-token field"));
    }
    let ttl = match body.get("ttl_seconds") {
        None | Some(Value::Null) => DEFAULT_TTL,
        Some(v) => crate::domain::fields::integer(v).filter(|t| (MIN_TTL..=MAX_TTL).contains(t)).ok_or_else(
            || ApiError::invalid("ttl_seconds", format!("must be an integer from {MIN_TTL} to {MAX_TTL}")),
        )?,
    };
    let ws = auth.workspace_id.clone();
    let person = crate::service::people::visible(&state.pool, auth, id.into_inner()).await?;
    let token =
        state.jwt.issue(&format!("stakeholder:{}", person.id), &ws, Role::Stakeholder, Some(&person.id), ttl);
    Ok(HttpResponse::Created().insert_header(crate::routes::support::NO_STORE).json(AccessToken {
        access_token: token,
        token_type: "Bearer",
        expires_in: ttl,
        stakeholder_id: person.id,
    }))
}
