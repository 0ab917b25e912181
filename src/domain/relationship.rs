//! Links between stakeholders: who reports to, works with, fights or sways whom.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{DomainError, FieldError};
use super::fields::{self, TextKind};

crate::string_enum!(
    /// The kind of a link; directed from `from_id` to `to_id`.
    RelationshipKind {
        ReportsTo = "reports_to", Collaborates = "collaborates", Conflicts = "conflicts",
        GivesFeedback = "gives_feedback", Influences = "influences",
    }
);

/// A stored relationship.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Relationship {
    /// Server-generated UUID.
    pub id: String,
    /// Source stakeholder.
    pub from_id: String,
    /// Target stakeholder.
    pub to_id: String,
    /// Kind of link.
    pub kind: RelationshipKind,
    /// Short description, e.g. "budget over by 30%".
    pub label: Option<String>,
    /// 1–5.
    pub strength: Option<i32>,
    /// Always 1: relationships are created and deleted, not edited.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When deleted.
    pub deleted_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    #[schema(ignore)]
    /// Owning workspace.
    pub workspace_id: String,
}

const FIELDS: &[&str] = &["from_id", "to_id", "kind", "label", "strength"];

/// Parses a create body: every bad field listed; a self-link is 422.
pub fn parse_new(
    workspace_id: &str,
    body: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Relationship, DomainError> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !FIELDS.contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a relationship field"))
        .collect();
    let null = Value::Null;
    let get = |k: &str| body.get(k).unwrap_or(&null);
    let mut ok = |r: Result<Option<String>, FieldError>, name: &str| match r {
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            errors.push(FieldError::new(name, "is required"));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let from_id = ok(fields::uuid("from_id", get("from_id")), "from_id");
    let to_id = ok(fields::uuid("to_id", get("to_id")), "to_id");
    let kind =
        fields::required_choice("kind", get("kind"), RelationshipKind::parse, RelationshipKind::expected);
    let label = fields::text("label", get("label"), 200, TextKind::Line);
    let strength = fields::score("strength", get("strength"));
    let kind = kind.map_err(|e| errors.push(e)).ok();
    let label = label.map_err(|e| errors.push(e)).ok().flatten();
    let strength = strength.map_err(|e| errors.push(e)).ok().flatten();
    if from_id.is_some() && from_id == to_id {
        errors.push(FieldError::new("to_id", "a stakeholder cannot be linked to itself"));
    }
    match (from_id, to_id, kind) {
        (Some(from_id), Some(to_id), Some(kind)) if errors.is_empty() => Ok(Relationship {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            from_id,
            to_id,
            kind,
            label,
            strength,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }),
        _ => Err(DomainError::Invalid(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Relationship, DomainError> {
        parse_new("ws", v.as_object().unwrap(), Utc::now())
    }

    #[test]
    fn valid_and_invalid_links() {
        let a = uuid::Uuid::new_v4().to_string();
        let b = uuid::Uuid::new_v4().to_string();
        let r =
            parse(json!({"from_id": a, "to_id": b, "kind": "conflicts", "label": "budget", "strength": 4}))
                .unwrap();
        assert_eq!(r.kind, RelationshipKind::Conflicts);
        let Err(DomainError::Invalid(e)) = parse(json!({"from_id": a, "to_id": a, "kind": "conflicts"}))
        else {
            panic!()
        };
        assert_eq!(e[0].field, "to_id");
        let Err(DomainError::Invalid(e)) =
            parse(json!({"from_id": "x", "kind": "hates", "strength": 7, "extra": 1}))
        else {
            panic!()
        };
        let mut fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["extra", "from_id", "kind", "strength", "to_id"]);
    }
}
