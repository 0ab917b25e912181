//! `fields=a,b,c` on collections and single GETs: only those fields of each record (plus
//! `id`) are sent, so a table screen receives what it shows. The fields a record can have
//! come from the operation's documented response; a field outside them, or one the
//! caller's role may not see, is 400 naming it.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, ResponseError};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fallback::RouteTable;
use crate::access::Viewer;
use crate::domain::stakeholder::ANALYSIS_FIELDS;
use crate::error::ApiError;

/// The record schema's property names, following `$ref` and `allOf`.
fn properties(doc: &Value, schema: &Value, out: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return properties(doc, &doc["components"]["schemas"][name], out);
    }
    out.extend(schema["properties"].as_object().into_iter().flatten().map(|(k, _)| k.clone()));
    for part in schema["allOf"].as_array().into_iter().flatten() {
        properties(doc, part, out);
    }
}

/// The fields a GET's records have: a collection's item, or the single resource; `None`
/// for answers that are neither (dashboards, maps, files).
pub fn record_fields(doc: &Value, path: &str, op: &Value) -> Option<Vec<String>> {
    let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
    let mut top = Vec::new();
    properties(doc, schema, &mut top);
    let single = path.ends_with("/{id}") || path == "/v1/me";
    if top.iter().any(|f| f == "items") && top.iter().any(|f| f == "next_cursor") {
        let name = schema["$ref"].as_str()?.rsplit('/').next()?;
        let item = &doc["components"]["schemas"][name]["properties"]["items"]["items"];
        let mut fields = Vec::new();
        properties(doc, item, &mut fields);
        return (!fields.is_empty()).then_some(fields);
    }
    (single && !top.is_empty()).then_some(top)
}

/// The requested fields, checked against the record's and the caller's.
fn requested(text: &str, known: &[String], viewer: Option<&Viewer>) -> Result<Vec<String>, ApiError> {
    let mut wanted = vec!["id".to_string()];
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !known.iter().any(|k| k == name) {
            return Err(ApiError::BadRequest(format!(
                "unknown field '{name}' in fields: records here have {}",
                known.join(", ")
            )));
        }
        if ANALYSIS_FIELDS.contains(&name) && viewer.is_some_and(|v| !v.sees_analysis()) {
            return Err(ApiError::BadRequest(format!(
                "field '{name}' is analysis, which this role may not see"
            )));
        }
        if !wanted.iter().any(|w| w == name) {
            wanted.push(name.to_string());
        }
    }
    Ok(wanted)
}

/// One JSON object's members, borrowed from the answer without parsing their values.
type Members<'a> = std::collections::HashMap<&'a str, &'a RawValue>;

fn write_record(out: &mut String, record: &Members, wanted: &[String]) {
    out.push('{');
    let mut first = true;
    for field in wanted {
        if let Some(value) = record.get(field.as_str()) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::to_string(field).unwrap_or_default());
            out.push(':');
            out.push_str(value.get());
        }
    }
    out.push('}');
}

/// The trimmed answer, copying the kept values as they are: only the object structure is
/// parsed, never the values. `None` when the answer is not shaped so (the caller then
/// takes the slower, general way).
fn trim_raw(bytes: &[u8], wanted: &[String]) -> Option<String> {
    let top: Members = serde_json::from_slice(bytes).ok()?;
    let mut out = String::with_capacity(bytes.len() / 2);
    let Some(items) = top.get("items") else {
        write_record(&mut out, &top, wanted);
        return Some(out);
    };
    let records: Vec<Members> = serde_json::from_str(items.get()).ok()?;
    out.push_str("{\"items\":[");
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_record(&mut out, record, wanted);
    }
    out.push(']');
    let mut rest: Vec<(&&str, &&RawValue)> = top.iter().filter(|(k, _)| **k != "items").collect();
    rest.sort_by_key(|(k, _)| **k);
    for (key, value) in rest {
        out.push(',');
        out.push_str(&serde_json::to_string(key).unwrap_or_default());
        out.push(':');
        out.push_str(value.get());
    }
    out.push('}');
    Some(out)
}

fn keep(record: &mut Value, wanted: &[String]) {
    if let Value::Object(map) = record {
        let kept: Map<String, Value> =
            wanted.iter().filter_map(|f| map.remove(f).map(|v| (f.clone(), v))).collect();
        *map = kept;
    }
}

/// Trims a GET's JSON answer to the requested fields.
pub async fn select_fields(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let text = match req.method() == Method::GET {
        true => web::Query::<Vec<(String, String)>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.into_inner().into_iter().find(|(k, _)| k == "fields").map(|(_, v)| v)),
        false => None,
    };
    let known = text.as_ref().and_then(|_| {
        req.app_data::<web::Data<RouteTable>>()
            .and_then(|t| t.record_fields("GET", req.path()).map(<[String]>::to_vec))
    });
    let res = next.call(req).await?.map_into_boxed_body();
    // An empty `fields=` asks for every field.
    let (Some(text), Some(known)) = (text.filter(|t| !t.trim().is_empty()), known) else { return Ok(res) };
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !res.status().is_success() || !json {
        return Ok(res);
    }
    let viewer = res.request().extensions().get::<Viewer>().cloned();
    let wanted = match requested(&text, &known, viewer.as_ref()) {
        Ok(wanted) => wanted,
        Err(e) => {
            let (req, _) = res.into_parts();
            return Ok(ServiceResponse::new(req, e.error_response()));
        }
    };
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    if let Some(trimmed) = trim_raw(&bytes, &wanted) {
        let mut response = head.set_body(BoxBody::new(trimmed));
        response.headers_mut().remove(header::CONTENT_LENGTH);
        return Ok(ServiceResponse::new(req, response));
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(bytes))));
    };
    match value.get_mut("items").and_then(Value::as_array_mut) {
        Some(items) => items.iter_mut().for_each(|i| keep(i, &wanted)),
        None => keep(&mut value, &wanted),
    }
    let trimmed = serde_json::to_vec(&value).unwrap_or_default();
    let mut response = head.set_body(BoxBody::new(trimmed));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(ServiceResponse::new(req, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_trimming_keeps_values_as_they_are_and_the_page_around_them() {
        let page =
            br#"{"items":[{"id":"a","name":"\u00c4\u00e4nis \"x\"","tags":["t"],"n":1}],"next_cursor":null}"#;
        let wanted = vec!["id".to_string(), "name".to_string(), "missing".to_string()];
        let trimmed = trim_raw(page, &wanted).unwrap();
        assert_eq!(trimmed, r#"{"items":[{"id":"a","name":"\u00c4\u00e4nis \"x\""}],"next_cursor":null}"#);
        let one =
            trim_raw(br#"{"id":"a","email":"e@x","version":3}"#, &["id".into(), "email".into()]).unwrap();
        assert_eq!(one, r#"{"id":"a","email":"e@x"}"#);
        assert!(trim_raw(b"[1,2]", &wanted).is_none());
    }
}
