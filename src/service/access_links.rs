//! Access links: a person's way into the feedback form. An opaque random token (stored
//! hashed, shown once inside a URL) is exchanged for a one-hour stakeholder token that
//! dies with the link; a link dies when revoked, when it expires, and with its person.

use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use serde::Serialize;
use utoipa::ToSchema;

use super::people::load_visible;
use super::run;
use crate::access::Viewer;
use crate::auth::{JwtKeys, Role};
use crate::db::{tx, DbConnection, Pool};
use crate::error::ApiError;
use crate::store::access_links::{self as store, AccessLink};
use crate::store::api_keys::hash;

/// Every link token carries this prefix.
pub const TOKEN_PREFIX: &str = "sml_";
/// Link lifetimes in seconds: default 45 days, at most 90.
pub const DEFAULT_TTL: i64 = 45 * 86_400;
/// The longest a link may live.
pub const MAX_TTL: i64 = 90 * 86_400;
/// The shortest.
pub const MIN_TTL: i64 = 60;
/// The most a token exchanged for a link lives.
pub const SESSION_TTL: i64 = 3600;

/// A new link: stored, and its URL (holding the token) shown this once.
pub struct Issued {
    /// The stored link.
    pub link: AccessLink,
    /// The URL with the token.
    pub url: String,
}

/// Stores a fresh link for `stakeholder_id` (checked by the caller), made by `viewer`,
/// and returns it with its URL: the only time the token is seen.
pub fn issue(
    conn: &mut DbConnection,
    viewer: &Viewer,
    (stakeholder_id, form_id, ttl): (&str, Option<&str>, i64),
    url_template: &str,
) -> diesel::QueryResult<Issued> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let now = crate::time::now().naive_utc();
    let link = AccessLink {
        workspace_id: viewer.workspace_id.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        stakeholder_id: stakeholder_id.to_string(),
        form_id: form_id.map(String::from),
        token_hash: hash(&token),
        created_by: viewer.sub.clone(),
        created_at: now,
        expires_at: now + Duration::seconds(ttl),
        revoked_at: None,
    };
    store::insert(conn, &link)?;
    Ok(Issued { url: url_template.replace("{token}", &token), link })
}

/// Makes a link for a live person the caller may see, optionally to one form.
pub async fn create(
    pool: &Pool,
    viewer: Viewer,
    (stakeholder_id, form_id, ttl): (String, Option<String>, i64),
    url_template: String,
) -> Result<Issued, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let person = load_visible(c, &viewer, &stakeholder_id, false)?;
            if let Some(form) = &form_id {
                if crate::store::forms::find(c, &viewer.workspace_id, form)?.is_none() {
                    return Err(ApiError::invalid("form_id", "no such form in this workspace"));
                }
            }
            Ok(issue(c, &viewer, (&person.id, form_id.as_deref(), ttl), &url_template)?)
        })
    })
    .await
}

/// A person's links (never their tokens).
pub async fn list(pool: &Pool, viewer: Viewer, stakeholder_id: String) -> Result<Vec<AccessLink>, ApiError> {
    run(pool, move |conn| {
        load_visible(conn, &viewer, &stakeholder_id, true)?;
        Ok(store::list(conn, &viewer.workspace_id, &stakeholder_id)?)
    })
    .await
}

/// Revokes one link of a person the caller may see (again: nothing changes).
pub async fn revoke(pool: &Pool, viewer: Viewer, id: String) -> Result<(), ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let link = store::find(c, &viewer.workspace_id, &id)?
                .ok_or_else(|| ApiError::not_found("access link"))?;
            crate::service::people::load_visible_or_merged(c, &viewer, &link.stakeholder_id)
                .map_err(|_| ApiError::not_found("access link"))?;
            store::revoke(c, &viewer.workspace_id, &id)?;
            Ok(())
        })
    })
    .await
}

/// What a link is exchanged for.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkSession {
    /// A `stakeholder` JWT for the link's person, valid until the link dies or for an hour.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(value_type = crate::openapi::TokenType)]
    pub token_type: &'static str,
    /// Seconds the token lives (at most 3600, never past the link's expiry).
    pub expires_in: i64,
    /// The form the link was made for, if any.
    #[schema(format = "uuid")]
    pub form_id: Option<String>,
}

/// Exchanges a live link's token for a stakeholder token. Unknown, expired and revoked
/// links, and links of people who are gone, all answer the same 401 after the same work:
/// one indexed lookup of the token's hash and one of the person.
pub async fn exchange(pool: &Pool, jwt: &JwtKeys, token: String) -> Result<LinkSession, ApiError> {
    let dead = || ApiError::Unauthorized("this link is not valid: ask for a new one".into());
    // Malformed tokens are hashed and looked up like any other, so they take as long.
    let hashed = hash(&token);
    let found = run(pool, move |conn| {
        let link = store::by_token_hash(conn, &hashed)?;
        let (ws, person) = match &link {
            Some(l) => (l.workspace_id.clone(), l.stakeholder_id.clone()),
            None => (String::new(), String::new()),
        };
        let person_live =
            crate::store::stakeholders::find(conn, &ws, &person)?.is_some_and(|p| p.deleted_at.is_none());
        Ok((link, person_live))
    })
    .await?;
    let now = crate::time::now().naive_utc();
    let link = match found {
        (Some(link), true) if link.is_live(now) && token.starts_with(TOKEN_PREFIX) => link,
        _ => return Err(dead()),
    };
    let ttl = SESSION_TTL.min((link.expires_at - now).num_seconds()).max(1);
    let sub = format!("{}{}", crate::auth::revocation::ACCESS_LINK_SUB_PREFIX, link.id);
    let access_token =
        jwt.issue(&sub, &link.workspace_id, Role::Stakeholder, Some(&link.stakeholder_id), ttl);
    Ok(LinkSession { access_token, token_type: "Bearer", expires_in: ttl, form_id: link.form_id })
}
