//! Diesel queries, one file per resource; no HTTP here.

pub mod accounts;
pub mod api_keys;
pub mod audience;
pub mod calendar_links;
pub mod changes;
pub mod contracts;
pub mod dashboard;
pub mod export;
pub mod feedback_items;
pub mod forms;
pub mod history;
pub mod idempotency;
pub mod interactions;
pub mod network;
pub mod plans;
pub mod relationships;
pub mod row_tallies;
pub mod settings;
pub mod stakeholder_bulk;
pub mod stakeholder_list;
pub mod stakeholder_row;
pub mod stakeholders;
pub mod submissions;
pub mod tallies;
pub mod webhooks;
pub mod workspaces;
