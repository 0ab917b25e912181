//! CRM routes: upsert by external id, batches, CSV import and export.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use std::collections::HashSet;

use super::sync::{self, ItemResult, Outcome, SyncMode};
use super::view::{StakeholderInput, StakeholderView};
use crate::auth::Auth;
use crate::db::{tx, DbConnection};
use crate::domain::stakeholder::{self, Mode, Stakeholder};
use crate::error::{ApiError, FieldError};
use crate::routes::extractors::{json_object, read_body, BULK_BODY_BYTES};
use crate::routes::support::{etag, with_conn, Precondition};
use crate::startup::AppState;
use crate::store::stakeholder_bulk;

/// Items one batch may hold.
pub const MAX_BATCH: usize = 1000;
/// Times a sync write is retried after losing an insert race on the CRM key.
const ATTEMPTS: usize = 3;

/// Results of a batch or import, one per item in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// Per item.
    pub results: Vec<ItemResult>,
}

/// Batch body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BatchInput {
    /// upsert (default), create_only or update_only.
    mode: Option<SyncMode>,
    /// 1–1000 profile bodies, each with `source` and `external_id`.
    items: Vec<StakeholderInput>,
}

fn key_part(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    crate::domain::fields::check_crm_key(field, value, max)
}

/// Create or update the stakeholder holding a CRM key: 201 created, 200 updated or
/// unchanged. Profile fields only (analysis fields are 422); absent fields are left as
/// they are. `If-Match: *` = update only (404 if missing); `If-None-Match: *` = create
/// only (412 if present). Safe under concurrent upserts of one key: one row results.
#[utoipa::path(tag = "sync",
    params(("source" = String, Path, description = "CRM system"), ("external_id" = String, Path, description = "Id in the CRM"),
           ("If-Match" = Option<String>, Header, description = "`*` = update only"),
           ("If-None-Match" = Option<String>, Header, description = "`*` = create only")),
    request_body = StakeholderInput,
    responses((status = 200, description = "Updated or unchanged", body = StakeholderView), (status = 201, description = "Created", body = StakeholderView)),
    security(("bearer" = [])))]
#[put("/stakeholders/by-external-id/{source}/{external_id}")]
pub async fn upsert(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let (source, external_id) = path.into_inner();
    let errors: Vec<FieldError> =
        [key_part("source", &source, 100), key_part("external_id", &external_id, 200)]
            .into_iter()
            .filter_map(Result::err)
            .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mode = match (
        crate::routes::support::precondition(&req, header::IF_MATCH)?,
        crate::routes::support::precondition(&req, header::IF_NONE_MATCH)?,
    ) {
        // Evaluated in RFC 9110 order, `If-Match: *` then `If-None-Match: *` can never
        // both hold: whatever exists, the answer is 412.
        (Some(Precondition::Any), Some(Precondition::Any)) => {
            return Err(ApiError::PreconditionFailed(
                "If-Match: * and If-None-Match: * cannot both hold; send one".into(),
            ))
        }
        (Some(Precondition::Any), None) => SyncMode::UpdateOnly,
        (None, Some(Precondition::Any)) => SyncMode::CreateOnly,
        (None, None) => SyncMode::Upsert,
        _ => {
            return Err(ApiError::BadRequest("only `*` is accepted in If-Match / If-None-Match here".into()))
        }
    };
    let role = auth.role;
    let body = body.into_inner();
    let (s, outcome) = with_conn(&state, move |conn| {
        let mut last = ApiError::Internal;
        for _ in 0..ATTEMPTS {
            match tx::write(conn, |c| sync::upsert(c, &auth, &source, &external_id, &body, mode)) {
                // A concurrent writer inserted the same key first: go round again as an update.
                Err(ApiError::Conflict(message)) => last = ApiError::Conflict(message),
                other => return other,
            }
        }
        Err(last)
    })
    .await?;
    let status = if outcome == Outcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, etag(s.version)));
    if status == StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/v1/stakeholders/{}", s.id)));
    }
    Ok(res.json(StakeholderView::for_role(s, role)))
}

fn key_of(body: &Map<String, Value>) -> Option<(String, String)> {
    match (body.get("source").and_then(Value::as_str), body.get("external_id").and_then(Value::as_str)) {
        (Some(source), Some(external_id)) => Some((source.to_string(), external_id.to_string())),
        _ => None,
    }
}

/// What the first pass decided for an item.
enum Plan {
    Done(Result<(Stakeholder, Outcome), ApiError>),
    Insert(Stakeholder),
    OneByOne,
}

/// Runs items in one transaction. One lookup finds every key; unchanged items are
/// compared in memory; new ones go in with multi-row inserts; updates (and key-less CSV
/// rows) run one by one, each in a savepoint so one bad item never fails the others.
fn run_items(
    conn: &mut DbConnection,
    auth: &Auth,
    items: Vec<(Option<u64>, Map<String, Value>)>,
    mode: SyncMode,
) -> Result<Vec<ItemResult>, ApiError> {
    let ws = auth.workspace_id.clone();
    tx::write(conn, |c| -> Result<(Vec<ItemResult>, usize), ApiError> {
        let keys: Vec<Option<(String, String)>> = items.iter().map(|(_, b)| key_of(b)).collect();
        let wanted: Vec<(String, String)> = keys.iter().flatten().cloned().collect();
        let existing = stakeholder_bulk::by_keys(c, &ws, &wanted)?;
        let accounts: Vec<String> = items
            .iter()
            .filter_map(|(_, b)| b.get("account_id").and_then(Value::as_str).map(str::to_string))
            .collect();
        let live_accounts: HashSet<String> =
            stakeholder_bulk::live_accounts(c, &ws, &accounts)?.into_iter().collect();
        let mut new_keys = HashSet::new();
        let mut plans: Vec<Plan> = Vec::with_capacity(items.len());
        for ((line, body), key) in items.iter().zip(&keys) {
            let plan = match key {
                None if line.is_some() && mode != SyncMode::UpdateOnly => Plan::OneByOne,
                None => Plan::Done(Err(ApiError::invalid(
                    "external_id",
                    "source and external_id are required strings",
                ))),
                Some((source, external_id)) => match sync::prepare(body, source, external_id) {
                    Err(e) => Plan::Done(Err(e)),
                    Ok(body) => match existing.get(&(source.clone(), external_id.clone())) {
                        // Taken by someone the caller may not see: the same answer as the
                        // single upsert's, naming nobody (checked before the 412 that
                        // would confirm the key).
                        Some(current) if current.analysis.confidential && !auth.sees_confidential() => {
                            Plan::Done(Err(super::handlers::key_taken(source, external_id)))
                        }
                        Some(_) if mode == SyncMode::CreateOnly => Plan::Done(Err(
                            ApiError::PreconditionFailed("a stakeholder with this key exists".into()),
                        )),
                        Some(current) => {
                            let mut next = current.clone();
                            match stakeholder::apply(&mut next, &body, auth.writes_analysis(), Mode::Patch) {
                                Err(e) => Plan::Done(Err(e.into())),
                                Ok(()) if next == *current => Plan::Done(Ok((next, Outcome::Unchanged))),
                                Ok(()) => Plan::OneByOne,
                            }
                        }
                        None if mode == SyncMode::UpdateOnly => {
                            Plan::Done(Err(ApiError::not_found("stakeholder")))
                        }
                        None if !new_keys.insert((source.clone(), external_id.clone())) => Plan::Done(Err(
                            ApiError::Conflict("this key appears earlier in the same batch".into()),
                        )),
                        None => {
                            let mut s = Stakeholder::blank(&ws, crate::time::now());
                            match stakeholder::apply(&mut s, &body, auth.writes_analysis(), Mode::Create) {
                                Err(e) => Plan::Done(Err(e.into())),
                                Ok(())
                                    if s.profile
                                        .account_id
                                        .as_ref()
                                        .is_some_and(|a| !live_accounts.contains(a)) =>
                                {
                                    Plan::Done(Err(ApiError::invalid(
                                        "account_id",
                                        "no such account in this workspace",
                                    )))
                                }
                                Ok(()) => Plan::Insert(s),
                            }
                        }
                    },
                },
            };
            plans.push(plan);
        }
        let fresh: Vec<Stakeholder> = plans
            .iter()
            .filter_map(|p| if let Plan::Insert(s) = p { Some(s.clone()) } else { None })
            .collect();
        // A concurrent writer may have inserted one of the keys meanwhile: then the whole
        // bulk insert is undone and those items take the one-by-one path.
        let bulk_ok =
            diesel::Connection::transaction(c, |c| stakeholder_bulk::insert_many(c, &ws, &fresh, &auth.sub))
                .is_ok();
        let mut results = Vec::with_capacity(items.len());
        for (index, (plan, (line, body))) in plans.into_iter().zip(items.iter()).enumerate() {
            let result = match plan {
                Plan::Done(result) => result,
                Plan::Insert(s) if bulk_ok => Ok((s, Outcome::Created)),
                Plan::Insert(_) | Plan::OneByOne => {
                    diesel::Connection::transaction(c, |c| match key_of(body) {
                        Some((source, external_id)) => {
                            sync::upsert(c, auth, &source, &external_id, body, mode)
                        }
                        None => {
                            sync::reject_analysis(body)?;
                            sync::create(c, auth, body).map(|s| (s, Outcome::Created))
                        }
                    })
                }
            };
            results.push(ItemResult::from(index, *line, result));
        }
        Ok((results, if bulk_ok { fresh.len() } else { 0 }))
    })
    .and_then(|(results, inserted)| {
        stakeholder_bulk::refresh_statistics(conn, inserted)?;
        Ok(results)
    })
}

/// Upsert up to 1000 stakeholders by CRM key; one bad item never fails the others.
/// `unchanged` items write nothing (no version, history or change event).
#[utoipa::path(tag = "sync", request_body = BatchInput,
    responses((status = 200, body = BatchResult)), security(("bearer" = [])))]
#[post("/stakeholders/batch")]
pub async fn batch(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = json_object(&read_body(&req, payload, &["application/json"], BULK_BODY_BYTES).await?)?;
    let mut errors: Vec<FieldError> = body
        .keys()
        .filter(|k| !["mode", "items"].contains(&k.as_str()))
        .map(|k| FieldError::new(k, "is not a batch field"))
        .collect();
    let mode = match body.get("mode") {
        None | Some(Value::Null) => SyncMode::Upsert,
        Some(v) => v.as_str().and_then(SyncMode::parse).unwrap_or_else(|| {
            errors.push(FieldError::new("mode", "must be upsert, create_only or update_only"));
            SyncMode::Upsert
        }),
    };
    let items: Vec<(Option<u64>, Map<String, Value>)> = match body.get("items") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_BATCH => {
            items.iter().map(|i| (None, i.as_object().cloned().unwrap_or_default())).collect()
        }
        _ => {
            errors.push(FieldError::new("items", format!("must be an array of 1 to {MAX_BATCH} objects")));
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let results = with_conn(&state, move |conn| run_items(conn, &auth, items, mode)).await?;
    Ok(HttpResponse::Ok().json(BatchResult { results }))
}

/// The CSV columns an import accepts (`tags` separated by `;`, `custom.<key>` for custom fields).
const IMPORT_COLUMNS: &[&str] = &[
    "name",
    "email",
    "phone",
    "title",
    "organization",
    "department",
    "account_id",
    "group",
    "category",
    "tags",
    "relationship_status",
    "owner",
    "source",
    "external_id",
];

fn row_to_body(headers: &[String], record: &csv::StringRecord) -> Map<String, Value> {
    let mut body = Map::new();
    let mut custom = Map::new();
    for (header, cell) in headers.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        if let Some(key) = header.strip_prefix("custom.") {
            custom.insert(key.to_string(), Value::from(cell));
        } else if header == "tags" {
            body.insert(
                "tags".into(),
                Value::from(cell.split(';').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>()),
            );
        } else {
            body.insert(header.clone(), Value::from(cell));
        }
    }
    if !custom.is_empty() {
        body.insert("custom_fields".into(), Value::Object(custom));
    }
    body
}

/// Import stakeholders from CSV (header row of field names; `tags` split on `;`,
/// `custom.<key>` columns become custom fields). Rows with `source` and `external_id`
/// are upserted by that key, others created. Each row's result carries its line number;
/// bad rows are reported and good rows kept. At most 1000 rows per request.
#[utoipa::path(tag = "sync",
    params(("mode" = Option<SyncMode>, Query, description = "upsert (default), create_only or update_only")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = BatchResult)), security(("bearer" = [])))]
#[post("/import/stakeholders")]
pub async fn import(
    auth: Auth,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mode = match params.get("mode") {
        Some(m) => SyncMode::parse(m)
            .ok_or_else(|| ApiError::invalid("mode", "must be upsert, create_only or update_only"))?,
        None => SyncMode::Upsert,
    };
    let bytes = read_body(&req, payload, &["text/csv"], BULK_BODY_BYTES).await?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes.as_ref());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::BadRequest(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let unknown: Vec<FieldError> = headers
        .iter()
        .filter(|h| !IMPORT_COLUMNS.contains(&h.as_str()) && !h.starts_with("custom."))
        .map(|h| FieldError::new(format!("columns.{h}"), "is not an importable column (profile fields only)"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::Validation(unknown));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                rows.push((Some(r.position().map(|p| p.line()).unwrap_or(0)), row_to_body(&headers, &r)))
            }
            Err(e) => bad.push(ItemResult {
                index: rows.len() + bad.len(),
                line: e.position().map(|p| p.line()),
                status: Outcome::Error,
                id: None,
                error: Some(ApiError::BadRequest(format!("malformed CSV row: {e}")).problem()),
            }),
        }
        if rows.len() + bad.len() > MAX_BATCH {
            return Err(ApiError::PayloadTooLarge(format!("at most {MAX_BATCH} rows per import")));
        }
    }
    let mut results = with_conn(&state, move |conn| run_items(conn, &auth, rows, mode)).await?;
    results.extend(bad);
    results.sort_by_key(|r| r.line);
    for (i, r) in results.iter_mut().enumerate() {
        r.index = i;
    }
    Ok(HttpResponse::Ok().json(BatchResult { results }))
}

fn text(v: Option<&str>) -> String {
    crate::domain::anonymize::defuse(v.unwrap_or(""))
}

/// Every live stakeholder the caller may see as CSV, by name: id, profile fields (`tags`
/// joined with `;`, custom fields as JSON) and, for roles that may see analysis, the
/// analysis columns. Cells starting with `=`, `+`, `-` or `@` get a leading `'`.
#[utoipa::path(tag = "sync",
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv")), security(("bearer" = [])))]
#[get("/export/stakeholders.csv")]
pub async fn export(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    use crate::store::stakeholder_list::{list, Filter, SortField};
    let role = auth.role;
    let people = with_conn(&state, move |conn| {
        let filter = Filter { hide_confidential: !role.sees_confidential(), ..Filter::default() };
        let sort = [crate::pagination::SortKey { field: SortField::Name, descending: false }];
        list(conn, &auth.workspace_id, &filter, &sort, None, i64::MAX).map_err(|_| ApiError::Internal)
    })
    .await?;
    let mut header = vec![
        "id",
        "name",
        "email",
        "phone",
        "title",
        "organization",
        "department",
        "account_id",
        "group",
        "category",
        "tags",
        "relationship_status",
        "owner",
        "source",
        "external_id",
        "custom_fields",
    ];
    if role.sees_analysis() {
        header.extend([
            "influence",
            "impact",
            "quadrant",
            "strategy",
            "stance",
            "stance_reason",
            "decision_role",
            "veto",
            "segments",
            "confidential",
        ]);
    }
    header.extend(["version", "updated_at"]);
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::internal(&e);
    out.write_record(&header).map_err(fail)?;
    for s in people {
        let (p, a) = (&s.profile, &s.analysis);
        let mut row = vec![
            s.id.clone(),
            text(Some(&p.name)),
            text(p.email.as_deref()),
            text(p.phone.as_deref()),
            text(p.title.as_deref()),
            text(p.organization.as_deref()),
            text(p.department.as_deref()),
            text(p.account_id.as_deref()),
            p.group.as_str().into(),
            text(p.category.map(|c| c.as_str())),
            text(Some(&p.tags.join(";"))),
            text(p.relationship_status.map(|r| r.as_str())),
            text(p.owner.as_deref()),
            text(p.source.as_deref()),
            text(p.external_id.as_deref()),
            if p.custom_fields.is_empty() {
                String::new()
            } else {
                Value::Object(p.custom_fields.clone()).to_string()
            },
        ];
        if role.sees_analysis() {
            let q = s.quadrant();
            row.extend([
                a.influence.map(|x| x.to_string()).unwrap_or_default(),
                a.impact.map(|x| x.to_string()).unwrap_or_default(),
                q.as_str().into(),
                text(crate::domain::quadrant::strategy(q).map(|s| s.as_str())),
                a.stance.as_str().into(),
                text(a.stance_reason.as_deref()),
                text(a.decision_role.map(|d| d.as_str())),
                a.veto.to_string(),
                a.segments.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(";"),
                a.confidential.to_string(),
            ]);
        }
        row.extend([s.version.to_string(), crate::time::rfc3339(s.updated_at)]);
        out.write_record(&row).map_err(fail)?;
    }
    let bytes = out.into_inner().map_err(|e| ApiError::internal(e.error()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"stakeholders.csv\""))
        .body(bytes))
}
