//! Which stakeholder field each column of an imported table fills, and a row's cells as
//! a stakeholder body: headers match field names case-insensitively, a `columns` map
//! renames ("Full name" → name), `custom.<key>` columns fill custom fields.

use serde_json::{Map, Value};

use super::error::FieldError;
use super::stakeholder::ANALYSIS_FIELDS;

/// Profile columns: every role that imports may fill them.
pub const PROFILE_COLUMNS: &[&str] = &[
    "name",
    "email",
    "phone",
    "title",
    "organization",
    "department",
    "locale",
    "account_id",
    "group",
    "category",
    "tags",
    "relationship_status",
    "owner",
    "source",
    "external_id",
];

/// Analysis columns: admin and manager only (bringing an existing map in).
pub const ANALYSIS_COLUMNS: &[&str] = &[
    "influence",
    "impact",
    "stance",
    "stance_reason",
    "segments",
    "decision_role",
    "veto",
    "goals",
    "concerns",
    "pitch",
    "rights",
    "responsibilities",
    "notes",
    "confidential",
];

/// Cells of these columns hold `;`-separated lists.
const LIST_COLUMNS: &[&str] = &["tags", "segments", "rights", "responsibilities"];
const NUMBER_COLUMNS: &[&str] = &["influence", "impact"];
const FLAG_COLUMNS: &[&str] = &["veto", "confidential"];

/// What one column fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A stakeholder field.
    Field(&'static str),
    /// A custom field with this key.
    Custom(String),
}

/// A column and what it fills.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header as written in the file.
    pub header: String,
    /// The field.
    pub target: Target,
}

impl Column {
    /// Whether this column writes an analysis field.
    pub fn is_analysis(&self) -> bool {
        matches!(self.target, Target::Field(f) if ANALYSIS_FIELDS.contains(&f))
    }
}

fn field_named(name: &str) -> Option<&'static str> {
    let name = name.trim().to_lowercase();
    PROFILE_COLUMNS.iter().chain(ANALYSIS_COLUMNS).find(|f| **f == name).copied()
}

/// The column targets of `headers` after `renames` (header → field name, headers matched
/// case-insensitively): one error per unknown column, bad rename or field given twice.
pub fn resolve(headers: &[String], renames: &Map<String, Value>) -> Result<Vec<Column>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let lower: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut renamed: Vec<Option<String>> = vec![None; headers.len()];
    for (from, to) in renames {
        let field = format!("columns.{from}");
        let Some(at) = lower.iter().position(|h| *h == from.trim().to_lowercase()) else {
            errors.push(FieldError::new(field, "no column with this header in the file"));
            continue;
        };
        match to.as_str() {
            Some(to) if field_named(to).is_some() || to.starts_with("custom.") => {
                renamed[at] = Some(to.into())
            }
            _ => errors.push(FieldError::new(field, "must name a stakeholder field (or custom.<key>)")),
        }
    }
    let mut columns: Vec<Column> = Vec::with_capacity(headers.len());
    for (header, rename) in headers.iter().zip(renamed) {
        let name = rename.unwrap_or_else(|| header.clone());
        let target = match (name.strip_prefix("custom."), field_named(&name)) {
            (Some(key), _) if !key.is_empty() => Target::Custom(key.to_string()),
            (_, Some(field)) => Target::Field(field),
            _ => {
                errors.push(FieldError::new(
                    format!("columns.{header}"),
                    "is not an importable column: name it after a stakeholder field or rename it with `columns`",
                ));
                continue;
            }
        };
        if columns.iter().any(|c| c.target == target) {
            errors.push(FieldError::new(
                format!("columns.{header}"),
                "fills a field another column already fills",
            ));
            continue;
        }
        columns.push(Column { header: header.clone(), target });
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// One row's cells as a stakeholder body; empty cells are left out (unchanged).
pub fn row_body(columns: &[Column], cells: &[String]) -> Map<String, Value> {
    let mut body = Map::new();
    let mut custom = Map::new();
    for (column, cell) in columns.iter().zip(cells) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match &column.target {
            Target::Custom(key) => {
                custom.insert(key.clone(), Value::from(cell));
            }
            Target::Field(field) => {
                body.insert(field.to_string(), typed(field, cell));
            }
        }
    }
    if !custom.is_empty() {
        body.insert("custom_fields".into(), Value::Object(custom));
    }
    body
}

// A cell as the JSON its field takes; anything else stays text, for the field's own 422.
fn typed(field: &str, cell: &str) -> Value {
    if LIST_COLUMNS.contains(&field) {
        return Value::from(cell.split(';').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>());
    }
    if NUMBER_COLUMNS.contains(&field) {
        if let Ok(n) = cell.parse::<i64>() {
            return Value::from(n);
        }
    }
    if FLAG_COLUMNS.contains(&field) {
        match cell.to_lowercase().as_str() {
            "true" | "yes" | "1" => return Value::Bool(true),
            "false" | "no" | "0" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::from(cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_match_case_insensitively_and_renames_apply() {
        let renames = json!({"Full name": "name", "Vaikutusvalta": "influence"});
        let cols = resolve(
            &headers(&["Full name", "EMAIL", "Vaikutusvalta", "custom.region"]),
            renames.as_object().unwrap(),
        )
        .unwrap();
        let targets: Vec<Target> = cols.iter().map(|c| c.target.clone()).collect();
        assert_eq!(
            targets,
            vec![
                Target::Field("name"),
                Target::Field("email"),
                Target::Field("influence"),
                Target::Custom("region".into())
            ]
        );
        assert!(cols[2].is_analysis() && !cols[0].is_analysis());
        let body = row_body(&cols, &headers(&["Ann", "", "4", "Nordics"]));
        assert_eq!(
            json!(body),
            json!({"name": "Ann", "influence": 4, "custom_fields": {"region": "Nordics"}})
        );
    }

    #[test]
    fn unknown_columns_bad_renames_and_twice_filled_fields_are_errors() {
        let renames = json!({"Missing": "name", "Notes": "nonsense"});
        let errs = resolve(&headers(&["Notes", "Name", "name"]), renames.as_object().unwrap()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["columns.Missing", "columns.Notes", "columns.name"]);
    }

    #[test]
    fn cells_take_their_field_types() {
        let cols = resolve(&headers(&["tags", "veto", "impact", "segments"]), &Map::new()).unwrap();
        let body = row_body(&cols, &headers(&["a; b;", "Yes", "high", "economic;political"]));
        assert_eq!(
            json!(body),
            json!({"tags": ["a", "b"], "veto": true, "impact": "high", "segments": ["economic", "political"]})
        );
    }
}
