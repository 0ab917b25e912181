//! Feedback forms: versioned question sets and who they are for.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::stakeholder_enums::{Category, Group};

crate::string_enum!(
    /// The kind of answer a question takes.
    QuestionType {
        Nps = "nps", Rating = "rating", SingleChoice = "single_choice", MultiChoice = "multi_choice",
        Text = "text", Boolean = "boolean", Number = "number",
    }
);

crate::string_enum!(
    /// Whether a form takes submissions.
    #[derive(Default)]
    FormStatus {
        #[default]
        Open = "open",
        Archived = "archived",
    }
);

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// Answer key: 1–50 of a–z, 0–9, `_`; unique in the form.
    #[schema(min_length = 1, max_length = 50, pattern = "^[a-z0-9_]+$")]
    pub key: String,
    /// Answer type. nps: integer 0–10; rating: integer min..max (default 1–5);
    /// single_choice: one option; multi_choice: distinct options; text: ≤ 5000
    /// characters; boolean; number: min..max when given.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// Shown to the stakeholder (1–500).
    #[schema(min_length = 1, max_length = 500, format = "line")]
    pub label: String,
    /// Must be answered (default false).
    #[serde(default)]
    pub required: bool,
    /// Choices (choice types only; 1–50 distinct, ≤ 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// Lower bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

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

/// The most questions a form version may have.
pub const MAX_QUESTIONS: usize = 100;

fn number(field: &str, v: Option<&Value>) -> Result<Option<f64>, FieldError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|x| x.is_finite() && x.abs() <= 1e12)
            .map(Some)
            .ok_or_else(|| FieldError::new(field, "must be a number within ±10^12")),
        Some(_) => Err(FieldError::new(field, "must be a number")),
    }
}

fn question(i: usize, v: &Value, errors: &mut Vec<FieldError>) -> Option<Question> {
    let at = |f: &str| format!("questions[{i}].{f}");
    let Some(obj) = v.as_object() else {
        errors.push(FieldError::new(format!("questions[{i}]"), "must be an object"));
        return None;
    };
    let before = errors.len();
    for key in obj.keys() {
        if !["key", "type", "label", "required", "options", "min", "max"].contains(&key.as_str()) {
            errors.push(FieldError::new(at(key), "is not a question field"));
        }
    }
    let null = Value::Null;
    let get = |k: &str| obj.get(k).unwrap_or(&null);
    let key = fields::required_text(&at("key"), get("key"), 1, 50).map_err(|e| errors.push(e)).ok();
    if let Some(k) = &key {
        if !k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            errors.push(FieldError::new(at("key"), "must use only a–z, 0–9 and _"));
        }
    }
    let kind = fields::required_choice(&at("type"), get("type"), QuestionType::parse, QuestionType::expected)
        .map_err(|e| errors.push(e))
        .ok();
    let label = fields::required_text(&at("label"), get("label"), 1, 500).map_err(|e| errors.push(e)).ok();
    let required = match get("required") {
        Value::Null => false,
        Value::Bool(b) => *b,
        _ => {
            errors.push(FieldError::new(at("required"), "must be true or false"));
            false
        }
    };
    let options = match obj.get("options") {
        None | Some(Value::Null) => None,
        Some(v) => fields::text_list(&at("options"), v, 50, 200).map_err(|e| errors.push(e)).ok(),
    };
    let min = number(&at("min"), obj.get("min")).map_err(|e| errors.push(e)).ok().flatten();
    let max = number(&at("max"), obj.get("max")).map_err(|e| errors.push(e)).ok().flatten();
    if let Some(kind) = kind {
        let choice = matches!(kind, QuestionType::SingleChoice | QuestionType::MultiChoice);
        match (&options, choice) {
            (None, true) => errors.push(FieldError::new(at("options"), "is required for choice questions")),
            (Some(o), true) if o.is_empty() => {
                errors.push(FieldError::new(at("options"), "needs at least one option"))
            }
            (Some(_), false) => errors.push(FieldError::new(at("options"), "is only for choice questions")),
            _ => {}
        }
        let bounded = matches!(kind, QuestionType::Rating | QuestionType::Number);
        if !bounded && (min.is_some() || max.is_some()) {
            errors.push(FieldError::new(at("min"), "min and max are only for rating and number questions"));
        }
        if kind == QuestionType::Rating && [min, max].iter().flatten().any(|x| x.fract() != 0.0) {
            errors.push(FieldError::new(at("min"), "rating bounds must be integers"));
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                errors.push(FieldError::new(at("max"), "must not be below min"));
            }
        }
    }
    if errors.len() > before {
        return None;
    }
    let kind = kind?;
    let (min, max) = match kind {
        QuestionType::Rating => (Some(min.unwrap_or(1.0)), Some(max.unwrap_or(5.0))),
        _ => (min, max),
    };
    Some(Question { key: key?, kind, label: label?, required, options, min, max })
}

/// Parses a question list: 1–100 questions with unique keys; one error per problem.
pub fn parse_questions(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Vec<Question> {
    let Some(Value::Array(items)) = value else {
        errors.push(FieldError::new("questions", "is required: an array of 1 to 100 questions"));
        return Vec::new();
    };
    if items.is_empty() || items.len() > MAX_QUESTIONS {
        errors.push(FieldError::new("questions", "must hold 1 to 100 questions"));
        return Vec::new();
    }
    let questions: Vec<Question> =
        items.iter().enumerate().filter_map(|(i, q)| question(i, q, errors)).collect();
    for (i, q) in questions.iter().enumerate() {
        if questions[..i].iter().any(|other| other.key == q.key) {
            errors.push(FieldError::new(format!("questions[{i}].key"), format!("'{}' is used twice", q.key)));
        }
    }
    questions
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

/// Checks title (1–200) and description (≤ 2000) fields of a form body.
pub fn parse_texts(
    body: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
    create: bool,
) -> (Option<String>, Option<Option<String>>) {
    let title = match body.get("title") {
        Some(v) => fields::required_text("title", v, 1, 200).map_err(|e| errors.push(e)).ok(),
        None if create => {
            errors.push(FieldError::new("title", "is required"));
            None
        }
        None => None,
    };
    let description = body.get("description").map(|v| {
        fields::text("description", v, 2000, TextKind::Free).map_err(|e| errors.push(e)).ok().flatten()
    });
    (title, description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Vec<Question>, Vec<FieldError>) {
        let mut errors = Vec::new();
        let q = parse_questions(Some(&v), &mut errors);
        (q, errors)
    }

    #[test]
    fn questions_validate() {
        let (q, e) = parse(json!([
            {"key": "nps", "type": "nps", "label": "Recommend?", "required": true},
            {"key": "speed", "type": "rating", "label": "Responsiveness"},
            {"key": "focus", "type": "single_choice", "label": "Priority", "options": ["cost", "speed"]},
        ]));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((q[1].min, q[1].max), (Some(1.0), Some(5.0)));
        let (_, e) = parse(json!([
            {"key": "Bad Key", "type": "nps", "label": "x"},
            {"key": "c", "type": "single_choice", "label": "x"},
            {"key": "t", "type": "text", "label": "x", "options": ["a"]},
            {"key": "r", "type": "rating", "label": "x", "min": 5, "max": 1},
            {"key": "r", "type": "poll", "label": ""},
        ]));
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "questions[0].key",
                "questions[1].options",
                "questions[2].options",
                "questions[3].max",
                "questions[4].type",
                "questions[4].label"
            ]
        );
        let (_, e) = parse(
            json!([{"key": "a", "type": "text", "label": "x"}, {"key": "a", "type": "text", "label": "y"}]),
        );
        assert_eq!(e[0].field, "questions[1].key");
    }

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
    /// Title (1–200).
    pub title: String,
    /// Description (≤ 2000).
    pub description: Option<String>,
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
