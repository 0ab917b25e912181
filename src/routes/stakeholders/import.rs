//! `POST /v1/import/stakeholders`: a CSV of profiles, upserted or created row by row.

use std::collections::HashMap;

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::crm::{BatchResult, ItemResult, Outcome, SyncMode, MAX_BATCH};
use crate::auth::Auth;
use crate::error::{ApiError, FieldError};
use crate::routes::extractors::{read_body, BULK_BODY_BYTES};
use crate::service::stakeholder_batch as service;
use crate::state::AppState;

/// The CSV columns an import accepts (`tags` separated by `;`, `custom.<key>` for custom fields).
const IMPORT_COLUMNS: &[&str] = &[
    "name",
    "email",
    "phone",
    "title",
    "organization",
    "department",
    "account_id",
    "group",
    "category",
    "tags",
    "relationship_status",
    "owner",
    "source",
    "external_id",
];

fn row_to_body(headers: &[String], record: &csv::StringRecord) -> Map<String, Value> {
    let mut body = Map::new();
    let mut custom = Map::new();
    for (header, cell) in headers.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        if let Some(key) = header.strip_prefix("custom.") {
            custom.insert(key.to_string(), Value::from(cell));
        } else if header == "tags" {
            body.insert(
                "tags".into(),
                Value::from(cell.split(';').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>()),
            );
        } else {
            body.insert(header.clone(), Value::from(cell));
        }
    }
    if !custom.is_empty() {
        body.insert("custom_fields".into(), Value::Object(custom));
    }
    body
}

/// Import stakeholders from CSV (header row of field names; `tags` split on `;`,
/// `custom.<key>` columns become custom fields). Rows with `source` and `external_id`
/// are upserted by that key, others created. Each row's result carries its line number;
/// bad rows are reported and good rows kept. At most 1000 rows per request.
#[utoipa::path(tag = "sync",
    params(("mode" = Option<SyncMode>, Query, description = "upsert (default), create_only or update_only")),
    request_body(description = "The CSV file (UTF-8, header row); as `text/csv`, or as bytes", content(
        (String = "text/csv"),
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
    let slot = state.heavy.enter(&auth.workspace_id)?;
    let bytes = read_body(&req, payload, &["text/csv", "application/octet-stream"], BULK_BODY_BYTES).await?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes.as_ref());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::BadRequest(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let unknown: Vec<FieldError> = headers
        .iter()
        .filter(|h| !IMPORT_COLUMNS.contains(&h.as_str()) && !h.starts_with("custom."))
        .map(|h| FieldError::new(format!("columns.{h}"), "is not an importable column (profile fields only)"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::Validation(unknown));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                rows.push((Some(r.position().map(|p| p.line()).unwrap_or(0)), row_to_body(&headers, &r)))
            }
            Err(e) => bad.push(ItemResult {
                index: rows.len() + bad.len(),
                line: e.position().map(|p| p.line()),
                status: Outcome::Error,
                id: None,
                error: Some(ApiError::BadRequest(format!("malformed CSV row: {e}")).problem()),
            }),
        }
        if rows.len() + bad.len() > MAX_BATCH {
            return Err(ApiError::PayloadTooLarge(format!("at most {MAX_BATCH} rows per import")));
        }
    }
    let turn = slot.turn().await;
    let mut results = service::run_items(&state.pool, auth, rows, mode).await?;
    drop(turn);
    results.extend(bad);
    results.sort_by_key(|r| r.line);
    for (i, r) in results.iter_mut().enumerate() {
        r.index = i;
    }
    Ok(HttpResponse::Ok().json(BatchResult { results }))
}
