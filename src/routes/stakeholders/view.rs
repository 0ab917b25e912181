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
    pub name: Option<String>,
    /// Email address, ≤ 254 characters.
    pub email: Option<String>,
    /// ≤ 50 characters.
    pub phone: Option<String>,
    /// ≤ 200 characters.
    pub title: Option<String>,
    /// ≤ 200 characters.
    pub organization: Option<String>,
    /// ≤ 200 characters.
    pub department: Option<String>,
    /// Account UUID.
    pub account_id: Option<String>,
    /// Required on create.
    pub group: Option<Group>,
    /// Category.
    pub category: Option<Category>,
    /// ≤ 50 distinct tags of 1–50 characters.
    pub tags: Option<Vec<String>>,
    /// Relationship status.
    pub relationship_status: Option<RelationshipStatus>,
    /// ≤ 200 characters.
    pub owner: Option<String>,
    /// CRM system; given together with `external_id`.
    pub source: Option<String>,
    /// CRM id; unique per workspace with `source` (409 when taken).
    pub external_id: Option<String>,
    /// ≤ 50 keys; values string (≤ 1000), number, boolean or null.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    /// Analysis: 1–5 or null.
    pub influence: Option<i32>,
    /// Analysis: 1–5 or null.
    pub impact: Option<i32>,
    /// Analysis: null resets to `unknown`.
    pub stance: Option<Stance>,
    /// Analysis: ≤ 2000 characters.
    pub stance_reason: Option<String>,
    /// Analysis.
    pub segments: Option<Vec<Segment>>,
    /// Analysis.
    pub decision_role: Option<DecisionRole>,
    /// Analysis: null resets to false.
    pub veto: Option<bool>,
    /// Analysis: ≤ 2000 characters.
    pub goals: Option<String>,
    /// Analysis: ≤ 2000 characters.
    pub concerns: Option<String>,
    /// Analysis: ≤ 2000 characters.
    pub pitch: Option<String>,
    /// Analysis: ≤ 50 items of ≤ 500 characters.
    pub rights: Option<Vec<String>>,
    /// Analysis: ≤ 50 items of ≤ 500 characters.
    pub responsibilities: Option<Vec<String>>,
    /// Analysis: ≤ 10000 characters.
    pub notes: Option<String>,
    /// Analysis: null resets to false.
    pub confidential: Option<bool>,
}
