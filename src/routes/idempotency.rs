//! `Idempotency-Key` on POST: the same key with the same request replays the first
//! response without doing the work again; the same key with another request is 422.
//! Keys live in the database (so they hold across replicas) for 24 hours, scoped to
//! the token's workspace and subject.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse, ResponseError};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::routes::extractors::BULK_BODY_BYTES;
use crate::service::idempotency as service;
use crate::state::AppState;
use crate::store::idempotency::Claim;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Headers stored with a response and replayed.
const KEPT_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

fn problem(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

/// The middleware.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = match req.headers().get(HEADER) {
        Some(v) if req.method() == Method::POST => v.to_str().ok().map(str::to_string),
        _ => return next.call(req).await.map(|r| r.map_into_boxed_body()),
    };
    let Some(key) =
        key.filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
    else {
        return Ok(problem(
            req,
            ApiError::BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters".into()),
        ));
    };
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered").clone();
    // A replay is served only to a caller who passes the same authentication and
    // authorization as a fresh call; anyone else goes on to the handler, which refuses them.
    let Ok(auth) = crate::auth::authenticate(req.request().clone()).await else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let mut body = web::BytesMut::new();
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return Ok(problem(req, ApiError::BadRequest("cannot read request body".into())));
        };
        if body.len() + chunk.len() > BULK_BODY_BYTES {
            return Ok(problem(
                req,
                ApiError::PayloadTooLarge(format!("request body exceeds {BULK_BODY_BYTES} bytes")),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(req.uri().to_string());
    hasher.update(b"\n");
    hasher.update(&body);
    let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    // Keyed by the whole credential: the same `sub` with another role or person is
    // another caller.
    let credential = [auth.sub.as_str(), auth.role.as_str(), auth.stakeholder_id.as_deref().unwrap_or("")];
    let (ws, scoped) = (auth.workspace_id.clone(), format!("{}\u{1f}{key}", credential.join("\u{1f}")));
    let (ws2, scoped2) = (ws.clone(), scoped.clone());
    let claim = match service::claim(&state.pool, ws2, scoped2, hash).await {
        Ok(claim) => claim,
        Err(e) => return Ok(problem(req, e)),
    };
    match claim {
        Claim::Mismatch => Ok(problem(
            req,
            ApiError::invalid("Idempotency-Key", "was already used with a different request"),
        )),
        Claim::InProgress => Ok(problem(
            req,
            ApiError::Conflict("a request with this Idempotency-Key is still in progress".into()),
        )),
        Claim::Replay(status, stored, headers) => {
            let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
            for (name, value) in serde_json::from_str::<Vec<(String, String)>>(&headers).unwrap_or_default() {
                res.insert_header((name, value));
            }
            res.insert_header(("Idempotent-Replayed", "true"));
            Ok(req.into_response(res.body(stored)))
        }
        Claim::Proceed => {
            req.set_payload(Payload::from(body));
            let res = next.call(req).await?;
            let status = res.status();
            let kept: Vec<(String, String)> = KEPT_HEADERS
                .iter()
                .filter_map(|h| {
                    res.headers()
                        .get(h)
                        .and_then(|v| v.to_str().ok())
                        .map(|v| (h.as_str().to_string(), v.to_string()))
                })
                .collect();
            let secret = carries_secret(res.headers());
            let (request, response) = res.into_parts();
            let (head, body) = response.into_parts();
            let bytes = to_bytes(body).await.unwrap_or_default();
            let (status, text, kept) = match secret {
                // The secret was shown once; a retry learns what was created, not the secret.
                true => secret_tombstone(&kept),
                false => (status, String::from_utf8_lossy(&bytes).to_string(), kept),
            };
            // Transient answers (a 5xx, a busy workspace, a slow body) are not the answer
            // to this key: a retry with it runs again.
            let transient = status.is_server_error()
                || status == actix_web::http::StatusCode::TOO_MANY_REQUESTS
                || status == actix_web::http::StatusCode::REQUEST_TIMEOUT;
            let outcome = if transient {
                service::release(&state.pool, ws, scoped).await
            } else {
                let headers = serde_json::to_string(&kept).unwrap_or_default();
                service::complete(&state.pool, ws, scoped, (status.as_u16(), text, headers)).await
            };
            if let Err(e) = outcome {
                tracing::error!(error = %e, "could not store the idempotent response");
            }
            Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
        }
    }
}

/// Whether a response carries a secret (`Cache-Control: no-store`), which is never stored.
fn carries_secret(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-store")))
}

/// What a retry of a secret-carrying request gets instead: 409 naming the created
/// resource (from `Location`), with no trace of the secret.
fn secret_tombstone(kept: &[(String, String)]) -> (StatusCode, String, Vec<(String, String)>) {
    let location = kept.iter().find(|(name, _)| name == header::LOCATION.as_str()).map(|(_, v)| v.clone());
    let id = location.as_deref().and_then(|l| l.rsplit('/').next()).map(str::to_string);
    let detail = match &id {
        Some(id) => format!(
            "this Idempotency-Key already created {id}; its secret was shown once and is not replayed"
        ),
        None => {
            "this Idempotency-Key was already used; the secret it returned was shown once and is not replayed"
                .to_string()
        }
    };
    let error = ApiError::ConflictWith(detail, id);
    let body = serde_json::to_string(&error.problem()).unwrap_or_default();
    let mut headers =
        vec![(header::CONTENT_TYPE.as_str().to_string(), crate::error::PROBLEM_JSON.to_string())];
    headers.extend(location.map(|l| (header::LOCATION.as_str().to_string(), l)));
    (StatusCode::CONFLICT, body, headers)
}
