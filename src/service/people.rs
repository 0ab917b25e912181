//! The one way a use case reaches a stakeholder by id: as the caller may see them.

use super::run;
use crate::access::Viewer;
use crate::db::{DbConnection, Pool};
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::store::history::HistoryRow;
use crate::store::stakeholders::ApproachRow;

/// Loads a stakeholder the caller may see: 404 if missing, deleted (unless asked for) or
/// confidential to them. Every use case that touches a stakeholder by id goes through here.
pub fn load_visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Stakeholder, ApiError> {
    let found = load_visible_or_merged(conn, viewer, id)?;
    if found.deleted_at.is_some() {
        // A merged person is gone for good (410 naming the survivor), deleted or not asked for.
        if let Some(survivor) = crate::store::stakeholders::merged_into(conn, &viewer.workspace_id, id)? {
            return Err(ApiError::MergedInto(survivor));
        }
        if !include_deleted {
            return Err(ApiError::not_found("stakeholder"));
        }
    }
    Ok(found)
}

/// A stakeholder the caller may see, deleted or merged away (their history stays readable).
pub fn load_visible_or_merged(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<Stakeholder, ApiError> {
    crate::store::stakeholders::find(conn, &viewer.workspace_id, id)?
        .filter(|s| viewer.confidential_values().contains(&s.analysis.confidential))
        .ok_or_else(|| ApiError::not_found("stakeholder"))
}

/// A live person the caller may see (404 otherwise).
pub async fn visible(pool: &Pool, viewer: Viewer, id: String) -> Result<Stakeholder, ApiError> {
    run(pool, move |conn| load_visible(conn, &viewer, &id, false)).await
}

/// Up to `limit` history entries of a person the caller may see, newest first, before
/// the (at, id) position.
pub async fn history(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    before: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<HistoryRow>, ApiError> {
    run(pool, move |conn| {
        load_visible_or_merged(conn, &viewer, &id)?;
        Ok(crate::store::history::list(conn, &viewer.workspace_id, &id, before, limit)?)
    })
    .await
}

/// Every live person the caller may see, as the approach order needs them.
pub async fn approach_rows(pool: &Pool, viewer: Viewer) -> Result<Vec<ApproachRow>, ApiError> {
    run(pool, move |conn| Ok(crate::store::stakeholders::approach_rows(conn, &viewer)?)).await
}

/// A person a record points at, as the caller may know them: `{id, name}`, or
/// `{id: null, name: null, hidden: true}` for someone the caller may not see.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    /// Stakeholder id (null when hidden).
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// Name (null when hidden).
    pub name: Option<String>,
    /// Present and true only for a person the caller may not see.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

impl PersonRef {
    fn hidden() -> Self {
        PersonRef { id: None, name: None, hidden: true }
    }
}

/// Summaries of the people these records point at, one query for a whole page.
#[derive(Debug, Default)]
pub struct PersonRefs(std::collections::HashMap<String, Option<String>>);

impl PersonRefs {
    /// The summary of one person (hidden when unknown or not visible).
    pub fn of(&self, id: &str) -> PersonRef {
        match self.0.get(id) {
            Some(Some(name)) => {
                PersonRef { id: Some(id.to_string()), name: Some(name.clone()), hidden: false }
            }
            _ => PersonRef::hidden(),
        }
    }
}

/// Summaries of these people as `viewer` may know them, inside a unit of work.
pub fn refs_in(conn: &mut DbConnection, viewer: &Viewer, ids: &[String]) -> Result<PersonRefs, ApiError> {
    Ok(PersonRefs(crate::store::stakeholders::summaries(conn, viewer, ids)?))
}

/// Summaries of these people as `viewer` may know them.
pub async fn refs(pool: &Pool, viewer: &Viewer, ids: Vec<String>) -> Result<PersonRefs, ApiError> {
    if ids.is_empty() {
        return Ok(PersonRefs::default());
    }
    let viewer = viewer.clone();
    run(pool, move |conn| Ok(PersonRefs(crate::store::stakeholders::summaries(conn, &viewer, &ids)?))).await
}
