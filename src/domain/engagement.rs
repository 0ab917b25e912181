//! Engagement plans: how, how often and by whom each stakeholder is engaged.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::cadence::{self, Cadence, PlanStatus};
use super::error::FieldError;
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};

crate::string_enum!(
    /// How the stakeholder is engaged.
    Channel {
        StrategyMeeting = "strategy_meeting", Meeting = "meeting", Email = "email", Call = "call",
        Report = "report", Event = "event", Workshop = "workshop", Training = "training",
        SiteVisit = "site_visit", Showcase = "showcase",
    }
);

crate::string_enum!(
    /// How much the plan matters.
    #[derive(Default)]
    Priority {
        High = "high",
        #[default]
        Medium = "medium",
        Low = "low",
    }
);

/// A stored plan with its derived dates.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Plan {
    /// Server-generated UUID.
    pub id: String,
    /// Who is engaged.
    pub stakeholder_id: String,
    /// How.
    pub channel: Channel,
    /// How often.
    pub cadence: Cadence,
    /// Internal person responsible (≤ 200).
    pub owner: Option<String>,
    /// high, medium (default) or low.
    pub priority: Priority,
    /// What the engagement is for (≤ 2000).
    pub objective: Option<String>,
    /// The next concrete step (≤ 2000).
    pub next_step: Option<String>,
    /// When the plan starts (YYYY-MM-DD).
    pub starts_on: NaiveDate,
    /// Derived: the latest interaction with the stakeholder.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Derived: last contact (or starts_on) plus one cadence.
    pub next_due_on: NaiveDate,
    /// Derived: on_track, due_soon (within 7 days) or overdue, as of today (UTC).
    pub status: PlanStatus,
    /// +1 on every change.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When deleted.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Owning workspace.
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
}

impl Plan {
    /// An empty plan to apply a create body onto.
    pub fn blank(workspace_id: &str, now: DateTime<Utc>) -> Self {
        let today = now.date_naive();
        Plan {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            stakeholder_id: String::new(),
            channel: Channel::Meeting,
            cadence: Cadence::Monthly,
            owner: None,
            priority: Priority::default(),
            objective: None,
            next_step: None,
            starts_on: today,
            last_contact_at: None,
            next_due_on: today,
            status: PlanStatus::OnTrack,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    /// Recomputes next_due_on and status from the start, cadence and last contact.
    pub fn refresh(&mut self, today: NaiveDate) {
        let anchor = cadence::anchor(self.starts_on, self.last_contact_at.map(|t| t.date_naive()));
        self.next_due_on = self.cadence.next_after(anchor);
        self.status = cadence::status(self.next_due_on, today);
    }
}

impl super::versioned::Versioned for Plan {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

/// Parses a `YYYY-MM-DD` date field.
pub fn date(field: &str, v: &Value) -> Result<NaiveDate, FieldError> {
    v.as_str()
        .filter(|s| s.len() == 10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| FieldError::new(field, "must be a date YYYY-MM-DD"))
}

impl Patchable for Plan {
    const REQUIRED: &'static [&'static str] = &["stakeholder_id", "channel", "cadence"];
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "last_contact_at",
        "next_due_on",
        "status",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
    ];

    fn set(&mut self, field: &str, v: &Value) -> Result<(), FieldError> {
        match field {
            "stakeholder_id" => {
                self.stakeholder_id =
                    fields::uuid(field, v)?.ok_or_else(|| FieldError::new(field, "is required"))?
            }
            "channel" => self.channel = fields::required_choice(field, v, Channel::parse, Channel::expected)?,
            "cadence" => self.cadence = fields::required_choice(field, v, Cadence::parse, Cadence::expected)?,
            "owner" => self.owner = fields::text(field, v, 200, TextKind::Line)?,
            "priority" => {
                self.priority =
                    fields::choice(field, v, Priority::parse, Priority::expected)?.unwrap_or_default()
            }
            "objective" => self.objective = fields::text(field, v, 2000, TextKind::Free)?,
            "next_step" => self.next_step = fields::text(field, v, 2000, TextKind::Free)?,
            "starts_on" => self.starts_on = date(field, v)?,
            other => return Err(patch::unknown("plan", other)),
        }
        Ok(())
    }
}

impl super::versioned::SoftDelete for Plan {
    fn deleted_at_mut(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>> {
        &mut self.deleted_at
    }
}
