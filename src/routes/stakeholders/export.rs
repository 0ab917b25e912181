//! `GET /v1/export/stakeholders.csv`: the register as a spreadsheet.

use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use futures_util::StreamExt;
use serde_json::Value;

use crate::auth::Auth;
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::heavy::HeavySlot;
use crate::pagination::SortKey;
use crate::state::AppState;
use crate::store::stakeholder_list::{sort_value, After, Filter, SortField};

fn text(v: Option<&str>) -> String {
    crate::domain::anonymize_csv::defuse(v.unwrap_or(""))
}

/// Rows read from the database per page: memory stays flat whatever the workspace's size.
const PAGE: i64 = 500;

/// Every live stakeholder the caller may see as CSV, by name: id, profile fields (`tags`
/// joined with `;`, custom fields as JSON) and, for roles that may see analysis, the
/// analysis columns. Cells starting with `=`, `+`, `-`, `@`, tab or carriage return get a
/// leading `'`. Streamed page by page, each page read in its own transaction: a person
/// renamed during a long export may appear at either place in the name order. A heavy
/// operation: at most 4 run at once per workspace (429 with `Retry-After` beyond).
#[utoipa::path(tag = "sync",
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"),
        (status = 429, description = "Four heavy operations of this workspace are running", headers(("Retry-After" = u64)))),
    security(("bearer" = [])))]
#[get("/export/stakeholders.csv")]
pub async fn export(auth: Auth, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let slot = state.heavy.enter(&auth.workspace_id)?;
    let analysis = auth.role.sees_analysis();
    let mut head = csv::Writer::from_writer(Vec::new());
    head.write_record(header(analysis)).map_err(|e| ApiError::internal(&e))?;
    let head = head.into_inner().map_err(|e| ApiError::internal(e.error()))?;
    // The first page is read before answering, so a failing database is a clean 5xx.
    let first = page(&state, &auth, &slot, None).await?;
    let pages = futures_util::stream::unfold(Some((state, auth, first, slot)), move |progress| async move {
        let (state, auth, rows, slot) = progress?;
        let bytes = match render(&rows, analysis) {
            Ok(bytes) => bytes,
            Err(e) => return Some((Err(e), None)),
        };
        if (rows.len() as i64) < PAGE {
            return Some((Ok(bytes), None));
        }
        let after =
            rows.last().map(|s| After { values: vec![sort_value(SortField::Name, s)], id: s.id.clone() });
        match page(&state, &auth, &slot, after).await {
            Ok(next) => Some((Ok(bytes), Some((state, auth, next, slot)))),
            Err(e) => Some((Err(e), None)),
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, ApiError>(Bytes::from(head)) }).chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"stakeholders.csv\""))
        .streaming(body))
}

async fn page(
    state: &AppState,
    auth: &Auth,
    slot: &HeavySlot,
    after: Option<After>,
) -> Result<Vec<Stakeholder>, ApiError> {
    let _turn = slot.turn().await;
    let sort = vec![SortKey { field: SortField::Name, descending: false }];
    crate::service::stakeholders::list(&state.pool, auth.clone(), Filter::default(), sort, after, PAGE).await
}

fn header(analysis: bool) -> Vec<&'static str> {
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
    if analysis {
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
    header
}

fn render(people: &[Stakeholder], analysis: bool) -> Result<Bytes, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::internal(&e);
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
        if analysis {
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
    Ok(Bytes::from(out.into_inner().map_err(|e| ApiError::internal(e.error()))?))
}
