//! Field-level change records: what changed, from what, to what.

use serde_json::{json, Map, Value};

use super::stakeholder::{Stakeholder, ANALYSIS_FIELDS};

crate::string_enum!(
    /// What a history entry records.
    HistoryOp { Create = "create", Update = "update", Delete = "delete", Restore = "restore", Merge = "merge" }
);

/// Every field of a stakeholder that history tracks, as JSON (the analyst's view, without meta).
pub fn snapshot(s: &Stakeholder) -> Map<String, Value> {
    let mut fields = Map::new();
    for part in [serde_json::to_value(&s.profile), serde_json::to_value(&s.analysis)] {
        if let Ok(Value::Object(map)) = part {
            fields.extend(map);
        }
    }
    fields.insert("quadrant".into(), Value::from(s.quadrant().as_str()));
    fields.insert("deleted_at".into(), json!(s.deleted_at.map(crate::time::rfc3339)));
    fields
}

/// `{field: {from, to}}` for every field that differs; a create diffs against nothing.
pub fn diff(before: Option<&Stakeholder>, after: &Stakeholder) -> Map<String, Value> {
    let old = before.map(snapshot).unwrap_or_default();
    let new = snapshot(after);
    let mut changes = Map::new();
    for (field, to) in new {
        let from = old.get(&field).cloned().unwrap_or(Value::Null);
        if from != to && !(before.is_none() && is_empty(&to)) {
            changes.insert(field, json!({"from": from, "to": to}));
        }
    }
    changes
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The changes a caller may see: analysis fields are dropped unless `sees_analysis`.
pub fn visible_changes(mut changes: Map<String, Value>, sees_analysis: bool) -> Map<String, Value> {
    if !sees_analysis {
        changes.retain(|field, _| !ANALYSIS_FIELDS.contains(&field.as_str()));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stakeholder::{apply, Mode};
    use chrono::Utc;

    fn person(body: Value) -> Stakeholder {
        let mut s = Stakeholder::blank("ws", Utc::now());
        apply(&mut s, body.as_object().unwrap(), true, Mode::Create).unwrap();
        s
    }

    #[test]
    fn update_records_exactly_the_changed_fields() {
        let before = person(json!({"name": "A", "group": "team", "influence": 2, "impact": 4}));
        let mut after = before.clone();
        after.analysis.influence = Some(4);
        after.analysis.stance = crate::domain::stakeholder_enums::Stance::Critic;
        let changes = diff(Some(&before), &after);
        let mut keys: Vec<&String> = changes.keys().collect();
        keys.sort();
        assert_eq!(keys, ["influence", "quadrant", "stance"]);
        assert_eq!(changes["influence"], json!({"from": 2, "to": 4}));
        assert_eq!(changes["quadrant"], json!({"from": "passive_passenger", "to": "key_player"}));
    }

    #[test]
    fn create_lists_what_was_set() {
        let changes = diff(None, &person(json!({"name": "A", "group": "team"})));
        assert!(changes.contains_key("name") && changes.contains_key("group"));
        assert!(!changes.contains_key("email"));
    }

    #[test]
    fn restricted_roles_see_no_analysis_changes() {
        let before = person(json!({"name": "A", "group": "team"}));
        let mut after = before.clone();
        after.profile.name = "B".into();
        after.analysis.influence = Some(5);
        let visible = visible_changes(diff(Some(&before), &after), false);
        assert_eq!(visible.keys().collect::<Vec<_>>(), ["name"]);
    }
}
