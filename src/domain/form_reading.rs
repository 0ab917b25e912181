//! A form as a stakeholder reads it: every text resolved to one language, chosen from
//! those the form is written in by the reader's own locale, else the languages their
//! request accepts, else the form's default.

use serde::Serialize;
use utoipa::ToSchema;

use super::form::{Form, Question, QuestionType};
use super::locale;

/// A choice as shown: its value (what the answer holds) and its label.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShownOption {
    /// What an answer holds.
    pub value: String,
    /// The label in the chosen language.
    pub label: String,
}

/// A question as shown, in one language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShownQuestion {
    /// Answer key.
    pub key: String,
    /// Answer type.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The label in the chosen language.
    pub label: String,
    /// Must be answered.
    pub required: bool,
    /// Choices (choice types only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ShownOption>>,
    /// Lower bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (rating, number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// The languages a form (with these questions) is written in, its default first.
pub fn available(form: &Form, questions: &[Question]) -> Vec<String> {
    let mut all = vec![form.default_locale.clone()];
    let more =
        form.locales().into_iter().map(String::from).chain(questions.iter().flat_map(Question::locales));
    for tag in more {
        if !all.contains(&tag) {
            all.push(tag);
        }
    }
    all
}

/// The language a reader gets: the best match of their own locale, else of the languages
/// they accept (most preferred first), else the default.
pub fn choose(available: &[String], own: Option<&str>, accepted: &[String], default: &str) -> String {
    let wanted: Vec<String> = own.map(String::from).into_iter().chain(accepted.iter().cloned()).collect();
    let tags: Vec<&str> = available.iter().map(String::as_str).collect();
    locale::best(&wanted, &tags).unwrap_or(default).to_string()
}

/// The questions with every text in `locale` (the default where one is not translated).
pub fn show(questions: &[Question], locale: &str, default: &str) -> Vec<ShownQuestion> {
    questions
        .iter()
        .map(|q| ShownQuestion {
            key: q.key.clone(),
            kind: q.kind,
            label: q.label.resolve(locale, default).to_string(),
            required: q.required,
            options: q.options.as_ref().map(|options| {
                options
                    .iter()
                    .map(|o| ShownOption {
                        value: o.value().to_string(),
                        label: o.label().resolve(locale, default).to_string(),
                    })
                    .collect()
            }),
            min: q.min,
            max: q.max,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_locale_then_accepted_then_default() {
        let available: Vec<String> = ["en", "fi", "zh-CN"].map(String::from).into();
        assert_eq!(choose(&available, Some("fi"), &["zh-CN".into()], "en"), "fi");
        assert_eq!(choose(&available, Some("ko"), &["zh-TW".into()], "en"), "zh-CN");
        assert_eq!(choose(&available, None, &["sv".into()], "en"), "en");
    }
}
