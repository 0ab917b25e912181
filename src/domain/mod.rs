//! Pure rules: no I/O, unit-tested next to the code.

pub mod account;
pub mod anonymize;
pub mod contract;
pub mod fields;
pub mod history;
pub mod network;
pub mod patch;
pub mod quadrant;
pub mod relationship;
pub mod stakeholder;
pub mod stakeholder_enums;
mod string_enum;
