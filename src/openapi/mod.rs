//! The generated OpenAPI document: routes collected by utoipa-actix-web, plus the
//! security scheme and the problem responses every operation can give.

use actix_web::App;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

mod bodies;
pub mod constraints;
mod headers;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "stakemap",
        description = "Stakeholder management: register, influence × impact map, engagement and feedback.\n\n\
Conventions: JSON bodies with snake_case fields; timestamps RFC 3339 UTC; every error is \
`application/problem+json` (RFC 9457) with one `errors` entry per invalid field on 422. \
Lists are keyset-paginated (`limit` default 50, larger than 500 clamped; opaque `cursor`; \
`sort` comma list, `-` descending, nulls last, id final tiebreak). Single resources carry \
`version` and an ETag `\"<version>\"`: `If-None-Match` on GET gives 304, a stale `If-Match` \
on PATCH/DELETE gives 412. Unknown and read-only body fields are 422. Every response \
carries `X-Request-Id` (echoed when the client sent one of up to 128 visible ASCII characters).",
        version = "1.0.0"
    ),
    components(schemas(Problem, FieldError, NetworkFormat, ExportFormat, crate::domain::matrix_svg::Labels)),
    tags(
        (name = "stakeholders", description = "The stakeholder register"),
        (name = "relationships", description = "Links between stakeholders and the network"),
        (name = "accounts", description = "Customer accounts, their contracts and maps"),
        (name = "export", description = "Exports"),
        (name = "feedback", description = "Monthly feedback forms, submissions, points and closing the loop"),
        (name = "me", description = "What a stakeholder token sees"),
        (name = "sync", description = "CRM sync: upserts, batches, the change feed, webhooks, import and export"),
        (name = "auth", description = "API keys and tokens"),
        (name = "dashboard", description = "Aggregates for the front-end's home screen"),
        (name = "engagement", description = "Engagement plans, the interaction log, the schedule and the approach order"),
        (name = "operations", description = "Probes (no auth)")
    )
)]
struct BaseDoc;

/// The `format` of the network.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum NetworkFormat {
    /// Nodes and edges.
    Json,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
    /// A picture laid out by the service (image/svg+xml).
    Svg,
}

/// The `format` of the anonymized export.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ExportFormat {
    /// One JSON document.
    Json,
    /// One CSV.
    Csv,
}

/// The kind of token issued.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum TokenType {
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// A field's value in a history entry: the field's own type (text, number, boolean, a
/// list of texts, custom fields as an object) or null.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum FieldValue {
    /// Text, an enumerated value, a date or an id.
    Text(String),
    /// A score or an amount.
    Number(f64),
    /// A flag.
    Flag(bool),
    /// Tags or segments.
    List(Vec<String>),
    /// Custom fields.
    #[schema(value_type = Object)]
    Fields(serde_json::Map<String, serde_json::Value>),
}

/// Builds the complete document (the same one `/openapi.json` serves).
pub fn document() -> serde_json::Value {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .configure(crate::routes::operations)
        .service(utoipa_actix_web::scope("/v1").configure(crate::routes::v1))
        .split_for_parts();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    optional_analysis(components);
    for (path, item) in doc.paths.paths.iter_mut() {
        add_problem_responses(path, item);
        describe_roles(path, item);
        for op in operations(item) {
            // Say "no auth" explicitly where the bearer token is not needed.
            if op.security.is_none() {
                op.security = Some(vec![utoipa::openapi::security::SecurityRequirement::default()]);
            }
        }
    }
    unique_operation_ids(&mut doc);
    doc.servers = Some(vec![utoipa::openapi::server::Server::new("/")]);
    refine(doc)
}

/// What the derive macros cannot say, applied to the JSON: free-form objects (answers,
/// custom fields) get `additionalProperties: true`, or generated clients type them as
/// empty; custom formats become patterns and shared parameters get their exact shape
/// (`constraints`); request bodies get their rules (`bodies`).
fn refine(doc: OpenApi) -> serde_json::Value {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                let bare = map
                    .get("type")
                    .is_some_and(|t| t == "object" || t == &serde_json::json!(["object", "null"]))
                    && !map.contains_key("properties")
                    && !map.contains_key("additionalProperties")
                    && !map.contains_key("$ref");
                if bare {
                    map.insert("additionalProperties".into(), serde_json::Value::Bool(true));
                }
                constraints::resolve_format(map);
                constraints::refine_parameter(map);
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(&doc).expect("the document serializes");
    walk(&mut value);
    bodies::shape(&mut value);
    headers::uuid_ids(&mut value);
    headers::comma_lists(&mut value);
    headers::field_selection(&mut value);
    headers::declare(&mut value);
    value
}

/// Each authenticated operation's description ends with its roles, from the one
/// permission table the server enforces.
fn describe_roles(path: &str, item: &mut PathItem) {
    let ops: [(&str, &mut Option<Operation>); 5] = [
        ("GET", &mut item.get),
        ("POST", &mut item.post),
        ("PUT", &mut item.put),
        ("PATCH", &mut item.patch),
        ("DELETE", &mut item.delete),
    ];
    for (method, op) in ops {
        let (Some(op), Some(permission)) = (op.as_mut(), crate::access::permission(method, path)) else {
            continue;
        };
        let text = match op.description.take().filter(|d| !d.is_empty()) {
            Some(d) => format!("{d}\n\n{}", permission.describe()),
            None => permission.describe(),
        };
        op.description = Some(text);
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
        .into_iter()
        .filter_map(Option::as_mut)
}

/// Operation ids are handler names, which repeat across resources (`list`, `update`):
/// made unique as generated clients need, `{tag}_{handler}` where that is unique, else
/// `{resource}_{handler}` with the resource the path's last literal segment.
/// Operation ids named by resource and verb: the path's resource (and sub-resource), then
/// the handler's verb, each word once (`webhooks_list`, `stakeholders_history_list`,
/// `api_keys_revoke`, `calendar_feed`).
fn operation_id(path: &str, handler: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "v1" && !s.starts_with('{'))
        .map(|s| s.split('.').next().unwrap_or(s).replace('-', "_"))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        // The last word is left out where the verb already says it (`me_my_forms`).
        let said_by_verb = i > 0 && i + 1 == words.len() && handler.contains(word.as_str());
        if !said_by_verb && !parts.contains(word) {
            parts.push(word.clone());
        }
    }
    if !parts.last().is_some_and(|p| p.ends_with(handler)) {
        parts.push(handler.to_string());
    }
    parts.join("_")
}

fn unique_operation_ids(doc: &mut OpenApi) {
    let mut seen = std::collections::BTreeSet::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        for op in operations(item) {
            let id = operation_id(path, op.operation_id.as_deref().unwrap_or_default());
            assert!(seen.insert(id.clone()), "operation id {id} is not unique: rename the handler");
            op.operation_id = Some(id);
        }
    }
}

/// Analysis properties are absent for integration and stakeholder tokens, so none of
/// them can be `required` in the response schema.
fn optional_analysis(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::{RefOr, Schema};
    for name in ["Analysis", "AnalysisView"] {
        let Some(RefOr::T(schema)) = components.schemas.get_mut(name) else {
            continue;
        };
        match schema {
            Schema::Object(object) => object.required.clear(),
            Schema::AllOf(all) => {
                for item in all.items.iter_mut() {
                    if let RefOr::T(Schema::Object(object)) = item {
                        object.required.clear();
                    }
                }
            }
            _ => {}
        }
    }
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
}

fn add_problem_responses(path: &str, item: &mut PathItem) {
    let authenticated = path.starts_with("/v1");
    let has_id = path.contains('{');
    let ops: [(&str, &mut Option<Operation>); 5] = [
        ("get", &mut item.get),
        ("post", &mut item.post),
        ("put", &mut item.put),
        ("patch", &mut item.patch),
        ("delete", &mut item.delete),
    ];
    for (method, op) in ops {
        let Some(op) = op.as_mut() else { continue };
        let mut add = |status: &str, description: &str| {
            op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                match status {
                    "429" | "503" => retry_after(problem_response(description)),
                    _ => problem_response(description),
                }
                .into()
            });
        };
        let writes_body = matches!(method, "post" | "put" | "patch");
        add("400", "Malformed request: bad JSON, bad query string, malformed header or tampered cursor");
        if authenticated {
            add("401", "Missing, expired or invalid token");
            add("403", "The token's role may not do this (incl. writing or filtering on analysis fields)");
        }
        if has_id || authenticated {
            add("404", "Not found in the token's workspace (or not visible to its role)");
        }
        add("405", "Method not allowed on this path; `Allow` lists the methods");
        if path.starts_with("/v1/stakeholders/{id}") && !path.ends_with("/history") {
            add("410", "The stakeholder was merged into another: `merged_into` names the survivor");
        }
        if writes_body && !path.ends_with("/restore") {
            add("408", "The request body did not arrive within 10 s of its headers");
            add("413", "Request body too large");
            add("415", "Body is not application/json");
        }
        let conditional =
            op.parameters.iter().flatten().any(|p| p.name == "If-Match" || p.name == "If-None-Match");
        if conditional || matches!(method, "put" | "patch" | "delete") || path.ends_with("/restore") {
            add("412", "`If-Match` names a stale version");
        }
        if writes_body || method == "get" {
            add("422", "Validation failed: one `errors` entry per bad field or parameter");
        }
        if authenticated {
            add(
                "429",
                "Too many requests (per token; per client address for unauthenticated calls and invalid \
                 tokens; per workspace for heavy operations): retry after `Retry-After` seconds",
            );
        }
        add("500", "Unexpected error (logged with the request id; no internals are sent)");
        add("503", "Database unavailable; retry after `Retry-After` seconds");
    }
}

/// Declares the `Retry-After` header (seconds) on a response.
fn retry_after(mut response: utoipa::openapi::Response) -> utoipa::openapi::Response {
    let seconds = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .minimum(Some(1));
    let header = utoipa::openapi::HeaderBuilder::new()
        .schema(seconds)
        .description(Some("Seconds to wait before retrying"))
        .build();
    response.headers.insert("Retry-After".to_string(), header);
    response
}
