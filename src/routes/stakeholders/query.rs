//! Parsing of `GET /v1/stakeholders` query parameters, each bad one a 422 entry.

use std::collections::HashMap;

use chrono::DateTime;
use utoipa::IntoParams;

use crate::auth::Role;
use crate::domain::stakeholder_enums::*;
use crate::error::{ApiError, FieldError};
use crate::pagination::{self, SortKey};
use crate::store::stakeholder_list::{Filter, SortField};

/// Query parameters of the stakeholder list (documentation; parsed by `parse`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// Only these people (comma list of at most 500 ids).
    ids: Option<String>,
    /// Only these groups.
    group: Option<Group>,
    /// Only these categories.
    category: Option<Category>,
    /// Only these quadrants (analysis: 403 for integration tokens).
    quadrant: Option<Quadrant>,
    /// Only these stances (analysis: 403 for integration tokens).
    stance: Option<Stance>,
    /// Only these decision roles (analysis: 403 for integration tokens).
    decision_role: Option<DecisionRole>,
    /// Only these relationship statuses.
    relationship_status: Option<RelationshipStatus>,
    /// Only stakeholders of this account.
    account_id: Option<String>,
    /// Only this owner (exact match).
    owner: Option<String>,
    /// Only stakeholders carrying this tag.
    tag: Option<String>,
    /// Case-insensitive substring of name, email or organization (ASCII case folding on SQLite).
    q: Option<String>,
    /// Influence at least this (1–5; analysis: 403 for integration tokens).
    min_influence: Option<i32>,
    /// Changed at or after this RFC 3339 time.
    updated_since: Option<String>,
    /// Include soft-deleted rows (default false).
    include_deleted: Option<bool>,
    /// Comma list of fields, `-` for descending; default `name`. Fields: name, email,
    /// organization, owner, group, category, relationship_status, created_at, updated_at,
    /// and (analysis, 403 for integration) influence, impact, stance, decision_role,
    /// quadrant. Nulls sort last either way; id is the final tiebreak. At most 5 fields; a
    /// field named again adds nothing.
    #[param(format = "stakeholder-sort")]
    sort: Option<String>,
    /// Page size, default 50; values above 500 are clamped to 500.
    limit: Option<i64>,
    /// `next_cursor` of the previous page; a tampered cursor is 400.
    cursor: Option<String>,
}

/// A parsed list request.
pub struct ListRequest {
    /// Row filters.
    pub filter: Filter,
    /// Sort keys (never empty).
    pub sort: Vec<SortKey<SortField>>,
    /// The `sort` text, which cursors are bound to.
    pub sort_text: String,
    /// Page size.
    pub limit: i64,
    /// Cursor, if given.
    pub cursor: Option<String>,
}

const ANALYSIS_FILTERS: &[&str] = &["quadrant", "stance", "decision_role", "min_influence"];

use crate::routes::support::choices as choice;

fn text(params: &HashMap<String, String>, key: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let raw = params.get(key)?;
    match crate::domain::fields::check_text(key, raw, 1, 200, crate::domain::fields::TextKind::Line) {
        Ok(()) => Some(raw.clone()),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Reads the query into filters, sort and page; 403 for analysis filters or sorts the
/// role cannot see, else 422 listing every bad parameter.
pub fn parse(params: &HashMap<String, String>, role: Role) -> Result<ListRequest, ApiError> {
    if !role.sees_analysis() {
        if let Some(key) = ANALYSIS_FILTERS.iter().find(|k| params.contains_key(**k)) {
            return Err(ApiError::Forbidden(format!("the {} role may not filter on '{key}'", role.as_str())));
        }
    }
    let mut errors = Vec::new();
    let mut filter = Filter {
        ids: crate::routes::support::ids_param(params, &mut errors),
        group: choice(params, "group", Group::parse, Group::expected, &mut errors),
        category: choice(params, "category", Category::parse, Category::expected, &mut errors),
        quadrant: choice(params, "quadrant", Quadrant::parse, Quadrant::expected, &mut errors),
        stance: choice(params, "stance", Stance::parse, Stance::expected, &mut errors),
        decision_role: choice(
            params,
            "decision_role",
            DecisionRole::parse,
            DecisionRole::expected,
            &mut errors,
        ),
        relationship_status: choice(
            params,
            "relationship_status",
            RelationshipStatus::parse,
            RelationshipStatus::expected,
            &mut errors,
        ),
        account_id: crate::routes::support::uuid_param(params, "account_id", &mut errors),
        owner: text(params, "owner", &mut errors),
        tag: text(params, "tag", &mut errors),
        q: text(params, "q", &mut errors),
        ..Filter::default()
    };
    if let Some(raw) = params.get("min_influence") {
        match raw.parse::<i32>() {
            Ok(v @ 1..=5) => filter.min_influence = Some(v),
            _ => errors.push(FieldError::new("min_influence", "must be an integer from 1 to 5")),
        }
    }
    if let Some(raw) = params.get("updated_since") {
        match DateTime::parse_from_rfc3339(raw) {
            Ok(t) => filter.updated_since = Some(t.to_utc()),
            Err(_) => errors.push(FieldError::new("updated_since", "must be an RFC 3339 timestamp")),
        }
    }
    if let Some(raw) = params.get("include_deleted") {
        match raw.as_str() {
            "true" => filter.include_deleted = true,
            "false" => {}
            _ => errors.push(FieldError::new("include_deleted", "must be true or false")),
        }
    }
    let sort_text = params.get("sort").cloned().unwrap_or_else(|| "name".into());
    let sort = match pagination::parse_sort(&sort_text, SortField::parse, &SortField::expected()) {
        Ok(keys) => keys,
        Err(ApiError::Validation(mut e)) => {
            errors.append(&mut e);
            Vec::new()
        }
        Err(other) => return Err(other),
    };
    if !role.sees_analysis() {
        if let Some(key) = sort.iter().find(|k| k.field.is_analysis()) {
            return Err(ApiError::Forbidden(format!(
                "the {} role may not sort by '{}'",
                role.as_str(),
                key.field.as_str()
            )));
        }
    }
    let limit = match pagination::limit(params.get("limit").map(String::as_str)) {
        Ok(limit) => limit,
        Err(ApiError::Validation(mut e)) => {
            errors.append(&mut e);
            0
        }
        Err(other) => return Err(other),
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(ListRequest {
        filter,
        sort,
        sort_text,
        limit,
        cursor: pagination::cursor_param(params, "cursor").cloned(),
    })
}

/// Whether `include_deleted=true` was asked for (single-resource GET).
pub fn include_deleted(params: &HashMap<String, String>) -> Result<bool, ApiError> {
    match params.get("include_deleted").map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid("include_deleted", "must be true or false")),
    }
}
