//! Diesel queries, one file per resource; no HTTP here.

pub mod history;
pub mod settings;
pub mod stakeholder_list;
pub mod stakeholder_row;
pub mod stakeholders;
pub mod workspaces;
