//! Unmatched requests: 405 with `Allow` when the path exists for other methods, else 404.

use actix_web::dev::ResourceDef;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Every documented path template with its methods, to tell 404 from 405.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<String>)>,
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
        Self { routes }
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
