//! A stakeholder and the rules for changing one from a JSON (merge-patch) object.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{DomainError, FieldError};
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};
use super::quadrant;
use super::stakeholder_enums::*;

/// Profile fields: owned by the CRM, writable by every role that writes stakeholders.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Profile {
    /// Display name (1–200 characters).
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
    /// The language the person is addressed in (BCP 47: `fi`, `zh-CN`, `ko`); null = the
    /// workspace default.
    pub locale: Option<String>,
    /// Customer account the stakeholder belongs to.
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
    /// Id in the CRM system.
    pub external_id: Option<String>,
    /// Extra scalar values.
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// Analysis fields: written by admin and manager, never shown to integration or stakeholder tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Analysis {
    /// 1–5, or not assessed.
    pub influence: Option<i32>,
    /// 1–5, or not assessed.
    pub impact: Option<i32>,
    /// Backs or blocks the work.
    pub stance: Stance,
    /// Why they stand where they do.
    pub stance_reason: Option<String>,
    /// Behavioural segments.
    pub segments: Vec<Segment>,
    /// Part in the decision.
    pub decision_role: Option<DecisionRole>,
    /// Can block the decision alone.
    pub veto: bool,
    /// What they want to achieve.
    pub goals: Option<String>,
    /// What worries them.
    pub concerns: Option<String>,
    /// How to win them.
    pub pitch: Option<String>,
    /// What they are entitled to.
    pub rights: Vec<String>,
    /// What they are accountable for.
    pub responsibilities: Vec<String>,
    /// Private notes.
    pub notes: Option<String>,
    /// Hidden from contributor, viewer and integration.
    pub confidential: bool,
}

/// A stored stakeholder.
#[derive(Debug, Clone, PartialEq)]
pub struct Stakeholder {
    /// Server-generated id.
    pub id: String,
    /// Owning workspace.
    pub workspace_id: String,
    /// CRM-owned fields.
    pub profile: Profile,
    /// Team-owned assessment.
    pub analysis: Analysis,
    /// +1 on every change.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When soft-deleted.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The JSON keys of analysis fields (API.md's list), incl. the derived ones.
pub const ANALYSIS_FIELDS: &[&str] = &[
    "influence",
    "impact",
    "quadrant",
    "strategy",
    "stance",
    "stance_reason",
    "segments",
    "decision_role",
    "veto",
    "pitch",
    "concerns",
    "goals",
    "rights",
    "responsibilities",
    "notes",
    "confidential",
];

const READ_ONLY_FIELDS: &[&str] =
    &["id", "version", "created_at", "updated_at", "deleted_at", "quadrant", "strategy"];

const SHORT: usize = 200;
const LONG_TEXT: usize = 10_000;

impl super::versioned::Versioned for Stakeholder {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

impl Stakeholder {
    /// The derived quadrant.
    pub fn quadrant(&self) -> Quadrant {
        quadrant::quadrant(self.analysis.influence, self.analysis.impact)
    }

    /// A new, empty stakeholder to apply a create body onto.
    pub fn blank(workspace_id: &str, now: DateTime<Utc>) -> Self {
        Stakeholder {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            profile: Profile {
                name: String::new(),
                email: None,
                phone: None,
                title: None,
                organization: None,
                department: None,
                locale: None,
                account_id: None,
                group: Group::External,
                category: None,
                tags: Vec::new(),
                relationship_status: None,
                owner: None,
                source: None,
                external_id: None,
                custom_fields: Map::new(),
            },
            analysis: Analysis::default(),
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }
}

pub use super::patch::Mode;

impl Patchable for Stakeholder {
    const REQUIRED: &'static [&'static str] = &["name", "group"];
    const READ_ONLY: &'static [&'static str] = READ_ONLY_FIELDS;

    fn set(&mut self, field: &str, value: &Value) -> Result<(), FieldError> {
        set_field(self, field, value)
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        let p = &self.profile;
        if p.source.is_some() != p.external_id.is_some() {
            errors.push(FieldError::new("external_id", "source and external_id must be given together"));
        }
    }
}

/// Applies a JSON object to a stakeholder: 403 if it names an analysis field and the
/// caller may not write analysis, else 422 listing every invalid field; on error
/// `target` is left untouched.
pub fn apply(
    target: &mut Stakeholder,
    body: &Map<String, Value>,
    writes_analysis: bool,
    mode: Mode,
) -> Result<(), DomainError> {
    if !writes_analysis {
        let named: Vec<&str> = body
            .keys()
            .map(String::as_str)
            .filter(|k| ANALYSIS_FIELDS.contains(k) && !READ_ONLY_FIELDS.contains(k))
            .collect();
        if !named.is_empty() {
            return Err(DomainError::Forbidden(format!(
                "only admin and manager may write analysis fields ({})",
                named.join(", ")
            )));
        }
    }
    patch::apply(target, body, mode)
}

fn set_field(s: &mut Stakeholder, key: &str, v: &Value) -> Result<(), FieldError> {
    let p = &mut s.profile;
    let a = &mut s.analysis;
    match key {
        "name" => p.name = fields::required_text(key, v, 1, SHORT)?,
        "email" => {
            p.email = fields::text(key, v, 254, TextKind::Line)?;
            if let Some(email) = &p.email {
                if !looks_like_email(email) {
                    return Err(FieldError::new(key, "must be an email address"));
                }
            }
        }
        "phone" => p.phone = fields::text(key, v, 50, TextKind::Line)?,
        "title" => p.title = fields::text(key, v, SHORT, TextKind::Line)?,
        "organization" => p.organization = fields::text(key, v, SHORT, TextKind::Line)?,
        "department" => p.department = fields::text(key, v, SHORT, TextKind::Line)?,
        "locale" => {
            p.locale = match fields::text(key, v, 35, TextKind::Line)? {
                None => None,
                Some(tag) => Some(super::locale::parse(&tag).ok_or_else(|| {
                    FieldError::new(key, "must be a locale tag such as en, fi, zh-CN or ko")
                })?),
            }
        }
        "account_id" => p.account_id = fields::uuid(key, v)?,
        "group" => p.group = fields::required_choice(key, v, Group::parse, Group::expected)?,
        "category" => p.category = fields::choice(key, v, Category::parse, Category::expected)?,
        "tags" => p.tags = fields::text_list(key, v, 50, 50)?,
        "relationship_status" => {
            p.relationship_status =
                fields::choice(key, v, RelationshipStatus::parse, RelationshipStatus::expected)?
        }
        "owner" => p.owner = fields::text(key, v, SHORT, TextKind::Line)?,
        "source" => p.source = non_empty(key, fields::crm_key(key, v, 100)?)?,
        "external_id" => p.external_id = non_empty(key, fields::crm_key(key, v, SHORT)?)?,
        "custom_fields" => p.custom_fields = fields::scalar_map(key, v, 50, 1000)?,
        "influence" => a.influence = fields::score(key, v)?,
        "impact" => a.impact = fields::score(key, v)?,
        "stance" => a.stance = fields::choice(key, v, Stance::parse, Stance::expected)?.unwrap_or_default(),
        "stance_reason" => a.stance_reason = fields::text(key, v, 2000, TextKind::Free)?,
        "segments" => a.segments = fields::choice_set(key, v, Segment::parse, Segment::expected)?,
        "decision_role" => {
            a.decision_role = fields::choice(key, v, DecisionRole::parse, DecisionRole::expected)?
        }
        "veto" => a.veto = fields::flag(key, v)?,
        "goals" => a.goals = fields::text(key, v, 2000, TextKind::Free)?,
        "concerns" => a.concerns = fields::text(key, v, 2000, TextKind::Free)?,
        "pitch" => a.pitch = fields::text(key, v, 2000, TextKind::Free)?,
        "rights" => a.rights = fields::text_list(key, v, 50, 500)?,
        "responsibilities" => a.responsibilities = fields::text_list(key, v, 50, 500)?,
        "notes" => a.notes = fields::text(key, v, LONG_TEXT, TextKind::Free)?,
        "confidential" => a.confidential = fields::flag(key, v)?,
        other => return Err(patch::unknown("stakeholder", other)),
    }
    Ok(())
}

fn non_empty(field: &str, value: Option<String>) -> Result<Option<String>, FieldError> {
    match value {
        Some(s) if s.is_empty() => Err(FieldError::new(field, "must not be empty (use null)")),
        other => Ok(other),
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

impl super::versioned::SoftDelete for Stakeholder {
    fn deleted_at_mut(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>> {
        &mut self.deleted_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn create_requires_name_and_group() {
        let mut s = Stakeholder::blank("ws", Utc::now());
        let err = apply(&mut s, &body(json!({})), true, Mode::Create).unwrap_err();
        let DomainError::Invalid(errors) = err else { panic!("expected 422") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "group"]);
    }

    #[test]
    fn one_error_per_bad_field_and_target_untouched() {
        let mut s = Stakeholder::blank("ws", Utc::now());
        let before = s.clone();
        let err = apply(
            &mut s,
            &body(json!({"name": "", "group": "aliens", "influence": 9, "email": "nope"})),
            true,
            Mode::Create,
        )
        .unwrap_err();
        let DomainError::Invalid(errors) = err else { panic!("expected 422") };
        assert_eq!(errors.len(), 4);
        assert_eq!(s, before);
    }

    #[test]
    fn analysis_writes_are_forbidden_below_manager() {
        let mut s = Stakeholder::blank("ws", Utc::now());
        let err = apply(&mut s, &body(json!({"influence": 3})), false, Mode::Patch).unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)));
    }

    #[test]
    fn null_clears_and_absent_keeps() {
        let mut s = Stakeholder::blank("ws", Utc::now());
        apply(
            &mut s,
            &body(json!({"name": "A", "group": "team", "email": "a@b.co", "influence": 4})),
            true,
            Mode::Create,
        )
        .unwrap();
        apply(&mut s, &body(json!({"email": null})), true, Mode::Patch).unwrap();
        assert_eq!(s.profile.email, None);
        assert_eq!(s.analysis.influence, Some(4));
        assert!(apply(&mut s, &body(json!({"name": null})), true, Mode::Patch).is_err());
    }

    #[test]
    fn source_and_external_id_go_together() {
        let mut s = Stakeholder::blank("ws", Utc::now());
        let err =
            apply(&mut s, &body(json!({"name": "A", "group": "team", "source": "crm"})), true, Mode::Create);
        assert!(matches!(err, Err(DomainError::Invalid(_))));
    }
}
