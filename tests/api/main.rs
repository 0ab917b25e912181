//! Black-box API tests: a real server over HTTP on SQLite and (when configured) PostgreSQL.

#[path = "../support/binary.rs"]
mod binary;
mod helpers;

mod abuse_limits;
mod access_links;
mod accounts;
mod auth;
mod changes_feed;
mod concurrency;
mod credentials;
mod dashboard;
mod duplicates;
mod engagement;
mod errors;
mod export;
mod faults;
mod feedback;
mod history;
mod hostile_input;
mod import;
mod injection;
mod isolation;
mod me_forms;
mod merge;
mod metrics_and_shutdown;
mod network;
mod newcomer;
mod openapi_drift;
mod operations;
mod pagination;
mod permissions;
mod receiver;
mod relationships;
mod roles;
mod spec_conformance;
mod stakeholders_crud;
mod stakeholders_filters;
mod startup_config;
mod sync;
mod tallies;
mod unicode_text;
mod uniform;
mod visibility;
mod webhook_policy;
mod webhooks;
