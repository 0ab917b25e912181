//! One notion of "now", truncated to the microsecond both databases store.

use chrono::{DateTime, DurationRound, NaiveDateTime, TimeDelta, Utc};

/// The current UTC time at microsecond precision.
pub fn now() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::microseconds(1)).expect("truncating now cannot overflow")
}

/// A stored (naive, UTC) timestamp as UTC.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// Formats a timestamp the way every response does (RFC 3339, `Z`).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A timestamp cut to the microsecond both databases store.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
