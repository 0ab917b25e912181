//! Conditional requests: `If-Match` / `If-None-Match` against a resource's version.

use crate::error::ApiError;

/// The strong ETag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A parsed `If-Match` / `If-None-Match` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: any current version.
    Any,
    /// A list of entity tags (weak tags compare by their opaque value).
    Tags(Vec<String>),
}

impl Precondition {
    /// Whether the resource at `version` matches.
    pub fn matches(&self, version: i64) -> bool {
        self.matches_tag(&etag(version))
    }

    /// Whether a resource with this entity tag matches.
    pub fn matches_tag(&self, tag: &str) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::Tags(tags) => tags.iter().any(|t| t == tag.strip_prefix("W/").unwrap_or(tag)),
        }
    }
}

impl Precondition {
    /// Parses a header's value: `*` or a list of entity tags.
    pub fn parse(text: &str) -> Option<Precondition> {
        let text = text.trim();
        if text == "*" {
            return Some(Precondition::Any);
        }
        // Lenient on purpose: a tag sent without its quotes (`If-Match: 3`, a common client
        // slip) means the quoted one; only a value with no tag at all is malformed.
        let tags: Vec<String> = text
            .split(',')
            .map(|t| t.trim())
            .map(|t| t.strip_prefix("W/").unwrap_or(t))
            .filter(|t| !t.is_empty())
            .map(|t| match t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
                true => t.to_string(),
                false => format!("\"{t}\""),
            })
            .collect();
        (!tags.is_empty()).then_some(Precondition::Tags(tags))
    }
}

/// `If-Match` of a write: 412 when it names another version.
pub fn check_if_match(condition: &Option<Precondition>, version: i64) -> Result<(), ApiError> {
    match condition {
        Some(c) if !c.matches(version) => Err(ApiError::PreconditionFailed(format!(
            "the resource is at version {version}; fetch it again and retry"
        ))),
        _ => Ok(()),
    }
}
