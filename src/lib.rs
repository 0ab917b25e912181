//! stakemap: a headless REST/JSON service for stakeholder management.

pub mod access;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod configuration;
pub mod db;
pub mod demo;
pub mod demo_team;
pub mod domain;
pub mod error;
pub mod heavy;
pub mod lanes;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod rate_limit;
pub mod routes;
pub mod service;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod webhook_worker;
