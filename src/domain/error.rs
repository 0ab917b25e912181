//! What the rules say when input breaks them; the service maps it to an HTTP problem.

use serde::Serialize;
use utoipa::ToSchema;

/// One invalid input field.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The field's name (a JSON key, query parameter or `field.sub` path).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error from any displayable message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Why a rule refused an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// One or more fields are invalid (422).
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The caller may not write what it named (403).
    #[error("{0}")]
    Forbidden(String),
}

impl DomainError {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}
