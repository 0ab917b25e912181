//! Per-request context: request id, a tracing span with the access line, and the
//! guarantee that every error response is problem+json.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use tracing::Instrument;

use crate::error::{ApiError, PROBLEM_JSON};

/// The most bytes of header names and values a request may carry (a bearer token and
/// the usual headers take well under 4 KiB).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The request id header, echoed on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn client_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| value.to_string())
}

/// Wraps every request: assigns the id, logs one access line, and renders any error
/// that is not yet problem+json (actix's own 404s, 405s, payload errors) as one.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = client_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let path = req.path().to_string();
    let header_bytes: usize =
        req.headers().iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    let strict = req
        .app_data::<actix_web::web::Data<super::fallback::RouteTable>>()
        .map(|table| {
            super::fallback::check_query(table, req.method().as_str(), req.path(), req.query_string())
        })
        .unwrap_or(Ok(()));
    let refused = match header_bytes > MAX_HEADER_BYTES {
        true => Err(ApiError::HeadersTooLarge(format!(
            "request headers are {header_bytes} bytes; at most {MAX_HEADER_BYTES}"
        ))),
        false => strict,
    };
    let result = if let Err(error) = refused {
        let (request, _) = req.into_parts();
        Ok(ServiceResponse::new(request, actix_web::ResponseError::error_response(&error)))
    } else {
        let mut req = req;
        let has_body = req.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v != "0")
            || req.headers().contains_key(header::TRANSFER_ENCODING);
        let late =
            has_body.then(|| super::body_deadline::guard(&mut req, super::body_deadline::BODY_DEADLINE));
        let result = next.call(req).instrument(span.clone()).await.map(|res| res.map_into_boxed_body());
        match late.is_some_and(|l| l.load(std::sync::atomic::Ordering::Relaxed)) {
            // However the handler reported the cut-off body, the client hears 408.
            true => result.map(|res| too_slow(res, &path)),
            false => result,
        }
    };
    let mut response = result?;
    let status = response.status();
    if status.as_u16() >= 400 && !is_problem(&response) {
        response = to_problem(response, &path);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // Every body is what its Content-Type says: no browser may sniff a CSV or SVG into HTML.
    response
        .headers_mut()
        .insert(actix_web::http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".into());
    let elapsed = started.elapsed().as_secs_f64();
    let latency = elapsed * 1000.0;
    if let Some(state) = response.request().app_data::<actix_web::web::Data<crate::state::AppState>>() {
        state.metrics.observe(&route, response.request().method().as_str(), status.as_u16(), elapsed);
    }
    span.record("route", route.as_str());
    span.record("status", status.as_u16());
    span.record("latency_ms", latency);
    span.in_scope(|| {
        if status.is_server_error() {
            let cause = response.response().error().map(|e| format!("{e:?}")).unwrap_or_default();
            tracing::error!(%cause, "request failed");
        } else {
            tracing::info!("request");
        }
    });
    Ok(response)
}

/// 408 for a body that did not arrive in time; the connection is closed after it.
fn too_slow(res: ServiceResponse<BoxBody>, path: &str) -> ServiceResponse<BoxBody> {
    let error = ApiError::RequestTimeout(format!(
        "the request body did not arrive within {} s of its headers",
        super::body_deadline::BODY_DEADLINE.as_secs()
    ));
    let mut problem = error.problem();
    problem.instance = Some(path.to_string());
    let (req, _) = res.into_parts();
    let mut response = HttpResponse::RequestTimeout()
        .content_type(PROBLEM_JSON)
        .body(serde_json::to_string(&problem).unwrap_or_default());
    response.head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    ServiceResponse::new(req, response)
}

fn is_problem(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

fn to_problem(res: ServiceResponse<BoxBody>, path: &str) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let detail = match res.response().error() {
        Some(err) if status.is_client_error() => err.to_string(),
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let error = match status.as_u16() {
        400 => ApiError::BadRequest(detail),
        401 => ApiError::Unauthorized(detail),
        403 => ApiError::Forbidden(detail),
        404 => ApiError::NotFound(detail),
        413 => ApiError::PayloadTooLarge(detail),
        415 => ApiError::UnsupportedMediaType(detail),
        503 => ApiError::Unavailable,
        code if code >= 500 => ApiError::Internal,
        _ => ApiError::BadRequest(detail),
    };
    let mut problem = error.problem();
    problem.status = status.as_u16();
    problem.instance = Some(path.to_string());
    let (req, old) = res.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let body = new.content_type(PROBLEM_JSON).body(serde_json::to_string(&problem).unwrap_or_default());
    ServiceResponse::new(req, body)
}
