//! The one way a use case reaches a stakeholder by id: as the caller may see them.

use crate::access::Viewer;
use crate::db::DbConnection;
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;

/// Loads a stakeholder the caller may see: 404 if missing, deleted (unless asked for) or
/// confidential to them. Every use case that touches a stakeholder by id goes through here.
pub fn load_visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    include_deleted: bool,
) -> Result<Stakeholder, ApiError> {
    let found = crate::store::stakeholders::find(conn, &viewer.workspace_id, id)?
        .filter(|s| include_deleted || s.deleted_at.is_none())
        .filter(|s| viewer.confidential_values().contains(&s.analysis.confidential));
    found.ok_or_else(|| ApiError::not_found("stakeholder"))
}
