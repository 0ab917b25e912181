//! The `Auth` extractor: every `/v1` handler that takes it is authenticated.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};

use crate::access::{permission, Role};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

/// The authenticated caller (see `access::Viewer`); a handler that takes it has passed
/// authentication and the permission table.
pub type Auth = crate::access::Viewer;

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

/// Authenticates the bearer token and authorizes the request against the permission
/// table. The result is kept on the request, so a middleware that needed it first (the
/// idempotency replay) and the handler's extractor check a token once.
pub async fn authenticate(req: HttpRequest) -> Result<Auth, ApiError> {
    if let Some(auth) = req.extensions().get::<Auth>() {
        return Ok(auth.clone());
    }
    let verified = match bearer(&req) {
        Ok(token) => verify(&req, token).await,
        Err(e) => Err(e),
    };
    let auth = match verified {
        Ok(auth) => auth,
        // Guessing tokens costs the guesser: failures are counted per client address.
        Err(ApiError::Unauthorized(message)) => {
            throttle_anonymous(&req)?;
            return Err(ApiError::Unauthorized(message));
        }
        Err(e) => return Err(e),
    };
    req.extensions_mut().insert(auth.clone());
    Ok(auth)
}

/// Counts one unauthenticated call (or failed authentication) from the request's client
/// address: 429 with `Retry-After` beyond the limit. The address is the TCP peer's: a
/// forwarded-for header is the client's to choose, so it cannot key a limit.
pub fn throttle_anonymous(req: &HttpRequest) -> Result<(), ApiError> {
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered at startup");
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    state.auth_limiter.check(&address).map_err(ApiError::TooManyRequests)
}

/// The permission table's word on this request for this caller: 403 for a role the table
/// does not list (and for an operation missing from the table: closed by default).
pub fn authorize(req: &HttpRequest, auth: &Auth) -> Result<(), ApiError> {
    match permission(req.method().as_str(), req.path()) {
        Some(p) if p.allows(auth.role) => match p.ids_are_uuids(req.path()) {
            true => Ok(()),
            // Ids that are not UUIDs never reach the database.
            false => Err(ApiError::NotFound(format!("no resource at {}", req.path()))),
        },
        _ => Err(ApiError::Forbidden(format!("the {} role may not do this", auth.role.as_str()))),
    }
}

/// Checks the token (signature and claims), then the permission table for its role, then
/// what needs the database (the workspace exists, the key or person behind the token is
/// still there): a role refused by the table is 403 whatever else holds.
async fn verify(req: &HttpRequest, token: &str) -> Result<Auth, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered at startup").clone();
    let claims = state.jwt.verify(token).map_err(|e| ApiError::Unauthorized(e.0))?;
    let role = Role::parse(&claims.role)
        .ok_or_else(|| ApiError::Unauthorized(format!("unknown role '{}'", claims.role)))?;
    if role == Role::Stakeholder && claims.stakeholder_id.is_none() {
        return Err(ApiError::Unauthorized("stakeholder token lacks 'stakeholder_id'".into()));
    }
    // Ids that are not UUIDs never reach the database.
    let is_uuid = |id: &str| uuid::Uuid::parse_str(id).is_ok();
    if !is_uuid(&claims.ws) || !claims.stakeholder_id.as_deref().is_none_or(is_uuid) {
        return Err(ApiError::Unauthorized("token names a malformed workspace or stakeholder id".into()));
    }
    let auth = Auth { sub: claims.sub, workspace_id: claims.ws, role, stakeholder_id: claims.stakeholder_id };
    authorize(req, &auth)?;
    let claims = &auth;
    if !state.known_workspace(&claims.workspace_id) {
        let ws = claims.workspace_id.clone();
        let pool = state.pool.clone();
        let exists = web::block(move || -> Result<bool, ApiError> {
            let mut conn = pool.get()?;
            Ok(store::workspaces::exists(&mut conn, &ws)?)
        })
        .await??;
        if !exists {
            return Err(ApiError::Unauthorized("token names an unknown workspace".into()));
        }
        state.remember_workspace(&claims.workspace_id);
    }
    still_live(&state, &auth.workspace_id, &auth.sub, role, auth.stakeholder_id.as_deref()).await?;
    state
        .rate_limiter
        .check(&format!("{}/{}", auth.workspace_id, auth.sub))
        .map_err(ApiError::TooManyRequests)?;
    Ok(auth)
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Auth, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// A token outlives nothing it came from: one from an API key stops within
/// `revocation::RECHECK` of the key's revocation; a stakeholder's stops the moment
/// their person is deleted.
async fn still_live(
    state: &web::Data<AppState>,
    ws: &str,
    sub: &str,
    role: Role,
    stakeholder_id: Option<&str>,
) -> Result<(), ApiError> {
    let key_id = sub.strip_prefix(super::revocation::API_KEY_SUB_PREFIX).map(str::to_string);
    let person = stakeholder_id.filter(|_| role == Role::Stakeholder).map(str::to_string);
    let link_id = sub.strip_prefix(super::revocation::ACCESS_LINK_SUB_PREFIX).map(str::to_string);
    if let Some(id) = &key_id {
        if let Some(live) = state.live_keys.cached(id) {
            return live
                .then_some(())
                .ok_or_else(|| ApiError::Unauthorized("the API key was revoked".into()));
        }
    }
    if key_id.is_none() && person.is_none() {
        return Ok(());
    }
    let (pool, ws) = (state.pool.clone(), ws.to_string());
    let (key_live, person_live) = web::block(move || -> Result<(Option<bool>, bool), ApiError> {
        let mut conn = pool.get()?;
        let key_live = match &key_id {
            Some(id) => Some(store::api_keys::is_live(&mut conn, &ws, id)?),
            None => None,
        };
        let person_live = match &person {
            Some(id) => {
                store::stakeholders::find(&mut conn, &ws, id)?.is_some_and(|p| p.deleted_at.is_none())
            }
            None => true,
        };
        // A token exchanged for an access link dies with the link.
        let link_live = match &link_id {
            Some(id) => store::access_links::is_live(&mut conn, &ws, id)?,
            None => true,
        };
        Ok((key_live, person_live && link_live))
    })
    .await??;
    if let (Some(id), Some(live)) = (sub.strip_prefix(super::revocation::API_KEY_SUB_PREFIX), key_live) {
        state.live_keys.remember(id, live);
        if !live {
            return Err(ApiError::Unauthorized("the API key was revoked".into()));
        }
    }
    if !person_live {
        return Err(ApiError::Unauthorized("the person or access link this token speaks for is gone".into()));
    }
    Ok(())
}
