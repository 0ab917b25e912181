//! `GET /v1/export/stakeholders.csv`: the register as a spreadsheet.

use actix_web::{get, web, HttpResponse};
use serde_json::Value;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;

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
    use crate::store::stakeholder_list::{Filter, SortField};
    let role = auth.role;
    let sort = vec![crate::pagination::SortKey { field: SortField::Name, descending: false }];
    let people =
        crate::service::stakeholders::list(&state.pool, auth, Filter::default(), sort, None, i64::MAX)
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
