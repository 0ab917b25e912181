//! `/v1/calendar-links`: read-only, revocable links to the schedule feed for calendar
//! apps, and the feed they open (`GET /v1/calendar/{token}.ics`, no header needed).

use std::collections::HashMap;

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::fields::{check_text, TextKind};
use crate::error::{ApiError, FieldError};
use crate::service::calendar_links as service;
use crate::state::AppState;
use crate::store::calendar_links::CalendarLink;

/// A calendar link as listed (never its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarLinkView {
    /// Id (revoke with `DELETE /v1/calendar-links/{id}`).
    pub id: String,
    /// Only this owner's plans; null for every plan the maker sees.
    pub owner: Option<String>,
    /// When made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When a calendar app last fetched it.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<CalendarLink> for CalendarLinkView {
    fn from(l: CalendarLink) -> Self {
        Self {
            id: l.id,
            owner: l.owner,
            created_at: l.created_at.and_utc(),
            last_used_at: l.last_used_at.map(|t| t.and_utc()),
        }
    }
}

/// A new link with its feed URL, shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedCalendarLink {
    /// The link.
    #[serde(flatten)]
    pub link: CalendarLinkView,
    /// The feed to subscribe to: `…/v1/calendar/<token>.ics`.
    pub url: String,
}

/// The caller's links.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarLinkList {
    /// Oldest first (an admin sees the workspace's, others their own).
    pub items: Vec<CalendarLinkView>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct CalendarLinkInput {
    /// Only this owner's plans (1–200 characters).
    #[schema(nullable = false, min_length = 1, max_length = 200, format = "line")]
    owner: Option<String>,
}

fn owner_of(body: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| *k != "owner")
        .map(|k| FieldError::new(k, "is not a calendar link field"))
        .collect();
    let owner = match body.get("owner") {
        None => None,
        Some(Value::String(o)) => {
            if let Err(e) = check_text("owner", o, 1, 200, TextKind::Line) {
                errors.push(e);
            }
            Some(o.clone())
        }
        Some(_) => {
            errors.push(FieldError::new("owner", "must be a string"));
            None
        }
    };
    match errors.is_empty() {
        true => Ok(owner),
        false => Err(ApiError::Validation(errors)),
    }
}

/// Make a link to the schedule feed for a calendar app: an opaque token that opens only
/// `GET /v1/calendar/{token}.ics`, read-only, showing what the maker sees (only `owner`'s
/// plans if given), until revoked. The URL is shown once; only its hash is stored.
#[utoipa::path(tag = "engagement", request_body = CalendarLinkInput,
    responses((status = 201, body = CreatedCalendarLink)), security(("bearer" = [])))]
#[post("/calendar-links")]
pub async fn create(
    auth: Auth,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner_of(&body)?;
    let issued = service::create(&state.pool, auth, owner).await?;
    let info = req.connection_info();
    let url = format!("{}://{}/v1/calendar/{}.ics", info.scheme(), info.host(), issued.token);
    Ok(HttpResponse::Created()
        .insert_header(crate::routes::support::NO_STORE)
        .insert_header(("Location", format!("/v1/calendar-links/{}", issued.link.id)))
        .json(CreatedCalendarLink { link: issued.link.into(), url }))
}

/// The caller's calendar links, without their tokens (an admin: the workspace's).
#[utoipa::path(tag = "engagement", responses((status = 200, body = CalendarLinkList)), security(("bearer" = [])))]
#[get("/calendar-links")]
pub async fn list(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = service::list(&state.pool, auth).await?.into_iter().map(CalendarLinkView::from).collect();
    Ok(HttpResponse::Ok().json(CalendarLinkList { items, next_cursor: None }))
}

/// Revoke a calendar link: its feed answers 401 from now on. Only its maker or an admin.
#[utoipa::path(tag = "engagement", params(("id" = String, Path, description = "Calendar link id")),
    responses((status = 204, description = "Revoked")), security(("bearer" = [])))]
#[delete("/calendar-links/{id}")]
pub async fn revoke(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service::revoke(&state.pool, auth, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The schedule feed a calendar link opens (no Authorization header: the token is the
/// credential). `from` and `to` as for `/v1/schedule.ics`. An unknown or revoked token is
/// 401; failures are limited per client address (429 with `Retry-After`).
#[utoipa::path(tag = "engagement",
    params(("token" = String, Path, description = "The token of a calendar link"),
           ("from" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default today (UTC)"),
           ("to" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default from + 30 days")),
    responses((status = 200, description = "text/calendar", body = String, content_type = "text/calendar")))]
#[get("/calendar/{token}.ics")]
pub async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let (viewer, owner) = match service::open(&state.pool, token.into_inner()).await {
        Ok(found) => found,
        Err(e @ ApiError::Unauthorized(_)) => {
            crate::auth::throttle_anonymous(&req)?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let mut params = params.into_inner();
    params.remove("owner");
    params.extend(owner.map(|o| ("owner".to_string(), o)));
    super::schedule::ics_feed(&state, viewer, &params).await
}

/// Registers the calendar link routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create);
    cfg.service(list);
    cfg.service(revoke);
    cfg.service(feed);
}
