//! Authentication (JWT) and authorisation (roles).

mod extractor;
pub mod jwt;
mod role;

pub use extractor::{Auth, CalendarAuth};
pub use jwt::{Claims, JwtKeys};
pub use role::Role;
