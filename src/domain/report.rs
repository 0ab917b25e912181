//! Per-question results of a period, each submission read against its own form version.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::form::{FormVersion, QuestionType};

/// Results of one question (identified by key across versions).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct QuestionResult {
    /// Question key.
    pub key: String,
    /// Label in the latest version that has this key, as written (a string, or locale →
    /// text); counts are by option value, whatever the language.
    pub label: super::localized::Localized,
    /// Type in the latest version that has this key.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The form versions that ask it.
    pub versions: Vec<i32>,
    /// Submissions that answered it.
    pub responses: i64,
    /// Answers per option or value (choice, rating, nps, boolean); absent for text and number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<BTreeMap<String, i64>>,
    /// Mean answer (rating, number, nps); null with no answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Option<f64>>,
}

/// Aggregates answers; `submissions` holds (form version, answers) pairs.
pub fn per_question(
    versions: &[FormVersion],
    submissions: &[(i32, Map<String, Value>)],
) -> Vec<QuestionResult> {
    let mut results: Vec<QuestionResult> = Vec::new();
    let mut sums: Vec<f64> = Vec::new();
    // Latest version first, so the label and type shown are the newest.
    for version in versions.iter().rev() {
        for q in &version.questions {
            match results.iter_mut().find(|r| r.key == q.key) {
                Some(r) => r.versions.insert(0, version.number),
                None => {
                    let counted = !matches!(q.kind, QuestionType::Text | QuestionType::Number);
                    let averaged =
                        matches!(q.kind, QuestionType::Rating | QuestionType::Number | QuestionType::Nps);
                    let mut counts = BTreeMap::new();
                    for value in q.option_values() {
                        counts.insert(value.to_string(), 0);
                    }
                    results.push(QuestionResult {
                        key: q.key.clone(),
                        label: q.label.clone(),
                        kind: q.kind,
                        versions: vec![version.number],
                        responses: 0,
                        counts: counted.then_some(counts),
                        mean: averaged.then_some(None),
                    });
                    sums.push(0.0);
                }
            }
        }
    }
    for (number, answers) in submissions {
        let Some(version) = versions.iter().find(|v| v.number == *number) else { continue };
        for q in &version.questions {
            let Some(answer) = answers.get(&q.key).filter(|a| !a.is_null()) else { continue };
            let i = results.iter().position(|r| r.key == q.key).expect("every key has a result");
            let r = &mut results[i];
            r.responses += 1;
            if let Some(x) = answer.as_f64() {
                sums[i] += x;
            }
            if let Some(counts) = r.counts.as_mut() {
                let values: Vec<String> = match answer {
                    Value::Array(items) => {
                        items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
                    }
                    Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                };
                for v in values {
                    *counts.entry(v).or_insert(0) += 1;
                }
            }
        }
    }
    for (r, sum) in results.iter_mut().zip(sums) {
        if r.mean.is_some() && r.responses > 0 {
            r.mean = Some(Some((sum / r.responses as f64 * 100.0).round() / 100.0));
        }
    }
    results.reverse();
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::parse_questions;
    use serde_json::json;

    fn version(number: i32, questions: Value) -> FormVersion {
        let mut errors = Vec::new();
        FormVersion {
            number,
            questions: parse_questions(Some(&questions), &mut errors),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn submissions_count_under_their_own_version() {
        let v1 = version(
            1,
            json!([{"key": "nps", "type": "nps", "label": "n"}, {"key": "old", "type": "boolean", "label": "Old?"}]),
        );
        let v2 = version(
            2,
            json!([{"key": "nps", "type": "nps", "label": "Recommend?"}, {"key": "pick", "type": "single_choice", "label": "p", "options": ["a", "b"]}]),
        );
        let subs = vec![
            (1, json!({"nps": 10, "old": true}).as_object().unwrap().clone()),
            (2, json!({"nps": 6, "pick": "b", "old": true}).as_object().unwrap().clone()),
        ];
        let results = per_question(&[v1, v2], &subs);
        let get = |k: &str| results.iter().find(|r| r.key == k).unwrap();
        assert_eq!(get("nps").responses, 2);
        assert_eq!(get("nps").mean, Some(Some(8.0)));
        assert_eq!(get("nps").label, crate::domain::localized::Localized::Plain("Recommend?".into()));
        assert_eq!(get("nps").versions, [1, 2]);
        // "old" is only in v1: the v2 submission's stray key is not counted.
        assert_eq!(get("old").responses, 1);
        assert_eq!(get("old").counts.as_ref().unwrap()["true"], 1);
        assert_eq!(
            get("pick").counts.as_ref().unwrap(),
            &BTreeMap::from([("a".to_string(), 0), ("b".to_string(), 1)])
        );
    }
}
