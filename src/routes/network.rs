//! `GET /v1/network`: the stakeholder network as JSON, Mermaid or Graphviz DOT.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::network::{to_dot, to_mermaid, Network};
use crate::error::ApiError;
use crate::state::AppState;

/// The network: nodes (people) and edges (relationships among them). `format=mermaid`
/// renders a flowchart and `format=dot` a Graphviz digraph, with conflicts red,
/// collaboration green and reporting grey. `format=svg` is a picture laid out by the
/// service for a 16:9 slide: people as boxes in rows by influence (most influential on
/// top), with name, title, ★ for influence and a veto badge, filled by stance; edges
/// coloured and dashed by kind with their labels, no box or label covering another; a
/// legend; words in `lang`. At most 150 people (narrow with `account_id`).
#[utoipa::path(
    tag = "relationships",
    params(
        ("account_id" = Option<String>, Query, description = "Only this account's stakeholders and the links among them"),
        ("format" = Option<crate::openapi::NetworkFormat>, Query, description = "json (default), mermaid, dot or svg"),
        ("lang" = Option<String>, Query, pattern = "^[A-Za-z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|[0-9]{3}))?$", description = "svg: language of the picture's words (en, zh-CN, ko, fi); default from Accept-Language"),
        ("Accept-Language" = Option<String>, Header, description = "svg: used when `lang` is absent"),
    ),
    responses((status = 200, description = "The network", content(
        (Network = "application/json"),
        (String = "text/vnd.mermaid"),
        (String = "text/vnd.graphviz"),
        (String = "image/svg+xml"),
    ))),
    security(("bearer" = []))
)]
#[get("/network")]
pub async fn network(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let format = params.get("format").map(String::as_str).unwrap_or("json").to_string();
    if !matches!(format.as_str(), "json" | "mermaid" | "dot" | "svg") {
        return Err(ApiError::invalid("format", "must be one of: json, mermaid, dot, svg"));
    }
    let lang = super::dashboard::picture_lang(&req, &params)?;
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
        "svg" if net.nodes.len() > MAX_PICTURE_NODES => {
            return Err(ApiError::invalid(
                "account_id",
                format!("a picture shows at most {MAX_PICTURE_NODES} people: narrow it with account_id"),
            ))
        }
        "svg" => super::dashboard::svg_response(crate::domain::network_svg::render(&net, lang), lang),
        _ => HttpResponse::Ok().json(net),
    })
}

/// The most people the network picture draws.
pub const MAX_PICTURE_NODES: usize = 150;

/// Registers the network route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(network);
}
