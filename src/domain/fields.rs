//! Parsing of individual JSON input values, each failure naming its field.

use serde_json::{Map, Value};

use super::error::FieldError;

/// Whether a string may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A name, email, label…: no control characters at all.
    Line,
    /// Free text: tab, newline and carriage return allowed, other control characters not.
    Free,
}

/// Checks length (in characters) and control characters of a string.
pub fn check_text(field: &str, text: &str, min: usize, max: usize, kind: TextKind) -> Result<(), FieldError> {
    // Tab and newline only: a carriage return is refused the same on both databases.
    let allowed = |c: char| kind == TextKind::Free && matches!(c, '\t' | '\n');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    let len = text.chars().count();
    if len < min {
        return Err(FieldError::new(field, format!("must be at least {min} character(s)")));
    }
    if len > max {
        return Err(FieldError::new(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

/// Checks a CRM key part (source or external id): one line of at most `max`
/// characters, no `/` or `\\`, and not `.` or `..`, so it can never be read as a path.
pub fn check_crm_key(field: &str, key: &str, max: usize) -> Result<(), FieldError> {
    check_text(field, key, 1, max, TextKind::Line)?;
    if key.contains(['/', '\\']) || key == "." || key == ".." {
        return Err(FieldError::new(field, "must not contain / or \\ nor be . or .."));
    }
    Ok(())
}

/// An optional CRM key part (see `check_crm_key`); empty is none.
pub fn crm_key(field: &str, value: &Value, max: usize) -> Result<Option<String>, FieldError> {
    let key = text(field, value, max, TextKind::Line)?.filter(|k| !k.is_empty());
    if let Some(k) = &key {
        check_crm_key(field, k, max)?;
    }
    Ok(key)
}

/// An optional string: `null` clears it.
pub fn text(field: &str, value: &Value, max: usize, kind: TextKind) -> Result<Option<String>, FieldError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => {
            check_text(field, s, 0, max, kind)?;
            Ok(Some(s.clone()))
        }
        _ => Err(FieldError::new(field, "must be a string or null")),
    }
}

/// A required string of `min..=max` characters.
pub fn required_text(field: &str, value: &Value, min: usize, max: usize) -> Result<String, FieldError> {
    match value {
        Value::String(s) => {
            check_text(field, s, min, max, TextKind::Line)?;
            Ok(s.clone())
        }
        Value::Null => Err(FieldError::new(field, "is required and cannot be null")),
        _ => Err(FieldError::new(field, "must be a string")),
    }
}

/// An optional value from a closed set.
pub fn choice<E>(
    field: &str,
    value: &Value,
    parse: fn(&str) -> Option<E>,
    expected: fn() -> String,
) -> Result<Option<E>, FieldError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => parse(s)
            .map(Some)
            .ok_or_else(|| FieldError::new(field, format!("must be one of: {}", expected()))),
        _ => Err(FieldError::new(field, format!("must be one of: {}", expected()))),
    }
}

/// A required value from a closed set.
pub fn required_choice<E>(
    field: &str,
    value: &Value,
    parse: fn(&str) -> Option<E>,
    expected: fn() -> String,
) -> Result<E, FieldError> {
    choice(field, value, parse, expected)?
        .ok_or_else(|| FieldError::new(field, "is required and cannot be null"))
}

/// An integer, also when written with a zero fraction (`5.0`), as JSON Schema counts it.
pub fn integer(value: &Value) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer up to here is exact
    value
        .as_i64()
        .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT).map(|f| f as i64))
}

/// An optional 1–5 score.
pub fn score(field: &str, value: &Value) -> Result<Option<i32>, FieldError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(_) => match integer(value) {
            Some(v @ 1..=5) => Ok(Some(v as i32)),
            _ => Err(FieldError::new(field, "must be an integer from 1 to 5, or null")),
        },
        _ => Err(FieldError::new(field, "must be an integer from 1 to 5, or null")),
    }
}

/// A boolean; `null` resets it to false.
pub fn flag(field: &str, value: &Value) -> Result<bool, FieldError> {
    match value {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        _ => Err(FieldError::new(field, "must be true or false")),
    }
}

/// A list of distinct short strings; `null` clears it. Duplicates are dropped, order kept.
pub fn text_list(
    field: &str,
    value: &Value,
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, FieldError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(FieldError::new(field, "must be an array of strings")),
    };
    if items.len() > max_items {
        return Err(FieldError::new(field, format!("must have at most {max_items} items")));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::String(s) = item else {
            return Err(FieldError::new(format!("{field}[{i}]"), "must be a string"));
        };
        check_text(&format!("{field}[{i}]"), s, 1, max_len, TextKind::Line)?;
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    Ok(out)
}

/// A set of closed-set values; `null` clears it.
pub fn choice_set<E: PartialEq>(
    field: &str,
    value: &Value,
    parse: fn(&str) -> Option<E>,
    expected: fn() -> String,
) -> Result<Vec<E>, FieldError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(FieldError::new(field, "must be an array")),
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let parsed = required_choice(&format!("{field}[{i}]"), item, parse, expected)?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// An optional UUID, returned in its canonical lower-case form.
pub fn uuid(field: &str, value: &Value) -> Result<Option<String>, FieldError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => uuid::Uuid::parse_str(s)
            .map(|u| Some(u.to_string()))
            .map_err(|_| FieldError::new(field, "must be a UUID")),
        _ => Err(FieldError::new(field, "must be a UUID string or null")),
    }
}

/// An object of scalar values (string, number, boolean, null); `null` clears it.
pub fn scalar_map(
    field: &str,
    value: &Value,
    max_keys: usize,
    max_len: usize,
) -> Result<Map<String, Value>, FieldError> {
    let map = match value {
        Value::Null => return Ok(Map::new()),
        Value::Object(map) => map,
        _ => return Err(FieldError::new(field, "must be an object")),
    };
    if map.len() > max_keys {
        return Err(FieldError::new(field, format!("must have at most {max_keys} keys")));
    }
    for (key, v) in map {
        let path = format!("{field}.{key}");
        check_text(&path, key, 1, 64, TextKind::Line)?;
        match v {
            Value::String(s) => check_text(&path, s, 0, max_len, TextKind::Free)?,
            Value::Number(_) | Value::Bool(_) | Value::Null => {}
            _ => return Err(FieldError::new(path, "must be a string, number, boolean or null")),
        }
    }
    Ok(map.clone())
}

/// The required UUID fields of a small body (`{from_id}`, `{a_id, b_id}`), in order: one
/// error per missing or malformed field and per unknown field.
pub fn required_ids(body: &Map<String, Value>, names: &[&str]) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !names.contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a field of this request"))
        .collect();
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        match uuid(name, body.get(*name).unwrap_or(&Value::Null)) {
            Ok(Some(id)) => ids.push(id),
            Ok(None) => errors.push(FieldError::new(*name, "is required")),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn control_characters_are_rejected_but_free_text_keeps_newlines() {
        assert!(check_text("f", "a\u{0}b", 0, 10, TextKind::Free).is_err());
        assert!(check_text("f", "a\u{7}b", 0, 10, TextKind::Free).is_err());
        assert!(check_text("f", "a\tb\nc", 0, 10, TextKind::Free).is_ok());
        assert!(check_text("f", "a\nb", 0, 10, TextKind::Line).is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(check_text("f", "陈琳", 1, 2, TextKind::Line).is_ok());
        assert!(check_text("f", "", 1, 2, TextKind::Line).is_err());
    }

    #[test]
    fn scores_are_one_to_five() {
        assert_eq!(score("s", &json!(5)).unwrap(), Some(5));
        assert_eq!(score("s", &json!(null)).unwrap(), None);
        for bad in [json!(0), json!(6), json!(2.5), json!("3"), json!(1e30)] {
            assert!(score("s", &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_drop_duplicates_and_bound_size() {
        assert_eq!(text_list("t", &json!(["a", "b", "a"]), 5, 10).unwrap(), vec!["a", "b"]);
        assert!(text_list("t", &json!(["a", 1]), 5, 10).is_err());
        assert!(text_list("t", &json!(["a", "b", "c"]), 2, 10).is_err());
    }

    #[test]
    fn custom_fields_hold_scalars_only() {
        assert!(scalar_map("c", &json!({"tier": "gold", "n": 3, "ok": true}), 5, 100).is_ok());
        assert!(scalar_map("c", &json!({"nested": {"a": 1}}), 5, 100).is_err());
        assert!(scalar_map("c", &json!({"list": [1]}), 5, 100).is_err());
    }
}
