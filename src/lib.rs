//! stakemap: a headless REST/JSON service for stakeholder management.

pub mod auth;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod error;
pub mod pagination;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod bootstrap;
pub mod demo;
pub mod cli;
