//! Text a stakeholder reads, in one language or several: a plain string, or a map of
//! locale tag → text that must hold the form's default locale.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{check_text, TextKind};
use super::locale;

/// The most languages one text may carry.
pub const MAX_LOCALES: usize = 50;

/// A text in the form's default language (a string), or in several (locale tag → text,
/// the default locale included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Localized {
    /// One text, in the form's default language.
    Plain(String),
    /// Locale tag (BCP 47, e.g. `zh-CN`, `ko`, `fi`) → text.
    ByLocale(BTreeMap<String, String>),
}

impl From<&str> for Localized {
    fn from(text: &str) -> Self {
        Localized::Plain(text.to_string())
    }
}

impl Localized {
    /// The text in `locale`, else in `default`, else the first there is.
    pub fn resolve(&self, locale: &str, default: &str) -> &str {
        match self {
            Localized::Plain(text) => text,
            Localized::ByLocale(map) => map
                .get(locale)
                .or_else(|| map.get(default))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or_default(),
        }
    }

    /// The locales this text is written in (none for a plain text).
    pub fn locales(&self) -> Vec<&str> {
        match self {
            Localized::Plain(_) => Vec::new(),
            Localized::ByLocale(map) => map.keys().map(String::as_str).collect(),
        }
    }

    /// An error at `field` when a map lacks the default locale.
    pub fn check_default(&self, field: &str, default: &str) -> Option<FieldError> {
        match self {
            Localized::ByLocale(map) if !map.contains_key(default) => {
                Some(FieldError::new(field, format!("must include the form's default locale '{default}'")))
            }
            _ => None,
        }
    }
}

/// Parses a string or a locale map whose every text has `min..=max` characters; locale
/// tags are checked and put in canonical case (`zh-cn` → `zh-CN`).
pub fn parse(
    field: &str,
    value: &Value,
    min: usize,
    max: usize,
    kind: TextKind,
) -> Result<Localized, FieldError> {
    match value {
        Value::String(s) => {
            check_text(field, s, min, max, kind)?;
            Ok(Localized::Plain(s.clone()))
        }
        Value::Object(map) if !map.is_empty() && map.len() <= MAX_LOCALES => {
            let mut out = BTreeMap::new();
            for (tag, text) in map {
                let at = format!("{field}.{tag}");
                let canonical = locale::parse(tag).ok_or_else(|| {
                    FieldError::new(&at, format!("'{tag}' is not a locale tag (BCP 47, e.g. zh-CN)"))
                })?;
                let Value::String(text) = text else { return Err(FieldError::new(at, "must be a string")) };
                check_text(&at, text, min, max, kind)?;
                if out.insert(canonical, text.clone()).is_some() {
                    return Err(FieldError::new(at, "names a locale given twice"));
                }
            }
            Ok(Localized::ByLocale(out))
        }
        Value::Null => Err(FieldError::new(field, "is required and cannot be null")),
        _ => Err(FieldError::new(
            field,
            format!("must be a string, or an object of 1 to {MAX_LOCALES} locale tags to strings"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_are_checked_and_resolved_with_fallback() {
        let t =
            parse("title", &json!({"en": "Pulse", "zh-cn": "脉搏", "fi": "Pulssi"}), 1, 200, TextKind::Line)
                .unwrap();
        assert_eq!(t.locales(), ["en", "fi", "zh-CN"]);
        assert_eq!(t.resolve("zh-CN", "en"), "脉搏");
        assert_eq!(t.resolve("ko", "en"), "Pulse");
        assert!(t.check_default("title", "en").is_none());
        assert_eq!(t.check_default("title", "sv").unwrap().field, "title");
        for bad in [json!({}), json!({"klingon": "x"}), json!({"en": ""}), json!({"en": 1}), json!(3)] {
            assert!(parse("title", &bad, 1, 200, TextKind::Line).is_err(), "{bad}");
        }
        let twice = parse("t", &json!({"zh-CN": "a", "zh-cn": "b"}), 1, 9, TextKind::Line).unwrap_err();
        assert!(twice.message.contains("twice"));
    }
}
