//! Access links: `POST|GET /v1/stakeholders/{id}/access-links`, `DELETE
//! /v1/access-links/{id}`, and `POST /v1/auth/link` (no auth) exchanging one for a token.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::routes::support::NO_STORE;
use crate::service::access_links::{self as service, LinkSession, DEFAULT_TTL, MAX_TTL, MIN_TTL};
use crate::state::AppState;
use crate::store::access_links::AccessLink;

/// A link as listed: never its token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLinkView {
    /// Id (revoke with `DELETE /v1/access-links/{id}`).
    #[schema(format = "uuid")]
    pub id: String,
    /// The person it lets in.
    #[schema(format = "uuid")]
    pub stakeholder_id: String,
    /// The form it was made for, if any.
    #[schema(format = "uuid")]
    pub form_id: Option<String>,
    /// When made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// When revoked (by hand, or with its person), if it was.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<AccessLink> for AccessLinkView {
    fn from(l: AccessLink) -> Self {
        Self {
            id: l.id,
            stakeholder_id: l.stakeholder_id,
            form_id: l.form_id,
            created_at: l.created_at.and_utc(),
            expires_at: l.expires_at.and_utc(),
            revoked_at: l.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// A new link: its URL holds the token and is shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccessLink {
    /// Id.
    #[schema(format = "uuid")]
    pub id: String,
    /// The form front-end's page with the token (`STAKEMAP_ACCESS_LINK_URL`).
    pub url: String,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A person's links.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLinkList {
    /// Newest first.
    pub items: Vec<AccessLinkView>,
    /// Always null (at most 1000 links are listed).
    pub next_cursor: Option<String>,
}

/// Body of a new link.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AccessLinkInput {
    /// The form the link opens (the front-end's choice when absent).
    #[schema(format = "uuid")]
    form_id: Option<String>,
    /// Lifetime in seconds, 60 to 7,776,000 (90 days); default 45 days.
    #[schema(minimum = 60, maximum = 7776000)]
    ttl_seconds: Option<i64>,
}

/// Body of an exchange.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct LinkExchange {
    /// The token from the link's URL.
    #[schema(max_length = 200)]
    token: String,
}

fn parse_input(body: &Map<String, Value>) -> Result<(Option<String>, i64), ApiError> {
    let mut errors = Vec::new();
    for key in body.keys().filter(|k| !["form_id", "ttl_seconds"].contains(&k.as_str())) {
        errors.push(crate::error::FieldError::new(key, "is not an access-link field"));
    }
    let form_id = crate::domain::fields::uuid("form_id", body.get("form_id").unwrap_or(&Value::Null))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let ttl = match body.get("ttl_seconds") {
        None | Some(Value::Null) => DEFAULT_TTL,
        Some(v) => crate::domain::fields::integer(v)
            .filter(|t| (MIN_TTL..=MAX_TTL).contains(t))
            .unwrap_or_else(|| {
                errors.push(crate::error::FieldError::new(
                    "ttl_seconds",
                    format!("must be an integer from {MIN_TTL} to {MAX_TTL}"),
                ));
                DEFAULT_TTL
            }),
    };
    match errors.is_empty() {
        true => Ok((form_id, ttl)),
        false => Err(ApiError::Validation(errors)),
    }
}

/// Make an access link for a person: an opaque token inside `url`, shown this once and
/// stored only hashed. The person exchanges it at `POST /v1/auth/link`; it dies when
/// revoked, when it expires, and when the person is deleted or merged away.
#[utoipa::path(tag = "stakeholders", params(("id" = String, Path, description = "Stakeholder id")),
    request_body = AccessLinkInput,
    responses((status = 201, body = CreatedAccessLink,
        headers(("Location" = String, description = "The link (`DELETE` there revokes it)")))),
    security(("bearer" = [])))]
#[post("/stakeholders/{id}/access-links")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let (form_id, ttl) = parse_input(&body)?;
    let issued =
        service::create(&state.pool, auth, (id.into_inner(), form_id, ttl), state.access_link_url.clone())
            .await?;
    // The link's own URL: a retried create's 409 names it as `existing_id`.
    let location = format!("/v1/access-links/{}", issued.link.id);
    Ok(HttpResponse::Created().insert_header(NO_STORE).insert_header(("Location", location)).json(
        CreatedAccessLink {
            id: issued.link.id,
            url: issued.url,
            expires_at: issued.link.expires_at.and_utc(),
        },
    ))
}

/// A person's access links (never their tokens), newest first.
#[utoipa::path(tag = "stakeholders", params(("id" = String, Path, description = "Stakeholder id")),
    responses((status = 200, body = AccessLinkList)), security(("bearer" = [])))]
#[get("/stakeholders/{id}/access-links")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let links = service::list(&state.pool, auth, id.into_inner()).await?;
    let items = links.into_iter().map(AccessLinkView::from).collect();
    Ok(HttpResponse::Ok().json(AccessLinkList { items, next_cursor: None }))
}

/// Revoke an access link: it and every token exchanged for it stop working at once.
#[utoipa::path(tag = "stakeholders", params(("id" = String, Path, description = "Access link id")),
    responses((status = 204, description = "Revoked (again: still revoked)")), security(("bearer" = [])))]
#[delete("/access-links/{id}")]
pub async fn revoke(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service::revoke(&state.pool, auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Exchange an access link's token for a `stakeholder` token (no auth header needed),
/// valid for an hour or until the link dies, whichever is first. An unknown, expired or
/// revoked link, or one whose person is gone, is the same 401. Calls are limited per
/// client address (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = LinkExchange, responses((status = 200, body = LinkSession)))]
#[post("/auth/link")]
pub async fn exchange(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::throttle_anonymous(&req)?;
    if let Some(key) = body.keys().find(|k| *k != "token") {
        return Err(ApiError::invalid(key, "is not a field of this request"));
    }
    let token = body
        .get("token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| ApiError::invalid("token", "is required: the token from the link"))?
        .to_string();
    let session = service::exchange(&state.pool, &state.jwt, token).await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(session))
}

/// Registers the access-link routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(revoke).service(exchange);
}
