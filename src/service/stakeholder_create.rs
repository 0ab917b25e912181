//! Creating a stakeholder. Creates of one workspace that arrive while earlier ones are
//! being written wait in the workspace's lane (`crate::lanes`) and are then written
//! together: one transaction, one statement on PostgreSQL, one log flush, the counters
//! moved once per key for all of them. A lone create runs at once, as before.
//!
//! Why: on PostgreSQL a create was almost all fixed cost per transaction (round trips,
//! statement start-up, commit, counter upserts), so sixteen clients did barely twice
//! what one did on two cores (`bench/README.md`, "PostgreSQL write scaling").

use serde_json::{Map, Value};

use super::stakeholders::ensure_references;
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::stakeholder::{self, Mode, Stakeholder};
use crate::error::ApiError;
use crate::lanes::Lanes;
use crate::store::{stakeholder_bulk, stakeholders as store};

/// Creates waiting per workspace, with their callers and results.
pub type CreateLanes = Lanes<(Viewer, Stakeholder), Result<Stakeholder, ApiError>>;

/// Transactions of creates one workspace may have under way at once in this process.
pub const RUNS_PER_WORKSPACE: usize = 2;

/// The most creates one transaction takes: a caller waits for at most this many others.
pub const MOST_PER_RUN: usize = 32;

/// The lanes a process's creates go through.
pub fn lanes() -> CreateLanes {
    Lanes::new(RUNS_PER_WORKSPACE, MOST_PER_RUN)
}

/// Creates a stakeholder from a create body.
pub async fn create(
    pool: &Pool,
    lanes: &CreateLanes,
    viewer: Viewer,
    body: Map<String, Value>,
) -> Result<Stakeholder, ApiError> {
    let mut s = Stakeholder::blank(&viewer.workspace_id, crate::time::now());
    stakeholder::apply(&mut s, &body, viewer.writes_analysis(), Mode::Create)?;
    let workspace_id = viewer.workspace_id.clone();
    let pool = pool.clone();
    let write = move |group| write_group(&pool, group);
    lanes.submit(&workspace_id, (viewer, s), write).await.unwrap_or(Err(ApiError::Internal))
}

/// Writes a run of creates (on the lane's blocking thread) with a pooled connection.
fn write_group(pool: &Pool, group: Vec<(Viewer, Stakeholder)>) -> Vec<Result<Stakeholder, ApiError>> {
    match pool.get() {
        Ok(mut conn) => write_together(&mut conn, group),
        Err(err) => vec![Err(ApiError::from(err)); group.len()],
    }
}

/// Writes the group in one transaction. Should one of them fail it before its commit
/// (a CRM key another transaction took meanwhile, say), each is written alone and gets
/// its own outcome; should the commit, the connection or the service fail, every one
/// gets that error.
fn write_together(
    conn: &mut DbConnection,
    group: Vec<(Viewer, Stakeholder)>,
) -> Vec<Result<Stakeholder, ApiError>> {
    if group.len() == 1 {
        return group.into_iter().map(|(viewer, s)| write_alone(conn, &viewer, s)).collect();
    }
    let (viewers, people): (Vec<Viewer>, Vec<Stakeholder>) = group.into_iter().unzip();
    let mut reached_commit = false;
    let together = tx::write(conn, |c| {
        let mut checks = Vec::with_capacity(people.len());
        for (viewer, s) in viewers.iter().zip(&people) {
            match ensure_references(c, viewer, None, s) {
                Ok(()) => checks.push(Ok(())),
                // This person's own outcome (a taken CRM key, a missing account).
                Err(e @ (ApiError::Validation(_) | ApiError::Conflict(_) | ApiError::ConflictWith(..))) => {
                    checks.push(Err(e))
                }
                Err(e) => return Err(e),
            }
        }
        let passed: Vec<usize> = (0..people.len()).filter(|&i| checks[i].is_ok()).collect();
        let actors: Vec<&str> = passed.iter().map(|&i| viewers[i].sub.as_str()).collect();
        let workspace_id = &people[0].workspace_id;
        if passed.len() == people.len() {
            stakeholder_bulk::insert_many(c, workspace_id, &people, &actors)?;
        } else {
            let fresh: Vec<Stakeholder> = passed.iter().map(|&i| people[i].clone()).collect();
            stakeholder_bulk::insert_many(c, workspace_id, &fresh, &actors)?;
        }
        reached_commit = true;
        Ok(checks)
    });
    match together {
        Ok(checks) => people.into_iter().zip(checks).map(|(s, check)| check.map(|()| s)).collect(),
        // The commit failed (the outcome is unknown), or the connection or the service
        // did: nothing to retry on, so every one of them hears it.
        Err(err) if reached_commit || matches!(err, ApiError::Unavailable | ApiError::Internal) => {
            vec![Err(err); people.len()]
        }
        // One of them could not be written with the others (a key taken meanwhile).
        Err(_) => viewers.iter().zip(people).map(|(viewer, s)| write_alone(conn, viewer, s)).collect(),
    }
}

fn write_alone(conn: &mut DbConnection, viewer: &Viewer, s: Stakeholder) -> Result<Stakeholder, ApiError> {
    tx::write(conn, |c| {
        ensure_references(c, viewer, None, &s)?;
        store::insert(c, &s, &viewer.sub)?;
        Ok(s)
    })
}
