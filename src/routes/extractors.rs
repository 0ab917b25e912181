//! Configuration of actix's body, query and path extractors so their failures are problem+json.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{mime, web};

use crate::error::ApiError;

/// The media types accepted for JSON bodies (merge-patch for PATCH).
pub fn accepts_json(mime: mime::Mime) -> bool {
    mime.type_() == mime::APPLICATION
        && (mime.subtype() == mime::JSON || mime.subtype().as_str() == "merge-patch+json")
}

/// JSON bodies up to `limit` bytes; oversize is 413, wrong media type 415, bad JSON 400.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(accepts_json)
        .error_handler(|err, _req| json_error(err).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(format!("request body exceeds {limit} bytes"))
        }
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("send a JSON body with Content-Type: application/json".into())
        }
        JsonPayloadError::Deserialize(e) => {
            let detail = if e.is_data() {
                "request body must be a JSON object".to_string()
            } else {
                format!("request body is not valid JSON: {e}")
            };
            ApiError::BadRequest(detail)
        }
        other => ApiError::BadRequest(format!("cannot read request body: {other}")),
    }
}

/// Query strings that cannot be decoded are 400.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::BadRequest(format!("invalid query string: {err}")).into()
    })
}

/// Path segments that do not fit are 404 (no such resource), never 500.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_err: PathError, _req| ApiError::NotFound("not found".into()).into())
}

/// The largest body of the batch and import routes.
pub const BULK_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Reads a whole body of one of `media_types` up to `limit` bytes (415 / 413 otherwise).
pub async fn read_body(
    req: &actix_web::HttpRequest,
    mut payload: web::Payload,
    media_types: &[&str],
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    use futures_util::StreamExt;
    let content_type =
        req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !media_types.contains(&essence.as_str()) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send Content-Type: {}",
            media_types.join(" or ")
        )));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("cannot read request body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(format!("request body exceeds {limit} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses a JSON object body read with `read_body`.
pub fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::BadRequest("request body must be a JSON object".into())),
        Err(e) => Err(ApiError::BadRequest(format!("request body is not valid JSON: {e}"))),
    }
}
