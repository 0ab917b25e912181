//! The database row of a stakeholder and its conversion to and from the domain type.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::stakeholders;
use crate::domain::stakeholder::{Analysis, Profile, Stakeholder};
use crate::domain::stakeholder_enums::*;
use crate::domain::text_fold;
use crate::time::utc;

/// One `stakeholders` row; lists and maps are JSON text so the schema stays portable.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable, serde::Serialize)]
#[diesel(table_name = stakeholders, primary_key(workspace_id, id), treat_none_as_null = true)]
// None is a NULL bind, not DEFAULT, so a single-row insert has one text and stays prepared.
#[diesel(treat_none_as_default_value = false)]
pub struct StakeholderRow {
    pub workspace_id: String,
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub organization: Option<String>,
    pub department: Option<String>,
    pub account_id: Option<String>,
    pub stakeholder_group: String,
    pub category: Option<String>,
    pub tags: String,
    pub relationship_status: Option<String>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub external_id: Option<String>,
    pub custom_fields: String,
    pub influence: Option<i32>,
    pub impact: Option<i32>,
    pub quadrant: String,
    pub stance: String,
    pub stance_reason: Option<String>,
    pub segments: String,
    pub decision_role: Option<String>,
    pub veto: bool,
    pub goals: Option<String>,
    pub concerns: Option<String>,
    pub pitch: Option<String>,
    pub rights: String,
    pub responsibilities: String,
    pub notes: Option<String>,
    pub confidential: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    // Derived from the fields above on every write (see `domain::text_fold`).
    pub name_key: String,
    pub name_tokens: String,
    pub search_text: String,
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
    pub locale: Option<String>,
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain values serialise")
}

fn enum_list<E: Copy>(text: &str, parse: fn(&str) -> Option<E>) -> Vec<E> {
    serde_json::from_str::<Vec<String>>(text).unwrap_or_default().iter().filter_map(|s| parse(s)).collect()
}

impl From<&Stakeholder> for StakeholderRow {
    fn from(s: &Stakeholder) -> Self {
        let (p, a) = (&s.profile, &s.analysis);
        StakeholderRow {
            workspace_id: s.workspace_id.clone(),
            id: s.id.clone(),
            name: p.name.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            title: p.title.clone(),
            organization: p.organization.clone(),
            department: p.department.clone(),
            account_id: p.account_id.clone(),
            stakeholder_group: p.group.as_str().into(),
            category: p.category.map(|c| c.as_str().into()),
            tags: json(&p.tags),
            relationship_status: p.relationship_status.map(|r| r.as_str().into()),
            owner: p.owner.clone(),
            source: p.source.clone(),
            external_id: p.external_id.clone(),
            custom_fields: json(&p.custom_fields),
            influence: a.influence,
            impact: a.impact,
            quadrant: s.quadrant().as_str().into(),
            stance: a.stance.as_str().into(),
            stance_reason: a.stance_reason.clone(),
            segments: json(&a.segments.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            decision_role: a.decision_role.map(|d| d.as_str().into()),
            veto: a.veto,
            goals: a.goals.clone(),
            concerns: a.concerns.clone(),
            pitch: a.pitch.clone(),
            rights: json(&a.rights),
            responsibilities: json(&a.responsibilities),
            notes: a.notes.clone(),
            confidential: a.confidential,
            version: s.version,
            created_at: s.created_at.naive_utc(),
            updated_at: s.updated_at.naive_utc(),
            deleted_at: s.deleted_at.map(|t| t.naive_utc()),
            name_key: text_fold::name_sort_key(&p.name),
            name_tokens: text_fold::name_tokens(&p.name),
            search_text: text_fold::search_text(&p.name, p.email.as_deref(), p.organization.as_deref()),
            email_key: text_fold::email_key(p.email.as_deref()),
            phone_key: text_fold::phone_key(p.phone.as_deref()),
            locale: p.locale.clone(),
        }
    }
}

impl From<StakeholderRow> for Stakeholder {
    fn from(r: StakeholderRow) -> Self {
        Stakeholder {
            id: r.id,
            workspace_id: r.workspace_id,
            profile: Profile {
                name: r.name,
                email: r.email,
                phone: r.phone,
                title: r.title,
                organization: r.organization,
                department: r.department,
                locale: r.locale,
                account_id: r.account_id,
                group: Group::parse(&r.stakeholder_group).unwrap_or(Group::External),
                category: r.category.as_deref().and_then(Category::parse),
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                relationship_status: r.relationship_status.as_deref().and_then(RelationshipStatus::parse),
                owner: r.owner,
                source: r.source,
                external_id: r.external_id,
                custom_fields: serde_json::from_str(&r.custom_fields).unwrap_or_default(),
            },
            analysis: Analysis {
                influence: r.influence,
                impact: r.impact,
                stance: Stance::parse(&r.stance).unwrap_or_default(),
                stance_reason: r.stance_reason,
                segments: enum_list(&r.segments, Segment::parse),
                decision_role: r.decision_role.as_deref().and_then(DecisionRole::parse),
                veto: r.veto,
                goals: r.goals,
                concerns: r.concerns,
                pitch: r.pitch,
                rights: serde_json::from_str(&r.rights).unwrap_or_default(),
                responsibilities: serde_json::from_str(&r.responsibilities).unwrap_or_default(),
                notes: r.notes,
                confidential: r.confidential,
            },
            version: r.version,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            deleted_at: r.deleted_at.map(utc),
        }
    }
}
