//! The OpenAPI document and the interactive docs, both served from the binary.

use actix_web::{get, web, HttpResponse};
use utoipa_swagger_ui::SwaggerUi;

/// `GET /openapi.json`.
#[get("/openapi.json")]
pub async fn openapi_json(spec: web::Data<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(spec.get_ref())
}

/// `GET /docs` redirects to `/docs/`, where relative asset paths resolve.
#[get("/docs")]
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
}

/// Swagger UI at `/docs/`, its assets vendored into the binary (no CDN).
pub fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json"))
}
