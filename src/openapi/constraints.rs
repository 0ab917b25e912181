//! The exact shape of input values in the document: what the validators in
//! `domain::fields` accept, written as JSON Schema so that generated clients and
//! property-based testers send what the service takes and nothing else.
//!
//! Fields mark themselves with a custom `format` (`line`, `text`, `month`, `crm-key`,
//! `crm-key-or-empty`, `email-address`, `http-url`), which `resolve_format` turns into the pattern the service checks;
//! parameters that mean the same on every operation are described once in
//! `refine_parameter`.

use serde_json::{json, Map, Value};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;

/// One line of text: no control characters (`TextKind::Line`).
pub const LINE: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";
/// Free text: tab and line feed allowed, other controls (carriage return too) not
/// (`TextKind::Free`).
pub const TEXT: &str = r"^[^\x00-\x08\x0B-\x1F\x7F-\x9F]*$";
/// A month, `YYYY-MM`, of the years `Period` accepts (2000–2999).
pub const MONTH: &str = r"^2[0-9]{3}-(0[1-9]|1[0-2])$";
/// Entity tags as the service reads them: visible ASCII with at least one tag between
/// the commas (quotes optional, `*` for any). An empty header never reaches the service
/// (the HTTP layer drops it), so empty means none.
pub const ENTITY_TAGS: &str = r"^$|^[\t -~]*[!-+\--~][\t -~]*$";

/// Characters a CRM key part may hold: no control characters, `/` or `\`.
const KEY_CHAR: &str = r"[^/\\\x00-\x1F\x7F-\x9F]";
/// A key character other than `.`.
const KEY_START: &str = r"[^./\\\x00-\x1F\x7F-\x9F]";
/// Rust's `char::is_whitespace`, `@` and control characters, none of which an email may hold.
const EMAIL_CHAR: &str = r"[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
const DOMAIN_EDGE: &str = r"[^.@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// A CRM key part (`fields::check_crm_key`): not `.` or `..`, no `/` or `\`, one line.
pub fn crm_key_pattern() -> String {
    format!(r"^({KEY_START}{KEY_CHAR}*|\.{KEY_START}{KEY_CHAR}*|\.\.{KEY_CHAR}+)$")
}

/// An email address as `stakeholder::looks_like_email` accepts it.
pub fn email_pattern() -> String {
    format!(r"^{EMAIL_CHAR}+@{DOMAIN_EDGE}{EMAIL_CHAR}*\.{EMAIL_CHAR}*{DOMAIN_EDGE}$")
}

/// Replaces a custom `format` marker by the pattern it stands for.
pub fn resolve_format(map: &mut Map<String, Value>) {
    let pattern = match map.get("format").and_then(Value::as_str) {
        Some("line") => LINE.to_string(),
        Some("text") => TEXT.to_string(),
        Some("month") => MONTH.to_string(),
        Some("crm-key") => crm_key_pattern(),
        Some("crm-key-or-empty") => format!("^$|{}", crm_key_pattern()),
        Some("email-address") => email_pattern(),
        Some("stakeholder-sort") => {
            let names = crate::store::stakeholder_list::SortField::expected().replace(", ", "|");
            let key = format!("[-+]?({names})");
            format!("^ *{key} *( *, *{key} *){{0,4}}$")
        }
        Some("entity-types") => {
            let names = crate::store::changes::EntityType::expected().replace(", ", "|");
            format!("^({names})(,({names}))*$")
        }
        // A host (a name, IPv4 or [IPv6]) and an optional port, no user info, then a path.
        Some("http-url") => {
            r"^https?://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#][^\x00-\x20\x7F-\x9F]*)?$"
                .to_string()
        }
        _ => return,
    };
    map.remove("format");
    map.insert("pattern".into(), Value::String(pattern));
}

/// Parameters that mean the same on every operation that has them, described once.
pub fn refine_parameter(map: &mut Map<String, Value>) {
    let (Some(name), Some(place)) =
        (map.get("name").and_then(Value::as_str), map.get("in").and_then(Value::as_str))
    else {
        return;
    };
    let refinement = match (name, place) {
        ("If-Match" | "If-None-Match", "header") => json!({"type": "string", "pattern": ENTITY_TAGS}),
        // Any count is fine: above 500 is clamped, even past 64 bits.
        ("limit", "query") => json!({"type": "integer", "minimum": 1}),
        ("id", "path") | ("account_id" | "stakeholder_id" | "form_id", "query") => {
            json!({"type": "string", "format": "uuid"})
        }
        ("period", _) => json!({"type": "string", "pattern": MONTH}),
        ("source", "path") => {
            json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": crm_key_pattern()})
        }
        ("external_id", "path") => {
            json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": crm_key_pattern()})
        }
        ("owner" | "tag" | "q", "query") => {
            json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": LINE})
        }
        ("updated_since", "query") => json!({"type": "string", "format": "date-time"}),
        ("min_influence", "query") => json!({"type": "integer", "minimum": 1, "maximum": 5}),
        _ => return,
    };
    map.insert("schema".into(), refinement);
}

/// `schema_with` for a nullable list of up to `ITEMS` distinct one-line strings of
/// 1–`MAX` characters (`fields::text_list`).
pub fn lines<const ITEMS: usize, const MAX: usize>() -> Schema {
    let item = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(LINE));
    ArrayBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::Array, Type::Null]))
        .items(RefOr::T(Schema::Object(item.build())))
        .max_items(Some(ITEMS))
        .into()
}

/// `schema_with` for a nullable list of `MIN`–`MAX` UUIDs.
pub fn uuids<const MIN: usize, const MAX: usize>() -> Schema {
    let item =
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::Custom("uuid".into())));
    ArrayBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::Array, Type::Null]))
        .items(RefOr::T(Schema::Object(item.build())))
        .min_items(Some(MIN))
        .max_items(Some(MAX))
        .into()
}
