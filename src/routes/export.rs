//! `GET /v1/export/anonymized`: the map, safe to paste into an AI tool.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::anonymize::AnonMap;
use crate::error::ApiError;
use crate::state::AppState;

/// The anonymised map: people as stable codes (`S-0001`, in order of creation), accounts
/// as `A-001`, titles, categories, roles, scores, stance and relationships kept; names,
/// emails, phones, external ids, tags, custom fields and all free text removed; contract
/// values as ranges in their currency. Deleted rows keep their code but are left out.
/// `format=csv` gives one CSV whose `record` column says person, relationship, account or
/// contract, streamed from the database page by page. Admin and manager only. A heavy operation: at most 4 run at once per
/// workspace (429 with `Retry-After` beyond).
#[utoipa::path(tag = "export",
    params(("format" = Option<crate::openapi::ExportFormat>, Query, description = "json (default) or csv")),
    responses((status = 200, description = "The anonymised map", content((AnonMap = "application/json"), (String = "text/csv")))),
    security(("bearer" = [])))]
#[get("/export/anonymized")]
pub async fn anonymized(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let format = params.get("format").map(String::as_str).unwrap_or("json").to_string();
    if !matches!(format.as_str(), "json" | "csv") {
        return Err(ApiError::invalid("format", "must be json or csv"));
    }
    let slot = state.heavy.enter(&auth.workspace_id)?;
    if format == "csv" {
        let body = super::anonymized_csv::stream(state, auth, slot).await?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", "attachment; filename=\"stakemap-anonymized.csv\""))
            .streaming(body));
    }
    let turn = slot.turn().await;
    let map = crate::service::sync::anonymized(&state.pool, auth).await?;
    drop(turn);
    Ok(HttpResponse::Ok().json(map))
}

/// Registers the export routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(anonymized);
}
