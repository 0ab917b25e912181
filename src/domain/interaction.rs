//! The interaction log: meetings, emails, events and advocacy actions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};

crate::string_enum!(
    /// What kind of interaction.
    InteractionKind {
        Meeting = "meeting", Email = "email", Call = "call", Event = "event", Workshop = "workshop",
        Showcase = "showcase", Feedback = "feedback", SocialShare = "social_share", Speaking = "speaking",
        Interview = "interview", Other = "other",
    }
);

crate::string_enum!(
    /// How it went.
    Sentiment { Positive = "positive", Neutral = "neutral", Negative = "negative" }
);

/// Advocacy metrics (non-negative integers).
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize, ToSchema)]
pub struct Metrics {
    /// Times seen.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub impressions: Option<i64>,
    /// Clicks.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub clicks: Option<i64>,
    /// Shares.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub shares: Option<i64>,
    /// Reactions.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub reactions: Option<i64>,
}

/// A logged interaction with one or more stakeholders.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Interaction {
    /// Server-generated UUID.
    pub id: String,
    /// The stakeholders involved (1–100, distinct).
    pub stakeholder_ids: Vec<String>,
    /// Kind.
    pub kind: InteractionKind,
    /// When it happened (not in the future).
    pub occurred_at: DateTime<Utc>,
    /// What happened (1–2000).
    pub summary: String,
    /// What came of it (≤ 2000).
    pub outcome: Option<String>,
    /// How it went.
    pub sentiment: Option<Sentiment>,
    /// Advocacy metrics; null when none were given.
    pub metrics: Option<Metrics>,
    /// +1 on every change.
    pub version: i64,
    /// When logged.
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

impl Interaction {
    /// An empty interaction to apply a create body onto.
    pub fn blank(workspace_id: &str, now: DateTime<Utc>) -> Self {
        Interaction {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            stakeholder_ids: Vec::new(),
            kind: InteractionKind::Other,
            occurred_at: now,
            summary: String::new(),
            outcome: None,
            sentiment: None,
            metrics: None,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }
}

impl super::versioned::Versioned for Interaction {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

/// How far in the future an interaction may be dated (clock skew).
const FUTURE_SKEW_SECONDS: i64 = 300;

fn metrics(field: &str, v: &Value) -> Result<Option<Metrics>, FieldError> {
    let obj = match v {
        Value::Null => return Ok(None),
        Value::Object(o) => o,
        _ => return Err(FieldError::new(field, "must be an object")),
    };
    let mut m = Metrics::default();
    for (key, value) in obj {
        let path = format!("{field}.{key}");
        let n = match value {
            Value::Null => None,
            _ => Some(
                fields::integer(value)
                    .filter(|n| (0..=1_000_000_000_000).contains(n))
                    .ok_or_else(|| FieldError::new(&path, "must be a non-negative integer"))?,
            ),
        };
        match key.as_str() {
            "impressions" => m.impressions = n,
            "clicks" => m.clicks = n,
            "shares" => m.shares = n,
            "reactions" => m.reactions = n,
            _ => {
                return Err(FieldError::new(path, "is not a metric (impressions, clicks, shares, reactions)"))
            }
        }
    }
    Ok(Some(m))
}

fn stakeholder_ids(field: &str, v: &Value) -> Result<Vec<String>, FieldError> {
    let Value::Array(items) = v else {
        return Err(FieldError::new(field, "must be an array of 1 to 100 stakeholder ids"));
    };
    if items.is_empty() || items.len() > 100 {
        return Err(FieldError::new(field, "must hold 1 to 100 stakeholder ids"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let id = fields::uuid(&format!("{field}[{i}]"), item)?
            .ok_or_else(|| FieldError::new(format!("{field}[{i}]"), "must be a UUID"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

impl Patchable for Interaction {
    const REQUIRED: &'static [&'static str] = &["stakeholder_ids", "kind", "occurred_at", "summary"];
    const READ_ONLY: &'static [&'static str] = &["id", "version", "created_at", "updated_at", "deleted_at"];

    fn set(&mut self, field: &str, v: &Value) -> Result<(), FieldError> {
        match field {
            "stakeholder_ids" => self.stakeholder_ids = stakeholder_ids(field, v)?,
            "kind" => {
                self.kind =
                    fields::required_choice(field, v, InteractionKind::parse, InteractionKind::expected)?
            }
            "occurred_at" => {
                let at = v
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .ok_or_else(|| FieldError::new(field, "must be an RFC 3339 timestamp"))?
                    .to_utc();
                if at.timestamp() > Utc::now().timestamp() + FUTURE_SKEW_SECONDS {
                    return Err(FieldError::new(
                        field,
                        "must not be in the future: log interactions once they happen",
                    ));
                }
                self.occurred_at = crate::time::truncate(at);
            }
            "summary" => {
                self.summary = fields::text(field, v, 2000, TextKind::Free)?
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| FieldError::new(field, "is required (1–2000 characters)"))?
            }
            "outcome" => self.outcome = fields::text(field, v, 2000, TextKind::Free)?,
            "sentiment" => self.sentiment = fields::choice(field, v, Sentiment::parse, Sentiment::expected)?,
            "metrics" => self.metrics = metrics(field, v)?,
            other => return Err(patch::unknown("interaction", other)),
        }
        Ok(())
    }
}

impl super::versioned::SoftDelete for Interaction {
    fn deleted_at_mut(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>> {
        &mut self.deleted_at
    }
}
