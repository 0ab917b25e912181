//! HTTP routes: one module per resource, plus the cross-cutting pieces.

pub mod access_links;
pub mod account_map;
pub mod accounts;
pub mod anonymized_csv;
pub mod api_keys;
pub mod body_deadline;
pub mod calendar_links;
pub mod changes;
pub mod contracts;
pub mod dashboard;
pub mod docs;
mod duplicates;
pub mod etags;
pub mod export;
pub mod extractors;
pub mod fallback;
pub mod feedback_items;
pub mod fields;
pub mod form_reports;
pub mod forms;
pub mod health;
pub mod idempotency;
pub mod interactions;
pub mod me;
pub mod middleware;
pub mod network;
pub mod plans;
pub mod relationships;
pub mod schedule;
pub mod sequence;
pub mod stakeholders;
pub mod submissions;
pub mod support;
pub mod versioned;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Unauthenticated operational routes at the root.
pub fn operations(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(health::metrics);
}

/// Every `/v1` route.
pub fn v1(cfg: &mut ServiceConfig) {
    stakeholders::configure(cfg);
    relationships::configure(cfg);
    network::configure(cfg);
    accounts::configure(cfg);
    contracts::configure(cfg);
    account_map::configure(cfg);
    export::configure(cfg);
    forms::configure(cfg);
    submissions::configure(cfg);
    form_reports::configure(cfg);
    feedback_items::configure(cfg);
    me::configure(cfg);
    plans::configure(cfg);
    interactions::configure(cfg);
    schedule::configure(cfg);
    calendar_links::configure(cfg);
    duplicates::configure(cfg);
    access_links::configure(cfg);
    sequence::configure(cfg);
    changes::configure(cfg);
    api_keys::configure(cfg);
    webhooks::configure(cfg);
    dashboard::configure(cfg);
}
