//! Small helpers shared by handlers: blocking database work and conditional requests.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest};

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::startup::AppState;

/// Runs blocking database work on the thread pool with a pooled connection.
pub async fn with_conn<T, F>(state: &web::Data<AppState>, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

/// On every response that carries a secret or a token: kept by no cache, and never
/// stored for an `Idempotency-Key` replay.
pub const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

/// The strong ETag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A parsed `If-Match` / `If-None-Match` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: any current version.
    Any,
    /// A list of entity tags (weak tags compare by their opaque value).
    Tags(Vec<String>),
}

impl Precondition {
    /// Reads the named header; absent is `None`, unparsable is 400.
    pub fn from_header(req: &HttpRequest, name: header::HeaderName) -> Result<Option<Self>, ApiError> {
        let Some(value) = req.headers().get(&name) else {
            return Ok(None);
        };
        parse(value).map(Some).ok_or_else(|| ApiError::BadRequest(format!("malformed {name} header")))
    }

    /// Whether the resource at `version` matches.
    pub fn matches(&self, version: i64) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::Tags(tags) => tags.iter().any(|t| *t == etag(version)),
        }
    }
}

fn parse(value: &HeaderValue) -> Option<Precondition> {
    let text = value.to_str().ok()?.trim();
    if text == "*" {
        return Some(Precondition::Any);
    }
    // Lenient on purpose: a tag sent without its quotes (`If-Match: 3`, a common client
    // slip) means the quoted one; only a value with no tag at all is malformed.
    let tags: Vec<String> = text
        .split(',')
        .map(|t| t.trim())
        .map(|t| t.strip_prefix("W/").unwrap_or(t))
        .filter(|t| !t.is_empty())
        .map(|t| match t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            true => t.to_string(),
            false => format!("\"{t}\""),
        })
        .collect();
    (!tags.is_empty()).then_some(Precondition::Tags(tags))
}

/// `If-Match` of a write: 412 when it names another version.
pub fn check_if_match(condition: &Option<Precondition>, version: i64) -> Result<(), ApiError> {
    match condition {
        Some(c) if !c.matches(version) => Err(ApiError::PreconditionFailed(format!(
            "the resource is at version {version}; fetch it again and retry"
        ))),
        _ => Ok(()),
    }
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
