//! Authentication (JWT) and authorisation (roles).

mod extractor;
pub mod jwt;
pub mod revocation;

pub use crate::access::Role;
pub use extractor::{authenticate, throttle_anonymous, Auth};
pub use jwt::{Claims, JwtKeys};
