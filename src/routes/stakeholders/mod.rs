//! `/v1/stakeholders`: the register.

mod handlers;
mod history;
mod query;
pub mod view;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the stakeholder routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::delete)
        .service(handlers::restore)
        .service(history::list);
}
