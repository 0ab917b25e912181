//! One visibility rule on every read path: a confidential person with activity of every
//! kind stays invisible to contributor, viewer, integration and stakeholder tokens in
//! entities, lists, reports, the change feed, webhook payloads, derived fields and
//! conflict answers.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(hidden_people_stay_hidden_on_every_path);

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post(path, token, &body).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Every queued webhook payload of the workspace.
fn payloads(app: &TestApp, ws: &str) -> Vec<String> {
    use stakemap::db::schema::webhook_deliveries as d;
    let mut conn = app.conn();
    d::table.filter(d::workspace_id.eq(ws)).select(d::payload).load(&mut *conn).unwrap()
}

async fn hidden_people_stay_hidden_on_every_path(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let m = app.token(&ws, Role::Manager);
    created(&app, &admin, "/v1/webhooks", json!({"url": "http://127.0.0.1:9/h", "events": ["*"]})).await;

    let vera = created(&app, &m, "/v1/stakeholders", json!({"name": "Vera Open", "group": "external"})).await;
    let zed = created(
        &app,
        &m,
        "/v1/stakeholders",
        json!({"name": "Zed Secret", "group": "external", "confidential": true, "source": "crm",
               "external_id": "zed-1", "influence": 5, "impact": 5}),
    )
    .await;
    let (v, z) = (id(&vera), id(&zed));
    // A person who becomes hidden after being seen.
    let hal = created(&app, &m, "/v1/stakeholders", json!({"name": "Hal Later", "group": "team"})).await;
    let h = id(&hal);
    assert_eq!(
        app.patch(&format!("/v1/stakeholders/{h}"), &m, &json!({"confidential": true})).await.status(),
        200
    );

    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true},
                           {"key": "why", "type": "text", "label": "Why?"}]);
    let form = id(&created(&app, &m, "/v1/forms", json!({"title": "Pulse", "questions": questions})).await);
    let subs = format!("/v1/forms/{form}/submissions");
    let zed_sub = id(&created(
        &app,
        &m,
        &subs,
        json!({"stakeholder_id": z, "answers": {"nps": 0, "why": "zed-answer"}}),
    )
    .await);
    created(&app, &m, &subs, json!({"stakeholder_id": v, "answers": {"nps": 10}})).await;
    let zed_point =
        id(&created(&app, &m, "/v1/feedback-items", json!({"stakeholder_id": z, "summary": "zed-point"}))
            .await);
    let plan = |who: &str| json!({"stakeholder_id": who, "channel": "meeting", "cadence": "monthly", "starts_on": "2026-01-01"});
    let zed_plan = id(&created(&app, &m, "/v1/engagement-plans", plan(&z)).await);
    let vera_plan = id(&created(&app, &m, "/v1/engagement-plans", plan(&v)).await);
    let meeting = |who: Value, what: &str| json!({"stakeholder_ids": who, "kind": "meeting", "occurred_at": "2026-03-02T10:00:00Z", "summary": what});
    let solo = id(&created(&app, &m, "/v1/interactions", meeting(json!([z]), "zed-solo")).await);
    let joint = id(&created(&app, &m, "/v1/interactions", meeting(json!([v, z]), "zed-joint")).await);
    let link =
        id(&created(&app, &m, "/v1/relationships", json!({"from_id": v, "to_id": z, "kind": "conflicts"}))
            .await);
    let secrets = [z.clone(), zed_sub, zed_point, zed_plan, solo, joint, link, "Zed".into(), "zed-".into()];

    // Managers see it all, including the joint meeting as Vera's last contact.
    let seen: Value = app.get(&format!("/v1/engagement-plans/{vera_plan}"), &m).await.json().await.unwrap();
    assert_eq!(seen["last_contact_at"], "2026-03-02T10:00:00Z");
    let schedule = app.get("/v1/schedule?from=2026-01-01&to=2026-12-31", &m).await.text().await.unwrap();
    assert!(schedule.contains("2026-04-02"), "a month after the joint meeting: {schedule}");

    let read_paths = [
        "/v1/stakeholders?include_deleted=true".to_string(),
        "/v1/stakeholders?q=zed".into(),
        format!("/v1/stakeholders/{v}"),
        format!("/v1/stakeholders/{v}/history"),
        "/v1/engagement-plans".into(),
        format!("/v1/engagement-plans/{vera_plan}"),
        "/v1/interactions".into(),
        format!("/v1/interactions?stakeholder_id={v}"),
        "/v1/submissions".into(),
        "/v1/feedback-items".into(),
        "/v1/relationships".into(),
        "/v1/network?format=json".into(),
        "/v1/network?format=mermaid".into(),
        format!("/v1/forms/{form}/report"),
        format!("/v1/forms/{form}/missing"),
        "/v1/changes?limit=500".into(),
        "/v1/dashboard/summary".into(),
        "/v1/dashboard/matrix".into(),
        "/v1/dashboard/risks".into(),
        "/v1/schedule?from=2026-01-01&to=2026-12-31".into(),
        "/v1/engagement-sequence".into(),
        "/v1/export/stakeholders.csv".into(),
        format!("/v1/stakeholders/{z}"),
        format!("/v1/submissions/{}", secrets[1]),
        format!("/v1/feedback-items/{}", secrets[2]),
        format!("/v1/engagement-plans/{}", secrets[3]),
        format!("/v1/interactions/{}", secrets[4]),
    ];
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        let t = app.token(&ws, role);
        for path in &read_paths {
            let res = app.get(path, &t).await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            assert!([200, 403, 404].contains(&status), "{role:?} {path}: {status} {text}");
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{role:?} {path} shows '{secret}': {text}");
            }
        }
        // Derived: Vera's only contact was a meeting with Zed, so none shows.
        if role != Role::Integration {
            let seen: Value =
                app.get(&format!("/v1/engagement-plans/{vera_plan}"), &t).await.json().await.unwrap();
            assert_eq!(seen["last_contact_at"], Value::Null, "{role:?}");
            assert_eq!(seen["next_due_on"], "2026-02-01", "{role:?}: due from starts_on");
            let schedule =
                app.get("/v1/schedule?from=2026-01-01&to=2026-12-31", &t).await.text().await.unwrap();
            assert!(!schedule.contains("2026-04-02"), "{role:?}: the schedule dates from the hidden meeting");
            let report: Value = app.get(&format!("/v1/forms/{form}/report"), &t).await.json().await.unwrap();
            assert_eq!(
                (&report["submitted"], &report["nps"]["score"]),
                (&json!(1), &json!(100.0)),
                "{role:?}"
            );
            assert_eq!(report["expected"], 1, "{role:?}: only Vera is expected");
        }
        // The feed: Hal's hiding reads as a delete, after which nothing of Hal shows.
        let feed: Value = app.get("/v1/changes?limit=500", &t).await.json().await.unwrap();
        let hal_ops: Vec<&str> = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == json!(h))
            .map(|c| c["op"].as_str().unwrap())
            .collect();
        assert_eq!(hal_ops, ["delete"], "{role:?}");
        // Conflicts on Zed's CRM key name nobody, and If-None-Match cannot confirm it.
        if role != Role::Viewer {
            let taken = app
                .request(Method::PUT, "/v1/stakeholders/by-external-id/crm/zed-1", &t)
                .header("If-None-Match", "*")
                .json(&json!({"name": "Probe", "group": "external"}))
                .send()
                .await
                .unwrap();
            let problem = assert_problem(taken, 409).await;
            assert!(problem.get("existing_id").is_none() && !problem.to_string().contains(&z), "{problem}");
            let res = app
                .post(
                    "/v1/stakeholders",
                    &t,
                    &json!({"name": "P", "group": "team", "source": "crm", "external_id": "zed-1"}),
                )
                .await;
            let problem = assert_problem(res, 409).await;
            assert!(!problem.to_string().contains(&z), "{problem}");
        }
    }
    // Managers still learn whose key it is.
    let res = app
        .post(
            "/v1/stakeholders",
            &m,
            &json!({"name": "P", "group": "team", "source": "crm", "external_id": "zed-1"}),
        )
        .await;
    assert_eq!(assert_problem(res, 409).await["existing_id"], json!(z));

    // A stakeholder (Vera) sees only her own.
    let own = &app.link_token(&m, &v).await;
    for path in ["/v1/me", "/v1/me/forms", "/v1/me/feedback", "/v1/submissions"] {
        let res = app.get(path, own).await;
        assert_eq!(res.status(), 200, "{path}");
        let text = res.text().await.unwrap();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "stakeholder {path} shows '{secret}'");
        }
        for internal in ["submitted_by", "owner", "source", "external_id", "tags", "custom_fields"] {
            assert!(!text.contains(&format!("\"{internal}\"")), "stakeholder {path} shows '{internal}'");
        }
    }
    assert_problem(app.get(&format!("/v1/submissions/{}", secrets[1]), own).await, 404).await;

    // Webhooks see what the integration role sees: nothing of Zed, no relationship, no
    // analysis; Hal's hiding is a delete without a record.
    let queued = payloads(&app, &ws);
    assert!(queued.len() >= 4, "events were queued: {}", queued.len());
    for p in &queued {
        for secret in &secrets {
            assert!(!p.contains(secret.as_str()), "a webhook payload shows '{secret}': {p}");
        }
        assert!(!p.contains("\"influence\"") && !p.contains("relationship."), "{p}");
    }
    let hal_events: Vec<Value> = queued
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["data"]["id"] == json!(h))
        .collect();
    let names: Vec<&str> = hal_events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(names, ["stakeholder.created", "stakeholder.deleted"]);
    assert_eq!(hal_events[1]["data"]["record"], Value::Null);
}
