//! `GET /v1/network`: the stakeholder network as JSON, Mermaid or Graphviz DOT.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::network::{to_dot, to_mermaid, Network};
use crate::error::ApiError;
use crate::state::AppState;

/// The network: nodes (people) and edges (relationships among them). `format=mermaid`
/// renders a flowchart and `format=dot` a Graphviz digraph, with conflicts red,
/// collaboration green and reporting grey.
#[utoipa::path(
    tag = "relationships",
    params(
        ("account_id" = Option<String>, Query, description = "Only this account's stakeholders and the links among them"),
        ("format" = Option<crate::openapi::NetworkFormat>, Query, description = "json (default), mermaid or dot"),
    ),
    responses((status = 200, description = "The network", content(
        (Network = "application/json"),
        (String = "text/vnd.mermaid"),
        (String = "text/vnd.graphviz"),
    ))),
    security(("bearer" = []))
)]
#[get("/network")]
pub async fn network(
    auth: Auth,
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let format = params.get("format").map(String::as_str).unwrap_or("json").to_string();
    if !matches!(format.as_str(), "json" | "mermaid" | "dot") {
        return Err(ApiError::invalid("format", "must be one of: json, mermaid, dot"));
    }
    let mut errors = Vec::new();
    let account = super::support::uuid_param(&params, "account_id", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let net = crate::service::network::network(&state.pool, auth, account).await?;
    Ok(match format.as_str() {
        "mermaid" => {
            HttpResponse::Ok().content_type("text/vnd.mermaid; charset=utf-8").body(to_mermaid(&net))
        }
        "dot" => HttpResponse::Ok().content_type("text/vnd.graphviz; charset=utf-8").body(to_dot(&net)),
        _ => HttpResponse::Ok().json(net),
    })
}

/// Registers the network route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(network);
}
