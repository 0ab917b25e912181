//! `/v1/duplicates`: people who are probably one person, and dismissing a pair.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::fields::required_ids;
use crate::error::ApiError;
use crate::pagination::{self, Position};
use crate::service::duplicates::{self as service, DuplicatePair};
use crate::state::AppState;

const SORT: &str = "duplicates";

/// A page of candidate pairs.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicatePage {
    /// Best first.
    pub items: Vec<DuplicatePair>,
    /// The next page's cursor; null on the last page.
    pub next_cursor: Option<String>,
}

/// Two people to stop proposing as duplicates.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct DismissInput {
    /// One of the pair.
    #[schema(format = "uuid")]
    a_id: String,
    /// The other.
    #[schema(format = "uuid")]
    b_id: String,
}

/// Pairs of live people likely to be the same person, best first.
///
/// Computed from indexed equalities (email, phone digits, folded name tokens, CRM record
/// id across sources), never by comparing every pair. A value shared by more than 20
/// people (a switchboard number, a team address) is not taken as evidence. Confidential
/// people appear only to those who may see them; dismissed pairs never come back.
#[utoipa::path(
    tag = "stakeholders",
    params(("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = DuplicatePage)),
    security(("bearer" = []))
)]
#[get("/duplicates")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(params.get("limit").map(String::as_str))?;
    let after = match pagination::cursor_param(&params, "cursor") {
        Some(cursor) => {
            let p = state.cursors.decode(cursor, SORT)?;
            let bad = || ApiError::BadRequest("invalid cursor: pass back next_cursor unchanged".into());
            let score = p.values.first().and_then(Value::as_u64).ok_or_else(bad)?;
            let a = p.values.get(1).and_then(Value::as_str).ok_or_else(bad)?;
            Some((u32::try_from(score).map_err(|_| bad())?, a.to_string(), p.id))
        }
        None => None,
    };
    let (items, more) = service::list(&state.pool, auth, after, limit as usize).await?;
    let next_cursor = items.last().filter(|_| more).map(|last| {
        state.cursors.encode(&Position {
            sort: SORT.into(),
            values: vec![Value::from(last.score), Value::from(last.a.id.clone())],
            id: last.b.id.clone(),
        })
    });
    Ok(HttpResponse::Ok().json(DuplicatePage { items, next_cursor }))
}

/// Dismiss a pair: they are two people, never proposed again.
#[utoipa::path(
    tag = "stakeholders",
    request_body = DismissInput,
    responses((status = 204, description = "Dismissed (again: still dismissed)")),
    security(("bearer" = []))
)]
#[post("/duplicates/dismiss")]
pub async fn dismiss(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut ids = required_ids(&body, &["a_id", "b_id"]).map_err(ApiError::Validation)?;
    let b = ids.pop().expect("two ids");
    let a = ids.pop().expect("two ids");
    service::dismiss(&state.pool, auth, a, b).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the duplicate routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(dismiss);
}
