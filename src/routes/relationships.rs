//! `/v1/relationships`: links between stakeholders.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::stakeholders::load_visible;
use super::support::{etag, with_conn};
use crate::auth::Auth;
use crate::db::tx;
use crate::domain::relationship::{self, Relationship, RelationshipKind};
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::service::conditions::check_if_match;
use crate::startup::AppState;
use crate::store::relationships::{self as store, Scope};

/// A page of relationships.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationshipPage {
    /// This page.
    pub items: Vec<Relationship>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct RelationshipInput {
    /// Source stakeholder (404 if not visible in this workspace).
    #[schema(format = "uuid")]
    from_id: String,
    /// Target stakeholder; a self-link is 422.
    #[schema(format = "uuid")]
    to_id: String,
    /// Kind of link.
    kind: RelationshipKind,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    label: Option<String>,
    /// 1–5.
    #[schema(minimum = 1, maximum = 5)]
    strength: Option<i32>,
}

fn scope(auth: &Auth) -> Scope {
    Scope { hide_confidential: !auth.role.sees_confidential(), ..Scope::default() }
}

fn respond(status: StatusCode, rel: Relationship) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(rel.version))).json(rel)
}

/// Link two stakeholders. A live link of the same kind between the same two is 409.
#[utoipa::path(
    tag = "relationships",
    request_body = RelationshipInput,
    responses(
        (status = 201, body = Relationship, headers(("Location" = String, description = "URL of the new relationship"))),
        (status = 409, description = "The same link already exists", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/relationships")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let rel = relationship::parse_new(&auth.workspace_id, &body, crate::time::now())?;
    let who = auth.clone();
    let rel = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            load_visible(c, &who, &rel.from_id, false)?;
            load_visible(c, &who, &rel.to_id, false)?;
            if store::exists(c, &rel)? {
                return Err(ApiError::Conflict("this relationship already exists".into()));
            }
            store::insert(c, &rel)?;
            Ok(rel)
        })
    })
    .await?;
    let location = format!("/v1/relationships/{}", rel.id);
    let mut res = respond(StatusCode::CREATED, rel);
    res.headers_mut().insert(header::LOCATION, location.parse().expect("ids are ASCII"));
    Ok(res)
}

/// One relationship.
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id")),
    responses((status = 200, body = Relationship)),
    security(("bearer" = []))
)]
#[get("/relationships/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (ws, scope) = (auth.workspace_id.clone(), scope(&auth));
    let rel = with_conn(&state, move |conn| Ok(store::find(conn, &ws, &id, &scope)?)).await?;
    Ok(respond(StatusCode::OK, rel.ok_or_else(|| ApiError::not_found("relationship"))?))
}

/// Relationships, oldest first; only those whose two ends are live stakeholders the caller may see.
#[utoipa::path(
    tag = "relationships",
    params(
        ("stakeholder_id" = Option<String>, Query, description = "Only links with this stakeholder at either end"),
        ("kind" = Option<RelationshipKind>, Query, description = "Only this kind"),
        ("include_deleted" = Option<bool>, Query, description = "Also deleted links"),
        ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses((status = 200, body = RelationshipPage)),
    security(("bearer" = []))
)]
#[get("/relationships")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut scope = scope(&auth);
    let mut errors = Vec::new();
    scope.stakeholder_id = super::support::uuid_param(&params, "stakeholder_id", &mut errors);
    if let Some(kind) = params.get("kind") {
        match RelationshipKind::parse(kind) {
            Some(kind) => scope.kind = Some(kind),
            None => errors.push(crate::error::FieldError::new(
                "kind",
                format!("must be one of: {}", RelationshipKind::expected()),
            )),
        }
    }
    scope.include_deleted = super::stakeholders::include_deleted(&params)?;
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let ws = auth.workspace_id.clone();
    let items = with_conn(&state, move |conn| {
        Ok(store::list(conn, &ws, &scope, query.after.clone(), query.fetch())?)
    })
    .await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    Ok(HttpResponse::Ok().json(RelationshipPage { items, next_cursor }))
}

async fn set_deleted(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: String,
    delete: bool,
) -> Result<Relationship, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let (ws, scope) = (auth.workspace_id.clone(), Scope { include_deleted: !delete, ..scope(&auth) });
    with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            let rel = store::find(c, &ws, &id, &scope)?.ok_or_else(|| ApiError::not_found("relationship"))?;
            check_if_match(&if_match, rel.version)?;
            if rel.deleted_at.is_some() == delete {
                return Ok(rel);
            }
            let at = delete.then(|| crate::time::now().naive_utc());
            store::set_deleted(c, &rel, at)?;
            Ok(store::find(c, &ws, &id, &Scope { include_deleted: true, ..scope.clone() })?.unwrap_or(rel))
        })
    })
    .await
}

/// Delete a relationship (soft).
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = []))
)]
#[delete("/relationships/{id}")]
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_deleted(auth, state, req, id.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore a deleted relationship (both ends must be live).
#[utoipa::path(
    tag = "relationships",
    params(("id" = String, Path, description = "Relationship id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = Relationship)),
    security(("bearer" = []))
)]
#[post("/relationships/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rel = set_deleted(auth, state, req, id.into_inner(), false).await?;
    Ok(respond(StatusCode::OK, rel))
}

/// Registers the relationship routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(remove).service(restore);
}
