//! `/v1/me`: what a stakeholder sees through its personal token.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::submissions::subject;
use super::support::with_conn;
use crate::auth::Auth;
use crate::db::DbConnection;
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::form::{FormStatus, Question};
use crate::domain::period::Period;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::submission::Submission;
use crate::error::ApiError;
use crate::startup::AppState;
use crate::store::{audience, feedback_items, forms, submissions};

/// An open form for me, with whether I have answered it this month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyForm {
    /// Form id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// The version a submission now would answer.
    pub version: i32,
    /// Its questions.
    pub questions: Vec<Question>,
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

/// The most forms, submissions or points one `/v1/me` answer lists.
const MAX_ITEMS: i64 = 500;

fn me(conn: &mut DbConnection, auth: &Auth) -> Result<Stakeholder, ApiError> {
    let id = auth.stakeholder_id.clone().unwrap_or_default();
    subject(conn, auth, &id)
}

/// What a stakeholder sees of themselves: their own contact fields, nothing internal
/// (no owner, tags, CRM key, custom fields, analysis).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyProfile {
    /// My id.
    #[schema(format = "uuid")]
    pub id: String,
    /// My name.
    pub name: String,
    /// My email.
    pub email: Option<String>,
    /// My phone.
    pub phone: Option<String>,
    /// My job title.
    pub title: Option<String>,
    /// My organization.
    pub organization: Option<String>,
    /// My department.
    pub department: Option<String>,
}

/// My own contact fields. Stakeholder tokens only.
#[utoipa::path(tag = "me", responses((status = 200, body = MyProfile)), security(("bearer" = [])))]
#[get("/me")]
pub async fn profile(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let s = with_conn(&state, move |conn| me(conn, &auth)).await?;
    let p = s.profile;
    Ok(HttpResponse::Ok().json(MyProfile {
        id: s.id,
        name: p.name,
        email: p.email,
        phone: p.phone,
        title: p.title,
        organization: p.organization,
        department: p.department,
    }))
}

/// Open forms whose audience includes me, each with whether this month is submitted.
#[utoipa::path(tag = "me", responses((status = 200, body = MyForms)), security(("bearer" = [])))]
#[get("/me/forms")]
pub async fn my_forms(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = with_conn(&state, move |conn| {
        let person = me(conn, &auth)?;
        let period = Period::current().to_string();
        let mut out = Vec::new();
        for form in forms::list(conn, &auth.workspace_id, Some(FormStatus::Open), None, MAX_ITEMS)? {
            if !audience::contains(conn, &auth.workspace_id, &form.audience, &person.id)? {
                continue;
            }
            let submission_id =
                submissions::existing(conn, &auth.workspace_id, &form.id, &person.id, &period)?;
            let questions = forms::questions(conn, &auth.workspace_id, &form.id, form.version)?;
            out.push(MyForm {
                id: form.id,
                title: form.title,
                description: form.description,
                version: form.version,
                questions,
                period: period.clone(),
                submitted: submission_id.is_some(),
                submission_id,
            });
        }
        Ok(out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MyForms { items }))
}

/// My submissions and every point I raised, with status and response: a point not acted
/// on carries the reason why.
#[utoipa::path(tag = "me", responses((status = 200, body = MyFeedback)), security(("bearer" = [])))]
#[get("/me/feedback")]
pub async fn my_feedback(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let feedback = with_conn(&state, move |conn| {
        let person = me(conn, &auth)?;
        let ws = &auth.workspace_id;
        let filter = submissions::Filter { stakeholder_id: Some(person.id.clone()), ..Default::default() };
        let subs = submissions::list(conn, ws, &filter, None, MAX_ITEMS)?
            .into_iter()
            .map(|x| x.shown(false))
            .collect();
        let filter = feedback_items::Filter { stakeholder_id: Some(person.id), ..Default::default() };
        let points = feedback_items::list(conn, ws, &filter, None, MAX_ITEMS)?;
        Ok(MyFeedback { submissions: subs, points })
    })
    .await?;
    Ok(HttpResponse::Ok().json(feedback))
}

/// Registers the `/me` routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(profile).service(my_forms).service(my_feedback);
}
