//! `fields=a,b,c` on collections and single GETs: only those fields of each record (plus
//! `id`) are sent, so a table screen receives what it shows. The fields a record can have
//! come from the operation's documented response; a field outside them, or one the
//! caller's role may not see, is 400 naming it.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, ResponseError};
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
