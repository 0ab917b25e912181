//! Every 4xx of the conventions is problem+json, and a rejected request writes nothing.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(
    rejected_requests_write_nothing,
    validation_lists_every_bad_field,
    bad_query_parameters,
    protocol_errors
);

async fn rejected_requests_write_nothing(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let existing = app.create_stakeholder(&admin, json!({"name": "Keep", "group": "team"})).await;
    let path = format!("/v1/stakeholders/{}", existing["id"].as_str().unwrap());
    let (rows, versions) = (app.stakeholder_rows(&ws), app.version_sum(&ws));

    let bad_bodies = [
        json!({"group": "team"}),
        json!({"name": "", "group": "team"}),
        json!({"name": "A\u{0}B", "group": "team"}),
        json!({"name": "A\u{1b}B", "group": "team"}),
        json!({"name": "A", "group": "team", "notes": "bell\u{7}"}),
        json!({"name": "A", "group": "team", "influence": 6}),
        json!({"name": "A", "group": "team", "nickname": "x"}),
        json!({"name": "A", "group": "team", "version": 3}),
        json!({"name": "A", "group": "team", "quadrant": "key_player"}),
        json!({"name": "x".repeat(201), "group": "team"}),
        json!({"name": "A", "group": "team", "tags": vec!["t"; 51]}),
        json!({"name": "A", "group": "team", "custom_fields": {"deep": {"x": 1}}}),
        json!({"name": "A", "group": "team", "account_id": "not-a-uuid"}),
        json!({"name": "A", "group": "team", "influence": 1e300}),
    ];
    for body in &bad_bodies {
        assert_problem(app.post("/v1/stakeholders", &admin, body).await, 422).await;
        let patch: Value = body
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "group")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>()
            .into();
        if patch.as_object().unwrap().is_empty() {
            continue;
        }
        assert_problem(app.patch(&path, &admin, &patch).await, 422).await;
    }
    // Analysis fields written by a contributor: 403, nothing written.
    let contributor = app.token(&ws, Role::Contributor);
    assert_problem(
        app.post("/v1/stakeholders", &contributor, &json!({"name": "A", "group": "team", "influence": 3}))
            .await,
        403,
    )
    .await;
    assert_problem(app.patch(&path, &contributor, &json!({"stance": "critic"})).await, 403).await;
    // Bad JSON, wrong media type, too large.
    let res = app
        .request(Method::POST, "/v1/stakeholders", &admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .request(Method::POST, "/v1/stakeholders", &admin)
        .header("content-type", "application/json")
        .body("[1,2]")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .request(Method::POST, "/v1/stakeholders", &admin)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    let res = app.request(Method::POST, "/v1/stakeholders", &admin).body("{}").send().await.unwrap();
    assert_problem(res, 415).await;
    let huge = json!({"name": "A", "group": "team", "notes": "x".repeat(2_000_000)});
    assert_problem(app.post("/v1/stakeholders", &admin, &huge).await, 413).await;
    assert_problem(app.patch(&path, &admin, &huge).await, 413).await;
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = app
        .request(Method::POST, "/v1/stakeholders", &admin)
        .header("content-type", "application/json")
        .body(nested)
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;

    assert_eq!(app.stakeholder_rows(&ws), rows, "no rows added");
    assert_eq!(app.version_sum(&ws), versions, "no rows changed");
}

async fn validation_lists_every_bad_field(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let res = app
        .post("/v1/stakeholders", &admin, &json!({"name": "", "group": "aliens", "influence": 0, "email": "nope", "segments": ["x"], "veto": "yes"}))
        .await;
    let problem = assert_problem(res, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["email", "group", "influence", "name", "segments[0]", "veto"]);
    for entry in problem["errors"].as_array().unwrap() {
        assert!(!entry["message"].as_str().unwrap().is_empty());
    }
    // Free text keeps tabs and newlines.
    let ok = app
        .create_stakeholder(&admin, json!({"name": "A", "group": "team", "notes": "line1\n\tline2"}))
        .await;
    assert_eq!(ok["notes"], "line1\n\tline2");
}

async fn bad_query_parameters(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let problem = assert_problem(
        app.get(
            "/v1/stakeholders?group=aliens&min_influence=9&updated_since=yesterday&limit=0&sort=shoe_size",
            &admin,
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["group", "limit", "min_influence", "sort", "updated_since"]);
    assert_problem(app.get("/v1/stakeholders?cursor=abc", &admin).await, 400).await;
    assert_problem(app.get("/v1/stakeholders?include_deleted=maybe", &admin).await, 422).await;
    assert_problem(app.get("/v1/stakeholders?q=%00", &admin).await, 422).await;
    // An injection attempt is just a string that matches nothing.
    let res = app
        .get(
            "/v1/stakeholders?q=%27%20OR%201%3D1%20--&owner=%27%3B%20DROP%20TABLE%20stakeholders%3B--",
            &admin,
        )
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

async fn protocol_errors(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let problem = assert_problem(app.get("/v1/no-such-thing", &admin).await, 404).await;
    assert!(problem["detail"].as_str().unwrap().contains("/v1/no-such-thing"));
    assert_problem(app.client.get(format!("{}/nowhere", app.address)).send().await.unwrap(), 404).await;
    let res = app.request(Method::PUT, "/v1/stakeholders", &admin).json(&json!({})).send().await.unwrap();
    let allow = res.headers()["allow"].to_str().unwrap().to_string();
    assert_problem(res, 405).await;
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    // A literal path is its own resource, though `/v1/stakeholders/{id}` matches it too.
    let res =
        app.request(Method::PUT, "/v1/stakeholders/batch", &admin).json(&json!({})).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "POST");
    assert_problem(res, 405).await;
    let res = app
        .request(Method::PUT, &format!("/v1/stakeholders/{}", uuid::Uuid::new_v4()), &admin)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 405).await;
    assert_problem(app.get(&format!("/v1/stakeholders/{}", uuid::Uuid::new_v4()), &admin).await, 404).await;
    assert_problem(app.get("/v1/stakeholders/not-a-uuid", &admin).await, 404).await;
    let res = app
        .request(Method::GET, "/v1/stakeholders", &admin)
        .header("If-None-Match", "garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "If-None-Match is ignored on lists");

    // Request ids: echoed when sent, generated otherwise.
    let res = app
        .request(Method::GET, "/v1/stakeholders", &admin)
        .header("X-Request-Id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-abc-123");
    let res = app.get("/v1/stakeholders", &admin).await;
    assert_eq!(res.headers()["x-request-id"].len(), 36);
    let res = app.get("/v1/no-such-thing", &admin).await;
    assert!(res.headers().contains_key("x-request-id"));
}
