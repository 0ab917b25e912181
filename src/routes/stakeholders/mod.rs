//! `/v1/stakeholders`: the register.

mod crm;
mod export;
mod handlers;
mod history;
mod import;
mod merge;
mod query;

pub use query::include_deleted;
pub mod view;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::service::people::load_visible;

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
        .service(merge::merge)
        .service(history::list)
        .service(crm::upsert)
        .service(import::import)
        .service(export::export);
}
