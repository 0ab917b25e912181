//! `/v1/forms`: feedback forms with versioned question sets.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::support::{created, with_etag};
use crate::auth::Auth;
use crate::domain::form::FormVersion;
use crate::domain::form::{
    parse_audience, parse_default_locale, parse_questions, parse_texts, Audience, Form, FormStatus, Question,
};
use crate::domain::localized::Localized;
use crate::error::{ApiError, FieldError};
use crate::pagination::IdPage;
use crate::service::forms as service;
use crate::state::AppState;

/// A version in a form's version list.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    /// 1, 2, …
    pub number: i32,
    /// When it was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// How many questions it has.
    pub question_count: usize,
}

/// A form with its latest questions and the list of its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormView {
    /// The form (`version` = latest question-set version).
    #[serde(flatten)]
    pub form: Form,
    /// The latest version's questions.
    #[schema(min_items = 1, max_items = 100)]
    pub questions: Vec<Question>,
    /// Every version, oldest first.
    pub versions: Vec<VersionSummary>,
}

/// A page of forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormPage {
    /// Forms, oldest first.
    pub items: Vec<Form>,
    /// Cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Create body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FormInput {
    /// 1–200 characters: a string, or locale → text including `default_locale`.
    title: Localized,
    /// ≤ 2000 characters: a string, or locale → text including `default_locale`.
    description: Option<Localized>,
    /// The language of plain texts, which every locale map must include (BCP 47;
    /// default `STAKEMAP_DEFAULT_LOCALE`, `en`). Set once, at creation.
    #[schema(example = "en")]
    default_locale: Option<String>,
    /// Who it is for (any match); omitted or empty = every stakeholder.
    audience: Option<Audience>,
    /// 1–100 questions with unique keys.
    questions: Vec<Question>,
}

/// Merge-patch body: title, description, audience, status (`open` | `archived`).
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FormPatch {
    /// 1–200 characters: a string, or locale → text including the form's `default_locale`.
    #[schema(nullable = false)]
    title: Option<Localized>,
    /// ≤ 2000 characters, likewise; null clears it.
    description: Option<Localized>,
    /// Replaces the audience.
    audience: Option<Audience>,
    /// open or archived.
    #[schema(nullable = false)]
    status: Option<FormStatus>,
}

/// Body of a new version.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct VersionInput {
    /// The complete question set of the new version.
    questions: Vec<Question>,
}

fn unknown_fields(body: &Map<String, Value>, allowed: &[&str], errors: &mut Vec<FieldError>) {
    for key in body.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let message = if ["id", "version", "revision", "created_at", "updated_at", "default_locale"]
            .contains(&key.as_str())
        {
            "is read-only"
        } else {
            "is not a form field"
        };
        errors.push(FieldError::new(key, message));
    }
}

fn view((form, versions): (Form, Vec<FormVersion>)) -> FormView {
    let questions = versions.last().map(|v| v.questions.clone()).unwrap_or_default();
    let versions = versions
        .into_iter()
        .map(|v| VersionSummary {
            number: v.number,
            created_at: v.created_at,
            question_count: v.questions.len(),
        })
        .collect();
    FormView { form, questions, versions }
}

/// Create a form (its first question set is version 1).
#[utoipa::path(tag = "feedback", request_body = FormInput,
    responses((status = 201, body = FormView, headers(("Location" = String, description = "URL of the new form")))),
    security(("bearer" = [])))]
#[post("/forms")]
pub async fn create(
    auth: Auth,
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    unknown_fields(&body, &["title", "description", "default_locale", "audience", "questions"], &mut errors);
    let (title, description) = parse_texts(&body, &mut errors, true);
    let default_locale = parse_default_locale(&body, &state.default_locale, &mut errors);
    let audience = parse_audience(body.get("audience"), &mut errors);
    let questions = parse_questions(body.get("questions"), &mut errors);
    let Some(title) = title.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let now = crate::time::now();
    let form = Form {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: auth.workspace_id.clone(),
        title,
        description: description.flatten(),
        default_locale,
        audience,
        status: FormStatus::Open,
        version: 1,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    let view = view(service::create(&state.pool, form, questions).await?);
    Ok(created(&format!("/v1/forms/{}", view.form.id), view.form.revision, &view))
}

/// Forms, oldest first.
#[utoipa::path(tag = "feedback",
    params(("status" = Option<FormStatus>, Query, description = "Only this status"),
           ("limit" = Option<i64>, Query, description = "Default 50, above 500 clamped"),
           ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page")),
    responses((status = 200, body = FormPage)),
    security(("bearer" = [])))]
#[get("/forms")]
pub async fn list(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let status =
        super::support::choices(&params, "status", FormStatus::parse, FormStatus::expected, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let page = IdPage::from_params(&params, &state.cursors)?;
    let query = page.clone();
    let items = service::list(&state.pool, auth, status, query.after.clone(), query.fetch()).await?;
    let (items, next_cursor) = page.finish(items, &state.cursors, |x| &x.id);
    Ok(HttpResponse::Ok().json(FormPage { items, next_cursor }))
}

/// A form: its latest questions and its version list. The ETag is the `revision`.
#[utoipa::path(tag = "feedback", params(("id" = String, Path, description = "Form id")),
    responses((status = 200, body = FormView)),
    security(("bearer" = [])))]
#[get("/forms/{id}")]
pub async fn get(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = view(service::get(&state.pool, auth, id.into_inner()).await?);
    Ok(with_etag(StatusCode::OK, view.form.revision, &view))
}

/// Change title, description, audience or status (`archived` stops submissions).
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("If-Match" = Option<String>, Header, description = "Current ETag (revision); 412 when stale")),
    request_body(content((FormPatch = "application/merge-patch+json"), (FormPatch = "application/json"))),
    responses((status = 200, body = FormView)),
    security(("bearer" = [])))]
#[patch("/forms/{id}")]
pub async fn update(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let mut errors = Vec::new();
    unknown_fields(&body, &["title", "description", "audience", "status"], &mut errors);
    let (title, description) = parse_texts(&body, &mut errors, false);
    let audience = body.contains_key("audience").then(|| parse_audience(body.get("audience"), &mut errors));
    let status = match body.get("status") {
        Some(v) => {
            crate::domain::fields::required_choice("status", v, FormStatus::parse, FormStatus::expected)
                .map_err(|e| errors.push(e))
                .ok()
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let changes = service::FormChanges { title, description, audience, status };
    let view = view(service::update(&state.pool, auth, id.into_inner(), if_match, changes).await?);
    Ok(with_etag(StatusCode::OK, view.form.revision, &view))
}

/// Make the next question-set version; submissions already made stay pinned to theirs.
#[utoipa::path(tag = "feedback",
    params(("id" = String, Path, description = "Form id"), ("If-Match" = Option<String>, Header, description = "Current ETag (revision); 412 when stale")),
    request_body = VersionInput,
    responses((status = 201, body = FormView)),
    security(("bearer" = [])))]
#[post("/forms/{id}/versions")]
pub async fn new_version(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::support::precondition(&req, header::IF_MATCH)?;
    let mut errors = Vec::new();
    unknown_fields(&body, &["questions"], &mut errors);
    let questions = parse_questions(body.get("questions"), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let view = view(service::new_version(&state.pool, auth, id.into_inner(), if_match, questions).await?);
    Ok(created(&format!("/v1/forms/{}", view.form.id), view.form.revision, &view))
}

/// Registers the form routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(get).service(update).service(new_version);
}
