//! What every versioned, soft-deletable record has in common.

use chrono::{DateTime, Utc};

/// A resource with a version that increases on every change.
pub trait Versioned: Clone + PartialEq {
    /// The current version.
    fn version(&self) -> i64;
    /// Marks a change: version + 1 and `updated_at` = now.
    fn bump(&mut self);
}

/// A resource that is soft-deleted by setting `deleted_at` (each implements it beside
/// its type, so this file imports none of them).
pub trait SoftDelete {
    /// The deletion time, if deleted.
    fn deleted_at_mut(&mut self) -> &mut Option<DateTime<Utc>>;
}
