//! What a stakeholder looks like on the wire, per role.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::Role;
use crate::domain::quadrant;
use crate::domain::stakeholder::Stakeholder;
use crate::domain::stakeholder_enums::*;

/// A stakeholder. Analysis fields (influence … confidential, quadrant, strategy) are
/// absent — not null — in responses to `integration` and `stakeholder` tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct StakeholderView {
    /// Server-generated UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Customer account id.
    pub account_id: Option<String>,
    /// Team, internal or external.
    pub group: Group,
    /// Function or kind of organisation.
    pub category: Option<Category>,
    /// Free labels.
    pub tags: Vec<String>,
    /// Relationship maturity.
    pub relationship_status: Option<RelationshipStatus>,
    /// Internal person responsible.
    pub owner: Option<String>,
    /// CRM system name.
    pub source: Option<String>,
    /// Id in the CRM system (unique per workspace with `source`).
    pub external_id: Option<String>,
    /// Extra scalar values.
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    /// Analysis; absent for roles that may not see it.
    #[serde(flatten)]
    #[schema(inline)]
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

/// The analysis part of a stakeholder.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisView {
    /// 1–5 or null (not assessed).
    pub influence: Option<i32>,
    /// 1–5 or null (not assessed).
    pub impact: Option<i32>,
    /// Derived: high means a score of 3 or more; `unassessed` if either score is null.
    pub quadrant: Quadrant,
    /// Derived from the quadrant; null when unassessed.
    pub strategy: Option<Strategy>,
    /// Backs or blocks the work.
    pub stance: Stance,
    /// Why.
    pub stance_reason: Option<String>,
    /// Behavioural segments.
    pub segments: Vec<Segment>,
    /// Part in the decision.
    pub decision_role: Option<DecisionRole>,
    /// Can block alone.
    pub veto: bool,
    /// What they want.
    pub goals: Option<String>,
    /// What worries them.
    pub concerns: Option<String>,
    /// How to win them.
    pub pitch: Option<String>,
    /// Entitlements.
    pub rights: Vec<String>,
    /// Accountabilities.
    pub responsibilities: Vec<String>,
    /// Private notes.
    pub notes: Option<String>,
    /// Hidden from contributor, viewer and integration.
    pub confidential: bool,
}

impl StakeholderView {
    /// The view of `s` for `role`: analysis only where `Role::sees_analysis` allows.
    pub fn for_role(s: Stakeholder, role: Role) -> Self {
        let quadrant = s.quadrant();
        let a = s.analysis;
        let analysis = role.sees_analysis().then(|| AnalysisView {
            influence: a.influence,
            impact: a.impact,
            quadrant,
            strategy: quadrant::strategy(quadrant),
            stance: a.stance,
            stance_reason: a.stance_reason,
            segments: a.segments,
            decision_role: a.decision_role,
            veto: a.veto,
            goals: a.goals,
            concerns: a.concerns,
            pitch: a.pitch,
            rights: a.rights,
            responsibilities: a.responsibilities,
            notes: a.notes,
            confidential: a.confidential,
        });
        let p = s.profile;
        StakeholderView {
            id: s.id,
            name: p.name,
            email: p.email,
            phone: p.phone,
            title: p.title,
            organization: p.organization,
            department: p.department,
            account_id: p.account_id,
            group: p.group,
            category: p.category,
            tags: p.tags,
            relationship_status: p.relationship_status,
            owner: p.owner,
            source: p.source,
            external_id: p.external_id,
            custom_fields: p.custom_fields,
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
