//! Small helpers shared by handlers: conditional headers and responses with ETags.

use actix_web::http::header;
use actix_web::HttpRequest;

pub use crate::service::conditions::{etag, Precondition};

use crate::error::ApiError;

/// On every response that carries a secret or a token: kept by no cache, and never
/// stored for an `Idempotency-Key` replay.
pub const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

/// Reads a conditional header; absent (or empty) is `None`, unparsable is 400.
pub fn precondition(req: &HttpRequest, name: header::HeaderName) -> Result<Option<Precondition>, ApiError> {
    let Some(value) = req.headers().get(&name).filter(|v| !v.as_bytes().iter().all(u8::is_ascii_whitespace))
    else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(Precondition::parse)
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest(format!("malformed {name} header")))
}

/// 200 (or another status) with the resource's ETag.
pub fn with_etag<T: serde::Serialize>(
    status: actix_web::http::StatusCode,
    version: i64,
    body: &T,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status).insert_header((header::ETAG, etag(version))).json(body)
}

/// 201 with `Location` and the resource's ETag.
pub fn created<T: serde::Serialize>(location: &str, version: i64, body: &T) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// An optional UUID query parameter: `None` when absent, the canonical id when valid;
/// an invalid one is recorded in `errors` (one 422 entry named after the parameter).
pub fn uuid_param(
    params: &std::collections::HashMap<String, String>,
    key: &str,
    errors: &mut Vec<crate::error::FieldError>,
) -> Option<String> {
    let raw = params.get(key)?;
    crate::domain::fields::uuid(key, &serde_json::Value::from(raw.as_str()))
        .map_err(|e| errors.push(e))
        .ok()
        .flatten()
}

/// An enumerated filter as a comma list (`status=open,planned`): every value it names,
/// or an empty list when absent; a bad value is one 422 entry naming the parameter.
pub fn choices<E>(
    params: &std::collections::HashMap<String, String>,
    key: &str,
    parse: fn(&str) -> Option<E>,
    expected: fn() -> String,
    errors: &mut Vec<crate::error::FieldError>,
) -> Vec<E> {
    let Some(raw) = params.get(key) else { return Vec::new() };
    let parsed: Option<Vec<E>> = raw.split(',').map(|v| parse(v.trim())).collect();
    match parsed {
        Some(values) if !values.is_empty() => values,
        _ => {
            errors
                .push(crate::error::FieldError::new(key, format!("must be a comma list of: {}", expected())));
            Vec::new()
        }
    }
}

/// The most ids one `ids=` may name.
pub const MAX_IDS: usize = 500;

/// `ids=<uuid>,<uuid>,…`: the records to fetch by id (at most 500), or empty when absent.
pub fn ids_param(
    params: &std::collections::HashMap<String, String>,
    errors: &mut Vec<crate::error::FieldError>,
) -> Vec<String> {
    let Some(raw) = params.get("ids") else { return Vec::new() };
    let ids: Option<Vec<String>> =
        raw.split(',').map(|v| uuid::Uuid::parse_str(v.trim()).ok().map(|u| u.to_string())).collect();
    match ids {
        Some(ids) if !ids.is_empty() && ids.len() <= MAX_IDS => ids,
        _ => {
            errors.push(crate::error::FieldError::new(
                "ids",
                format!("must be a comma list of 1 to {MAX_IDS} UUIDs"),
            ));
            Vec::new()
        }
    }
}
