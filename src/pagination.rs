//! Keyset pagination: `limit`, opaque signed cursors and `sort` lists.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

use crate::error::ApiError;

/// Rows per page when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page; a larger `limit` is clamped to this.
pub const MAX_LIMIT: i64 = 500;

/// The cursor parameter `key`; absent or empty means the first page.
pub fn cursor_param<'a>(
    params: &'a std::collections::HashMap<String, String>,
    key: &str,
) -> Option<&'a String> {
    params.get(key).filter(|c| !c.is_empty())
}

/// Parses `limit`: default 50, clamped to 500, below 1 or not a number is 422.
pub fn limit(raw: Option<&str>) -> Result<i64, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n.min(MAX_LIMIT)),
            Ok(_) => Err(ApiError::invalid("limit", "must be at least 1")),
            // A number too large for i64 is still just "a lot": clamp it.
            Err(_) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Ok(MAX_LIMIT),
            Err(_) => Err(ApiError::invalid("limit", "must be an integer")),
        },
    }
}

/// One requested sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey<F> {
    /// The field.
    pub field: F,
    /// Descending when the key had a leading `-`.
    pub descending: bool,
}

/// Parses `sort=-influence,name` against a field parser: unknown fields or more than five
/// are 422; a field named again adds nothing (its first mention decides).
pub fn parse_sort<F: PartialEq + Copy>(
    raw: &str,
    parse: impl Fn(&str) -> Option<F>,
    allowed: &str,
) -> Result<Vec<SortKey<F>>, ApiError> {
    if raw.split(',').count() > 5 {
        return Err(ApiError::invalid("sort", "at most 5 sort fields"));
    }
    let mut keys: Vec<SortKey<F>> = Vec::new();
    for part in raw.split(',') {
        let part = part.trim();
        let (name, descending) = match part.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (part.strip_prefix('+').unwrap_or(part), false),
        };
        let field = parse(name).ok_or_else(|| {
            ApiError::invalid("sort", format!("unknown sort field '{name}'; use {allowed}"))
        })?;
        if !keys.iter().any(|k| k.field == field) {
            keys.push(SortKey { field, descending });
        }
    }
    Ok(keys)
}

/// Where the previous page stopped: the sort values and id of its last row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// The `sort` the cursor was made for.
    #[serde(rename = "s")]
    pub sort: String,
    /// The last row's value for each sort key.
    #[serde(rename = "v")]
    pub values: Vec<Value>,
    /// The last row's id (the final tiebreak).
    pub id: String,
}

type HmacSha256 = Hmac<Sha256>;
const TAG_BYTES: usize = 16;

/// Signs and checks cursors so a tampered one is refused rather than silently misread.
#[derive(Clone)]
pub struct CursorCodec {
    key: Vec<u8>,
}

impl CursorCodec {
    /// A codec keyed by server-side secret material.
    pub fn new(secret: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(b"stakemap cursor key");
        Self { key: mac.finalize().into_bytes().to_vec() }
    }

    fn tag(&self, payload: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload);
        mac.finalize().into_bytes()[..TAG_BYTES].to_vec()
    }

    /// The opaque cursor for a position.
    pub fn encode(&self, position: &Position) -> String {
        let payload = serde_json::to_vec(position).expect("a position serialises");
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(self.tag(&payload)))
    }

    /// Reads a cursor back; anything altered, truncated or made for another sort is 400.
    pub fn decode(&self, cursor: &str, sort: &str) -> Result<Position, ApiError> {
        let bad = || ApiError::BadRequest("invalid cursor: pass back next_cursor unchanged".into());
        let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad())?;
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(&payload);
        mac.verify_truncated_left(&tag).map_err(|_| bad())?;
        if tag.len() != TAG_BYTES {
            return Err(bad());
        }
        let position: Position = serde_json::from_slice(&payload).map_err(|_| bad())?;
        if position.sort != sort {
            return Err(ApiError::BadRequest("cursor was made for a different sort".into()));
        }
        Ok(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_detects_tampering() {
        let codec = CursorCodec::new(b"secret");
        let pos = Position { sort: "name".into(), values: vec![Value::from("Ann")], id: "x".into() };
        let cursor = codec.encode(&pos);
        assert_eq!(codec.decode(&cursor, "name").unwrap(), pos);
        let mut tampered = cursor.clone().into_bytes();
        tampered[3] ^= 1;
        assert!(codec.decode(std::str::from_utf8(&tampered).unwrap(), "name").is_err());
        assert!(codec.decode(&cursor, "-name").is_err());
        assert!(CursorCodec::new(b"other").decode(&cursor, "name").is_err());
        assert!(codec.decode("garbage", "name").is_err());
    }

    #[test]
    fn limit_defaults_and_clamps() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some("501")).unwrap(), 500);
        assert_eq!(limit(Some("99999999999999999999999")).unwrap(), 500);
        assert!(limit(Some("0")).is_err());
        assert!(limit(Some("-1")).is_err());
        assert!(limit(Some("ten")).is_err());
    }

    #[test]
    fn sort_lists_parse() {
        let parse = |s: &str| ["a", "b"].iter().position(|f| *f == s);
        let keys = parse_sort("-b,a", parse, "a, b").unwrap();
        assert_eq!(
            keys,
            vec![SortKey { field: 1, descending: true }, SortKey { field: 0, descending: false }]
        );
        assert!(parse_sort("c", parse, "a, b").is_err());
        assert_eq!(parse_sort("a,-a", parse, "a, b").unwrap(), vec![SortKey { field: 0, descending: false }]);
        assert!(parse_sort("a,b,a,b,a,b", parse, "a, b").is_err());
    }
}

/// A page of a list ordered by id: the parsed `limit` and `cursor`.
#[derive(Debug, Clone)]
pub struct IdPage {
    /// Start after this id.
    pub after: Option<String>,
    /// Rows wanted.
    pub limit: i64,
}

impl IdPage {
    /// Reads `limit` (422 if bad) and `cursor` (400 if tampered) from query parameters.
    pub fn from_params(
        params: &std::collections::HashMap<String, String>,
        codec: &CursorCodec,
    ) -> Result<IdPage, ApiError> {
        let limit = limit(params.get("limit").map(String::as_str))?;
        let after = match cursor_param(params, "cursor") {
            Some(cursor) => Some(codec.decode(cursor, "id")?.id),
            None => None,
        };
        Ok(IdPage { after, limit })
    }

    /// How many rows to fetch: one more than wanted, to know whether a next page exists.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Trims the fetched rows to the page and makes the next cursor (null on the last page).
    pub fn finish<T>(
        &self,
        mut rows: Vec<T>,
        codec: &CursorCodec,
        id: impl Fn(&T) -> &str,
    ) -> (Vec<T>, Option<String>) {
        if rows.len() as i64 <= self.limit {
            return (rows, None);
        }
        rows.truncate(self.limit as usize);
        let next = rows.last().map(|last| {
            codec.encode(&Position { sort: "id".into(), values: vec![], id: id(last).to_string() })
        });
        (rows, next)
    }
}
