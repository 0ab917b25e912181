//! The committed OpenAPI document must equal the generated one.
//! Regenerate with `STAKEMAP_UPDATE_OPENAPI=1 cargo test openapi`.

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn committed_openapi_matches_the_generated_one() {
    let generated = serde_json::to_string_pretty(&stakemap::openapi::document()).unwrap() + "\n";
    if std::env::var("STAKEMAP_UPDATE_OPENAPI").is_ok() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `STAKEMAP_UPDATE_OPENAPI=1 cargo test openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let doc: serde_json::Value = stakemap::openapi::document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path}");
            // Every /v1 operation may be rate limited and refuse a credential; all but the
            // token exchanges (API key, access link) and the calendar feed (its token is in the
            // path) take a bearer.
            if path.starts_with("/v1") {
                assert!(responses.contains_key("401") && responses.contains_key("429"), "{method} {path}");
                assert!(responses["429"]["headers"]["Retry-After"].is_object(), "{method} {path}");
            }
            let exchanges = ["/v1/auth/token", "/v1/auth/link"];
            if path.starts_with("/v1")
                && !exchanges.contains(&path.as_str())
                && !path.starts_with("/v1/calendar/")
            {
                assert!(responses.contains_key("403"), "{method} {path}");
                assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{method} {path}");
            }
            // A precondition header can fail: a write must say 412, a read 304.
            let takes =
                |name: &str| op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == name);
            let write = method != "get";
            if takes("If-Match") || (write && takes("If-None-Match")) {
                assert!(responses.contains_key("412"), "{method} {path} takes If-Match but documents no 412");
            }
            if !write && (path.ends_with("/{id}") || path == "/v1/me") {
                assert!(takes("If-None-Match") && responses.contains_key("304"), "{method} {path}: no 304");
                assert!(responses["304"]["headers"]["ETag"].is_object(), "{method} {path}: 304 without ETag");
            }
            if method == "post" && path.starts_with("/v1") {
                assert!(takes("Idempotency-Key"), "{method} {path}: no Idempotency-Key");
            }
            assert!(takes("X-Request-Id"), "{method} {path}: no X-Request-Id");
            for (status, response) in responses {
                assert!(
                    response["headers"]["X-Request-Id"].is_object(),
                    "{method} {path} {status}: no X-Request-Id"
                );
            }
            if let Some(created) = responses.get("201") {
                assert!(created["headers"]["Location"].is_object(), "{method} {path}: 201 without Location");
            }
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

/// Every id in the document, wherever it is, is a UUID.
#[test]
fn every_id_is_a_uuid() {
    fn walk(value: &serde_json::Value, at: &str, bad: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                    for (name, schema) in properties {
                        let id = (name == "id" || name.ends_with("_id") || name.ends_with("_ids"))
                            && name != "external_id";
                        let format = match schema.get("items") {
                            Some(items) => &items["format"],
                            None => &schema["format"],
                        };
                        if id && schema.get("$ref").is_none() && format != "uuid" {
                            bad.push(format!("{at}.{name}"));
                        }
                    }
                }
                map.iter().for_each(|(k, v)| walk(v, &format!("{at}.{k}"), bad));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, at, bad)),
            _ => {}
        }
    }
    let doc = stakemap::openapi::document();
    let mut bad = Vec::new();
    walk(&doc, "", &mut bad);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let id = (name == "id" || name.ends_with("_id")) && name != "external_id";
                if p["in"] != "header" && id && p["schema"]["format"] != "uuid" {
                    bad.push(format!("{method} {path} {name}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "ids without format uuid: {bad:?}");
}

/// Every object the document describes has typed properties, except where the data is
/// free-form by nature: custom fields, form answers, and the record a webhook carries
/// (shaped as that record's own GET, which is typed).
#[test]
fn every_schema_is_typed() {
    const FREE_FORM: [&str; 6] = [
        "Profile.custom_fields",
        "AmendInput.answers",
        "Submission.answers",
        "SubmissionInput.answers",
        "FieldValue.oneOf4",
        "WebhookEventData.record",
    ];
    fn walk(s: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        let Some(map) = s.as_object() else { return };
        let untyped = map.is_empty()
            || map.get("additionalProperties") == Some(&serde_json::Value::Bool(true))
            || (map.get("type").is_some_and(|t| t == "object")
                && !map.contains_key("properties")
                && !map.contains_key("additionalProperties"));
        if untyped && !map.contains_key("$ref") && !map.contains_key("oneOf") {
            out.push(path.to_string());
        }
        for (k, v) in map {
            match k.as_str() {
                "properties" => {
                    v.as_object().unwrap().iter().for_each(|(p, s)| walk(s, &format!("{path}.{p}"), out))
                }
                "items" | "additionalProperties" => walk(v, &format!("{path}[{k}]"), out),
                "allOf" | "oneOf" | "anyOf" => v
                    .as_array()
                    .unwrap()
                    .iter()
                    .enumerate()
                    .for_each(|(i, s)| walk(s, &format!("{path}.{k}{i}"), out)),
                _ => {}
            }
        }
    }
    let doc = stakemap::openapi::document();
    let mut untyped = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        walk(schema, name, &mut untyped);
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if let Some(schema) = response["content"]["application/json"].get("schema") {
                    walk(schema, &format!("{method} {path} {status}"), &mut untyped);
                }
            }
        }
    }
    untyped.retain(|p| !FREE_FORM.contains(&p.as_str()));
    assert!(untyped.is_empty(), "untyped schemas: {untyped:?}");
}

#[test]
fn every_schema_reference_resolves() {
    let doc: serde_json::Value = stakemap::openapi::document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let text = doc.to_string();
    let prefix = "\"#/components/schemas/";
    let unresolved: Vec<&str> = text
        .match_indices(prefix)
        .map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    assert!(unresolved.is_empty(), "references to schemas the document does not define: {unresolved:?}");
}
