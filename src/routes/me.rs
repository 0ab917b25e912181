//! `/v1/me`: what a stakeholder sees through its personal token.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::service::me as service;
pub use crate::service::me::{MyFeedback, MyForm, MyFormDetail, MyForms};
use crate::state::AppState;

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
    /// The language I am addressed in (null = the workspace default).
    pub locale: Option<String>,
}

/// My own contact fields. Stakeholder tokens only.
#[utoipa::path(tag = "me", responses((status = 200, body = MyProfile)), security(("bearer" = [])))]
#[get("/me")]
pub async fn profile(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let s = service::profile(&state.pool, auth).await?;
    let p = s.profile;
    Ok(HttpResponse::Ok().json(MyProfile {
        id: s.id,
        name: p.name,
        email: p.email,
        phone: p.phone,
        title: p.title,
        organization: p.organization,
        department: p.department,
        locale: p.locale,
    }))
}

// The languages the request accepts, most preferred first.
fn accepted(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(crate::domain::locale::accepted)
        .unwrap_or_default()
}

/// Open forms whose audience includes me, each with whether this month is submitted.
#[utoipa::path(tag = "me", params(("Accept-Language" = Option<String>, Header, description = "Languages I read, most preferred first; used when my profile has no locale the form is written in")), responses((status = 200, body = MyForms)), security(("bearer" = [])))]
#[get("/me/forms")]
pub async fn my_forms(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let items = service::my_forms(&state.pool, auth, accepted(&req)).await?;
    Ok(HttpResponse::Ok().json(MyForms { items }))
}

/// One form of mine: its current questions, this month's state, and every submission I
/// made to it beside the questions of the version I answered. 404 for a form whose
/// audience does not include me.
#[utoipa::path(tag = "me", params(("id" = String, Path, description = "Form id"),
        ("Accept-Language" = Option<String>, Header, description = "Languages I read, most preferred first; used when my profile has no locale the form is written in")),
    responses((status = 200, body = MyFormDetail)), security(("bearer" = [])))]
#[get("/me/forms/{id}")]
pub async fn my_form(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let form = service::my_form(&state.pool, auth, id.into_inner(), accepted(&req)).await?;
    Ok(HttpResponse::Ok().json(form))
}

/// My submissions and every point I raised, with status and response: a point not acted
/// on carries the reason why.
#[utoipa::path(tag = "me", responses((status = 200, body = MyFeedback)), security(("bearer" = [])))]
#[get("/me/feedback")]
pub async fn my_feedback(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let feedback = service::my_feedback(&state.pool, auth).await?;
    Ok(HttpResponse::Ok().json(feedback))
}

/// Registers the `/me` routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(profile).service(my_forms).service(my_form).service(my_feedback);
}
