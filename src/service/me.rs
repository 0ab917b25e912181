//! What a stakeholder sees through their own token: their contact fields, their open
//! forms, their submissions and points.

use serde::Serialize;
use utoipa::ToSchema;

use super::run;
use super::submissions::subject;
use crate::access::Viewer;
use crate::db::{DbConnection, Pool};
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::form::{Form, FormStatus};
use crate::domain::form_reading::{self as reading, ShownQuestion};
use crate::domain::period::Period;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::submission::Submission;
use crate::error::ApiError;
use crate::store::{audience, feedback_items, forms, submissions};

/// An open form for me, in my language, with whether I have answered it this month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyForm {
    /// Form id.
    pub id: String,
    /// The language every text here is in: my own `locale`, else the best my request's
    /// `Accept-Language` accepts, else the form's default — of those the form is written in.
    #[schema(example = "fi")]
    pub locale: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// The version a submission now would answer.
    pub version: i32,
    /// Its questions (answers hold each option's `value`).
    pub questions: Vec<ShownQuestion>,
    /// The current month.
    pub period: String,
    /// Whether I have submitted for the current month.
    pub submitted: bool,
    /// My submission for the current month, if any.
    pub submission_id: Option<String>,
}

/// My open forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyForms {
    /// Open forms whose audience includes me.
    pub items: Vec<MyForm>,
}

/// My submissions and every point I raised, with its status and response.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyFeedback {
    /// My submissions, oldest first.
    pub submissions: Vec<Submission>,
    /// My points, oldest first.
    pub points: Vec<FeedbackItem>,
}

/// One of my submissions with the questions of the version it answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySubmission {
    /// The submission (without internal actors).
    #[serde(flatten)]
    pub submission: Submission,
    /// The questions as they were when I answered, in the same language as the form.
    pub questions: Vec<ShownQuestion>,
}

/// One form as I see it: its current questions and everything I answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyFormDetail {
    /// The form now.
    #[serde(flatten)]
    pub form: MyForm,
    /// My submissions to it, oldest first, each with its version's questions.
    pub submissions: Vec<MySubmission>,
}

/// The most forms, submissions or points one `/v1/me` answer lists.
const MAX_ITEMS: i64 = 500;

fn me(conn: &mut DbConnection, viewer: &Viewer) -> Result<Stakeholder, ApiError> {
    let id = viewer.stakeholder_id.clone().unwrap_or_default();
    subject(conn, viewer, &id)
}

/// The caller's own person.
pub async fn profile(pool: &Pool, viewer: Viewer) -> Result<Stakeholder, ApiError> {
    run(pool, move |conn| me(conn, &viewer)).await
}

// The form now, in the reader's language, with this month's state; and that language.
fn shown(
    conn: &mut DbConnection,
    person: &Stakeholder,
    form: Form,
    accepted: &[String],
) -> Result<MyForm, ApiError> {
    let ws = &form.workspace_id;
    let period = Period::current().to_string();
    let submission_id = submissions::existing(conn, ws, &form.id, &person.id, &period)?;
    let questions = forms::questions(conn, ws, &form.id, form.version)?;
    let default = &form.default_locale;
    let available = reading::available(&form, &questions);
    let locale = reading::choose(&available, person.profile.locale.as_deref(), accepted, default);
    Ok(MyForm {
        title: form.title.resolve(&locale, default).to_string(),
        description: form.description.as_ref().map(|d| d.resolve(&locale, default).to_string()),
        questions: reading::show(&questions, &locale, default),
        locale,
        id: form.id,
        version: form.version,
        period,
        submitted: submission_id.is_some(),
        submission_id,
    })
}

/// Open forms whose audience includes the caller, with this month's state, each in the
/// caller's language (`accepted`: the request's `Accept-Language`, most preferred first).
pub async fn my_forms(pool: &Pool, viewer: Viewer, accepted: Vec<String>) -> Result<Vec<MyForm>, ApiError> {
    run(pool, move |conn| {
        let person = me(conn, &viewer)?;
        let mut out = Vec::new();
        for form in forms::list(conn, &viewer.workspace_id, vec![FormStatus::Open], None, MAX_ITEMS)? {
            if audience::contains(conn, &viewer.workspace_id, &form.audience, &person.id)? {
                out.push(shown(conn, &person, form, &accepted)?);
            }
        }
        Ok(out)
    })
    .await
}

/// One form whose audience includes the caller (404 otherwise), in the caller's language,
/// with the caller's submissions to it, each beside the questions of the version it answered.
pub async fn my_form(
    pool: &Pool,
    viewer: Viewer,
    form_id: String,
    accepted: Vec<String>,
) -> Result<MyFormDetail, ApiError> {
    run(pool, move |conn| {
        let person = me(conn, &viewer)?;
        let ws = viewer.workspace_id.clone();
        let form = forms::find(conn, &ws, &form_id)?
            .filter(|f| audience::contains(conn, &ws, &f.audience, &person.id).unwrap_or(false))
            .ok_or_else(|| ApiError::not_found("form"))?;
        let default = form.default_locale.clone();
        let form = shown(conn, &person, form, &accepted)?;
        let filter = submissions::Filter {
            stakeholder_id: Some(person.id.clone()),
            form_id: Some(form.id.clone()),
            ..Default::default()
        };
        let mut answered = Vec::new();
        for x in submissions::list(conn, &viewer, &filter, None, MAX_ITEMS)? {
            let questions = forms::questions(conn, &ws, &form.id, x.form_version)?;
            let questions = reading::show(&questions, &form.locale, &default);
            answered.push(MySubmission { submission: x.shown(false), questions });
        }
        Ok(MyFormDetail { form, submissions: answered })
    })
    .await
}

/// The caller's submissions (without internal actors) and points.
pub async fn my_feedback(pool: &Pool, viewer: Viewer) -> Result<MyFeedback, ApiError> {
    run(pool, move |conn| {
        let person = me(conn, &viewer)?;
        let filter = submissions::Filter { stakeholder_id: Some(person.id.clone()), ..Default::default() };
        let subs = submissions::list(conn, &viewer, &filter, None, MAX_ITEMS)?
            .into_iter()
            .map(|x| x.shown(false))
            .collect();
        let filter = feedback_items::Filter { stakeholder_id: Some(person.id), ..Default::default() };
        let points = feedback_items::list(conn, &viewer, &filter, None, MAX_ITEMS)?;
        Ok(MyFeedback { submissions: subs, points })
    })
    .await
}
