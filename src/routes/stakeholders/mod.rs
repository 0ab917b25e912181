//! `/v1/stakeholders`: the register.

mod access_token;
mod crm;
mod handlers;
mod history;
mod query;
pub mod sync;

pub use query::include_deleted;
pub mod view;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::db::DbConnection;
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;

/// Loads a stakeholder the caller may see: 404 if missing, deleted (unless asked for) or
/// confidential to them. Every route that touches a stakeholder by id goes through here.
pub fn load_visible(
    conn: &mut DbConnection,
    auth: &Auth,
    id: &str,
    include_deleted: bool,
) -> Result<Stakeholder, ApiError> {
    let found = crate::store::stakeholders::find(conn, &auth.workspace_id, id)?
        .filter(|s| include_deleted || s.deleted_at.is_none())
        .filter(|s| auth.role.sees_confidential() || !s.analysis.confidential);
    found.ok_or_else(|| ApiError::not_found("stakeholder"))
}

/// Registers the stakeholder routes.
pub fn configure(cfg: &mut ServiceConfig) {
    // The batch path goes first, with a catch-all for its other methods: otherwise a
    // GET or PATCH there would reach the `{id}` handlers as stakeholder "batch" (404),
    // where the answer is 405 with `Allow: POST`.
    cfg.service(crm::batch)
        .route(
            "/stakeholders/batch",
            actix_web::web::route().to(crate::routes::fallback::not_found_or_method),
        )
        .service(handlers::create)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::delete)
        .service(handlers::restore)
        .service(history::list)
        .service(access_token::issue)
        .service(crm::upsert)
        .service(crm::import)
        .service(crm::export);
}
