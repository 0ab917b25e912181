//! API keys: stored as SHA-256 hashes; the secret is shown once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::api_keys as k;
use crate::db::DbConnection;

/// A stored key (never its secret).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = k)]
#[diesel(treat_none_as_default_value = false)]
pub struct ApiKey {
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
    /// Key id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// The role its tokens carry.
    pub role: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub secret_hash: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// When it stops working.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "opt_utc")]
    pub expires_at: Option<NaiveDateTime>,
    /// When it was revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "opt_utc")]
    pub revoked_at: Option<NaiveDateTime>,
    /// When it last got a token.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "opt_utc")]
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

fn utc<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    crate::time::utc(*t).serialize(s)
}

fn opt_utc<S: serde::Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    t.map(crate::time::utc).serialize(s)
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, key: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(k::table).values(key).execute(conn).map(|_| ())
}

/// Every key of a workspace, oldest first.
pub fn list(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<Vec<ApiKey>> {
    k::table
        .filter(k::workspace_id.eq(workspace_id))
        .order(k::id.asc())
        .select(ApiKey::as_select())
        .load(conn)
}

/// Revokes a key; false if there is no such live key.
pub fn revoke(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<bool> {
    let now = crate::time::now().naive_utc();
    diesel::update(
        k::table
            .filter(k::workspace_id.eq(workspace_id))
            .filter(k::id.eq(id))
            .filter(k::revoked_at.is_null()),
    )
    .set(k::revoked_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// The live (unrevoked, unexpired) key with this secret, marking it used.
pub fn authenticate(conn: &mut DbConnection, secret: &str) -> QueryResult<Option<ApiKey>> {
    let now = crate::time::now().naive_utc();
    let key: Option<ApiKey> = k::table
        .filter(k::secret_hash.eq(hash(secret)))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?;
    let Some(key) = key.filter(|k| k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > now)) else {
        return Ok(None);
    };
    diesel::update(k::table.filter(k::workspace_id.eq(&key.workspace_id)).filter(k::id.eq(&key.id)))
        .set(k::last_used_at.eq(now))
        .execute(conn)?;
    Ok(Some(key))
}

/// Whether a key exists in the workspace, unrevoked and unexpired.
pub fn is_live(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<bool> {
    let now = crate::time::now().naive_utc();
    let key: Option<ApiKey> = k::table
        .filter(k::workspace_id.eq(workspace_id))
        .filter(k::id.eq(id))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?;
    Ok(key.is_some_and(|k| k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > now)))
}
