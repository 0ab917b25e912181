//! Feedback forms and their versioned question sets.

use super::conditions::Precondition;
use super::{run, versioned};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::form::FormVersion;
use crate::domain::form::{check_default_locale, Audience, Form, FormStatus, Question};
use crate::domain::localized::Localized;
use crate::error::ApiError;
use crate::store::forms as store;

/// A form with every version of its question set, oldest first.
pub type FormWithVersions = (Form, Vec<FormVersion>);

/// Loads a form of the caller's workspace (404 otherwise).
pub fn load(conn: &mut DbConnection, viewer: &Viewer, id: &str) -> Result<Form, ApiError> {
    store::find(conn, &viewer.workspace_id, id)?.ok_or_else(|| ApiError::not_found("form"))
}

fn with_versions(conn: &mut DbConnection, form: Form) -> Result<FormWithVersions, ApiError> {
    let versions = store::versions(conn, &form.workspace_id, &form.id)?;
    Ok((form, versions))
}

fn modify(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &str,
    if_match: &Option<Precondition>,
    change: impl Fn(&mut Form) -> Result<bool, ApiError>,
    questions: Option<&[Question]>,
) -> Result<Form, ApiError> {
    versioned::modify(
        conn,
        if_match,
        |c| {
            store::lock(c, &viewer.workspace_id, id)?;
            load(c, viewer, id)
        },
        change,
        |c, before, after| Ok(store::save(c, before, after, questions)?),
    )
}

// 422 when a locale map of the form or its questions lacks the form's default locale.
fn check_locales(form: &Form, questions: Option<&[Question]>) -> Result<(), ApiError> {
    let mut errors = form.check_default_locale();
    errors.extend(questions.map(|q| check_default_locale(q, &form.default_locale)).unwrap_or_default());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Stores a new form with its first question set.
pub async fn create(pool: &Pool, form: Form, questions: Vec<Question>) -> Result<FormWithVersions, ApiError> {
    check_locales(&form, Some(&questions))?;
    run(pool, move |conn| {
        tx::write(conn, |c| store::insert(c, &form, &questions))?;
        with_versions(conn, form)
    })
    .await
}

/// Up to `limit` forms after id `after`, optionally of one status.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    status: Vec<FormStatus>,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Form>, ApiError> {
    run(pool, move |conn| Ok(store::list(conn, &viewer.workspace_id, status, after, limit)?)).await
}

/// One form with its versions.
pub async fn get(pool: &Pool, viewer: Viewer, id: String) -> Result<FormWithVersions, ApiError> {
    run(pool, move |conn| {
        let form = load(conn, &viewer, &id)?;
        with_versions(conn, form)
    })
    .await
}

/// What a form PATCH may change; absent fields stay as they are.
#[derive(Debug, Clone)]
pub struct FormChanges {
    /// New title.
    pub title: Option<Localized>,
    /// New description (`Some(None)` clears it).
    pub description: Option<Option<Localized>>,
    /// New audience.
    pub audience: Option<Audience>,
    /// New status.
    pub status: Option<FormStatus>,
}

/// Changes title, description, audience or status.
pub async fn update(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    changes: FormChanges,
) -> Result<FormWithVersions, ApiError> {
    run(pool, move |conn| {
        let form = modify(
            conn,
            &viewer,
            &id,
            &if_match,
            |f| {
                if let Some(t) = &changes.title {
                    f.title = t.clone();
                }
                if let Some(d) = &changes.description {
                    f.description = d.clone();
                }
                if let Some(a) = &changes.audience {
                    f.audience = a.clone();
                }
                if let Some(s) = changes.status {
                    f.status = s;
                }
                check_locales(f, None)?;
                Ok(true)
            },
            None,
        )?;
        with_versions(conn, form)
    })
    .await
}

/// Makes the next question-set version.
pub async fn new_version(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    if_match: Option<Precondition>,
    questions: Vec<Question>,
) -> Result<FormWithVersions, ApiError> {
    run(pool, move |conn| {
        let form = modify(
            conn,
            &viewer,
            &id,
            &if_match,
            |f| {
                check_locales(f, Some(&questions))?;
                f.version += 1;
                Ok(true)
            },
            Some(&questions),
        )?;
        with_versions(conn, form)
    })
    .await
}
