//! `/v1/webhooks` (admin): subscriptions, their signing secret (shown once) and deliveries.

use std::collections::HashMap;

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::service::webhooks as service;
use crate::state::AppState;
use crate::store::changes::{ChangeKind, EntityType};
use crate::store::webhooks::{Delivery, WebhookRow};

/// A subscription as shown (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Receiver URL (http or https).
    pub url: String,
    /// Event names (`<type>.<created|updated|deleted>`, or `*` for all).
    #[schema(schema_with = subscribed_events)]
    pub events: Vec<String>,
    /// Whether events are queued for it.
    pub active: bool,
    /// +1 on every change (the ETag).
    pub version: i64,
    /// When created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<WebhookRow> for Webhook {
    fn from(w: WebhookRow) -> Self {
        Webhook {
            events: w.event_list(),
            id: w.id,
            url: w.url,
            active: w.active,
            version: w.version,
            created_at: w.created_at.and_utc(),
            updated_at: w.updated_at.and_utc(),
        }
    }
}

/// A new subscription with its signing secret, shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// HMAC-SHA256 key of `Stakemap-Signature: t=<unix>,v1=<hex of HMAC("<t>.<body>")>`.
    pub secret: String,
}

/// Subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    /// All of the workspace's.
    pub items: Vec<Webhook>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Deliveries of a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    /// Oldest first.
    pub items: Vec<Delivery>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create / patch body.
/// Fields a create body must carry.
pub const REQUIRED_ON_CREATE: &[&str] = &["url", "events"];

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct WebhookInput {
    /// http(s) URL, ≤ 2000 characters.
    #[schema(nullable = false, max_length = 2000, format = "http-url")]
    url: Option<String>,
    /// 1–50 event names or `*`.
    #[schema(schema_with = event_names)]
    events: Option<Vec<String>>,
    /// Default true.
    #[schema(nullable = false)]
    active: Option<bool>,
}

/// Every event a webhook can subscribe to, `*` first.
fn all_events() -> Vec<String> {
    let mut names = vec!["*".to_string()];
    for t in EntityType::ALL {
        let kinds = ChangeKind::ALL.iter().filter(|k| k.applies_to(*t));
        names.extend(kinds.map(|k| format!("{}.{}", t.as_str(), k.as_str())));
    }
    names
}

fn subscribed_events() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let item = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(all_events()));
    ArrayBuilder::new().items(item).into()
}

fn event_names() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let item = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(all_events()));
    ArrayBuilder::new().items(item).min_items(Some(1)).max_items(Some(50)).into()
}

/// Subscribe a URL to events (admin). Events are queued in the same transaction as each
/// change and delivered signed, retried with exponential backoff. Receivers on loopback,
/// private (RFC 1918, RFC 4193), link-local, CGNAT, unspecified or metadata addresses are
/// 422 naming `url` (however spelled, and names that resolve there), unless the server
/// runs with `STAKEMAP_WEBHOOK_ALLOW_PRIVATE=true`; so are URLs with user info. Every
/// delivery checks again against the address it connects to and follows no redirect.
/// A workspace has at most 20 webhooks (409 beyond).
#[utoipa::path(tag = "sync", request_body = WebhookInput, responses((status = 201, body = CreatedWebhook),
    (status = 409, description = "The workspace already has 20 webhooks", body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
#[post("/webhooks")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let now = crate::time::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    let secret = state.jwt.webhook_secret(&id);
    let hook = WebhookRow {
        workspace_id: auth.workspace_id.clone(),
        id,
        url: String::new(),
        events: "[]".into(),
        active: true,
        // Not stored: derived again from the server secret at each delivery.
        secret: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let hook = service::create(&state.pool, hook, body.into_inner(), state.webhook_allow_private).await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::routes::support::NO_STORE)
        .insert_header(("Location", format!("/v1/webhooks/{}", hook.id)))
        .json(CreatedWebhook { webhook: hook.into(), secret }))
}

/// The workspace's subscriptions (admin).
#[utoipa::path(tag = "sync", responses((status = 200, body = WebhookList)), security(("bearer" = [])))]
#[get("/webhooks")]
pub async fn list(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = service::list(&state.pool, auth).await?;
    Ok(HttpResponse::Ok()
        .json(WebhookList { items: items.into_iter().map(Webhook::from).collect(), next_cursor: None }))
}

/// One subscription (admin).
#[utoipa::path(tag = "sync", params(("id" = String, Path, description = "Webhook id")), responses((status = 200, body = Webhook)), security(("bearer" = [])))]
#[get("/webhooks/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let hook = service::get(&state.pool, auth, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Webhook::from(hook)))
}

/// Change URL, events or active (admin); the URL is checked as when subscribing.
/// Deactivating cancels every pending delivery (status `cancelled`).
#[utoipa::path(tag = "sync", params(("id" = String, Path, description = "Webhook id")),
    request_body(content((WebhookInput = "application/merge-patch+json"), (WebhookInput = "application/json"))),
    responses((status = 200, body = Webhook)), security(("bearer" = [])))]
#[patch("/webhooks/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let hook =
        service::update(&state.pool, auth, id.into_inner(), body.into_inner(), state.webhook_allow_private)
            .await?;
    Ok(HttpResponse::Ok().json(Webhook::from(hook)))
}

/// Remove a subscription and its delivery log (admin); nothing queued for it is sent.
#[utoipa::path(tag = "sync", params(("id" = String, Path, description = "Webhook id")), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service::remove(&state.pool, auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's deliveries with status, attempts and last error (admin).
#[utoipa::path(tag = "sync", params(("id" = String, Path, description = "Webhook id"),
        ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = DeliveryPage)), security(("bearer" = [])))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    let items =
        service::deliveries(&state.pool, auth, id.into_inner(), query.after.clone(), query.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |d| &d.id);
    Ok(HttpResponse::Ok().json(DeliveryPage { items, next_cursor }))
}

/// Registers the webhook routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(deliveries);
}
