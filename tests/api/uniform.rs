//! The same behaviour on every resource: an `ETag` on every answer that is one versioned
//! resource, 304 on every single-resource GET, strict query strings.

use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(
    every_resource_answers_if_none_match,
    query_strings_are_strict,
    fields_select_what_a_screen_shows
);

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> (String, String) {
    let res = app.post(path, token, &body).await;
    assert_eq!(res.status(), 201, "{path}");
    let tag = res
        .headers()
        .get(ETAG)
        .unwrap_or_else(|| panic!("{path}: no ETag on 201"))
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = res.json().await.unwrap();
    assert_eq!(tag, format!("\"{}\"", body["version"]), "{path}");
    (body["id"].as_str().unwrap().to_string(), tag)
}

async fn every_resource_answers_if_none_match(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let (person, _) =
        created(&app, &admin, "/v1/stakeholders", json!({"name": "Ann", "group": "external"})).await;
    let (other, _) =
        created(&app, &admin, "/v1/stakeholders", json!({"name": "Bo", "group": "external"})).await;
    let (account, _) = created(&app, &admin, "/v1/accounts", json!({"name": "Globex"})).await;
    let contract =
        json!({"title": "Pilot", "value_minor": 100, "currency": "EUR", "start_date": "2026-01-01"});
    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]);
    let form_body =
        json!({"title": "Pulse", "audience": {"stakeholder_ids": [person]}, "questions": questions});
    let (form, _) = created(&app, &admin, "/v1/forms", form_body).await;
    let resources = [
        ("stakeholders", person.clone()),
        ("accounts", account.clone()),
        ("contracts", created(&app, &admin, &format!("/v1/accounts/{account}/contracts"), contract).await.0),
        (
            "relationships",
            created(&app, &admin, "/v1/relationships", json!({"from_id": person, "to_id": other, "kind": "influences"})).await.0,
        ),
        ("forms", form.clone()),
        (
            "submissions",
            created(
                &app,
                &admin,
                &format!("/v1/forms/{form}/submissions"),
                json!({"stakeholder_id": person, "answers": {"nps": 9}}),
            )
            .await
            .0,
        ),
        (
            "feedback-items",
            created(&app, &admin, "/v1/feedback-items", json!({"stakeholder_id": person, "summary": "Faster"})).await.0,
        ),
        (
            "engagement-plans",
            created(&app, &admin, "/v1/engagement-plans", json!({"stakeholder_id": person, "channel": "call", "cadence": "weekly"}))
                .await
                .0,
        ),
        (
            "interactions",
            created(
                &app,
                &admin,
                "/v1/interactions",
                json!({"stakeholder_ids": [person], "kind": "call", "occurred_at": "2026-01-06T10:00:00Z", "summary": "Call"}),
            )
            .await
            .0,
        ),
        (
            "webhooks",
            created(&app, &admin, "/v1/webhooks", json!({"url": "http://127.0.0.1:9/h", "events": ["*"], "active": false})).await.0,
        ),
    ];
    for (kind, id) in resources {
        let path = format!("/v1/{kind}/{id}");
        let res = app.get(&path, &admin).await;
        assert_eq!(res.status(), 200, "{path}");
        let tag = res.headers().get(ETAG).unwrap_or_else(|| panic!("{path}: no ETag")).clone();
        let body: Value = res.json().await.unwrap();
        assert_eq!(tag.to_str().unwrap(), format!("\"{}\"", body["version"]), "{path}");
        let res = app
            .request(reqwest::Method::GET, &path, &admin)
            .header(IF_NONE_MATCH, tag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{path}");
        assert_eq!(res.headers().get(ETAG), Some(&tag));
        assert!(res.text().await.unwrap().is_empty());
        let stale = app
            .request(reqwest::Method::GET, &path, &admin)
            .header(IF_NONE_MATCH, "\"999\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 200, "{path}: another version is sent whole");
        // Another workspace's token still sees nothing, conditional or not.
        let stranger = app.token(&app.workspace(&format!("Other {kind}")), Role::Admin);
        let res = app
            .request(reqwest::Method::GET, &path, &stranger)
            .header(IF_NONE_MATCH, tag)
            .send()
            .await
            .unwrap();
        assert_problem(res, 404).await;
    }
}

async fn query_strings_are_strict(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external", "stance": "advocate"})).await;
    // A misspelt filter no longer returns everyone.
    let problem = assert_problem(app.get("/v1/stakeholders?stanse=critic", &admin).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("unknown query parameter 'stanse'"), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("stance"), "names what it takes: {problem}");
    let problem =
        assert_problem(app.get("/v1/stakeholders?stance=critic&stance=advocate", &admin).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("given twice"), "{problem}");
    for path in
        ["/v1/accounts?nmae=x", "/v1/feedback-items?stat=open", "/v1/dashboard/summary?x=1", "/v1/me?y=2"]
    {
        assert_problem(app.get(path, &admin).await, 400).await;
    }
    // Writes too; and the documented ones still work.
    let res = app.post("/v1/stakeholders?dry=1", &admin, &json!({"name": "Bo", "group": "team"})).await;
    assert_problem(res, 400).await;
    assert_eq!(app.stakeholder_rows(&ws), 1, "nothing written");
    let ok: Value = app.get("/v1/stakeholders?stance=advocate&limit=5", &admin).await.json().await.unwrap();
    assert_eq!(ok["items"].as_array().unwrap().len(), 1);
}

async fn fields_select_what_a_screen_shows(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let ann = app
        .create_stakeholder(
            &admin,
            json!({"name": "Ann", "group": "external", "stance": "critic", "email": "ann@example.com"}),
        )
        .await;
    let id = ann["id"].as_str().unwrap();
    let page: Value =
        app.get("/v1/stakeholders?fields=name,group,stance", &admin).await.json().await.unwrap();
    assert_eq!(page["items"], json!([{"id": id, "name": "Ann", "group": "external", "stance": "critic"}]));
    assert!(page.get("next_cursor").is_some(), "the page itself keeps its shape");
    let one: Value =
        app.get(&format!("/v1/stakeholders/{id}?fields=email"), &admin).await.json().await.unwrap();
    assert_eq!(one, json!({"id": id, "email": "ann@example.com"}));
    let accounts = app.post("/v1/accounts", &admin, &json!({"name": "Globex", "industry": "Retail"})).await;
    assert_eq!(accounts.status(), 201);
    let listed: Value = app.get("/v1/accounts?fields=name", &admin).await.json().await.unwrap();
    assert_eq!(listed["items"][0].as_object().unwrap().len(), 2);
    // An unknown field, or one the role may not see, is 400 naming it.
    let problem = assert_problem(app.get("/v1/stakeholders?fields=name,shoe_size", &admin).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("shoe_size"), "{problem}");
    let crm = app.token(&ws, Role::Integration);
    let problem = assert_problem(app.get("/v1/stakeholders?fields=name,stance", &crm).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("stance"), "{problem}");
    let mine: Value = app.get("/v1/stakeholders?fields=name", &crm).await.json().await.unwrap();
    assert_eq!(mine["items"], json!([{"id": id, "name": "Ann"}]));
}
