//! Black-box API tests: a real server over HTTP on SQLite and (when configured) PostgreSQL.

mod helpers;

mod auth;
mod concurrency;
mod errors;
mod history;
mod isolation;
mod newcomer;
mod openapi_drift;
mod operations;
mod pagination;
mod roles;
mod stakeholders_crud;
mod stakeholders_filters;
mod startup_config;
