//! Feedback forms: versioned question sets and who they are for.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::localized::{self, Localized};
use super::stakeholder_enums::{Category, Group};

pub use super::form_question::{
    check_default_locale, parse_questions, ChoiceOption, Question, QuestionType, MAX_QUESTIONS,
};

crate::string_enum!(
    /// Whether a form takes submissions.
    #[derive(Default)]
    FormStatus {
        #[default]
        Open = "open",
        Archived = "archived",
    }
);

/// Who a form is for: anyone matching any list; all empty = every stakeholder.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Audience {
    /// Stakeholders in these groups.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Stakeholders of these categories.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Stakeholders carrying any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// These stakeholders.
    #[serde(default)]
    pub stakeholder_ids: Vec<String>,
}

impl Audience {
    /// True when every stakeholder is in the audience.
    pub fn is_everyone(&self) -> bool {
        self.groups.is_empty()
            && self.categories.is_empty()
            && self.tags.is_empty()
            && self.stakeholder_ids.is_empty()
    }
}

/// Parses an audience object.
pub fn parse_audience(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Audience {
    let obj = match value {
        None | Some(Value::Null) => return Audience::default(),
        Some(Value::Object(o)) => o,
        Some(_) => {
            errors.push(FieldError::new("audience", "must be an object"));
            return Audience::default();
        }
    };
    let mut audience = Audience::default();
    for (key, v) in obj {
        let field = format!("audience.{key}");
        let result = match key.as_str() {
            "groups" => {
                fields::choice_set(&field, v, Group::parse, Group::expected).map(|g| audience.groups = g)
            }
            "categories" => fields::choice_set(&field, v, Category::parse, Category::expected)
                .map(|c| audience.categories = c),
            "tags" => fields::text_list(&field, v, 50, 50).map(|t| audience.tags = t),
            "stakeholder_ids" => ids(&field, v).map(|ids| audience.stakeholder_ids = ids),
            _ => Err(FieldError::new(field, "is not an audience field")),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    audience
}

fn ids(field: &str, v: &Value) -> Result<Vec<String>, FieldError> {
    let list = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) if list.len() <= 1000 => list,
        _ => return Err(FieldError::new(field, "must be an array of at most 1000 stakeholder ids")),
    };
    let mut out: Vec<String> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let id = fields::uuid(&format!("{field}[{i}]"), item)?
            .ok_or_else(|| FieldError::new(format!("{field}[{i}]"), "must be a UUID"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Checks title (1–200) and description (≤ 2000) fields of a form body, each a string or
/// a locale map.
pub fn parse_texts(
    body: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
    create: bool,
) -> (Option<Localized>, Option<Option<Localized>>) {
    let title = match body.get("title") {
        Some(v) => localized::parse("title", v, 1, 200, TextKind::Line).map_err(|e| errors.push(e)).ok(),
        None if create => {
            errors.push(FieldError::new("title", "is required"));
            None
        }
        None => None,
    };
    let description = body.get("description").map(|v| match v {
        Value::Null => None,
        v => localized::parse("description", v, 0, 2000, TextKind::Free).map_err(|e| errors.push(e)).ok(),
    });
    (title, description)
}

/// The form's default locale from a create body (`fallback` when absent); 422 entry when
/// it is not a locale tag.
pub fn parse_default_locale(
    body: &Map<String, Value>,
    fallback: &str,
    errors: &mut Vec<FieldError>,
) -> String {
    match body.get("default_locale") {
        None | Some(Value::Null) => fallback.to_string(),
        Some(Value::String(tag)) => super::locale::parse(tag).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "default_locale",
                format!("'{tag}' is not a locale tag (BCP 47, e.g. zh-CN)"),
            ));
            fallback.to_string()
        }),
        Some(_) => {
            errors.push(FieldError::new("default_locale", "must be a locale tag string"));
            fallback.to_string()
        }
    }
}

impl Form {
    /// One error per text of the form itself whose locale map lacks its default locale.
    pub fn check_default_locale(&self) -> Vec<FieldError> {
        let description =
            self.description.as_ref().and_then(|d| d.check_default("description", &self.default_locale));
        self.title.check_default("title", &self.default_locale).into_iter().chain(description).collect()
    }

    /// Every locale its title and description are written in.
    pub fn locales(&self) -> Vec<&str> {
        let mut all = self.title.locales();
        all.extend(self.description.iter().flat_map(Localized::locales));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn audiences_validate() {
        let mut errors = Vec::new();
        let a = parse_audience(Some(&json!({"groups": ["external"], "tags": ["vip"]})), &mut errors);
        assert!(errors.is_empty() && !a.is_everyone());
        parse_audience(Some(&json!({"groups": ["aliens"], "stakeholder_ids": ["x"], "who": 1})), &mut errors);
        assert_eq!(errors.len(), 3);
        assert!(parse_audience(None, &mut errors).is_everyone());
    }
}

/// A stored form. `version` is the latest question-set version (what submissions pin);
/// `revision` increases on every change and is the ETag.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Form {
    /// Server-generated UUID.
    pub id: String,
    /// Title (1–200 characters; a string, or locale → text).
    pub title: Localized,
    /// Description (≤ 2000 characters; a string, or locale → text).
    pub description: Option<Localized>,
    /// The language of plain texts, and the one every locale map must include (BCP 47).
    pub default_locale: String,
    /// Who the form is for.
    pub audience: Audience,
    /// open or archived (archived forms take no submissions).
    pub status: FormStatus,
    /// Latest question-set version, starting at 1.
    pub version: i32,
    /// +1 on every change; the ETag.
    pub revision: i64,
    /// When created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Owning workspace.
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
}

impl super::versioned::Versioned for Form {
    fn version(&self) -> i64 {
        self.revision
    }

    fn bump(&mut self) {
        self.revision += 1;
        self.updated_at = crate::time::now();
    }
}

/// One question-set version of a form.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FormVersion {
    /// 1, 2, …
    pub number: i32,
    /// The questions of this version.
    pub questions: Vec<Question>,
    /// When this version was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
}
