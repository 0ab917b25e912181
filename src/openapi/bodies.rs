//! Request bodies as the service reads them: closed objects (unknown fields are 422),
//! and a create schema per resource whose required fields are the ones `Patchable`
//! demands on create, while PATCH and upsert keep every field optional.

use serde_json::{json, Map, Value};

use super::constraints;
use crate::domain::patch::Patchable;

/// Create operations whose body shares its schema with PATCH: (path, schema, required).
fn creates() -> [(&'static str, &'static str, &'static [&'static str]); 6] {
    use crate::domain::{account, contract, engagement, interaction, stakeholder};
    [
        ("/v1/accounts", "AccountInput", account::Account::REQUIRED),
        ("/v1/accounts/{id}/contracts", "ContractInput", contract::Contract::REQUIRED),
        ("/v1/engagement-plans", "PlanInput", engagement::Plan::REQUIRED),
        ("/v1/interactions", "InteractionInput", interaction::Interaction::REQUIRED),
        ("/v1/stakeholders", "StakeholderInput", stakeholder::Stakeholder::REQUIRED),
        ("/v1/webhooks", "WebhookInput", crate::routes::webhooks::REQUIRED_ON_CREATE),
    ]
}

/// Applies the body rules to the whole document.
pub fn shape(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    // `fields::scalar_map`: what derive attributes cannot say about a map.
    schemas["StakeholderInput"]["properties"]["custom_fields"] = json!({
        "type": ["object", "null"],
        "description": "≤ 50 keys of 1–64 characters; values string (≤ 1000), number, boolean or null.",
        "maxProperties": 50,
        "propertyNames": {"minLength": 1, "maxLength": 64, "pattern": constraints::LINE},
        "additionalProperties": {"type": ["string", "number", "boolean", "null"], "maxLength": 1000, "pattern": constraints::TEXT},
    });
    for (name, field) in [("FormInput", "questions"), ("VersionInput", "questions")] {
        schemas[name]["properties"][field]["minItems"] = json!(1);
        schemas[name]["properties"][field]["maxItems"] = json!(100);
    }
    // `form::parse_audience`: each list may be null (empty); tags as `fields::text_list`.
    let audience = &mut schemas["Audience"]["properties"];
    audience["stakeholder_ids"]["maxItems"] = json!(1000);
    audience["stakeholder_ids"]["items"]["format"] = json!("uuid");
    audience["tags"]["maxItems"] = json!(50);
    audience["tags"]["items"] =
        json!({"type": "string", "minLength": 1, "maxLength": 50, "pattern": constraints::LINE});
    for list in ["groups", "categories", "tags", "stakeholder_ids"] {
        audience[list]["type"] = json!(["array", "null"]);
    }
    sync_bodies(doc);
    let schemas = &mut doc["components"]["schemas"];
    // A batch validates its items one by one and reports each item's problems in its
    // result (the rest are written): the items are typed for clients, and an invalid one
    // is a 200 with its error, not a refusal of the batch.
    schemas["BatchInput"]["properties"]["items"] = json!({
        "type": "array",
        "minItems": 1,
        "maxItems": 1000,
        "description": "1–1000 stakeholder bodies, each with `source` and `external_id`; an invalid item is reported in its result and the rest are written.",
        "items": {"$ref": "#/components/schemas/StakeholderInput"},
    });
    for (path, name, required) in creates() {
        let create_name = name.replace("Input", "Create");
        let Some(schema) = doc["components"]["schemas"].get_mut(name) else { continue };
        // A field required on create is never nullable: null is 422 on PATCH too.
        not_nullable(schema, required);
        let mut create = schema.clone();
        create["required"] = json!(required);
        doc["components"]["schemas"][&create_name] = create;
        let body = &mut doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"];
        *body = json!({"$ref": format!("#/components/schemas/{create_name}")});
    }
    for name in body_schemas(doc) {
        if let Some(Value::Object(schema)) = doc["components"]["schemas"].get_mut(&name) {
            if schema.contains_key("properties") {
                schema.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
    }
}

/// CRM upserts never write analysis fields (422 for every role) and take the key from
/// the path, and the stakeholder upsert reads only `*` in its conditional headers.
fn sync_bodies(doc: &mut Value) {
    let mut profile = doc["components"]["schemas"]["StakeholderInput"].clone();
    if let Some(properties) = profile["properties"].as_object_mut() {
        properties.retain(|name, _| !crate::domain::stakeholder::ANALYSIS_FIELDS.contains(&name.as_str()));
    }
    profile["description"] = json!("The profile fields of a stakeholder: sync never writes analysis fields.");
    // Required on create, so never null (an upsert that creates needs them; null is 422).
    not_nullable(&mut profile, crate::domain::stakeholder::Stakeholder::REQUIRED);
    doc["components"]["schemas"]["StakeholderSyncInput"] = profile;
    let upsert = &mut doc["paths"]["/v1/stakeholders/by-external-id/{source}/{external_id}"]["put"];
    upsert["requestBody"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/StakeholderSyncInput"});
    for parameter in upsert["parameters"].as_array_mut().into_iter().flatten() {
        // Only `*` is read (an empty header never reaches the service: it means none).
        if parameter["in"] == "header"
            && (parameter["name"] == "If-Match" || parameter["name"] == "If-None-Match")
        {
            parameter["schema"] = json!({"type": "string", "pattern": "^\\*?$"});
        }
    }
}

/// Names of the component schemas used as JSON request bodies.
fn body_schemas(doc: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for item in doc["paths"].as_object().into_iter().flat_map(Map::values) {
        for op in item.as_object().into_iter().flat_map(Map::values) {
            for content in op["requestBody"]["content"].as_object().into_iter().flat_map(Map::values) {
                if let Some(name) =
                    content["schema"]["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
}

/// Makes the named properties non-nullable.
fn not_nullable(schema: &mut Value, fields: &[&str]) {
    for field in fields {
        let property = &mut schema["properties"][*field];
        if let Some(types) = property["type"].as_array_mut() {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                property["type"] = types[0].clone();
            }
        }
        if let Some(branches) = property["oneOf"].as_array() {
            let mut rest: Vec<Value> = branches.iter().filter(|b| b["type"] != "null").cloned().collect();
            if rest.len() == 1 {
                *property = rest.remove(0);
            }
        }
    }
}
