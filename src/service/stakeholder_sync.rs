//! Keeping stakeholders in step with a CRM: upsert by `source` + `external_id`, one at a
//! time or in batches. Sync writes profile fields only; analysis is never touched.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::stakeholders::{ensure_references, key_taken, load_for_update};
use crate::access::Viewer;
use crate::db::DbConnection;
use crate::domain::stakeholder::{self, Mode, Stakeholder, ANALYSIS_FIELDS};
use crate::domain::versioned::Versioned;
use crate::error::{ApiError, FieldError, Problem};
use crate::store::stakeholders::{self as store, KeyHolder};

crate::string_enum!(
    /// What a sync may do with a key.
    #[derive(Default)]
    SyncMode {
        #[default]
        Upsert = "upsert",
        CreateOnly = "create_only",
        UpdateOnly = "update_only",
    }
);

crate::string_enum!(
    /// What a sync did.
    Outcome { Created = "created", Updated = "updated", Unchanged = "unchanged", Error = "error" }
);

/// The result of one batch or import item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResult {
    /// Position in `items` (0-based).
    pub index: usize,
    /// CSV line (imports only; the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// created, updated, unchanged or error.
    pub status: Outcome,
    /// The stakeholder, unless the item failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why the item failed (problem details with per-field `errors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

impl ItemResult {
    /// From the outcome of one item.
    pub fn from(index: usize, line: Option<u64>, result: Result<(Stakeholder, Outcome), ApiError>) -> Self {
        match result {
            Ok((s, status)) => ItemResult { index, line, status, id: Some(s.id), error: None },
            Err(e) => ItemResult { index, line, status: Outcome::Error, id: None, error: Some(e.problem()) },
        }
    }
}

/// 422 for every analysis field in a sync body: sync never writes analysis.
pub fn reject_analysis(body: &Map<String, Value>) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = body
        .keys()
        .filter(|k| ANALYSIS_FIELDS.contains(&k.as_str()))
        .map(|k| FieldError::new(k, "analysis fields are never written by sync"))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// A sync body checked (no analysis fields unless `analysis`, key fields matching) with
/// the key filled in.
pub fn prepare(
    body: &Map<String, Value>,
    (source, external_id): (&str, &str),
    analysis: bool,
) -> Result<Map<String, Value>, ApiError> {
    if !analysis {
        reject_analysis(body)?;
    }
    let mut body = body.clone();
    for (field, value) in [("source", source), ("external_id", external_id)] {
        match body.get(field) {
            Some(given) if given != &Value::from(value) => {
                return Err(ApiError::invalid(field, "must match the key or be omitted"))
            }
            _ => {
                body.insert(field.to_string(), Value::from(value));
            }
        }
    }
    Ok(body)
}

/// Creates or updates the stakeholder holding the CRM key from the profile fields in
/// `body` (absent fields unchanged; analysis fields only with `analysis`, an import by
/// those who write analysis). `unchanged` writes nothing: no version, history or change
/// event. Must run inside a write transaction.
pub fn upsert(
    conn: &mut DbConnection,
    viewer: &Viewer,
    (source, external_id): (&str, &str),
    body: &Map<String, Value>,
    (mode, analysis): (SyncMode, bool),
) -> Result<(Stakeholder, Outcome), ApiError> {
    let body = prepare(body, (source, external_id), analysis)?;
    match store::key_holder(conn, viewer, source, external_id)? {
        // Taken by someone the caller may not see: neither 412 nor an id may confirm viewer.
        Some(KeyHolder::Hidden) => Err(key_taken(source, external_id)),
        Some(_) if mode == SyncMode::CreateOnly => {
            Err(ApiError::PreconditionFailed("a stakeholder with this key exists".into()))
        }
        Some(KeyHolder::Visible(id)) => {
            let current = load_for_update(conn, viewer, &id)?;
            let mut next = current.clone();
            let body = for_holder(body, &current, source, external_id);
            stakeholder::apply(&mut next, &body, viewer.writes_analysis(), Mode::Patch)?;
            if next == current {
                return Ok((current, Outcome::Unchanged));
            }
            next.bump();
            ensure_references(conn, viewer, Some(&current), &next)?;
            if !store::save(conn, &current, &next, &viewer.sub)? {
                return Err(ApiError::Conflict("the stakeholder changed concurrently; retry".into()));
            }
            Ok((next, Outcome::Updated))
        }
        None if mode == SyncMode::UpdateOnly => Err(ApiError::not_found("stakeholder")),
        None => create(conn, viewer, &body).map(|s| (s, Outcome::Created)),
    }
}

/// The body to apply to the person holding a key. When the key is an alias (a person
/// merged into this one), the survivor keeps their own key.
pub fn for_holder(
    mut body: Map<String, Value>,
    holder: &Stakeholder,
    source: &str,
    external_id: &str,
) -> Map<String, Value> {
    let own = holder.profile.source.as_deref() == Some(source)
        && holder.profile.external_id.as_deref() == Some(external_id);
    if !own {
        body.remove("source");
        body.remove("external_id");
    }
    body
}

/// Creates a stakeholder from a body (a create without a CRM key, or a sync create).
pub fn create(
    conn: &mut DbConnection,
    viewer: &Viewer,
    body: &Map<String, Value>,
) -> Result<Stakeholder, ApiError> {
    let mut s = Stakeholder::blank(&viewer.workspace_id, crate::time::now());
    stakeholder::apply(&mut s, body, viewer.writes_analysis(), Mode::Create)?;
    ensure_references(conn, viewer, None, &s)?;
    store::insert(conn, &s, &viewer.sub)?;
    Ok(s)
}
