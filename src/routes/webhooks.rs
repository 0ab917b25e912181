//! `/v1/webhooks` (admin): subscriptions, their signing secret (shown once) and deliveries.

use std::collections::HashMap;

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::with_conn;
use crate::auth::Auth;
use crate::db::{tx, DbConnection};
use crate::error::{ApiError, FieldError};
use crate::pagination::IdPage;
use crate::startup::AppState;
use crate::store::changes::{ChangeKind, EntityType};
use crate::store::webhooks::{self as store, Delivery, WebhookRow};

/// A subscription as shown (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Receiver URL (http or https).
    pub url: String,
    /// Event names (`<type>.<created|updated|deleted>`, or `*` for all).
    pub events: Vec<String>,
    /// Whether events are queued for it.
    pub active: bool,
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
        names.extend(ChangeKind::ALL.iter().map(|k| format!("{}.{}", t.as_str(), k.as_str())));
    }
    names
}

fn event_names() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let item = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(all_events()));
    ArrayBuilder::new().items(item).min_items(Some(1)).max_items(Some(50)).into()
}

fn known_event(name: &str) -> bool {
    name == "*"
        || name
            .split_once('.')
            .is_some_and(|(t, k)| EntityType::parse(t).is_some() && ChangeKind::parse(k).is_some())
}

fn apply(hook: &mut WebhookRow, body: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["url", "events", "active"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a webhook field"))
        .collect();
    match body.get("url") {
        Some(Value::String(url))
            if url.chars().count() <= 2000
                && (url.starts_with("https://") || url.starts_with("http://"))
                && url.split("://").nth(1).is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
                && !url.chars().any(char::is_control) =>
        {
            hook.url = url.clone()
        }
        None if !creating => {}
        _ => errors.push(FieldError::new("url", "must be an http(s) URL of at most 2000 characters")),
    }
    match body.get("events") {
        Some(Value::Array(given)) if !given.is_empty() && given.len() <= 50 => {
            let names: Vec<String> = given.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            if names.len() != given.len() || !names.iter().all(|n| known_event(n)) {
                errors.push(FieldError::new("events", "must be event names like stakeholder.updated, submission.created, feedback_item.updated, or *"));
            } else {
                hook.events = serde_json::to_string(&names).expect("strings serialise");
            }
        }
        None if !creating => {}
        _ => errors.push(FieldError::new("events", "must be an array of 1 to 50 event names")),
    }
    match body.get("active") {
        Some(Value::Bool(b)) => hook.active = *b,
        None => {}
        _ => errors.push(FieldError::new("active", "must be true or false")),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn load(conn: &mut DbConnection, auth: &Auth, id: &str) -> Result<WebhookRow, ApiError> {
    store::find(conn, &auth.workspace_id, id)?.ok_or_else(|| ApiError::not_found("webhook"))
}

/// Subscribe a URL to events (admin). Events are queued in the same transaction as each
/// change and delivered signed, retried with exponential backoff.
#[utoipa::path(tag = "sync", request_body = WebhookInput, responses((status = 201, body = CreatedWebhook)), security(("bearer" = [])))]
#[post("/webhooks")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let now = crate::time::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    let secret = state.jwt.webhook_secret(&id);
    let mut hook = WebhookRow {
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
    apply(&mut hook, &body, true)?;
    let hook = with_conn(&state, move |conn| {
        tx::write(conn, |c| store::insert(c, &hook))?;
        Ok(hook)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::routes::support::NO_STORE)
        .insert_header(("Location", format!("/v1/webhooks/{}", hook.id)))
        .json(CreatedWebhook { webhook: hook.into(), secret }))
}

/// The workspace's subscriptions (admin).
#[utoipa::path(tag = "sync", responses((status = 200, body = WebhookList)), security(("bearer" = [])))]
#[get("/webhooks")]
pub async fn list(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = with_conn(&state, move |conn| Ok(store::list(conn, &auth.workspace_id)?)).await?;
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
    let hook = with_conn(&state, move |conn| load(conn, &auth, &id)).await?;
    Ok(HttpResponse::Ok().json(Webhook::from(hook)))
}

/// Change URL, events or active (admin).
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
    let hook = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            let mut hook = load(c, &auth, &id)?;
            apply(&mut hook, &body, false)?;
            hook.version += 1;
            hook.updated_at = crate::time::now().naive_utc();
            store::update(c, &hook)?;
            Ok(hook)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Webhook::from(hook)))
}

/// Remove a subscription and its delivery log (admin).
#[utoipa::path(tag = "sync", params(("id" = String, Path, description = "Webhook id")), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            load(c, &auth, &id)?;
            Ok(store::delete(c, &auth.workspace_id, &id)?)
        })
    })
    .await?;
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
    let items = with_conn(&state, move |conn| {
        load(conn, &auth, &id)?;
        Ok(store::deliveries(conn, &auth.workspace_id, &id, query.after.clone(), query.fetch())?)
    })
    .await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |d| &d.id);
    Ok(HttpResponse::Ok().json(DeliveryPage { items, next_cursor }))
}

/// Registers the webhook routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(remove).service(deliveries);
}
