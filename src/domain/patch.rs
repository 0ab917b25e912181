//! Applying a JSON object (create body or merge patch) to a resource, field by field.

use serde_json::{Map, Value};

use super::error::{DomainError, FieldError};

/// Whether a body creates a resource (required fields must be present) or patches one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// POST / upsert-create: required fields must be present.
    Create,
    /// PATCH: absent = unchanged, null = clear.
    Patch,
}

/// How one resource kind takes fields.
pub trait Patchable: Clone {
    /// Fields a create body must have.
    const REQUIRED: &'static [&'static str];
    /// Fields that may appear in responses but never in bodies.
    const READ_ONLY: &'static [&'static str];
    /// Sets one field from JSON, or says what is wrong with the value.
    fn set(&mut self, field: &str, value: &Value) -> Result<(), FieldError>;
    /// Rules across fields, checked after all fields are set.
    fn check(&self, _errors: &mut Vec<FieldError>) {}
}

/// Applies `body` to `target`: 422 listing every bad field; `target` unchanged on error.
pub fn apply<T: Patchable>(target: &mut T, body: &Map<String, Value>, mode: Mode) -> Result<(), DomainError> {
    let mut next = target.clone();
    let mut errors = Vec::new();
    for (key, value) in body {
        let result = if T::READ_ONLY.contains(&key.as_str()) {
            Err(FieldError::new(key, "is read-only"))
        } else {
            next.set(key, value)
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if mode == Mode::Create {
        for required in T::REQUIRED {
            if !body.contains_key(*required) {
                errors.push(FieldError::new(*required, "is required"));
            }
        }
    }
    if errors.is_empty() {
        next.check(&mut errors);
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    *target = next;
    Ok(())
}

/// An "is not a field" error for unknown keys.
pub fn unknown(kind: &str, field: &str) -> FieldError {
    FieldError::new(
        field,
        format!(
            "is not a{} {kind} field",
            if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "n" } else { "" }
        ),
    )
}
