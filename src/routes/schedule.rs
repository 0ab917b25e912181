//! `GET /v1/schedule` and `GET /v1/schedule.ics`: every due date in a window.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::engagement::date;
use crate::domain::fields::{check_text, TextKind};
use crate::domain::ical::{calendar, Event};
use crate::domain::schedule::ScheduleItem;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// The most due dates one schedule answer holds.
const MAX_ITEMS: usize = 5_000;
/// The widest window, in days.
const MAX_WINDOW_DAYS: i64 = 366;

/// Due dates in a window.
#[derive(Debug, Serialize, ToSchema)]
pub struct Schedule {
    /// First day of the window.
    pub from: NaiveDate,
    /// Last day of the window.
    pub to: NaiveDate,
    /// Overdue first, then by date.
    pub items: Vec<ScheduleItem>,
    /// True when more than 5000 due dates matched and the rest were left out.
    pub truncated: bool,
}

fn window(params: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate, Option<String>), ApiError> {
    let today = crate::time::now().date_naive();
    let mut errors = Vec::new();
    let mut parse = |key: &str, default: NaiveDate| match params.get(key) {
        Some(v) => {
            date(key, &serde_json::Value::from(v.as_str())).map_err(|e| errors.push(e)).unwrap_or(default)
        }
        None => default,
    };
    let from = parse("from", today);
    let to = parse("to", from + Days::new(30));
    let owner = params.get("owner").cloned();
    if let Some(o) = &owner {
        if let Err(e) = check_text("owner", o, 1, 200, TextKind::Line) {
            errors.push(e);
        }
    }
    if errors.is_empty() && (to < from || (to - from).num_days() > MAX_WINDOW_DAYS) {
        errors.push(FieldError::new(
            "to",
            format!("must be on or after from, at most {MAX_WINDOW_DAYS} days later"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok((from, to, owner))
}

async fn load(
    state: &web::Data<AppState>,
    auth: Auth,
    params: &HashMap<String, String>,
) -> Result<Schedule, ApiError> {
    let (from, to, owner) = window(params)?;
    let (items, truncated) =
        crate::service::plans::schedule(&state.pool, auth, owner, (from, to), MAX_ITEMS).await?;
    Ok(Schedule { from, to, items, truncated })
}

/// Every due date of every plan in the window (default: today and the next 30 days,
/// at most 366 days), overdue first: a plan's overdue date is listed even before `from`.
#[utoipa::path(tag = "engagement",
    params(("from" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default today (UTC)"),
           ("to" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default from + 30 days"),
           ("owner" = Option<String>, Query, description = "Only this owner's plans")),
    responses((status = 200, body = Schedule)), security(("bearer" = [])))]
#[get("/schedule")]
pub async fn schedule(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(load(&state, auth, &params).await?))
}

/// The same schedule as an RFC 5545 calendar: one all-day VEVENT per due date with a
/// stable UID (`<plan>-<date>@stakemap`). Calendar apps cannot send headers: give them a
/// calendar link (`POST /v1/calendar-links`) instead of a token.
#[utoipa::path(tag = "engagement",
    params(("from" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default today (UTC)"),
           ("to" = Option<String>, Query, format = Date, description = "YYYY-MM-DD; default from + 30 days"),
           ("owner" = Option<String>, Query, description = "Only this owner's plans")),
    responses((status = 200, description = "text/calendar", body = String, content_type = "text/calendar")),
    security(("bearer" = [])))]
#[get("/schedule.ics")]
pub async fn ics(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    ics_feed(&state, auth, &params).await
}

/// The schedule `viewer` sees as an iCalendar answer.
pub async fn ics_feed(
    state: &web::Data<AppState>,
    viewer: Auth,
    params: &HashMap<String, String>,
) -> Result<HttpResponse, ApiError> {
    let due = load(state, viewer, params).await?;
    let events: Vec<Event> = due
        .items
        .iter()
        .map(|i| Event {
            uid: format!("{}-{}@stakemap", i.plan_id, i.due_on.format("%Y%m%d")),
            date: i.due_on,
            summary: format!(
                "{} with {}{}",
                i.channel.as_str().replace('_', " "),
                i.stakeholder_name,
                if i.status.as_str() == "overdue" { " (overdue)" } else { "" }
            ),
            description: [
                i.objective.as_deref().map(|o| format!("Objective: {o}")),
                i.next_step.as_deref().map(|n| format!("Next step: {n}")),
                i.owner.as_deref().map(|o| format!("Owner: {o}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n"),
            category: i.priority.as_str().to_string(),
        })
        .collect();
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(calendar(
        "stakemap engagement schedule",
        &events,
        crate::time::now(),
    )))
}

/// Registers the schedule routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(schedule).service(ics);
}
