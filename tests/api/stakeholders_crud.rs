//! Create, get, merge-patch, conditional requests, soft delete and restore.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(lifecycle, conditional_requests, external_key_is_unique, derived_fields);

async fn lifecycle(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let res = app
        .post("/v1/stakeholders", &admin, &json!({"name": "Mia Zhang", "group": "external", "email": "mia@globex.example",
            "tags": ["globex", "bu1"], "custom_fields": {"tier": "gold"}, "influence": 4, "impact": 4, "stance": "advocate"}))
        .await;
    assert_eq!(res.status(), 201);
    let id_location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(res.headers()["etag"], "\"1\"");
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(id_location, format!("/v1/stakeholders/{id}"));
    assert_eq!(created["version"], 1);
    assert_eq!(created["tags"], json!(["globex", "bu1"]));
    assert_eq!(created["custom_fields"], json!({"tier": "gold"}));
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let fetched: Value = app.get(&id_location, &admin).await.json().await.unwrap();
    assert_eq!(fetched, created);

    // Merge patch: absent unchanged, null cleared; merge-patch media type accepted.
    let res = app
        .request(Method::PATCH, &id_location, &admin)
        .header("content-type", "application/merge-patch+json")
        .body(json!({"email": null, "title": "GM"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["email"], Value::Null);
    assert_eq!(patched["title"], "GM");
    assert_eq!(patched["name"], "Mia Zhang");
    assert_eq!(patched["version"], 2);

    // A patch that changes nothing does not bump the version.
    let same: Value = app.patch(&id_location, &admin, &json!({"title": "GM"})).await.json().await.unwrap();
    assert_eq!(same["version"], 2);

    // Soft delete hides it; include_deleted and restore bring it back.
    assert_eq!(app.delete(&id_location, &admin).await.status(), 204);
    assert_problem(app.get(&id_location, &admin).await, 404).await;
    let list: Value = app.get("/v1/stakeholders", &admin).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let list: Value = app.get("/v1/stakeholders?include_deleted=true", &admin).await.json().await.unwrap();
    assert!(list["items"][0]["deleted_at"].is_string());
    let deleted: Value =
        app.get(&format!("{id_location}?include_deleted=true"), &admin).await.json().await.unwrap();
    assert_eq!(deleted["version"], 3);
    assert_problem(app.delete(&id_location, &admin).await, 404).await;
    assert_problem(app.patch(&id_location, &admin, &json!({"title": "x"})).await, 404).await;

    let res = app.post(&format!("{id_location}/restore"), &admin, &json!({})).await;
    assert_eq!(res.status(), 200);
    let restored: Value = res.json().await.unwrap();
    assert_eq!(restored["deleted_at"], Value::Null);
    assert_eq!(restored["version"], 4);
    assert_eq!(app.get(&id_location, &admin).await.status(), 200);
    // Restoring a live stakeholder changes nothing.
    let again: Value =
        app.post(&format!("{id_location}/restore"), &admin, &json!({})).await.json().await.unwrap();
    assert_eq!(again["version"], 4);
}

async fn conditional_requests(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let created = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "team"})).await;
    let path = format!("/v1/stakeholders/{}", created["id"].as_str().unwrap());

    let res = app.request(Method::GET, &path, &admin).header("If-None-Match", "\"1\"").send().await.unwrap();
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let res = app.request(Method::GET, &path, &admin).header("If-None-Match", "\"7\"").send().await.unwrap();
    assert_eq!(res.status(), 200);

    let res = app
        .request(Method::PATCH, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({"name": "Ann B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let before = app.version_sum(&ws);
    let res = app
        .request(Method::PATCH, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({"name": "Ann C"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412).await;
    let res = app.request(Method::DELETE, &path, &admin).header("If-Match", "\"1\"").send().await.unwrap();
    assert_problem(res, 412).await;
    assert_eq!(app.version_sum(&ws), before, "a 412 writes nothing");
    let current: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert_eq!(current["name"], "Ann B");

    let res = app
        .request(Method::PATCH, &path, &admin)
        .header("If-Match", "W/\"2\"")
        .json(&json!({"name": "Ann D"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "weak tags compare by value");
    let res = app.request(Method::DELETE, &path, &admin).header("If-Match", "*").send().await.unwrap();
    assert_eq!(res.status(), 204);
}

async fn external_key_is_unique(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let first = app
        .create_stakeholder(
            &admin,
            json!({"name": "A", "group": "external", "source": "crm", "external_id": "42"}),
        )
        .await;
    let rows = app.stakeholder_rows(&ws);
    let res = app
        .post(
            "/v1/stakeholders",
            &admin,
            &json!({"name": "B", "group": "external", "source": "crm", "external_id": "42"}),
        )
        .await;
    let problem = assert_problem(res, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains(first["id"].as_str().unwrap()));
    assert_eq!(app.stakeholder_rows(&ws), rows, "nothing written on 409");
    // The same key in another workspace is fine.
    let other = app.workspace("Other");
    app.create_stakeholder(
        &app.token(&other, Role::Admin),
        json!({"name": "B", "group": "external", "source": "crm", "external_id": "42"}),
    )
    .await;
    // Moving another stakeholder onto the key is a 409 too.
    let second = app.create_stakeholder(&admin, json!({"name": "C", "group": "external"})).await;
    let path = format!("/v1/stakeholders/{}", second["id"].as_str().unwrap());
    assert_problem(app.patch(&path, &admin, &json!({"source": "crm", "external_id": "42"})).await, 409).await;
}

async fn derived_fields(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let cases = [
        (json!(5), json!(5), "key_player", json!("manage_closely")),
        (json!(3), json!(2), "expert", json!("leverage")),
        (json!(2), json!(3), "passive_passenger", json!("keep_satisfied")),
        (json!(1), json!(2), "distant_relative", json!("monitor")),
        (json!(null), json!(4), "unassessed", json!(null)),
    ];
    for (influence, impact, quadrant, strategy) in cases {
        let s = app
            .create_stakeholder(
                &manager,
                json!({"name": "X", "group": "team", "influence": influence, "impact": impact}),
            )
            .await;
        assert_eq!(s["quadrant"], quadrant);
        assert_eq!(s["strategy"], strategy);
    }
    // Re-scoring moves the quadrant.
    let s = app
        .create_stakeholder(&manager, json!({"name": "Y", "group": "team", "influence": 1, "impact": 1}))
        .await;
    let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());
    let moved: Value =
        app.patch(&path, &manager, &json!({"influence": 4, "impact": 5})).await.json().await.unwrap();
    assert_eq!(moved["quadrant"], "key_player");
    let list: Value = app.get("/v1/stakeholders?quadrant=key_player", &manager).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

on_both_backends!(every_score_combination);

async fn every_score_combination(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let scores = [json!(null), json!(1), json!(2), json!(3), json!(4), json!(5)];
    let mut expected_counts = std::collections::HashMap::new();
    for influence in &scores {
        for impact in &scores {
            let s = app
                .create_stakeholder(
                    &manager,
                    json!({"name": "X", "group": "team", "influence": influence, "impact": impact}),
                )
                .await;
            let (quadrant, strategy) = match (influence.as_i64(), impact.as_i64()) {
                (Some(i), Some(m)) if i >= 3 && m >= 3 => ("key_player", json!("manage_closely")),
                (Some(i), Some(_)) if i >= 3 => ("expert", json!("leverage")),
                (Some(_), Some(m)) if m >= 3 => ("passive_passenger", json!("keep_satisfied")),
                (Some(_), Some(_)) => ("distant_relative", json!("monitor")),
                _ => ("unassessed", json!(null)),
            };
            assert_eq!(
                (&s["quadrant"], &s["strategy"]),
                (&json!(quadrant), &strategy),
                "{influence} x {impact}"
            );
            *expected_counts.entry(quadrant).or_insert(0usize) += 1;
        }
    }
    for (quadrant, count) in expected_counts {
        let list: Value = app
            .get(&format!("/v1/stakeholders?quadrant={quadrant}&limit=500"), &manager)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), count, "{quadrant}");
    }
}
