//! Pure rules: no I/O, unit-tested next to the code.

pub mod account;
pub mod anonymize;
pub mod answers;
pub mod cadence;
pub mod contract;
pub mod engagement;
pub mod feedback_item;
pub mod fields;
pub mod form;
pub mod history;
pub mod ical;
pub mod interaction;
pub mod matrix_svg;
pub mod network;
pub mod nps;
pub mod patch;
pub mod period;
pub mod quadrant;
pub mod relationship;
pub mod report;
pub mod schedule;
pub mod sequence;
pub mod signature;
pub mod stakeholder;
pub mod stakeholder_enums;
mod string_enum;
pub mod submission;
