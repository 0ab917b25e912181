//! Calendar links: a read-only, revocable credential for one schedule feed, made for
//! calendar apps (which cannot send headers) instead of a bearer token in a URL.

use base64::Engine;
use rand::RngCore;

use super::run;
use crate::access::{Role, Viewer};
use crate::db::{tx, Pool};
use crate::error::ApiError;
use crate::store::api_keys::hash;
use crate::store::calendar_links::{self as store, CalendarLink};

/// Where a link's feed starts: every token carries this prefix.
pub const TOKEN_PREFIX: &str = "cal_";

/// A new link and its token (shown once).
pub struct Issued {
    /// The stored link.
    pub link: CalendarLink,
    /// The opaque token for the feed URL.
    pub token: String,
}

/// Makes a link that shows what `viewer` sees of the schedule (only `owner`'s plans, if given).
pub async fn create(pool: &Pool, viewer: Viewer, owner: Option<String>) -> Result<Issued, ApiError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let link = CalendarLink {
        workspace_id: viewer.workspace_id.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        token_hash: hash(&token),
        owner,
        created_by: viewer.sub.clone(),
        role: viewer.role.as_str().to_string(),
        created_at: crate::time::now().naive_utc(),
        last_used_at: None,
    };
    run(pool, move |conn| {
        tx::write(conn, |c| store::insert(c, &link))?;
        Ok(Issued { link, token })
    })
    .await
}

/// The caller's links (an admin's: the workspace's).
pub async fn list(pool: &Pool, viewer: Viewer) -> Result<Vec<CalendarLink>, ApiError> {
    run(pool, move |conn| {
        let mine = (viewer.role != Role::Admin).then_some(viewer.sub.as_str());
        Ok(store::list(conn, &viewer.workspace_id, mine)?)
    })
    .await
}

/// Revokes a link the caller made (an admin: any of the workspace's); 404 otherwise.
pub async fn revoke(pool: &Pool, viewer: Viewer, id: String) -> Result<(), ApiError> {
    run(pool, move |conn| {
        let mine = (viewer.role != Role::Admin).then_some(viewer.sub.as_str());
        let removed: bool =
            tx::write(conn, |c| Ok::<_, ApiError>(store::delete(c, &viewer.workspace_id, &id, mine)?))?;
        match removed {
            true => Ok(()),
            false => Err(ApiError::not_found("calendar link")),
        }
    })
    .await
}

/// The viewer a feed token stands for and the owner it is limited to; 401 for any token
/// that is not a live link (unknown and revoked look the same).
pub async fn open(pool: &Pool, token: String) -> Result<(Viewer, Option<String>), ApiError> {
    let unknown = || ApiError::Unauthorized("unknown or revoked calendar link".into());
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Err(unknown());
    }
    let link = run(pool, move |conn| tx::write(conn, |c| Ok(store::open(c, &hash(&token))?))).await?;
    let link = link.ok_or_else(unknown)?;
    let role = Role::parse(&link.role).ok_or(ApiError::Internal)?;
    let viewer = Viewer { sub: link.created_by, workspace_id: link.workspace_id, role, stakeholder_id: None };
    Ok((viewer, link.owner))
}
