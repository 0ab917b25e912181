//! `GET /v1/engagement-sequence`: the recommended order to approach people.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::quadrant::quadrant;
use crate::domain::sequence::{order, SortKey, Step};
use crate::domain::stakeholder_enums::Stance;
use crate::error::ApiError;
use crate::pagination::{self, Position};
use crate::state::AppState;

const SORT: &str = "sequence";

/// A page of the sequence.
#[derive(Debug, Serialize, ToSchema)]
pub struct SequencePage {
    /// In approach order.
    pub items: Vec<Step>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

fn key_json(k: &SortKey) -> Vec<Value> {
    vec![json!(k.0), json!(k.1), json!(k.2), json!(k.3), json!(k.4)]
}

fn key_from(values: &[Value], id: String) -> Option<SortKey> {
    let n = |i: usize| values.get(i)?.as_i64().map(|x| x as i32);
    Some((n(0)?, n(1)?, n(2)?, n(3)?, values.get(4)?.as_str()?.to_string(), id))
}

/// Advocates first (key players, then experts, passive passengers, distant relatives),
/// then neutrals, then critics; within a band by influence, highest first; stakeholders
/// without scores or stance last with `assessed: false`. Each with strategy and a reason.
#[utoipa::path(tag = "engagement",
    params(("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = SequencePage)), security(("bearer" = [])))]
#[get("/engagement-sequence")]
pub async fn sequence(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(params.get("limit").map(String::as_str))? as usize;
    let after = match pagination::cursor_param(&params, "cursor") {
        Some(c) => {
            let p = state.cursors.decode(c, SORT)?;
            Some(key_from(&p.values, p.id).ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?)
        }
        None => None,
    };
    let rows = crate::service::people::approach_rows(&state.pool, auth).await?;
    let steps = rows.into_iter().map(|r| {
        Step::new(
            r.id,
            r.name,
            r.title,
            Stance::parse(&r.stance).unwrap_or_default(),
            quadrant(r.influence, r.impact),
            (r.influence, r.impact),
            r.veto,
        )
    });
    let mut items: Vec<Step> = order(steps.collect())
        .into_iter()
        .filter(|s| after.as_ref().is_none_or(|a| s.key() > *a))
        .take(limit + 1)
        .collect();
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| {
            let key = last.key();
            state.cursors.encode(&Position { sort: SORT.into(), values: key_json(&key), id: key.5 })
        })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(SequencePage { items, next_cursor }))
}

/// Registers the sequence route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sequence);
}
