//! One place gives every versioned resource its `ETag` and answers `If-None-Match`:
//! a JSON response that is one resource (a top-level `version` beside an `id`) carries
//! `ETag: "<version>"`, and a single-resource GET whose `If-None-Match` names it is 304.
//! Handlers that already set an ETag (or answered 304) are left as they are.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde::Deserialize;

use crate::service::conditions::etag;

/// The fields that make a JSON body one versioned resource.
#[derive(Deserialize)]
struct Versioned {
    #[serde(rename = "id")]
    _id: serde::de::IgnoredAny,
    version: i64,
}

/// Whether this response may be one resource: a write's answer, or a GET of a path that
/// ends in an id (collections are never one resource, and are not parsed).
fn may_be_one(req: &ServiceRequest) -> bool {
    let last = req.path().rsplit('/').next().unwrap_or_default();
    req.method() != Method::GET || uuid::Uuid::parse_str(last).is_ok() || req.path() == "/v1/me"
}

/// Adds `ETag` to single-resource answers and turns a matching conditional GET into 304.
pub async fn etags(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let candidate = may_be_one(&req);
    let if_none_match = match req.method() == Method::GET && candidate {
        true => match super::support::precondition(req.request(), header::IF_NONE_MATCH) {
            Ok(condition) => condition,
            Err(e) => {
                let (request, _) = req.into_parts();
                return Ok(ServiceResponse::new(request, actix_web::ResponseError::error_response(&e)));
            }
        },
        false => None,
    };
    let res = next.call(req).await?.map_into_boxed_body();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if let Some(tag) = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()) {
        // The handler tagged it: only the conditional GET is left to answer.
        let matched =
            if_none_match.as_ref().is_some_and(|c| c.matches_tag(tag)) && res.status() == StatusCode::OK;
        if !matched {
            return Ok(res);
        }
        let not_modified =
            HttpResponse::NotModified().insert_header((header::ETAG, tag.to_string())).finish();
        return Ok(ServiceResponse::new(res.into_parts().0, not_modified));
    }
    if !candidate || !json || !res.status().is_success() {
        return Ok(res);
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let mut response = head.set_body(BoxBody::new(bytes.clone()));
    if let Ok(resource) = serde_json::from_slice::<Versioned>(&bytes) {
        let tag = etag(resource.version);
        if if_none_match.is_some_and(|c| c.matches(resource.version)) && response.status() == StatusCode::OK {
            let not_modified = HttpResponse::NotModified().insert_header((header::ETAG, tag)).finish();
            return Ok(ServiceResponse::new(req, not_modified));
        }
        if let Ok(value) = header::HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, value);
        }
    }
    Ok(ServiceResponse::new(req, response))
}
