//! `POST /v1/import/stakeholders`: a CSV or XLSX table of people, upserted or created row
//! by row (or only checked, with `dry_run=true`).

use std::collections::HashMap;

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::crm::{BatchResult, ItemResult, Outcome, SyncMode};
use crate::auth::Auth;
use crate::domain::import_columns::{self as columns, Column};
use crate::domain::sheet::{self, Format, SheetError};
use crate::error::ApiError;
use crate::routes::extractors::{read_body, BULK_BODY_BYTES};
use crate::service::stakeholder_batch::{self as service, Rules};
use crate::state::AppState;

/// Most data rows one import takes (one transaction).
pub const MAX_IMPORT_ROWS: usize = 10_000;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn flag(params: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid(name, "must be true or false")),
    }
}

fn renames(params: &HashMap<String, String>) -> Result<Map<String, Value>, ApiError> {
    match params.get("columns") {
        None => Ok(Map::new()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(ApiError::invalid("columns", "must be a JSON object of header → field name")),
        },
    }
}

fn format_of(req: &HttpRequest, bytes: &[u8]) -> Format {
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    match content_type.split(';').next().unwrap_or_default().trim() {
        XLSX => Format::Xlsx,
        "text/csv" => Format::Csv,
        _ => Format::sniff(bytes),
    }
}

/// Import stakeholders from a table: CSV (UTF-8) or XLSX (its first worksheet).
///
/// The header row names the fields, matched case-insensitively (`Name`, `EMAIL`);
/// `columns` renames headers that do not (`{"Full name": "name", "Vaikutusvalta":
/// "influence"}`); `tags`, `segments`, `rights` and `responsibilities` cells split on `;`;
/// `custom.<key>` columns become custom fields; empty cells leave a field unchanged.
/// Analysis columns (influence, impact, stance, stance_reason, segments, decision_role,
/// veto, goals, concerns, pitch, rights, responsibilities, notes, confidential) are
/// accepted from admin and manager; from any other role the import is 403 naming the
/// column. Rows with `source` and `external_id` are upserted by that key (a merged
/// person's key reaches the survivor), others created. Each row's result carries its
/// line (the header is line 1); bad rows are reported and good rows kept. With
/// `dry_run=true` every row goes through the same checks and writes, which are then
/// rolled back: the results say what the import would do (ids of people it would
/// create are not kept) and nothing is written. At most 10,000 rows per request.
#[utoipa::path(tag = "sync",
    params(("mode" = Option<SyncMode>, Query, description = "upsert (default), create_only or update_only"),
           ("columns" = Option<String>, Query, description = "JSON object renaming headers to field names, e.g. `{\"Full name\":\"name\"}`"),
           ("dry_run" = Option<bool>, Query, description = "true: check every row, write nothing")),
    request_body(description = "The table: CSV as `text/csv`, XLSX as its media type, or either as bytes (XLSX recognised by its signature)", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, body = BatchResult)), security(("bearer" = [])))]
#[post("/import/stakeholders")]
pub async fn import(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mode = match params.get("mode") {
        Some(m) => SyncMode::parse(m)
            .ok_or_else(|| ApiError::invalid("mode", "must be upsert, create_only or update_only"))?,
        None => SyncMode::Upsert,
    };
    let dry_run = flag(&params, "dry_run")?;
    let renames = renames(&params)?;
    let slot = state.heavy.enter(&auth.workspace_id)?;
    let bytes =
        read_body(&req, payload, &["text/csv", XLSX, "application/octet-stream"], BULK_BODY_BYTES).await?;
    let table = sheet::read(&bytes, format_of(&req, &bytes), MAX_IMPORT_ROWS).map_err(|e| match e {
        SheetError::Unreadable(why) => ApiError::BadRequest(why),
        SheetError::TooManyRows(_) | SheetError::TooLargeUnpacked => ApiError::PayloadTooLarge(e.to_string()),
    })?;
    let cols = columns::resolve(&table.headers, &renames).map_err(ApiError::Validation)?;
    let analysis = auth.writes_analysis();
    if let Some(column) = cols.iter().find(|c| c.is_analysis()).filter(|_| !analysis) {
        return Err(forbidden_column(column));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for row in table.rows {
        match row.cells {
            Ok(cells) => rows.push((Some(row.line), columns::row_body(&cols, &cells))),
            Err(why) => bad.push(ItemResult {
                index: 0,
                line: Some(row.line),
                status: Outcome::Error,
                id: None,
                error: Some(ApiError::BadRequest(why).problem()),
            }),
        }
    }
    let turn = slot.turn().await;
    let rules = Rules { mode, analysis, dry_run };
    let mut results = service::run_items(&state.pool, auth, rows, rules).await?;
    drop(turn);
    results.extend(bad);
    results.sort_by_key(|r| r.line);
    for (i, r) in results.iter_mut().enumerate() {
        r.index = i;
    }
    Ok(HttpResponse::Ok().json(BatchResult { results }))
}

fn forbidden_column(column: &Column) -> ApiError {
    ApiError::Forbidden(format!(
        "column '{}' is an analysis field: only admin and manager may import analysis",
        column.header
    ))
}
