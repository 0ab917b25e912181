//! A stakeholder's answers to one form for one month.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A stored submission, pinned to the form version it answered.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Submission {
    /// Server-generated UUID.
    pub id: String,
    /// The form.
    pub form_id: String,
    /// The question-set version answered.
    pub form_version: i32,
    /// Who answered.
    pub stakeholder_id: String,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// `{question_key: value}`.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    /// The token subject that submitted it (the stakeholder, or a colleague on their
    /// behalf). An internal actor: absent in answers to stakeholder tokens.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(required = false)]
    pub submitted_by: String,
    /// +1 on every amendment.
    pub version: i64,
    /// When first submitted.
    pub created_at: DateTime<Utc>,
    /// When last amended.
    pub updated_at: DateTime<Utc>,
    /// Set when this person was merged into another who had answered the same form and
    /// period: that answer, kept for the record, no longer counts in reports.
    #[schema(format = "uuid")]
    pub superseded_by: Option<String>,
    /// First NPS answer (kept for aggregates).
    #[serde(skip)]
    #[schema(ignore)]
    pub nps: Option<i32>,
    /// Owning workspace.
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
}

impl Submission {
    /// The submission as shown to a caller who may (or may not) see internal actors.
    pub fn shown(mut self, internal_actors: bool) -> Self {
        if !internal_actors {
            self.submitted_by.clear();
        }
        self
    }
}

impl super::versioned::Versioned for Submission {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}
