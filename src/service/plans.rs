//! Engagement plans: who is engaged how often; derived dates as each caller may know them.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::people::load_visible;
use super::run;
use super::versioned::{self, Editable};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::engagement::Plan;
use crate::domain::patch::{apply, Mode};
use crate::error::ApiError;
use crate::store::{interactions, plans as store};

fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str, include_deleted: bool) -> Result<Plan, ApiError> {
    let plan = store::find(conn, &viewer.workspace_id, id)?
        .filter(|p| include_deleted || p.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("plan"))?;
    load_visible(conn, viewer, &plan.stakeholder_id, false).map_err(|_| ApiError::not_found("plan"))?;
    let mut plans = [plan];
    as_seen_by(conn, viewer, &mut plans)?;
    let [plan] = plans;
    Ok(plan)
}

// Derived dates follow the stakeholder's latest interaction.
fn refresh(conn: &mut DbConnection, plan: &mut Plan) -> Result<(), ApiError> {
    plan.last_contact_at =
        interactions::last_contact(conn, &plan.workspace_id, &plan.stakeholder_id)?.map(crate::time::utc);
    plan.refresh(crate::time::now().date_naive());
    Ok(())
}

impl Editable for Plan {
    fn modify(
        conn: &mut DbConnection,
        viewer: &Viewer,
        id: &str,
        if_match: &Option<Precondition>,
        include_deleted: bool,
        change: &dyn Fn(&mut Self) -> Result<bool, ApiError>,
    ) -> Result<Self, ApiError> {
        versioned::modify(
            conn,
            if_match,
            |c| {
                store::lock(c, &viewer.workspace_id, id)?;
                load(c, viewer, id, include_deleted)
            },
            change,
            |c, before, after| {
                let mut after = after.clone();
                load_visible(c, viewer, &after.stakeholder_id, false)?;
                refresh(c, &mut after)?;
                Ok(store::save(c, before, &after)?)
            },
        )
        .and_then(|plan| load(conn, viewer, &plan.id, true))
    }
}

/// Creates a plan for a live person the caller may see.
pub async fn create(pool: &Pool, viewer: Viewer, body: Map<String, Value>) -> Result<Plan, ApiError> {
    let mut plan = Plan::blank(&viewer.workspace_id, crate::time::now());
    apply(&mut plan, &body, Mode::Create)?;
    run(pool, move |conn| {
        tx::write(conn, |c| {
            load_visible(c, &viewer, &plan.stakeholder_id, false)?;
            refresh(c, &mut plan)?;
            store::insert(c, &plan)?;
            load(c, &viewer, &plan.id, false)
        })
    })
    .await
}

/// One live plan.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<Plan, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id, false)).await
}

/// Up to `limit` plans after id `after`, of people the caller may see.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: store::Filter,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Plan>, ApiError> {
    run(pool, move |conn| {
        let mut items = store::list(conn, &viewer, &filter, after, limit)?;
        as_seen_by(conn, &viewer, &mut items)?;
        Ok(items)
    })
    .await
}

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

/// Every due date of every plan (of people the caller may see) in the window, overdue
/// first, at most `max` of them; true when more were left out.
pub async fn schedule(
    pool: &Pool,
    viewer: Viewer,
    owner: Option<String>,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    max: usize,
) -> Result<(Vec<crate::domain::schedule::ScheduleItem>, bool), ApiError> {
    run(pool, move |conn| {
        let filter = store::Filter { owner, ..Default::default() };
        let mut all = store::list(conn, &viewer, &filter, None, i64::MAX)?;
        as_seen_by(conn, &viewer, &mut all)?;
        let ids: Vec<String> = all.iter().map(|p| p.stakeholder_id.clone()).collect();
        let names = crate::store::stakeholders::names(conn, &viewer.workspace_id, &ids)?;
        Ok(crate::domain::schedule::build(&all, &names, from, to, crate::time::now().date_naive(), max))
    })
    .await
}
