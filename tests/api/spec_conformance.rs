//! What the service changed so that `openapi/openapi.json` states exactly what it
//! accepts (found by schemathesis, which runs in CI from tests/tools/live): each case
//! here is a request the document calls valid, answered as such, or one it calls
//! invalid, refused.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(requests_the_document_allows_are_accepted);
on_both_backends!(requests_the_document_forbids_are_refused);

async fn requests_the_document_allows_are_accepted(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let ann = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "team"})).await;
    let path = format!("/v1/stakeholders/{}", ann["id"].as_str().unwrap());

    // An entity tag without its quotes names the same version.
    let res = app
        .request(Method::PATCH, &path, &admin)
        .header("If-Match", "1")
        .json(&json!({"title": "CFO"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "bare tag of the current version");
    let res = app
        .request(Method::PATCH, &path, &admin)
        .header("If-Match", "1")
        .json(&json!({"title": "CEO"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412).await;

    // JSON Schema counts 5.0 as an integer; so does the service.
    let res = app.patch(&path, &admin, &json!({"influence": 5.0, "impact": 4.0})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!((body["influence"].as_i64(), body["impact"].as_i64()), (Some(5), Some(4)));

    // An empty cursor is the first page.
    let page: Value = app.get("/v1/stakeholders?cursor=", &admin).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let feed = app.get("/v1/changes?after=", &admin).await;
    assert_eq!(feed.status(), 200);

    // A sort field named again adds nothing; six fields are still too many.
    let res = app.get("/v1/stakeholders?sort=name,-name", &admin).await;
    assert_eq!(res.status(), 200);
    let res = app.get("/v1/stakeholders?sort=name,email,name,email,name,email", &admin).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["sort"]);

    // A stakeholder whose account was deleted after linking can still change and go.
    let account: Value =
        app.post("/v1/accounts", &admin, &json!({"name": "Initech"})).await.json().await.unwrap();
    let account_id = account["id"].as_str().unwrap();
    assert_eq!(app.patch(&path, &admin, &json!({"account_id": account_id})).await.status(), 200);
    assert_eq!(app.delete(&format!("/v1/accounts/{account_id}"), &admin).await.status(), 204);
    assert_eq!(app.patch(&path, &admin, &json!({"title": "COO"})).await.status(), 200);
    assert_eq!(app.delete(&path, &admin).await.status(), 204);

    // The dashboards' default window starts no earlier than the first month there is.
    let res = app.get("/v1/dashboard/engagement?to=2000-03", &admin).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let months: Vec<&str> =
        body["months"].as_array().unwrap().iter().map(|m| m["month"].as_str().unwrap()).collect();
    assert_eq!(months, ["2000-01", "2000-02", "2000-03"]);
}

async fn requests_the_document_forbids_are_refused(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let crm = app.token(&ws, Role::Integration);
    let (rows, versions) = (app.stakeholder_rows(&ws), app.version_sum(&ws));

    // `account_id` is a UUID on the list as everywhere else.
    let res = app.get("/v1/stakeholders?account_id=acme", &admin).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["account_id"]);

    // `If-Match: *` with `If-None-Match: *` can never hold: 412, not a guess.
    let res = app
        .request(Method::PUT, "/v1/stakeholders/by-external-id/crm/K-1", &crm)
        .header("If-Match", "*")
        .header("If-None-Match", "*")
        .json(&json!({"name": "Ann", "group": "team"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412).await;

    // The batch path answers its other methods with 405 and `Allow: POST`, instead of
    // reading "batch" as a stakeholder id.
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let res = app.request(method.clone(), "/v1/stakeholders/batch", &crm).send().await.unwrap();
        assert_eq!(res.headers()["allow"], "POST", "{method}");
        assert_problem(res, 405).await;
    }

    // An interaction summary of only a line break is text, but an empty one is not.
    let res = app
        .post(
            "/v1/interactions",
            &admin,
            &json!({"stakeholder_ids": [], "kind": "call", "occurred_at": "2026-01-01T00:00:00Z", "summary": ""}),
        )
        .await;
    let fields = error_fields(&assert_problem(res, 422).await);
    assert!(fields.contains(&"summary".to_string()), "{fields:?}");

    assert_eq!(app.stakeholder_rows(&ws), rows, "no rows added");
    assert_eq!(app.version_sum(&ws), versions, "no rows changed");
}
