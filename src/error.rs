//! The one error type every handler returns, rendered as RFC 9457 problem+json.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::error::{DomainError, FieldError};

/// An RFC 9457 problem details body.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The request path the problem occurred on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The record a 409 conflicts with (an existing submission, a created resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uuid")]
    pub existing_id: Option<String>,
    /// The person a 410 stakeholder was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uuid")]
    pub merged_into: Option<String>,
    /// One entry per invalid field (validation failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a request can fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Malformed request (bad JSON, bad cursor).
    #[error("{0}")]
    BadRequest(String),
    /// Missing or invalid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// No such resource in the caller's workspace (or not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// Conflicts with the current state (duplicate key, existing record).
    #[error("{0}")]
    Conflict(String),
    /// Conflicts with an existing record the caller may know of (its id, if any).
    #[error("{0}")]
    ConflictWith(String, Option<String>),
    /// An `If-Match` / `If-None-Match` precondition did not hold.
    #[error("{0}")]
    PreconditionFailed(String),
    /// The record is gone for good: merged into the person with this id.
    #[error("this stakeholder was merged into {0}")]
    MergedInto(String),
    /// The body did not arrive in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// The body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body's media type is not accepted.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request's headers are larger than allowed.
    #[error("{0}")]
    HeadersTooLarge(String),
    /// One or more fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Too many requests from this token; retry after the given seconds.
    #[error("rate limit exceeded: retry after {0} seconds")]
    TooManyRequests(u64),
    /// The database cannot be reached right now.
    #[error("service temporarily unavailable")]
    Unavailable,
    /// A bug or an unexpected failure; details are logged, never sent.
    #[error("internal error")]
    Internal,
}

/// An error with every cause after it, `: `-separated.
pub fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ApiError {
    /// 404 for a resource kind.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// 422 with a single field error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// Logs an unexpected failure with its whole cause chain and hides it from the client.
    pub fn internal(err: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %cause_chain(err), "internal error");
        Self::Internal
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "Bad request"),
            Self::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            Self::Forbidden(_) => ("forbidden", "Forbidden"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(_) | Self::ConflictWith(..) => ("conflict", "Conflict"),
            Self::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            Self::MergedInto(_) => ("gone", "Gone"),
            Self::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            Self::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::HeadersTooLarge(_) => ("headers-too-large", "Request header fields too large"),
            Self::Validation(_) => ("validation", "Validation failed"),
            Self::TooManyRequests(_) => ("rate-limited", "Too many requests"),
            Self::Unavailable => ("unavailable", "Service unavailable"),
            Self::Internal => ("internal", "Internal server error"),
        }
    }

    /// The problem body for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let detail = match self {
            Self::Validation(errors) => format!("{} invalid field(s)", errors.len()),
            Self::MethodNotAllowed(allowed) => {
                format!("this route accepts only {}", allowed.join(", "))
            }
            Self::Unavailable => "the database is unavailable; retry shortly".into(),
            Self::Internal => "an unexpected error occurred; it has been logged".into(),
            other => other.to_string(),
        };
        Problem {
            kind: format!("urn:stakemap:problem:{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            instance: None,
            existing_id: match self {
                Self::ConflictWith(_, id) => id.clone(),
                _ => None,
            },
            merged_into: match self {
                Self::MergedInto(id) => Some(id.clone()),
                _ => None,
            },
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::ConflictWith(..) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::MergedInto(_) => StatusCode::GONE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::TooManyRequests(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &err {
            Error::NotFound => Self::NotFound("not found".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict("a record with the same unique key already exists".into())
            }
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => {
                tracing::warn!(error = %err, "database connection lost");
                crate::db::note_lost();
                Self::Unavailable
            }
            _ => Self::internal(&err),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid(errors) => Self::Validation(errors),
            DomainError::Forbidden(why) => Self::Forbidden(why),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        tracing::warn!(error = %err, "no database connection available");
        Self::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::internal(&err)
    }
}
