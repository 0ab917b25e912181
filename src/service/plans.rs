//! Engagement plans: their derived fields as each caller may know them.

use crate::access::Viewer;
use crate::db::DbConnection;
use crate::domain::engagement::Plan;
use crate::error::ApiError;
use crate::store::interactions;

/// Derived dates as the caller may know them: for a viewer who cannot see confidential
/// people, the last contact counts only interactions without one (a hidden meeting's
/// date must not show through a plan).
pub fn as_seen_by(conn: &mut DbConnection, viewer: &Viewer, plans: &mut [Plan]) -> Result<(), ApiError> {
    if viewer.sees_confidential() || plans.is_empty() {
        return Ok(());
    }
    let people: Vec<String> = plans.iter().map(|p| p.stakeholder_id.clone()).collect();
    let seen = interactions::visible_last_contacts(conn, viewer, &people)?;
    let today = crate::time::now().date_naive();
    for plan in plans.iter_mut() {
        let last = seen.get(&plan.stakeholder_id).copied().map(crate::time::utc);
        if plan.last_contact_at != last {
            plan.last_contact_at = last;
            plan.refresh(today);
        }
    }
    Ok(())
}
