//! `POST /v1/stakeholders/{id}/merge`: two records of one person become one.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::view::StakeholderView;
use crate::auth::Auth;
use crate::domain::fields::required_ids;
use crate::error::ApiError;
use crate::routes::support::etag;
use crate::service::stakeholder_merge as service;
use crate::state::AppState;

/// Which person to merge into the one in the path.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct MergeInput {
    /// The person merged away: their references move to the survivor, their CRM key
    /// becomes an alias of the survivor's, and their id answers 410 from then on.
    #[schema(format = "uuid")]
    from_id: String,
}

/// Merge another record of the same person into this one.
///
/// In one transaction: relationships (a self-link that would result is dropped, parallel
/// links fold), plans, interactions, submissions (when both answered a form's period, the
/// survivor's answer counts and the other is kept with `superseded_by`), points and history
/// move onto the survivor; its empty fields are filled from the merged person (never
/// overwritten; a veto held by either is kept) and the tags united. The merged person's
/// CRM key resolves to the survivor in upserts, batches and imports. The change feed
/// reports `delete` with `merged_into` for the merged person and `upsert` for the survivor;
/// webhooks `stakeholder.merged` and `stakeholder.updated`. 422 for a self-merge, a
/// deleted person, or a confidential and a non-confidential person (make them alike
/// first); 409 when either was already merged; 412 for a stale `If-Match` on the survivor.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "The survivor"),
           ("If-Match" = Option<String>, Header, description = "The survivor's current ETag; 412 when stale")),
    request_body = MergeInput,
    responses(
        (status = 200, description = "The survivor after the merge", body = StakeholderView,
            headers(("ETag" = String, description = "\"<version>\""))),
        (status = 409, description = "One of the two was already merged (`existing_id` names the survivor)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The path's person was merged away (`merged_into` names the survivor)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stakeholders/{id}/merge")]
pub async fn merge(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let from_id = required_ids(&body, &["from_id"]).map_err(ApiError::Validation)?.remove(0);
    let role = auth.role;
    let survivor = service::merge(&state.pool, auth, id.into_inner(), from_id, if_match).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(survivor.version)))
        .json(StakeholderView::for_role(survivor, role)))
}
