//! Unmatched requests: 405 with `Allow` when the path exists for other methods, else 404.

use actix_web::dev::ResourceDef;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Every documented path template with its methods, to tell 404 from 405, and each
/// operation's documented query parameters, to refuse any other.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<String>)>,
    queries: Vec<(ResourceDef, String, Vec<String>)>,
    records: Vec<(ResourceDef, Vec<String>)>,
}

impl RouteTable {
    /// Builds the table from the generated OpenAPI document.
    pub fn from_openapi(doc: &serde_json::Value) -> Self {
        let routes = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
                    .into_iter()
                    .filter(|m| item.get(m.to_lowercase()).is_some())
                    .map(str::to_string)
                    .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        let mut queries = Vec::new();
        let mut records = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let names = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect();
                queries.push((ResourceDef::new(path.as_str()), method.to_uppercase(), names));
                if method == "get" {
                    if let Some(fields) = super::fields::record_fields(doc, path, op) {
                        records.push((ResourceDef::new(path.as_str()), fields));
                    }
                }
            }
        }
        Self { routes, queries, records }
    }

    /// The fields of the records a GET at `path` answers with (`None`: no record answer).
    pub fn record_fields(&self, method: &str, path: &str) -> Option<&[String]> {
        if method != "GET" {
            return None;
        }
        let literal = self.records.iter().find(|(def, _)| def.pattern() == Some(path));
        literal.or_else(|| self.records.iter().find(|(def, _)| def.is_match(path))).map(|(_, f)| f.as_slice())
    }

    /// The query parameters the operation at `method path` takes (`None`: no such operation).
    pub fn query_names(&self, method: &str, path: &str) -> Option<&[String]> {
        let mut matching = self.queries.iter().filter(|(def, m, _)| m == method && def.is_match(path));
        let literal = self.queries.iter().find(|(def, m, _)| m == method && def.pattern() == Some(path));
        literal.or_else(|| matching.next()).map(|(_, _, names)| names.as_slice())
    }

    fn allowed(&self, path: &str) -> Option<Vec<String>> {
        // A literal path (`/v1/stakeholders/batch`) is its own resource, even where a
        // template (`/v1/stakeholders/{id}`) would also match it.
        let literal = self.routes.iter().find(|(def, _)| !def.is_prefix() && def.pattern() == Some(path));
        if let Some((_, methods)) = literal {
            return Some(methods.clone());
        }
        let mut found: Option<Vec<String>> = None;
        for (def, methods) in &self.routes {
            if def.is_match(path) {
                found.get_or_insert_with(Vec::new).extend(methods.iter().cloned());
            }
        }
        found
    }
}

/// The default service.
pub async fn not_found_or_method(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match table.allowed(req.path()) {
        Some(methods) if !methods.iter().any(|m| m == req.method().as_str()) => {
            ApiError::MethodNotAllowed(methods)
        }
        _ => ApiError::NotFound(format!("no route for {} {}", req.method(), req.path())),
    })
}

/// Strict query strings: a parameter the operation does not document, or one given twice,
/// is 400 naming it (as an unknown body field is 422), so a misspelt filter never
/// silently returns everything.
pub fn check_query(table: &RouteTable, method: &str, path: &str, query: &str) -> Result<(), ApiError> {
    if query.is_empty() {
        return Ok(());
    }
    let Some(known) = table.query_names(method, path) else { return Ok(()) };
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| ApiError::BadRequest("invalid query string".into()))?;
    let mut seen: Vec<String> = Vec::new();
    for (name, _) in pairs.into_inner() {
        if !known.contains(&name) {
            let expected = match known.is_empty() {
                true => "this operation takes no query parameters".to_string(),
                false => format!("this operation takes {}", known.join(", ")),
            };
            return Err(ApiError::BadRequest(format!("unknown query parameter '{name}': {expected}")));
        }
        if seen.contains(&name) {
            return Err(ApiError::BadRequest(format!(
                "query parameter '{name}' is given twice: give it once (enumerated filters take a comma list)"
            )));
        }
        seen.push(name);
    }
    Ok(())
}
