//! Stakeholder handlers: parse → authorise → domain rules → store → view.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::query::{self, ListParams};
use super::view::{StakeholderInput, StakeholderPage, StakeholderView};
use crate::auth::{Auth, Role};
use crate::db::{tx, DbConnection};
use crate::domain::stakeholder::{self, Mode, Stakeholder};
use crate::error::ApiError;
use crate::pagination::Position;
use crate::routes::support::{etag, with_conn, Precondition};
use crate::service::versioned;
use crate::startup::AppState;
use crate::store::stakeholder_list::{self, After, ListError};
use crate::store::stakeholders::{self as store, KeyHolder};

pub(crate) use super::load_visible;

fn respond(status: actix_web::http::StatusCode, s: Stakeholder, role: Role) -> HttpResponse {
    let tag = etag(s.version);
    HttpResponse::build(status).insert_header((header::ETAG, tag)).json(StakeholderView::for_role(s, role))
}

/// Cross-row rules of a write: the CRM key is free (409) and a newly set account exists
/// (422). An account that was deleted after it was linked does not block other changes,
/// such as deleting the stakeholder.
pub(super) fn ensure_references(
    conn: &mut DbConnection,
    viewer: &Auth,
    before: Option<&Stakeholder>,
    s: &Stakeholder,
) -> Result<(), ApiError> {
    let account_changed = before.is_none_or(|b| b.profile.account_id != s.profile.account_id);
    if let Some(account) = s.profile.account_id.as_ref().filter(|_| account_changed) {
        let live = crate::store::accounts::find(conn, &s.workspace_id, account)?
            .is_some_and(|a| a.deleted_at.is_none());
        if !live {
            return Err(ApiError::invalid("account_id", "no such account in this workspace"));
        }
    }
    ensure_external_key_free(conn, viewer, s)
}

fn ensure_external_key_free(conn: &mut DbConnection, viewer: &Auth, s: &Stakeholder) -> Result<(), ApiError> {
    if let (Some(source), Some(external_id)) = (&s.profile.source, &s.profile.external_id) {
        match store::key_holder(conn, viewer, source, external_id)? {
            Some(KeyHolder::Visible(other)) if other != s.id => {
                return Err(ApiError::ConflictWith(
                    format!(
                    "source '{source}' external_id '{external_id}' already belongs to stakeholder {other}"
                ),
                    Some(other),
                ))
            }
            Some(KeyHolder::Hidden) => return Err(key_taken(source, external_id)),
            _ => {}
        }
    }
    Ok(())
}

/// 409 for a CRM key held by someone the caller may not see: taken, by nobody named.
pub(super) fn key_taken(source: &str, external_id: &str) -> ApiError {
    ApiError::Conflict(format!("source '{source}' external_id '{external_id}' is already taken"))
}

/// Create a stakeholder.
#[utoipa::path(
    tag = "stakeholders",
    request_body(content = StakeholderInput, description = "Profile fields; analysis fields need admin or manager (403 otherwise)."),
    responses(
        (status = 201, description = "Created; `Location` names it", body = StakeholderView,
            headers(("Location" = String, description = "URL of the new stakeholder"), ("ETag" = String, description = "\"<version>\""))),
        (status = 409, description = "`source` + `external_id` already used in this workspace", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stakeholders")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut s = Stakeholder::blank(&auth.workspace_id, crate::time::now());
    stakeholder::apply(&mut s, &body, auth.writes_analysis(), Mode::Create)?;
    let who = auth.clone();
    let s = with_conn(&state, move |conn| {
        tx::write(conn, |c| {
            ensure_references(c, &who, None, &s)?;
            store::insert(c, &s, &who.sub)?;
            Ok(s)
        })
    })
    .await?;
    let location = format!("/v1/stakeholders/{}", s.id);
    let mut response = respond(actix_web::http::StatusCode::CREATED, s, auth.role);
    response.headers_mut().insert(header::LOCATION, location.parse().expect("ids are ASCII"));
    Ok(response)
}

/// Get one stakeholder.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("include_deleted" = Option<bool>, Query, description = "Also find a soft-deleted stakeholder")),
    responses(
        (status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\""))),
        (status = 304, description = "`If-None-Match` matched the current version"),
    ),
    security(("bearer" = []))
)]
#[get("/stakeholders/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let include_deleted = query::include_deleted(&params)?;
    let if_none_match = crate::routes::support::precondition(&req, header::IF_NONE_MATCH)?;
    let who = auth.clone();
    let s = with_conn(&state, move |conn| load_visible(conn, &who, &id, include_deleted)).await?;
    if if_none_match.is_some_and(|c| c.matches(s.version)) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag(s.version))).finish());
    }
    Ok(respond(actix_web::http::StatusCode::OK, s, auth.role))
}

/// List stakeholders with filters, sort and keyset pagination.
#[utoipa::path(
    tag = "stakeholders",
    params(ListParams),
    responses((status = 200, body = StakeholderPage)),
    security(("bearer" = []))
)]
#[get("/stakeholders")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let request = query::parse(&params, auth.role)?;
    let after = match &request.cursor {
        Some(cursor) => {
            let position = state.cursors.decode(cursor, &request.sort_text)?;
            Some(After { values: position.values, id: position.id })
        }
        None => None,
    };
    let workspace = auth.workspace_id.clone();
    let (filter, sort, limit) = (request.filter, request.sort.clone(), request.limit);
    let mut rows = with_conn(&state, move |conn| {
        stakeholder_list::list(conn, &workspace, &filter, &sort, after.as_ref(), limit + 1).map_err(|e| {
            match e {
                ListError::BadCursor => {
                    ApiError::BadRequest("invalid cursor: pass back next_cursor unchanged".into())
                }
                ListError::Db(e) => e.into(),
            }
        })
    })
    .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            state.cursors.encode(&Position {
                sort: request.sort_text.clone(),
                values: request.sort.iter().map(|k| stakeholder_list::sort_value(k.field, last)).collect(),
                id: last.id.clone(),
            })
        })
    } else {
        None
    };
    let items = rows.into_iter().map(|s| StakeholderView::for_role(s, auth.role)).collect();
    Ok(HttpResponse::Ok().json(StakeholderPage { items, next_cursor }))
}

/// Locks and loads a live or deleted stakeholder the caller may see, for a write.
pub(super) fn load_for_update(
    conn: &mut DbConnection,
    auth: &Auth,
    id: &str,
) -> Result<Stakeholder, ApiError> {
    store::lock(conn, &auth.workspace_id, id)?;
    load_visible(conn, auth, id, true)
}

/// Read-modify-write of one visible stakeholder, with its history entry.
async fn modify<F>(
    state: &web::Data<AppState>,
    auth: &Auth,
    id: String,
    if_match: Option<Precondition>,
    include_deleted: bool,
    change: F,
) -> Result<Stakeholder, ApiError>
where
    F: Fn(&mut Stakeholder) -> Result<bool, ApiError> + Send + Sync + 'static,
{
    let who = auth.clone();
    with_conn(state, move |conn| {
        versioned::modify(
            conn,
            &if_match,
            |c| {
                store::lock(c, &who.workspace_id, &id)?;
                load_visible(c, &who, &id, include_deleted)
            },
            &change,
            |c, before, after| {
                ensure_references(c, &who, Some(before), after)?;
                Ok(store::save(c, before, after, &who.sub)?)
            },
        )
    })
    .await
}

/// Update a stakeholder with a JSON Merge Patch (absent = unchanged, null = clear).
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    request_body(content(
        (StakeholderInput = "application/merge-patch+json"),
        (StakeholderInput = "application/json"),
    ), description = "Fields to change; analysis fields need admin or manager (403 otherwise)."),
    responses(
        (status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\""))),
        (status = 409, description = "`source` + `external_id` already used", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/stakeholders/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let writes_analysis = auth.writes_analysis();
    let body = body.into_inner();
    let s = modify(&state, &auth, id.into_inner(), if_match, false, move |s| {
        let before = s.clone();
        stakeholder::apply(s, &body, writes_analysis, Mode::Patch)?;
        Ok(*s != before)
    })
    .await?;
    Ok(respond(actix_web::http::StatusCode::OK, s, auth.role))
}

/// Soft-delete a stakeholder (hidden until restored).
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = []))
)]
#[delete("/stakeholders/{id}")]
pub async fn delete(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    modify(&state, &auth, id.into_inner(), if_match, false, versioned::mark_deleted).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore a soft-deleted stakeholder; restoring a live one changes nothing.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id"),
           ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
    responses((status = 200, body = StakeholderView, headers(("ETag" = String, description = "\"<version>\"")))),
    security(("bearer" = []))
)]
#[post("/stakeholders/{id}/restore")]
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let s = modify(&state, &auth, id.into_inner(), if_match, true, versioned::mark_restored).await?;
    Ok(respond(actix_web::http::StatusCode::OK, s, auth.role))
}
