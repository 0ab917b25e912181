//! Checking a submission's answers against the questions of its form version.

use serde_json::{Map, Value};

use super::error::FieldError;
use super::fields::{check_text, TextKind};
use super::form::{Question, QuestionType};

/// Longest accepted text answer, in characters.
pub const MAX_TEXT_ANSWER: usize = 5000;

fn check(q: &Question, v: &Value) -> Result<(), String> {
    let in_bounds = |x: f64| q.min.is_none_or(|lo| x >= lo) && q.max.is_none_or(|hi| x <= hi);
    let bounds = || match (q.min, q.max) {
        (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
        (Some(lo), None) => format!(" of at least {lo}"),
        (None, Some(hi)) => format!(" of at most {hi}"),
        (None, None) => String::new(),
    };
    let options = || q.option_values();
    match q.kind {
        QuestionType::Nps => match super::fields::integer(v) {
            Some(0..=10) if v.is_i64() || v.is_u64() => Ok(()),
            _ => Err("must be an integer from 0 to 10".into()),
        },
        QuestionType::Rating => match super::fields::integer(v) {
            Some(x) if (v.is_i64() || v.is_u64()) && in_bounds(x as f64) => Ok(()),
            _ => Err(format!("must be an integer{}", bounds())),
        },
        QuestionType::Number => match v.as_f64() {
            Some(x) if x.is_finite() && in_bounds(x) => Ok(()),
            _ => Err(format!("must be a number{}", bounds())),
        },
        QuestionType::Boolean => v.is_boolean().then_some(()).ok_or_else(|| "must be true or false".into()),
        QuestionType::Text => match v.as_str() {
            Some(s) => check_text("", s, 0, MAX_TEXT_ANSWER, TextKind::Free).map_err(|e| e.message),
            None => Err("must be a string".into()),
        },
        QuestionType::SingleChoice => match v.as_str() {
            Some(s) if options().contains(&s) => Ok(()),
            Some(s) => Err(format!("'{s}' is not an offered option ({})", options().join(", "))),
            None => Err("must be one of the options, as a string".into()),
        },
        QuestionType::MultiChoice => {
            let Some(items) = v.as_array() else { return Err("must be an array of options".into()) };
            let offered = options();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) if !offered.contains(&s) => {
                        return Err(format!("'{s}' is not an offered option ({})", offered.join(", ")))
                    }
                    Some(s) if items[..i].iter().any(|x| x.as_str() == Some(s)) => {
                        return Err(format!("'{s}' is chosen twice"))
                    }
                    Some(_) => {}
                    None => return Err("options must be strings".into()),
                }
            }
            Ok(())
        }
    }
}

/// Validates answers: one error (`answers.<key>`) per unknown key, missing required
/// answer, wrong type, out-of-range value or option not offered. `null` means unanswered.
pub fn validate(
    questions: &[Question],
    answers: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut errors = Vec::new();
    for key in answers.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            errors.push(FieldError::new(format!("answers.{key}"), "is not a question of this form version"));
        }
    }
    let mut clean = Map::new();
    for q in questions {
        let field = format!("answers.{}", q.key);
        match answers.get(&q.key) {
            None | Some(Value::Null) if q.required => errors.push(FieldError::new(field, "is required")),
            None | Some(Value::Null) => {}
            Some(v) => match check(q, v) {
                Ok(()) => {
                    clean.insert(q.key.clone(), v.clone());
                }
                Err(message) => errors.push(FieldError::new(field, message)),
            },
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// The first NPS answer, kept beside the answers so aggregates can be computed in SQL.
pub fn nps(questions: &[Question], answers: &Map<String, Value>) -> Option<i32> {
    questions
        .iter()
        .filter(|q| q.kind == QuestionType::Nps)
        .find_map(|q| answers.get(&q.key).and_then(Value::as_i64))
        .map(|x| x as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn questions() -> Vec<Question> {
        let mut errors = Vec::new();
        let q = super::super::form::parse_questions(
            Some(&json!([
                {"key": "nps", "type": "nps", "label": "n", "required": true},
                {"key": "rating", "type": "rating", "label": "r"},
                {"key": "one", "type": "single_choice", "label": "o", "options": ["a", "b"]},
                {"key": "many", "type": "multi_choice", "label": "m", "options": ["a", "b", "c"]},
                {"key": "text", "type": "text", "label": "t"},
                {"key": "yes", "type": "boolean", "label": "y"},
                {"key": "num", "type": "number", "label": "x", "min": 0, "max": 100.5},
            ])),
            &mut errors,
        );
        assert!(errors.is_empty());
        q
    }

    fn errors(answers: Value) -> Vec<String> {
        match validate(&questions(), answers.as_object().unwrap()) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn accepted_values() {
        let ok = json!({"nps": 10, "rating": 5, "one": "a", "many": ["a", "c"], "text": "fine\nthanks", "yes": false, "num": 100.5});
        assert_eq!(errors(ok.clone()), Vec::<String>::new());
        assert_eq!(nps(&questions(), ok.as_object().unwrap()), Some(10));
        assert_eq!(errors(json!({"nps": 0, "many": []})), Vec::<String>::new());
    }

    #[test]
    fn each_rejection() {
        assert_eq!(errors(json!({})), ["answers.nps"]);
        assert_eq!(errors(json!({"nps": 11})), ["answers.nps"]);
        assert_eq!(errors(json!({"nps": 7.5})), ["answers.nps"]);
        assert_eq!(errors(json!({"nps": "9"})), ["answers.nps"]);
        assert_eq!(errors(json!({"nps": 9, "rating": 6})), ["answers.rating"]);
        assert_eq!(errors(json!({"nps": 9, "rating": 0})), ["answers.rating"]);
        assert_eq!(errors(json!({"nps": 9, "one": "z"})), ["answers.one"]);
        assert_eq!(errors(json!({"nps": 9, "many": ["a", "a"]})), ["answers.many"]);
        assert_eq!(errors(json!({"nps": 9, "many": "a"})), ["answers.many"]);
        assert_eq!(errors(json!({"nps": 9, "text": 5})), ["answers.text"]);
        assert_eq!(errors(json!({"nps": 9, "text": "bell\u{7}"})), ["answers.text"]);
        assert_eq!(errors(json!({"nps": 9, "yes": "yes"})), ["answers.yes"]);
        assert_eq!(errors(json!({"nps": 9, "num": 101})), ["answers.num"]);
        assert_eq!(errors(json!({"nps": 9, "bogus": 1})), ["answers.bogus"]);
        assert_eq!(errors(json!({"nps": 12, "rating": "x", "bogus": 1})).len(), 3);
    }
}
