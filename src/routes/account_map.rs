//! `GET /v1/accounts/{id}/map`: an account's people by decision role, on the matrix, and linked.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::domain::account::Account;
use crate::domain::network::{Network, Node};
use crate::error::ApiError;
use crate::state::AppState;

/// The map of one account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountMap {
    /// The account.
    pub account: Account,
    /// People grouped by decision role (`decision_maker`, `approver`, `evaluator`, `user`,
    /// `influencer`, `other`, and `unassigned` for none), each group by name.
    pub by_decision_role: BTreeMap<String, Vec<Node>>,
    /// Matrix points: one per person with influence, impact, quadrant and stance.
    pub points: Vec<Node>,
    /// The people and the relationships among them.
    pub network: Network,
}

/// An account's stakeholders by decision role, their matrix points and network.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountMap)),
    security(("bearer" = [])))]
#[get("/accounts/{id}/map")]
pub async fn map(
    auth: Auth,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (account, network) = crate::service::network::account_map(&state.pool, auth, id.into_inner()).await?;
    let mut by_decision_role: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for node in &network.nodes {
        let role = node.decision_role.map(|r| r.as_str()).unwrap_or("unassigned");
        by_decision_role.entry(role.to_string()).or_default().push(node.clone());
    }
    let points = network.nodes.clone();
    Ok(HttpResponse::Ok().json(AccountMap { account, by_decision_role, points, network }))
}

/// Registers the account map route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(map);
}
