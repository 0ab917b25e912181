//! A form's month: its report, who has not answered, and closing the loop.

use serde::Serialize;
use utoipa::ToSchema;

use super::forms::load as load_form;
use super::run;
use crate::access::Viewer;
use crate::db::{tx, Pool};
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::nps::{rate, Nps};
use crate::domain::report::{per_question, QuestionResult};
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::pagination::IdPage;
use crate::store::{audience, feedback_items, forms, submissions};

/// A form's results for one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormReport {
    /// The form.
    pub form_id: String,
    /// The month.
    pub period: String,
    /// Audience size now (live stakeholders matching the audience).
    pub expected: i64,
    /// Submissions for the period.
    pub submitted: i64,
    /// submitted / expected as a fraction (0–1, four decimals; 0 when nobody is expected).
    pub response_rate: f64,
    /// NPS of the period's NPS answers.
    pub nps: Nps,
    /// Per question, each submission counted under its own form version.
    pub questions: Vec<QuestionResult>,
    /// Whether the period has been closed.
    pub closed: bool,
}

/// The answer to closing a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct Closure {
    /// The form.
    pub form_id: String,
    /// The month now closed: no new submissions or amendments.
    pub period: String,
    /// True.
    pub closed: bool,
}

/// The month's report, counting only people the caller may see (as the dashboard and
/// the submission list do).
pub async fn report(pool: &Pool, viewer: Viewer, id: String, period: String) -> Result<FormReport, ApiError> {
    run(pool, move |conn| {
        let form = load_form(conn, &viewer, &id)?;
        let ws = &viewer.workspace_id;
        let expected = match viewer.sees_confidential() {
            true => audience::count(conn, ws, &form.audience)?,
            false => audience::count_public(conn, ws, &form.audience)?,
        };
        let (submitted, promoters, passives, detractors) =
            submissions::period_counts(conn, &viewer, &form.id, &period)?;
        let versions = forms::versions(conn, ws, &form.id)?;
        let answers = submissions::period_answers(conn, &viewer, &form.id, &period)?
            .into_iter()
            .map(|(v, text)| (v, serde_json::from_str(&text).unwrap_or_default()))
            .collect::<Vec<_>>();
        let closed = submissions::is_closed(conn, ws, &form.id, &period)?;
        Ok(FormReport {
            form_id: form.id,
            period,
            expected,
            submitted,
            response_rate: rate(submitted, expected),
            nps: Nps::from_counts(promoters, passives, detractors),
            questions: per_question(&versions, &answers),
            closed,
        })
    })
    .await
}

/// One page of audience members the caller may see with no submission for the month.
pub async fn missing(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    period: String,
    page: IdPage,
) -> Result<Vec<Stakeholder>, ApiError> {
    run(pool, move |conn| {
        let form = load_form(conn, &viewer, &id)?;
        Ok(audience::missing(
            conn,
            &viewer,
            &form.audience,
            (&form.id, &period),
            (page.after.clone(), page.fetch()),
        )?)
    })
    .await
}

/// Closes a month, or returns the points still without a response.
pub async fn close(
    pool: &Pool,
    viewer: Viewer,
    id: String,
    period: String,
) -> Result<Result<Closure, Vec<FeedbackItem>>, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let form = load_form(c, &viewer, &id)?;
            let open = feedback_items::unanswered(c, &viewer.workspace_id, &form.id, &period)?;
            if !open.is_empty() {
                return Ok(Err(open));
            }
            submissions::close(c, &viewer.workspace_id, &form.id, &period, &viewer.sub)?;
            Ok(Ok(Closure { form_id: form.id, period: period.clone(), closed: true }))
        })
    })
    .await
}
