//! `GET /v1/stakeholders/{id}/history`: every change, newest first.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};

use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::domain::history::{visible_changes, HistoryOp};
use crate::error::ApiError;
use crate::pagination::{self, Position};
use crate::state::AppState;

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Entry id.
    pub id: String,
    /// When the change was committed.
    pub at: DateTime<Utc>,
    /// The token subject that made it.
    pub actor: String,
    /// create, update, delete or restore.
    pub op: HistoryOp,
    /// `{field: {from, to}}` for each field written; analysis fields only for roles that
    /// may see analysis.
    #[schema(value_type = BTreeMap<String, FieldChange>)]
    pub changes: Map<String, Value>,
    /// `{from, to}` when the change moved the stakeholder to another quadrant (the
    /// quadrant trend); absent otherwise and for roles that cannot see analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<QuadrantChange>)]
    pub quadrant: Option<Value>,
}

/// One field's change: its value before and after (the field's own type; null = unset).
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    /// The value before (null on create or when unset).
    #[schema(value_type = Option<crate::openapi::FieldValue>)]
    pub from: Value,
    /// The value after (null on delete or when cleared).
    #[schema(value_type = Option<crate::openapi::FieldValue>)]
    pub to: Value,
}

/// A move to another quadrant.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuadrantChange {
    /// The quadrant before (null when the person was just created).
    pub from: Option<crate::domain::stakeholder_enums::Quadrant>,
    /// The quadrant after.
    pub to: crate::domain::stakeholder_enums::Quadrant,
}

/// A page of history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPage {
    /// Entries.
    pub items: Vec<HistoryEntry>,
    /// Cursor for older entries; null at the first change.
    pub next_cursor: Option<String>,
}

const SORT: &str = "-at";

/// Every change of a stakeholder, newest first: the stance and quadrant trend.
/// Update entries whose only changes are analysis fields are left out for roles that
/// cannot see analysis.
#[utoipa::path(
    tag = "stakeholders",
    params(("id" = String, Path, description = "Stakeholder id (deleted ones too)"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = HistoryPage)),
    security(("bearer" = []))
)]
#[get("/stakeholders/{id}/history")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(params.get("limit").map(String::as_str))?;
    let before = match pagination::cursor_param(&params, "cursor") {
        Some(cursor) => {
            let position = state.cursors.decode(cursor, SORT)?;
            let at = position
                .values
                .first()
                .and_then(Value::as_str)
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            let at = at.ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?;
            Some((at.naive_utc(), position.id))
        }
        None => None,
    };
    let sees_analysis = auth.sees_analysis();
    let mut rows =
        crate::service::people::history(&state.pool, auth, id.into_inner(), before, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            state.cursors.encode(&Position {
                sort: SORT.into(),
                values: vec![json!(last.at.and_utc().to_rfc3339())],
                id: last.id.clone(),
            })
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let op = HistoryOp::parse(&row.op)?;
            let mut changes = visible_changes(row.changes(), sees_analysis);
            let quadrant = changes.remove("quadrant");
            if op == HistoryOp::Update && changes.is_empty() {
                return None;
            }
            Some(HistoryEntry { id: row.id, at: row.at.and_utc(), actor: row.actor, op, changes, quadrant })
        })
        .collect();
    Ok(HttpResponse::Ok().json(HistoryPage { items, next_cursor }))
}
