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
    fields_select_what_a_screen_shows,
    comma_lists_and_ids,
    rows_carry_their_people,
    duplicate_submission_names_the_first,
    document_nullability_is_the_servers
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

async fn comma_lists_and_ids(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let mut ids = vec![];
    for (name, stance) in [("Ann", "critic"), ("Bo", "advocate"), ("Cy", "neutral")] {
        let s = app
            .create_stakeholder(&admin, json!({"name": name, "group": "external", "stance": stance}))
            .await;
        ids.push(s["id"].as_str().unwrap().to_string());
    }
    let names = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
    };
    let page: Value = app.get("/v1/stakeholders?stance=critic,advocate", &admin).await.json().await.unwrap();
    assert_eq!(names(&page), ["Ann", "Bo"]);
    let page: Value =
        app.get(&format!("/v1/stakeholders?ids={},{}", ids[2], ids[0]), &admin).await.json().await.unwrap();
    assert_eq!(names(&page), ["Ann", "Cy"]);
    assert_problem(app.get("/v1/stakeholders?stance=critic,grumpy", &admin).await, 422).await;
    assert_problem(app.get("/v1/stakeholders?ids=not-a-uuid", &admin).await, 422).await;
    // Hidden people stay hidden when asked for by id.
    let secret =
        app.create_stakeholder(&admin, json!({"name": "Dee", "group": "team", "confidential": true})).await;
    let viewer = app.token(&ws, Role::Viewer);
    let page: Value = app
        .get(&format!("/v1/stakeholders?ids={},{}", secret["id"].as_str().unwrap(), ids[1]), &viewer)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(&page), ["Bo"]);

    // The same on every enumerated filter.
    for (summary, status) in [("One", "open"), ("Two", "planned"), ("Three", "done")] {
        let point: Value = app
            .post("/v1/feedback-items", &admin, &json!({"stakeholder_id": ids[0], "summary": summary}))
            .await
            .json()
            .await
            .unwrap();
        if status != "open" {
            let path = format!("/v1/feedback-items/{}", point["id"].as_str().unwrap());
            let body = json!({"status": status, "response": "Handled"});
            assert_eq!(app.patch(&path, &admin, &body).await.status(), 200);
        }
    }
    let points: Value = app.get("/v1/feedback-items?status=open,planned", &admin).await.json().await.unwrap();
    assert_eq!(points["items"].as_array().unwrap().len(), 2);
    for (kind, summary) in [("call", "A"), ("meeting", "B"), ("email", "C")] {
        let body = json!({"stakeholder_ids": [ids[1]], "kind": kind, "occurred_at": "2026-01-06T10:00:00Z", "summary": summary});
        assert_eq!(app.post("/v1/interactions", &admin, &body).await.status(), 201);
    }
    let met: Value = app.get("/v1/interactions?kind=call,meeting", &admin).await.json().await.unwrap();
    assert_eq!(met["items"].as_array().unwrap().len(), 2);
    for (to, kind) in [(&ids[1], "conflicts"), (&ids[2], "reports_to")] {
        let body = json!({"from_id": ids[0], "to_id": to, "kind": kind});
        assert_eq!(app.post("/v1/relationships", &admin, &body).await.status(), 201);
    }
    let links: Value =
        app.get("/v1/relationships?kind=conflicts,influences", &admin).await.json().await.unwrap();
    assert_eq!(links["items"].as_array().unwrap().len(), 1);
    let plans: Value =
        app.get("/v1/engagement-plans?status=overdue,due_soon,on_track", &admin).await.json().await.unwrap();
    assert_eq!(plans["items"], json!([]));
    for path in ["/v1/accounts?status=active,churned", "/v1/forms?status=open,archived"] {
        assert_eq!(app.get(path, &admin).await.status(), 200, "{path}");
    }
    assert_problem(app.get("/v1/interactions?kind=call,", &admin).await, 422).await;

    // ids= on every collection of records people point at.
    let plan = json!({"stakeholder_id": ids[0], "channel": "call", "cadence": "weekly"});
    assert_eq!(app.post("/v1/engagement-plans", &admin, &plan).await.status(), 201);
    for path in
        ["/v1/feedback-items", "/v1/interactions", "/v1/accounts", "/v1/engagement-plans", "/v1/submissions"]
    {
        if path == "/v1/accounts" {
            for name in ["Globex", "Initech"] {
                assert_eq!(app.post(path, &admin, &json!({"name": name})).await.status(), 201);
            }
        }
        let all: Value = app.get(path, &admin).await.json().await.unwrap();
        assert!(all["items"].is_array(), "{path}: {all}");
        assert_problem(app.get(&format!("{path}?ids=nope"), &admin).await, 422).await;
        let ids: Vec<&str> =
            all["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
        if ids.is_empty() {
            continue;
        }
        let some: Value = app
            .get(&format!("{path}?ids={}", ids.iter().take(1).cloned().collect::<Vec<_>>().join(",")), &admin)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(some["items"].as_array().unwrap().len(), 1, "{path}");
        assert_eq!(some["items"][0]["id"], ids[0], "{path}");
    }
}

async fn rows_carry_their_people(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let ann = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    let dee =
        app.create_stakeholder(&admin, json!({"name": "Dee", "group": "team", "confidential": true})).await;
    let (ann, dee) = (ann["id"].as_str().unwrap(), dee["id"].as_str().unwrap());
    let plan = json!({"stakeholder_id": ann, "channel": "call", "cadence": "weekly"});
    assert_eq!(app.post("/v1/engagement-plans", &admin, &plan).await.status(), 201);
    let point = json!({"stakeholder_id": ann, "summary": "Faster"});
    assert_eq!(app.post("/v1/feedback-items", &admin, &point).await.status(), 201);
    let met = json!({"stakeholder_ids": [ann, dee], "kind": "meeting", "occurred_at": "2026-01-06T10:00:00Z", "summary": "Met"});
    assert_eq!(app.post("/v1/interactions", &admin, &met).await.status(), 201);
    let link = json!({"from_id": ann, "to_id": dee, "kind": "reports_to"});
    assert_eq!(app.post("/v1/relationships", &admin, &link).await.status(), 201);
    let ann_ref = json!({"id": ann, "name": "Ann"});
    for path in ["/v1/engagement-plans", "/v1/feedback-items"] {
        let page: Value = app.get(path, &admin).await.json().await.unwrap();
        assert_eq!(page["items"][0]["stakeholder"], ann_ref, "{path}");
    }
    let page: Value = app.get("/v1/interactions", &admin).await.json().await.unwrap();
    assert_eq!(page["items"][0]["stakeholders"], json!([ann_ref, {"id": dee, "name": "Dee"}]));
    let page: Value = app.get("/v1/relationships", &admin).await.json().await.unwrap();
    assert_eq!(
        (&page["items"][0]["from"]["name"], &page["items"][0]["to"]["name"]),
        (&json!("Ann"), &json!("Dee"))
    );
    // Risk rows too: an overdue plan names its person.
    {
        use diesel::prelude::*;
        use stakemap::db::schema::engagement_plans as p;
        let mut conn = app.conn();
        diesel::update(p::table.filter(p::workspace_id.eq(&ws)))
            .set(p::next_due_on.eq("2020-01-01"))
            .execute(&mut *conn)
            .unwrap();
    }
    let risks: Value = app.get("/v1/dashboard/risks", &admin).await.json().await.unwrap();
    assert_eq!(risks["overdue_plans"]["items"][0]["stakeholder"], ann_ref, "{risks}");
    // A viewer sees nothing tied to the confidential person, summaries included.
    let viewer = app.token(&ws, Role::Viewer);
    for path in ["/v1/interactions", "/v1/relationships", "/v1/engagement-plans", "/v1/feedback-items"] {
        let text = app.get(path, &viewer).await.text().await.unwrap();
        assert!(!text.contains("Dee") && !text.contains(dee), "{path}: {text}");
    }
}

/// A second submission for the month is 409 naming the first in `existing_id`.
async fn duplicate_submission_names_the_first(app: TestApp) {
    let ws = app.workspace("Forms");
    let admin = app.token(&ws, Role::Admin);
    let ann = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]);
    let form: Value = app
        .post("/v1/forms", &admin, &json!({"title": "Pulse", "questions": questions}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/v1/forms/{}/submissions", form["id"].as_str().unwrap());
    let body = json!({"stakeholder_id": ann["id"], "answers": {"nps": 9}});
    let first: Value = app.post(&path, &admin, &body).await.json().await.unwrap();
    let problem = assert_problem(app.post(&path, &admin, &body).await, 409).await;
    assert_eq!(problem["existing_id"], first["id"]);
}

/// Where the document says a field is never null, the server refuses null (and writes nothing).
async fn document_nullability_is_the_servers(app: TestApp) {
    let doc = stakemap::openapi::document();
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["FeedbackItemPatch"]["properties"]["status"]["oneOf"].is_null());
    assert_eq!(schemas["StakeholderSyncInput"]["properties"]["name"]["type"], "string");
    let ws = app.workspace("Nulls");
    let admin = app.token(&ws, Role::Admin);
    let ann = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    let point: Value = app
        .post("/v1/feedback-items", &admin, &json!({"stakeholder_id": ann["id"], "summary": "Faster"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/v1/feedback-items/{}", point["id"].as_str().unwrap());
    let problem = assert_problem(app.patch(&path, &admin, &json!({"status": null})).await, 422).await;
    assert_eq!(crate::helpers::error_fields(&problem), ["status"]);
    let unchanged: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!(unchanged["version"], point["version"]);
    let res = app
        .request(reqwest::Method::PUT, "/v1/stakeholders/by-external-id/crm/N-1", &admin)
        .json(&json!({"name": null, "group": "team"}))
        .send()
        .await
        .unwrap();
    assert_eq!(crate::helpers::error_fields(&assert_problem(res, 422).await), ["name"]);
    assert_eq!(app.stakeholder_rows(&ws), 1, "nothing written");
}
