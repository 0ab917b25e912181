//! Role × operation, generated from the permission table: every operation the table lists,
//! called by every role. An allowed call succeeds; any other is 403 (or 404) and writes
//! nothing. A new operation needs a sample request here, or this test fails.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::access::{Permission, PERMISSIONS};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(every_operation_for_every_role);

/// Records every sample call needs, made by an admin before the role's turn.
struct Fixtures {
    person: String,
    other: String,
    victim: String,
    account: String,
    account_victim: String,
    contract: String,
    contract_victim: String,
    relationship_victim: String,
    form: String,
    submission: String,
    point: String,
    plan: String,
    plan_victim: String,
    interaction: String,
    interaction_victim: String,
    webhook: String,
    webhook_victim: String,
    key_victim: String,
    /// Made under the sub of the role's token (a link is revoked by its maker or an admin).
    calendar_victim: String,
    merge_victim: String,
    link_victim: String,
}

async fn id_of(app: &TestApp, token: &str, path: &str, body: Value) -> String {
    let res = app.post(path, token, &body).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "fixture {path}: {status} {body}");
    body["id"].as_str().unwrap().to_string()
}

fn previous_month() -> String {
    let today = chrono::Utc::now().date_naive();
    let first = today - chrono::Duration::days(today.format("%d").to_string().parse::<i64>().unwrap());
    first.format("%Y-%m").to_string()
}

async fn fixtures(app: &TestApp, ws: &str, admin: &str, role: Role) -> Fixtures {
    let person = |name: &str| json!({"name": name, "group": "external"});
    let p = id_of(app, admin, "/v1/stakeholders", person("Ann")).await;
    let other = id_of(app, admin, "/v1/stakeholders", person("Bo")).await;
    let victim = id_of(app, admin, "/v1/stakeholders", person("Cy")).await;
    let account = id_of(app, admin, "/v1/accounts", json!({"name": "Globex"})).await;
    let account_victim = id_of(app, admin, "/v1/accounts", json!({"name": "Initech"})).await;
    let contract_body =
        json!({"title": "Pilot", "value_minor": 100, "currency": "EUR", "start_date": "2026-01-01"});
    let contracts = format!("/v1/accounts/{account}/contracts");
    let contract = id_of(app, admin, &contracts, contract_body.clone()).await;
    let contract_victim = id_of(app, admin, &contracts, contract_body).await;
    let relationship_victim =
        id_of(app, admin, "/v1/relationships", json!({"from_id": p, "to_id": other, "kind": "collaborates"}))
            .await;
    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]);
    let form = id_of(
        app,
        admin,
        "/v1/forms",
        json!({"title": "Pulse", "audience": {"stakeholder_ids": [p]}, "questions": questions}),
    )
    .await;
    let submission = id_of(
        app,
        admin,
        &format!("/v1/forms/{form}/submissions"),
        json!({"stakeholder_id": p, "period": previous_month(), "answers": {"nps": 7}}),
    )
    .await;
    let point =
        id_of(app, admin, "/v1/feedback-items", json!({"stakeholder_id": p, "summary": "Faster"})).await;
    let plan_body = json!({"stakeholder_id": p, "channel": "meeting", "cadence": "monthly"});
    let plan = id_of(app, admin, "/v1/engagement-plans", plan_body.clone()).await;
    let plan_victim = id_of(app, admin, "/v1/engagement-plans", plan_body).await;
    let met = json!({"stakeholder_ids": [p], "kind": "meeting", "occurred_at": "2026-01-05T10:00:00Z", "summary": "Met"});
    let interaction = id_of(app, admin, "/v1/interactions", met.clone()).await;
    let interaction_victim = id_of(app, admin, "/v1/interactions", met).await;
    let hook = json!({"url": "http://127.0.0.1:9/hook", "events": ["stakeholder.created"]});
    let webhook = id_of(app, admin, "/v1/webhooks", hook.clone()).await;
    let webhook_victim = id_of(app, admin, "/v1/webhooks", hook).await;
    let key_victim = id_of(app, admin, "/v1/api-keys", json!({"name": "old", "role": "viewer"})).await;
    let maker = app.keys.issue(&format!("as-{}", role.as_str()), ws, Role::Manager, None, 600);
    let calendar_victim = id_of(app, &maker, "/v1/calendar-links", json!({})).await;
    let merge_victim = id_of(app, admin, "/v1/stakeholders", person("Ann again")).await;
    let link_victim = id_of(app, admin, &format!("/v1/stakeholders/{p}/access-links"), json!({})).await;
    Fixtures {
        person: p,
        other,
        victim,
        account,
        account_victim,
        contract,
        contract_victim,
        relationship_victim,
        form,
        submission,
        point,
        plan,
        plan_victim,
        interaction,
        interaction_victim,
        webhook,
        webhook_victim,
        key_victim,
        calendar_victim,
        merge_victim,
        link_victim,
    }
}

/// The concrete request for one operation: path, body (JSON or CSV).
enum Body {
    None,
    Json(Value),
    Csv(&'static str),
}

fn sample(p: &Permission, f: &Fixtures, role: Role) -> (String, Body) {
    use Body::{Csv, Json, None as Empty};
    let tag = role.as_str();
    let person = &f.person;
    let ext_person = json!({"name": "Ext", "group": "external"});
    let (path, body) = match (p.method, p.path) {
        ("GET", "/v1/stakeholders") => ("/v1/stakeholders".into(), Empty),
        ("POST", "/v1/stakeholders") => {
            ("/v1/stakeholders".into(), Json(json!({"name": "New", "group": "team"})))
        }
        ("GET", "/v1/stakeholders/{id}") => (format!("/v1/stakeholders/{person}"), Empty),
        ("PATCH", "/v1/stakeholders/{id}") => {
            (format!("/v1/stakeholders/{person}"), Json(json!({"title": tag})))
        }
        ("DELETE", "/v1/stakeholders/{id}") => (format!("/v1/stakeholders/{}", f.victim), Empty),
        ("POST", "/v1/stakeholders/{id}/restore") => {
            (format!("/v1/stakeholders/{}/restore", f.victim), Empty)
        }
        ("GET", "/v1/duplicates") => ("/v1/duplicates".into(), Empty),
        ("POST", "/v1/duplicates/dismiss") => {
            ("/v1/duplicates/dismiss".into(), Json(json!({"a_id": person, "b_id": f.other})))
        }
        ("POST", "/v1/stakeholders/{id}/merge") => {
            (format!("/v1/stakeholders/{person}/merge"), Json(json!({"from_id": f.merge_victim})))
        }
        ("GET", "/v1/stakeholders/{id}/history") => (format!("/v1/stakeholders/{person}/history"), Empty),
        ("POST", "/v1/stakeholders/{id}/access-links") => {
            (format!("/v1/stakeholders/{person}/access-links"), Json(json!({})))
        }
        ("GET", "/v1/stakeholders/{id}/access-links") => {
            (format!("/v1/stakeholders/{person}/access-links"), Empty)
        }
        ("DELETE", "/v1/access-links/{id}") => (format!("/v1/access-links/{}", f.link_victim), Empty),
        ("PUT", "/v1/stakeholders/by-external-id/{source}/{external_id}") => {
            (format!("/v1/stakeholders/by-external-id/crm/{tag}"), Json(ext_person))
        }
        ("POST", "/v1/stakeholders/batch") => (
            "/v1/stakeholders/batch".into(),
            Json(
                json!({"mode": "upsert", "items": [{"source": "crm", "external_id": format!("b-{tag}"), "name": "B", "group": "external"}]}),
            ),
        ),
        ("POST", "/v1/import/stakeholders") => {
            ("/v1/import/stakeholders".into(), Csv("name,group,source,external_id\nImp,external,csv,i-1\n"))
        }
        ("GET", "/v1/export/stakeholders.csv") => ("/v1/export/stakeholders.csv".into(), Empty),
        ("GET", "/v1/export/anonymized") => ("/v1/export/anonymized".into(), Empty),
        ("GET", "/v1/relationships") => ("/v1/relationships".into(), Empty),
        ("POST", "/v1/relationships") => (
            "/v1/relationships".into(),
            Json(json!({"from_id": f.other, "to_id": person, "kind": "influences"})),
        ),
        ("GET", "/v1/relationships/{id}") => (format!("/v1/relationships/{}", f.relationship_victim), Empty),
        ("DELETE", "/v1/relationships/{id}") => {
            (format!("/v1/relationships/{}", f.relationship_victim), Empty)
        }
        ("POST", "/v1/relationships/{id}/restore") => {
            (format!("/v1/relationships/{}/restore", f.relationship_victim), Empty)
        }
        ("GET", "/v1/network") => ("/v1/network".into(), Empty),
        ("GET", "/v1/accounts") => ("/v1/accounts".into(), Empty),
        ("POST", "/v1/accounts") => ("/v1/accounts".into(), Json(json!({"name": "Acme"}))),
        ("GET", "/v1/accounts/{id}") => (format!("/v1/accounts/{}", f.account), Empty),
        ("PATCH", "/v1/accounts/{id}") => {
            (format!("/v1/accounts/{}", f.account), Json(json!({"industry": tag})))
        }
        ("DELETE", "/v1/accounts/{id}") => (format!("/v1/accounts/{}", f.account_victim), Empty),
        ("POST", "/v1/accounts/{id}/restore") => {
            (format!("/v1/accounts/{}/restore", f.account_victim), Empty)
        }
        ("PUT", "/v1/accounts/by-external-id/{source}/{external_id}") => {
            (format!("/v1/accounts/by-external-id/crm/{tag}"), Json(json!({"name": "Ext"})))
        }
        ("GET", "/v1/accounts/{id}/map") => (format!("/v1/accounts/{}/map", f.account), Empty),
        ("GET", "/v1/accounts/{id}/contracts") => (format!("/v1/accounts/{}/contracts", f.account), Empty),
        ("POST", "/v1/accounts/{id}/contracts") => (
            format!("/v1/accounts/{}/contracts", f.account),
            Json(json!({"title": "More", "value_minor": 5, "currency": "EUR", "start_date": "2026-02-01"})),
        ),
        ("GET", "/v1/contracts/{id}") => (format!("/v1/contracts/{}", f.contract), Empty),
        ("PATCH", "/v1/contracts/{id}") => {
            (format!("/v1/contracts/{}", f.contract), Json(json!({"title": tag})))
        }
        ("DELETE", "/v1/contracts/{id}") => (format!("/v1/contracts/{}", f.contract_victim), Empty),
        ("POST", "/v1/contracts/{id}/restore") => {
            (format!("/v1/contracts/{}/restore", f.contract_victim), Empty)
        }
        ("GET", "/v1/forms") => ("/v1/forms".into(), Empty),
        ("POST", "/v1/forms") => (
            "/v1/forms".into(),
            Json(json!({"title": "T", "questions": [{"key": "q", "type": "text", "label": "Q"}]})),
        ),
        ("GET", "/v1/forms/{id}") => (format!("/v1/forms/{}", f.form), Empty),
        ("PATCH", "/v1/forms/{id}") => (format!("/v1/forms/{}", f.form), Json(json!({"title": tag}))),
        ("POST", "/v1/forms/{id}/versions") => (
            format!("/v1/forms/{}/versions", f.form),
            Json(
                json!({"questions": [{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]}),
            ),
        ),
        ("GET", "/v1/forms/{id}/report") => (format!("/v1/forms/{}/report", f.form), Empty),
        ("GET", "/v1/forms/{id}/missing") => (format!("/v1/forms/{}/missing", f.form), Empty),
        ("POST", "/v1/forms/{id}/periods/{period}/close") => {
            (format!("/v1/forms/{}/periods/2020-01/close", f.form), Empty)
        }
        ("POST", "/v1/forms/{id}/periods/{period}/reminders") => {
            (format!("/v1/forms/{}/periods/2020-02/reminders", f.form), Empty)
        }
        ("POST", "/v1/forms/{id}/submissions") => {
            let body = match role {
                Role::Stakeholder => json!({"answers": {"nps": 9}}),
                _ => json!({"stakeholder_id": person, "answers": {"nps": 9}}),
            };
            (format!("/v1/forms/{}/submissions", f.form), Json(body))
        }
        ("GET", "/v1/submissions") => ("/v1/submissions".into(), Empty),
        ("GET", "/v1/submissions/{id}") => (format!("/v1/submissions/{}", f.submission), Empty),
        ("PUT", "/v1/submissions/{id}") => {
            (format!("/v1/submissions/{}", f.submission), Json(json!({"answers": {"nps": 10}})))
        }
        ("GET", "/v1/feedback-items") => ("/v1/feedback-items".into(), Empty),
        ("POST", "/v1/feedback-items") => {
            ("/v1/feedback-items".into(), Json(json!({"stakeholder_id": person, "summary": tag})))
        }
        ("GET", "/v1/feedback-items/{id}") => (format!("/v1/feedback-items/{}", f.point), Empty),
        ("PATCH", "/v1/feedback-items/{id}") => {
            (format!("/v1/feedback-items/{}", f.point), Json(json!({"status": "planned"})))
        }
        ("GET", path @ ("/v1/me" | "/v1/me/forms" | "/v1/me/feedback")) => (path.into(), Empty),
        ("GET", "/v1/me/forms/{id}") => (format!("/v1/me/forms/{}", f.form), Empty),
        ("GET", "/v1/engagement-plans") => ("/v1/engagement-plans".into(), Empty),
        ("POST", "/v1/engagement-plans") => (
            "/v1/engagement-plans".into(),
            Json(json!({"stakeholder_id": person, "channel": "call", "cadence": "weekly"})),
        ),
        ("GET", "/v1/engagement-plans/{id}") => (format!("/v1/engagement-plans/{}", f.plan), Empty),
        ("PATCH", "/v1/engagement-plans/{id}") => {
            (format!("/v1/engagement-plans/{}", f.plan), Json(json!({"owner": tag})))
        }
        ("DELETE", "/v1/engagement-plans/{id}") => (format!("/v1/engagement-plans/{}", f.plan_victim), Empty),
        ("POST", "/v1/engagement-plans/{id}/restore") => {
            (format!("/v1/engagement-plans/{}/restore", f.plan_victim), Empty)
        }
        ("GET", "/v1/interactions") => ("/v1/interactions".into(), Empty),
        ("POST", "/v1/interactions") => (
            "/v1/interactions".into(),
            Json(
                json!({"stakeholder_ids": [person], "kind": "call", "occurred_at": "2026-01-06T10:00:00Z", "summary": "Call"}),
            ),
        ),
        ("GET", "/v1/interactions/{id}") => (format!("/v1/interactions/{}", f.interaction), Empty),
        ("PATCH", "/v1/interactions/{id}") => {
            (format!("/v1/interactions/{}", f.interaction), Json(json!({"summary": tag})))
        }
        ("DELETE", "/v1/interactions/{id}") => (format!("/v1/interactions/{}", f.interaction_victim), Empty),
        ("POST", "/v1/interactions/{id}/restore") => {
            (format!("/v1/interactions/{}/restore", f.interaction_victim), Empty)
        }
        ("GET", path @ ("/v1/schedule" | "/v1/schedule.ics" | "/v1/engagement-sequence" | "/v1/changes")) => {
            (path.into(), Empty)
        }
        ("GET", "/v1/calendar-links") => ("/v1/calendar-links".into(), Empty),
        ("POST", "/v1/calendar-links") => ("/v1/calendar-links".into(), Json(json!({"owner": tag}))),
        ("DELETE", "/v1/calendar-links/{id}") => (format!("/v1/calendar-links/{}", f.calendar_victim), Empty),
        ("GET", "/v1/api-keys") => ("/v1/api-keys".into(), Empty),
        ("POST", "/v1/api-keys") => ("/v1/api-keys".into(), Json(json!({"name": tag, "role": "viewer"}))),
        ("DELETE", "/v1/api-keys/{id}") => (format!("/v1/api-keys/{}", f.key_victim), Empty),
        ("GET", "/v1/webhooks") => ("/v1/webhooks".into(), Empty),
        ("POST", "/v1/webhooks") => (
            "/v1/webhooks".into(),
            Json(json!({"url": "http://127.0.0.1:9/new", "events": ["submission.created"]})),
        ),
        ("GET", "/v1/webhooks/{id}") => (format!("/v1/webhooks/{}", f.webhook), Empty),
        ("PATCH", "/v1/webhooks/{id}") => {
            (format!("/v1/webhooks/{}", f.webhook), Json(json!({"active": false})))
        }
        ("DELETE", "/v1/webhooks/{id}") => (format!("/v1/webhooks/{}", f.webhook_victim), Empty),
        ("GET", "/v1/webhooks/{id}/deliveries") => (format!("/v1/webhooks/{}/deliveries", f.webhook), Empty),
        ("GET", "/v1/dashboard/feedback") => (format!("/v1/dashboard/feedback?form_id={}", f.form), Empty),
        ("GET", path) if path.starts_with("/v1/dashboard/") => (path.into(), Empty),
        (method, path) => {
            panic!("no sample request for {method} {path}: add one to tests/api/permissions.rs")
        }
    };
    (path, body)
}

/// Row counts and version sums of every table of the workspace: any write moves one.
fn fingerprint(app: &TestApp, ws: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let tables = [
        "stakeholders",
        "stakeholder_tags",
        "accounts",
        "contracts",
        "relationships",
        "stakeholder_history",
        "forms",
        "form_versions",
        "submissions",
        "feedback_items",
        "form_period_closures",
        "form_reminders",
        "engagement_plans",
        "interactions",
        "interaction_stakeholders",
        "changes",
        "webhooks",
        "webhook_deliveries",
        "api_keys",
        "calendar_links",
        "duplicate_dismissals",
        "access_links",
    ];
    for table in tables {
        out.push(app.count(table, ws));
    }
    for table in [
        "stakeholders",
        "accounts",
        "contracts",
        "relationships",
        "forms",
        "submissions",
        "feedback_items",
        "engagement_plans",
        "interactions",
        "webhooks",
    ] {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS n FROM {table} WHERE workspace_id = '{ws}'"
        );
        out.push(app.number(&sql));
    }
    for table in ["api_keys", "access_links"] {
        let sql = format!("SELECT COUNT(revoked_at) AS n FROM {table} WHERE workspace_id = '{ws}'");
        out.push(app.number(&sql));
    }
    out
}

async fn call(app: &TestApp, p: &Permission, token: &str, path: &str, body: Body) -> reqwest::Response {
    let method = Method::from_bytes(p.method.as_bytes()).unwrap();
    let req = app.request(method, path, token);
    let req = match body {
        Body::None => req,
        Body::Json(v) => req.json(&v),
        Body::Csv(text) => req.header("content-type", "text/csv").body(text),
    };
    req.send().await.unwrap()
}

async fn every_operation_for_every_role(app: TestApp) {
    for role in Role::ALL {
        // A workspace per role, so each role's writes start from the same records.
        let ws = app.workspace(&format!("Roles {}", role.as_str()));
        let admin = app.token(&ws, Role::Admin);
        let f = fixtures(&app, &ws, &admin, role).await;
        let token = app.keys.issue(&format!("as-{}", role.as_str()), &ws, role, Some(&f.person), 600);
        let token = match role {
            Role::Stakeholder => token,
            _ => app.keys.issue(&format!("as-{}", role.as_str()), &ws, role, None, 600),
        };
        for p in PERMISSIONS {
            let (path, body) = sample(p, &f, role);
            let before = fingerprint(&app, &ws);
            let res = call(&app, p, &token, &path, body).await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            if p.allows(role) {
                assert!(
                    (200..300).contains(&status),
                    "{role:?} {} {path}: allowed but {status} {text}",
                    p.method
                );
            } else {
                assert!(
                    status == 403 || status == 404,
                    "{role:?} {} {path}: refused roles get 403/404, got {status} {text}",
                    p.method
                );
                assert_eq!(
                    fingerprint(&app, &ws),
                    before,
                    "{role:?} {} {path}: a refused call wrote",
                    p.method
                );
            }
        }
    }
}
