//! Who may do what, and what each caller sees: the one place both are decided.
//!
//! `permissions` is the table of operation → roles (enforced by the `Auth` extractor and
//! printed into each operation's OpenAPI description); `Viewer` is the caller that every
//! read takes, so visibility is applied from one value on every path.

mod permissions;
mod role;
mod viewer;

pub use permissions::{permission, Permission, PERMISSIONS};
pub use role::Role;
pub use viewer::Viewer;
