//! Submissions: a stakeholder's answers to a form for a month, and their amendments.

use serde_json::{Map, Value};

use super::conditions::Precondition;
use super::forms::load as load_form;
use super::people::load_visible;
use super::{run, versioned};
use crate::access::{Role, Viewer};
use crate::db::{tx, DbConnection, Pool};
use crate::domain::answers;
use crate::domain::form::FormStatus;
use crate::domain::period::Period;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::submission::Submission;
use crate::error::ApiError;
use crate::store::{audience, forms, submissions as store};

/// The stakeholder a request acts for: a stakeholder token only for itself (403 for
/// anyone else), other roles for anyone they can see.
pub fn subject(
    conn: &mut DbConnection,
    viewer: &Viewer,
    stakeholder_id: &str,
) -> Result<Stakeholder, ApiError> {
    if viewer.role == Role::Stakeholder {
        if viewer.stakeholder_id.as_deref() != Some(stakeholder_id) {
            return Err(ApiError::Forbidden(
                "a stakeholder token may only act for its own stakeholder".into(),
            ));
        }
        let own = crate::store::stakeholders::find(conn, &viewer.workspace_id, stakeholder_id)?;
        return own.filter(|s| s.deleted_at.is_none()).ok_or_else(|| ApiError::not_found("stakeholder"));
    }
    load_visible(conn, viewer, stakeholder_id, false)
}

/// Loads a submission the caller may see (a stakeholder only its own; 404 otherwise).
pub fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<Submission, ApiError> {
    let found =
        store::find(conn, &viewer.workspace_id, id)?.ok_or_else(|| ApiError::not_found("submission"))?;
    let visible = match viewer.role {
        Role::Stakeholder => viewer.stakeholder_id.as_deref() == Some(found.stakeholder_id.as_str()),
        _ => load_visible(conn, viewer, &found.stakeholder_id, true).is_ok(),
    };
    visible.then_some(found).ok_or_else(|| ApiError::not_found("submission"))
}

fn closed_error(period: &str) -> ApiError {
    ApiError::invalid("period", format!("{period} is closed for this form"))
}

/// Submits a form for a person and month, pinned to the form's latest version.
pub async fn create(
    pool: &Pool,
    viewer: Viewer,
    form_id: String,
    (stakeholder_id, period, given): (String, Period, Map<String, Value>),
) -> Result<Submission, ApiError> {
    let period = period.to_string();
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let form = load_form(c, &viewer, &form_id)?;
            if form.status == FormStatus::Archived {
                return Err(ApiError::invalid("form", "this form is archived and takes no submissions"));
            }
            let person = subject(c, &viewer, &stakeholder_id)?;
            if !audience::contains(c, &viewer.workspace_id, &form.audience, &person.id)? {
                return Err(ApiError::Forbidden("this stakeholder is not in the form's audience".into()));
            }
            if store::is_closed(c, &viewer.workspace_id, &form.id, &period)? {
                return Err(closed_error(&period));
            }
            if let Some(existing) = store::existing(c, &viewer.workspace_id, &form.id, &person.id, &period)? {
                return Err(ApiError::ConflictWith(
                    format!("already submitted for {period}: submission {existing}; amend it with PUT /v1/submissions/{existing}"),
                    Some(existing),
                ));
            }
            let questions = forms::questions(c, &viewer.workspace_id, &form.id, form.version)?;
            let answers = answers::validate(&questions, &given).map_err(ApiError::Validation)?;
            let now = crate::time::now();
            let submission = Submission {
                id: uuid::Uuid::now_v7().to_string(),
                workspace_id: viewer.workspace_id.clone(),
                form_id: form.id.clone(),
                form_version: form.version,
                stakeholder_id: person.id.clone(),
                period: period.clone(),
                nps: answers::nps(&questions, &answers),
                answers,
                submitted_by: viewer.sub.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
                superseded_by: None,
            };
            store::insert(c, &submission)?;
            Ok(submission)
        })
    })
    .await
}

/// Amends a submission's answers while its period is open.
pub async fn amend(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    given: Map<String, Value>,
) -> Result<Submission, ApiError> {
    run(pool, move |conn| {
        // The pinned version never changes, so the answers can be checked before the write.
        let current = load(conn, &viewer, &id)?;
        let questions = forms::questions(conn, &viewer.workspace_id, &current.form_id, current.form_version)?;
        let answers = answers::validate(&questions, &given).map_err(ApiError::Validation)?;
        let nps = answers::nps(&questions, &answers);
        versioned::modify(
            conn,
            &if_match,
            |c| {
                store::lock(c, &viewer.workspace_id, &id)?;
                let found = load(c, &viewer, &id)?;
                if store::is_closed(c, &viewer.workspace_id, &found.form_id, &found.period)? {
                    return Err(closed_error(&found.period));
                }
                Ok(found)
            },
            |s| {
                s.answers = answers.clone();
                s.nps = nps;
                Ok(true)
            },
            |c, before, after| Ok(store::save(c, before, after)?),
        )
    })
    .await
}

/// One submission the caller may see.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<Submission, ApiError> {
    run(pool, move |conn| load(conn, &viewer, &id)).await
}

/// Up to `limit` submissions after id `after`: a stakeholder's own only; for others,
/// those of people they may see.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: store::Filter,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Submission>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer, &filter, after, limit)?)).await
}
