//! A form's questions: their kinds, labels (one language or several) and choice options
//! with stable values (answers and reports use the value, never a translated label).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::localized::{self, Localized};

crate::string_enum!(
    /// The kind of answer a question takes.
    QuestionType {
        Nps = "nps", Rating = "rating", SingleChoice = "single_choice", MultiChoice = "multi_choice",
        Text = "text", Boolean = "boolean", Number = "number",
    }
);

/// A choice: a string (value and label at once), or a stable value with its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ChoiceOption {
    /// The value, shown as it is.
    Plain(String),
    /// A value (what answers store) and its label (a string, or locale → text).
    Labelled {
        /// What an answer holds (1–200 characters, unique in the question).
        value: String,
        /// Shown to the stakeholder (1–200 characters).
        label: Localized,
    },
}

impl ChoiceOption {
    /// What an answer holds.
    pub fn value(&self) -> &str {
        match self {
            ChoiceOption::Plain(v) | ChoiceOption::Labelled { value: v, .. } => v,
        }
    }

    /// The label, as a text that may be translated.
    pub fn label(&self) -> Localized {
        match self {
            ChoiceOption::Plain(v) => Localized::Plain(v.clone()),
            ChoiceOption::Labelled { label, .. } => label.clone(),
        }
    }
}

impl Question {
    /// The values its options offer (empty for other kinds).
    pub fn option_values(&self) -> Vec<&str> {
        self.options.iter().flatten().map(ChoiceOption::value).collect()
    }

    /// Every locale its label and option labels are written in.
    pub fn locales(&self) -> BTreeSet<String> {
        let options = self.options.iter().flatten().map(ChoiceOption::label).collect::<Vec<_>>();
        let mut all: BTreeSet<String> = self.label.locales().into_iter().map(String::from).collect();
        all.extend(options.iter().flat_map(|l| l.locales().into_iter().map(String::from)));
        all
    }
}

fn choice_option(field: &str, v: &Value) -> Result<ChoiceOption, FieldError> {
    match v {
        Value::String(s) => {
            fields::check_text(field, s, 1, 200, TextKind::Line)?;
            Ok(ChoiceOption::Plain(s.clone()))
        }
        Value::Object(obj) => {
            if let Some(key) = obj.keys().find(|k| !["value", "label"].contains(&k.as_str())) {
                return Err(FieldError::new(
                    format!("{field}.{key}"),
                    "is not an option field (value, label)",
                ));
            }
            let value = match obj.get("value") {
                None | Some(Value::Null) => {
                    return Err(FieldError::new(format!("{field}.value"), "is required: what answers store"))
                }
                Some(v) => fields::required_text(&format!("{field}.value"), v, 1, 200)?,
            };
            let label = match obj.get("label") {
                None => Localized::Plain(value.clone()),
                Some(l) => localized::parse(&format!("{field}.label"), l, 1, 200, TextKind::Line)?,
            };
            Ok(ChoiceOption::Labelled { value, label })
        }
        _ => Err(FieldError::new(field, "must be a string or an object {value, label}")),
    }
}

fn choice_options(field: &str, v: &Value, errors: &mut Vec<FieldError>) -> Option<Vec<ChoiceOption>> {
    let items = match v {
        Value::Array(items) if items.len() <= 50 => items,
        _ => {
            errors.push(FieldError::new(field, "must be an array of at most 50 options"));
            return None;
        }
    };
    let before = errors.len();
    let mut out: Vec<ChoiceOption> = Vec::new();
    for (j, item) in items.iter().enumerate() {
        match choice_option(&format!("{field}[{j}]"), item) {
            Ok(o) if out.iter().any(|x| x.value() == o.value()) => errors.push(FieldError::new(
                format!("{field}[{j}].value"),
                format!("'{}' is offered twice", o.value()),
            )),
            Ok(o) => out.push(o),
            Err(e) => errors.push(e),
        }
    }
    (errors.len() == before).then_some(out)
}

/// One error per text (label, option label) whose locale map lacks the default locale.
pub fn check_default_locale(questions: &[Question], default: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        errors.extend(q.label.check_default(&format!("questions[{i}].label"), default));
        for (j, o) in q.options.iter().flatten().enumerate() {
            errors.extend(o.label().check_default(&format!("questions[{i}].options[{j}].label"), default));
        }
    }
    errors
}

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
    /// Shown to the stakeholder (1–500 characters; a string, or locale → text).
    pub label: Localized,
    /// Must be answered (default false).
    #[serde(default)]
    pub required: bool,
    /// Choices (choice types only; 1–50 with distinct values of ≤ 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_items = 1, max_items = 50)]
    pub options: Option<Vec<ChoiceOption>>,
    /// Lower bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
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
    let label =
        localized::parse(&at("label"), get("label"), 1, 500, TextKind::Line).map_err(|e| errors.push(e)).ok();
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
        Some(v) => choice_options(&at("options"), v, errors),
    };
    let min = number(&at("min"), obj.get("min")).map_err(|e| errors.push(e)).ok().flatten();
    let max = number(&at("max"), obj.get("max")).map_err(|e| errors.push(e)).ok().flatten();
    if let Some(kind) = kind {
        let choice = matches!(kind, QuestionType::SingleChoice | QuestionType::MultiChoice);
        match (&options, choice) {
            (None, true) if get("options").is_null() => {
                errors.push(FieldError::new(at("options"), "is required for choice questions"))
            }
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
    fn options_carry_stable_values_and_translated_labels() {
        let (q, e) = parse(json!([{"key": "focus", "type": "single_choice",
            "label": {"en": "Priority", "fi": "Painopiste"},
            "options": ["cost", {"value": "speed", "label": {"en": "Speed", "ko": "속도"}}]}]));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(q[0].option_values(), ["cost", "speed"]);
        assert_eq!(q[0].locales().into_iter().collect::<Vec<_>>(), ["en", "fi", "ko"]);
        assert!(check_default_locale(&q, "en").is_empty());
        let missing: Vec<String> = check_default_locale(&q, "fi").into_iter().map(|e| e.field).collect();
        assert_eq!(missing, ["questions[0].options[1].label"]);
        let (_, e) = parse(json!([{"key": "c", "type": "multi_choice", "label": "x",
            "options": [{"label": "No value"}, "a", {"value": "a", "label": "A again"}, {"value": "b", "colour": 1}]}]));
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "questions[0].options[0].value",
                "questions[0].options[2].value",
                "questions[0].options[3].colour"
            ]
        );
    }
}
