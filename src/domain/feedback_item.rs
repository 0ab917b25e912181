//! Points raised in feedback, and closing the loop on each: what was done, or why not.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};

crate::string_enum!(
    /// Where a point stands: open → planned → in_progress → done | declined.
    #[derive(Default)]
    PointStatus {
        #[default]
        Open = "open",
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Declined = "declined",
    }
);

/// An actionable point from a stakeholder.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FeedbackItem {
    /// Server-generated UUID.
    pub id: String,
    /// Who raised it.
    pub stakeholder_id: String,
    /// The submission it came from, if any.
    pub submission_id: Option<String>,
    /// That submission's form.
    pub form_id: Option<String>,
    /// That submission's period.
    pub period: Option<String>,
    /// The point in one line (1–500).
    pub summary: String,
    /// More detail (≤ 5000).
    pub detail: Option<String>,
    /// Workflow status.
    pub status: PointStatus,
    /// What was done, or why not; required for done and declined (≤ 5000).
    pub response: Option<String>,
    /// +1 on every change.
    pub version: i64,
    /// When raised.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Owning workspace.
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
}

impl FeedbackItem {
    /// An empty point to apply a create body onto.
    pub fn blank(workspace_id: &str, now: DateTime<Utc>) -> Self {
        FeedbackItem {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            stakeholder_id: String::new(),
            submission_id: None,
            form_id: None,
            period: None,
            summary: String::new(),
            detail: None,
            status: PointStatus::Open,
            response: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether the person has been answered.
    pub fn has_response(&self) -> bool {
        self.response.as_deref().is_some_and(|r| !r.trim().is_empty())
    }
}

impl super::versioned::Versioned for FeedbackItem {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

/// Fields a create body may carry (status and response come later, by triage).
pub const CREATE_FIELDS: &[&str] = &["stakeholder_id", "submission_id", "summary", "detail"];

impl Patchable for FeedbackItem {
    const REQUIRED: &'static [&'static str] = &["stakeholder_id", "summary"];
    const READ_ONLY: &'static [&'static str] =
        &["id", "form_id", "period", "version", "created_at", "updated_at"];

    fn set(&mut self, field: &str, v: &Value) -> Result<(), FieldError> {
        match field {
            "stakeholder_id" => {
                self.stakeholder_id =
                    fields::uuid(field, v)?.ok_or_else(|| FieldError::new(field, "is required"))?
            }
            "submission_id" => self.submission_id = fields::uuid(field, v)?,
            "summary" => self.summary = fields::required_text(field, v, 1, 500)?,
            "detail" => self.detail = fields::text(field, v, 5000, TextKind::Free)?,
            "status" => {
                self.status = fields::required_choice(field, v, PointStatus::parse, PointStatus::expected)?
            }
            "response" => self.response = fields::text(field, v, 5000, TextKind::Free)?,
            other => return Err(patch::unknown("feedback item", other)),
        }
        Ok(())
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        if matches!(self.status, PointStatus::Done | PointStatus::Declined) && !self.has_response() {
            errors.push(FieldError::new(
                "response",
                format!(
                    "is required when a point is {}: say what was done, or why not",
                    self.status.as_str()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::DomainError;
    use crate::domain::patch::{apply, Mode};
    use serde_json::json;

    #[test]
    fn done_and_declined_need_a_response() {
        let mut item = FeedbackItem::blank("ws", Utc::now());
        apply(
            &mut item,
            json!({"stakeholder_id": uuid::Uuid::new_v4(), "summary": "Reports lag"}).as_object().unwrap(),
            Mode::Create,
        )
        .unwrap();
        for status in ["done", "declined"] {
            let Err(DomainError::Invalid(e)) =
                apply(&mut item, json!({"status": status}).as_object().unwrap(), Mode::Patch)
            else {
                panic!()
            };
            assert_eq!(e[0].field, "response");
        }
        apply(&mut item, json!({"status": "in_progress"}).as_object().unwrap(), Mode::Patch).unwrap();
        apply(
            &mut item,
            json!({"status": "declined", "response": "Out of scope this year"}).as_object().unwrap(),
            Mode::Patch,
        )
        .unwrap();
        let Err(DomainError::Invalid(_)) =
            apply(&mut item, json!({"response": null}).as_object().unwrap(), Mode::Patch)
        else {
            panic!()
        };
    }
}
