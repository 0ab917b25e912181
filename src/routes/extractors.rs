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
