//! The `Auth` extractor: every `/v1` handler that takes it is authenticated.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use super::Role;
use crate::error::ApiError;
use crate::startup::AppState;
use crate::store;

/// The authenticated caller: who, in which workspace, with which role.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Subject claim (the actor recorded on changes).
    pub sub: String,
    /// Workspace every query is scoped to.
    pub workspace_id: String,
    /// The caller's role.
    pub role: Role,
    /// The stakeholder a `stakeholder` token speaks for.
    pub stakeholder_id: Option<String>,
}

impl Auth {
    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("the {} role may not do this", self.role.as_str())))
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization header".into()))?
        .to_str()
        .map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim())
        }
        _ => Err(ApiError::Unauthorized("expected 'Authorization: Bearer <token>'".into())),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Auth, ApiError> {
    let token = bearer(&req)?.to_string();
    verify(&req, &token).await
}

async fn verify(req: &HttpRequest, token: &str) -> Result<Auth, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered at startup").clone();
    let claims = state.jwt.verify(token).map_err(|e| ApiError::Unauthorized(e.0))?;
    let role = Role::parse(&claims.role)
        .ok_or_else(|| ApiError::Unauthorized(format!("unknown role '{}'", claims.role)))?;
    if role == Role::Stakeholder && claims.stakeholder_id.is_none() {
        return Err(ApiError::Unauthorized("stakeholder token lacks 'stakeholder_id'".into()));
    }
    if !state.known_workspace(&claims.ws) {
        let ws = claims.ws.clone();
        let pool = state.pool.clone();
        let exists = web::block(move || -> Result<bool, ApiError> {
            let mut conn = pool.get()?;
            Ok(store::workspaces::exists(&mut conn, &ws)?)
        })
        .await??;
        if !exists {
            return Err(ApiError::Unauthorized("token names an unknown workspace".into()));
        }
        state.remember_workspace(&claims.ws);
    }
    state.rate_limiter.check(&format!("{}/{}", claims.ws, claims.sub)).map_err(ApiError::TooManyRequests)?;
    Ok(Auth { sub: claims.sub, workspace_id: claims.ws, role, stakeholder_id: claims.stakeholder_id })
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Auth, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// Authentication for calendar feeds: the bearer header, or `?token=` because calendar
/// apps cannot send headers. Used by `GET /v1/schedule.ics` only.
#[derive(Debug, Clone)]
pub struct CalendarAuth(pub Auth);

impl FromRequest for CalendarAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<CalendarAuth, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if req.headers().contains_key(header::AUTHORIZATION) {
                return authenticate(req).await.map(CalendarAuth);
            }
            let query =
                web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
                    .map_err(|_| ApiError::BadRequest("invalid query string".into()))?;
            let token = query.get("token").ok_or_else(|| {
                ApiError::Unauthorized("pass the token as Authorization: Bearer or ?token=".into())
            })?;
            verify(&req, token).await.map(CalendarAuth)
        })
    }
}
