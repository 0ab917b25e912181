//! What a stakeholder looks like on the wire, per role.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::Role;
use crate::domain::quadrant;
use crate::domain::stakeholder::{Analysis, Profile, Stakeholder};
use crate::domain::stakeholder_enums::*;

/// A stakeholder. Analysis fields (influence … confidential, quadrant, strategy) are
/// absent — not null — in responses to `integration` and `stakeholder` tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct StakeholderView {
    /// Server-generated UUID.
    pub id: String,
    /// Profile fields.
    #[serde(flatten)]
    pub profile: Profile,
    /// Analysis; absent for roles that may not see it.
    #[serde(flatten)]
    #[schema(value_type = AnalysisView)]
    pub analysis: Option<AnalysisView>,
    /// +1 on every change; also the ETag.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When soft-deleted (null while live).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The analysis part of a stakeholder, with what follows from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisView {
    /// Derived: high means a score of 3 or more; `unassessed` if either score is null.
    pub quadrant: Quadrant,
    /// Derived from the quadrant; null when unassessed.
    pub strategy: Option<Strategy>,
    /// The assessed fields.
    #[serde(flatten)]
    pub fields: Analysis,
}

impl StakeholderView {
    /// The view of `s` for `role`: analysis only where `Role::sees_analysis` allows.
    pub fn for_role(s: Stakeholder, role: Role) -> Self {
        let quadrant = s.quadrant();
        let analysis = role.sees_analysis().then(|| AnalysisView {
            quadrant,
            strategy: quadrant::strategy(quadrant),
            fields: s.analysis,
        });
        StakeholderView {
            id: s.id,
            profile: s.profile,
            analysis,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
            deleted_at: s.deleted_at,
        }
    }
}

/// A page of stakeholders.
#[derive(Debug, Serialize, ToSchema)]
pub struct StakeholderPage {
    /// This page's rows.
    pub items: Vec<StakeholderView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Body of create and merge-patch requests (documentation of the accepted fields;
/// unknown and read-only fields are 422, analysis fields need admin or manager).
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct StakeholderInput {
    /// 1–200 characters; required on create.
    #[schema(min_length = 1, max_length = 200, format = "line")]
    pub name: Option<String>,
    /// Email address, ≤ 254 characters.
    #[schema(max_length = 254, format = "email-address")]
    pub email: Option<String>,
    /// ≤ 50 characters.
    #[schema(max_length = 50, format = "line")]
    pub phone: Option<String>,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    pub title: Option<String>,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    pub organization: Option<String>,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    pub department: Option<String>,
    /// BCP 47 locale tag (`en`, `fi`, `zh-CN`, `ko`); null = the workspace default.
    #[schema(max_length = 35, pattern = "^[A-Za-z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|[0-9]{3}))?$")]
    pub locale: Option<String>,
    /// Account UUID.
    #[schema(format = "uuid")]
    pub account_id: Option<String>,
    /// Required on create.
    pub group: Option<Group>,
    /// Category.
    pub category: Option<Category>,
    /// ≤ 50 distinct tags of 1–50 characters.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 50>)]
    pub tags: Option<Vec<String>>,
    /// Relationship status.
    pub relationship_status: Option<RelationshipStatus>,
    /// ≤ 200 characters.
    #[schema(max_length = 200, format = "line")]
    pub owner: Option<String>,
    /// CRM system; given together with `external_id`.
    #[schema(max_length = 100, format = "crm-key-or-empty")]
    pub source: Option<String>,
    /// CRM id; unique per workspace with `source` (409 when taken).
    #[schema(max_length = 200, format = "crm-key-or-empty")]
    pub external_id: Option<String>,
    /// ≤ 50 keys; values string (≤ 1000), number, boolean or null.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    /// Analysis: 1–5 or null.
    #[schema(minimum = 1, maximum = 5)]
    pub influence: Option<i32>,
    /// Analysis: 1–5 or null.
    #[schema(minimum = 1, maximum = 5)]
    pub impact: Option<i32>,
    /// Analysis: null resets to `unknown`.
    pub stance: Option<Stance>,
    /// Analysis: ≤ 2000 characters.
    #[schema(max_length = 2000, format = "text")]
    pub stance_reason: Option<String>,
    /// Analysis.
    pub segments: Option<Vec<Segment>>,
    /// Analysis.
    pub decision_role: Option<DecisionRole>,
    /// Analysis: null resets to false.
    pub veto: Option<bool>,
    /// Analysis: ≤ 2000 characters.
    #[schema(max_length = 2000, format = "text")]
    pub goals: Option<String>,
    /// Analysis: ≤ 2000 characters.
    #[schema(max_length = 2000, format = "text")]
    pub concerns: Option<String>,
    /// Analysis: ≤ 2000 characters.
    #[schema(max_length = 2000, format = "text")]
    pub pitch: Option<String>,
    /// Analysis: ≤ 50 items of ≤ 500 characters.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 500>)]
    pub rights: Option<Vec<String>>,
    /// Analysis: ≤ 50 items of ≤ 500 characters.
    #[schema(schema_with = crate::openapi::constraints::lines::<50, 500>)]
    pub responsibilities: Option<Vec<String>>,
    /// Analysis: ≤ 10000 characters.
    #[schema(max_length = 10000, format = "text")]
    pub notes: Option<String>,
    /// Analysis: null resets to false.
    pub confidential: Option<bool>,
}
