//! Pure rules: no I/O, unit-tested next to the code.

pub mod fields;
pub mod history;
pub mod quadrant;
pub mod stakeholder;
pub mod stakeholder_enums;
mod string_enum;
