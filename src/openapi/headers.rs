//! The headers and statuses every operation uses, declared where they apply (generated
//! clients read them from here), and every id typed as a UUID.

use serde_json::{json, Map, Value};

fn header(description: &str, schema: Value) -> Value {
    json!({"description": description, "schema": schema})
}

fn request_header(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "header", "required": false, "description": description, "schema": schema})
}

fn has_parameter(op: &Value, name: &str) -> bool {
    op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == name))
}

fn add_parameter(op: &mut Value, parameter: Value) {
    if !op["parameters"].is_array() {
        op["parameters"] = json!([]);
    }
    op["parameters"].as_array_mut().expect("made an array").push(parameter);
}

/// Whether a schema (by `$ref` into `schemas`) is one versioned resource.
fn versioned(schemas: &Value, schema: &Value) -> bool {
    let name = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()).unwrap_or_default();
    let target = &schemas[name];
    target["properties"]["version"].is_object()
        || target["allOf"].as_array().is_some_and(|parts| parts.iter().any(|p| versioned(schemas, p)))
        || target["allOf"]
            .as_array()
            .is_some_and(|parts| parts.iter().any(|p| p["properties"]["version"].is_object()))
}

/// Whether a GET reads one resource by id.
fn single_get(path: &str) -> bool {
    path.ends_with("/{id}") || path == "/v1/me"
}

/// Documents `fields=` on every GET that answers with records.
pub fn field_selection(doc: &mut Value) {
    let snapshot = doc.clone();
    for (path, item) in doc["paths"].as_object_mut().into_iter().flatten() {
        let Some(op) = item.get_mut("get") else { continue };
        let Some(fields) = crate::routes::fields::record_fields(&snapshot, path, op) else { continue };
        if has_parameter(op, "fields") {
            continue;
        }
        add_parameter(
            op,
            json!({"name": "fields", "in": "query", "required": false,
                "description": format!("Comma list of the record fields to send (`id` always comes; empty = every field): {}. An unknown field, or one the role may not see, is 400.", fields.join(", ")),
                "schema": {"type": "string", "pattern": format!("^(({0})(,({0}))*)?$", fields.join("|"))}}),
        );
    }
}

/// Declares the headers on every operation and response.
pub fn declare(doc: &mut Value) {
    let schemas = doc["components"]["schemas"].clone();
    // Any value is accepted: one of 1–128 visible ASCII characters is echoed, any other replaced.
    let request_id = json!({"type": "string"});
    let etag = json!({"type": "string", "pattern": "^\"[0-9]+\"$"});
    for (path, item) in doc["paths"].as_object_mut().into_iter().flatten() {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            let v1 = path.starts_with("/v1");
            if !has_parameter(op, "X-Request-Id") {
                add_parameter(
                    op,
                    request_header(
                        "X-Request-Id",
                        "Echoed on the response; one is made when absent",
                        request_id.clone(),
                    ),
                );
            }
            if method == "post" && v1 {
                let responses = op["responses"].as_object_mut().expect("responses");
                responses.entry("409").or_insert_with(|| {
                    json!({"description": "Conflicts with the current state; or the Idempotency-Key's first call created a resource whose secret is not replayed (`existing_id` names it)",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
                });
            }
            if method == "post" && v1 && !has_parameter(op, "Idempotency-Key") {
                add_parameter(
                    op,
                    request_header(
                        "Idempotency-Key",
                        "A retry with the same key and body within 24 h replays the first answer (`Idempotent-Replayed: true`)",
                        json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}),
                    ),
                );
            }
            if method == "get" && v1 && single_get(path) {
                let tags = json!({"type": "string", "pattern": super::constraints::ENTITY_TAGS});
                match op["parameters"]
                    .as_array_mut()
                    .and_then(|ps| ps.iter_mut().find(|p| p["name"] == "If-None-Match"))
                {
                    Some(given) => given["schema"] = tags,
                    None => add_parameter(
                        op,
                        request_header(
                            "If-None-Match",
                            "An ETag from an earlier answer: 304 while the resource is at that version",
                            tags,
                        ),
                    ),
                }
                let responses = op["responses"].as_object_mut().expect("responses");
                responses
                    .entry("304")
                    .or_insert_with(|| json!({"description": "`If-None-Match` names the current version"}));
            }
            for (status, response) in op["responses"].as_object_mut().into_iter().flatten() {
                let headers = response
                    .as_object_mut()
                    .expect("a response object")
                    .entry("headers")
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("headers object");
                headers.insert(
                    "X-Request-Id".into(),
                    header(
                        "The request's id (the client's, echoed, or a new one)",
                        json!({"type": "string"}),
                    ),
                );
                let success = status.starts_with('2');
                if success && method == "post" && v1 {
                    headers.insert(
                        "Idempotent-Replayed".into(),
                        header("`true` when this answer is a replay of an earlier call with the same Idempotency-Key", json!({"type": "string", "enum": ["true"]})),
                    );
                }
                if status == "201" && !headers.contains_key("Location") {
                    headers.insert(
                        "Location".into(),
                        header("Where the created resource is", json!({"type": "string"})),
                    );
                }
                let body = &response["content"]["application/json"]["schema"];
                if (status == "304" || (success && versioned(&schemas, body)))
                    && response["headers"].get("ETag").is_none()
                {
                    response["headers"]["ETag"] = header("`\"<version>\"` of the resource", etag.clone());
                }
            }
        }
    }
}

fn is_id(name: &str) -> bool {
    (name == "id" || name.ends_with("_id") || name.ends_with("_ids")) && name != "external_id"
}

fn as_uuid(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else { return };
    let is_string = map
        .get("type")
        .is_some_and(|t| t == "string" || t.as_array().is_some_and(|ts| ts.contains(&json!("string"))));
    if is_string {
        map.insert("format".into(), json!("uuid"));
        map.remove("pattern");
    } else if map
        .get("type")
        .is_some_and(|t| t == "array" || t.as_array().is_some_and(|ts| ts.contains(&json!("array"))))
    {
        if let Some(items) = map.get_mut("items") {
            as_uuid(items);
        }
    }
}

fn uuids_in(properties: &mut Map<String, Value>) {
    for (name, schema) in properties.iter_mut() {
        if is_id(name) {
            as_uuid(schema);
        }
    }
}

/// Every id property, id path parameter and id query parameter is `format: uuid`.
pub fn uuid_ids(doc: &mut Value) {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get_mut("properties") {
                    uuids_in(properties);
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut doc["components"]);
    for item in doc["paths"].as_object_mut().into_iter().flatten().map(|(_, i)| i) {
        for op in item.as_object_mut().into_iter().flatten().map(|(_, o)| o) {
            for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if p["in"] != "header" && is_id(&name) {
                    as_uuid(&mut p["schema"]);
                }
            }
            for part in ["requestBody", "responses"] {
                if let Some(value) = op.get_mut(part) {
                    walk(value);
                }
            }
        }
    }
}

/// The enum values a parameter schema names (through `$ref`, or a nullable `oneOf`).
fn enum_values(doc: &Value, schema: &Value) -> Option<Vec<String>> {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return enum_values(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(values) = schema["enum"].as_array() {
        return Some(values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect());
    }
    schema["oneOf"].as_array()?.iter().find_map(|part| enum_values(doc, part))
}

/// Enumerated filters of every GET take a comma list (`status=open,planned`), and `ids=`
/// a comma list of UUIDs: both are strings with the pattern the server checks. The
/// single-choice `format` and `labels` keep their enum.
pub fn comma_lists(doc: &mut Value) {
    let snapshot = doc.clone();
    let uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    for item in doc["paths"].as_object_mut().into_iter().flatten().map(|(_, i)| i) {
        let Some(op) = item.get_mut("get") else { continue };
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            // A picture's `format` and `labels` take one value, not a list.
            if p["in"] != "query" || p["name"] == "format" || p["name"] == "labels" {
                continue;
            }
            if p["name"] == "ids" {
                p["schema"] = json!({"type": "string", "pattern": format!("^{uuid}(,{uuid}){{0,499}}$")});
                continue;
            }
            let Some(values) = enum_values(&snapshot, &p["schema"]) else { continue };
            let one = values.join("|");
            p["schema"] = json!({"type": "string", "pattern": format!("^({one})(,({one}))*$")});
            let said = p["description"].as_str().unwrap_or_default().to_string();
            p["description"] =
                json!(format!("{said} Comma list of: {}.", values.join(", ")).trim().to_string());
        }
    }
}
