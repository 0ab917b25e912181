//! Relationships: create, list, delete, restore; visibility follows the stakeholders.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(relationship_lifecycle, relationship_rules_and_roles);

async fn person(app: &TestApp, token: &str, name: &str, extra: Value) -> String {
    let mut body = json!({"name": name, "group": "external"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.create_stakeholder(token, body).await["id"].as_str().unwrap().to_string()
}

async fn relationship_lifecycle(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let (a, b, c) = (
        person(&app, &m, "A", json!({})).await,
        person(&app, &m, "B", json!({})).await,
        person(&app, &m, "C", json!({})).await,
    );
    let res = app
        .post(
            "/v1/relationships",
            &m,
            &json!({"from_id": a, "to_id": b, "kind": "conflicts", "label": "budget", "strength": 4}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let ab: Value = res.json().await.unwrap();
    assert_eq!((&ab["from_id"], &ab["kind"], &ab["strength"]), (&json!(a), &json!("conflicts"), &json!(4)));
    assert_eq!(app.get(&location, &m).await.status(), 200);
    app.post("/v1/relationships", &m, &json!({"from_id": b, "to_id": c, "kind": "reports_to"})).await;
    app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": c, "kind": "collaborates"})).await;

    let list: Value =
        app.get(&format!("/v1/relationships?stakeholder_id={a}"), &m).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let list: Value = app.get("/v1/relationships?kind=reports_to", &m).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let page: Value = app.get("/v1/relationships?limit=2", &m).await.json().await.unwrap();
    let next: Value = app
        .get(&format!("/v1/relationships?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()), &m)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len() + next["items"].as_array().unwrap().len(), 3);
    assert!(next["next_cursor"].is_null());

    // Deleting a stakeholder hides its edges; restoring brings them back.
    assert_eq!(app.delete(&format!("/v1/stakeholders/{c}"), &m).await.status(), 204);
    let list: Value = app.get("/v1/relationships", &m).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let net: Value = app.get("/v1/network", &m).await.json().await.unwrap();
    assert_eq!((net["nodes"].as_array().unwrap().len(), net["edges"].as_array().unwrap().len()), (2, 1));
    app.request(Method::POST, &format!("/v1/stakeholders/{c}/restore"), &m).send().await.unwrap();
    let list: Value = app.get("/v1/relationships", &m).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);

    // Delete and restore the relationship itself.
    assert_eq!(app.delete(&location, &m).await.status(), 204);
    assert_problem(app.get(&location, &m).await, 404).await;
    assert_problem(app.delete(&location, &m).await, 404).await;
    let list: Value = app.get("/v1/relationships?include_deleted=true", &m).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let res = app.request(Method::POST, &format!("{location}/restore"), &m).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let restored: Value = res.json().await.unwrap();
    assert!(restored["deleted_at"].is_null());
    assert_eq!(restored["version"], 3);
}

async fn relationship_rules_and_roles(app: TestApp) {
    let ws = app.workspace("Acme");
    let other = app.workspace("Other");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, "A", json!({})).await;
    let b = person(&app, &m, "B", json!({})).await;
    let secret = person(&app, &m, "S", json!({"confidential": true})).await;
    let foreign = person(&app, &app.token(&other, Role::Manager), "F", json!({})).await;
    let count = |app: &TestApp| {
        use diesel::prelude::*;
        use stakemap::db::schema::relationships::dsl::*;
        let mut conn = app.conn();
        relationships.count().get_result::<i64>(&mut *conn).unwrap()
    };

    let problem = assert_problem(
        app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": a, "kind": "conflicts"})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["to_id"]);
    let problem = assert_problem(
        app.post(
            "/v1/relationships",
            &m,
            &json!({"from_id": a, "kind": "feuds", "strength": 0, "label": "x\u{0}"}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["kind", "label", "strength", "to_id"]);
    assert_problem(
        app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": foreign, "kind": "conflicts"}))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.post(
            "/v1/relationships",
            &m,
            &json!({"from_id": a, "to_id": uuid::Uuid::new_v4(), "kind": "conflicts"}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(count(&app), 0, "nothing written");

    let res =
        app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": b, "kind": "influences"})).await;
    let edge: Value = res.json().await.unwrap();
    let path = format!("/v1/relationships/{}", edge["id"].as_str().unwrap());
    assert_problem(
        app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": b, "kind": "influences"})).await,
        409,
    )
    .await;
    app.post("/v1/relationships", &m, &json!({"from_id": a, "to_id": secret, "kind": "influences"})).await;
    assert_eq!(count(&app), 2);

    // Relationships are analysis: admin and manager write them; contributors and viewers
    // read them; integration and stakeholder tokens see nothing.
    let contributor = app.token(&ws, Role::Contributor);
    assert_problem(
        app.post(
            "/v1/relationships",
            &contributor,
            &json!({"from_id": b, "to_id": a, "kind": "collaborates"}),
        )
        .await,
        403,
    )
    .await;
    assert_problem(app.delete(&path, &contributor).await, 403).await;
    assert_eq!(count(&app), 2, "a refused write writes nothing");
    assert_eq!(
        app.post("/v1/relationships", &m, &json!({"from_id": b, "to_id": a, "kind": "collaborates"}))
            .await
            .status(),
        201
    );
    let viewer = app.token(&ws, Role::Viewer);
    let seen: Value = app.get("/v1/relationships", &viewer).await.json().await.unwrap();
    assert_eq!(seen["items"].as_array().unwrap().len(), 2, "the edge to a confidential person is hidden");
    assert_problem(
        app.post("/v1/relationships", &viewer, &json!({"from_id": b, "to_id": a, "kind": "conflicts"})).await,
        403,
    )
    .await;
    assert_problem(app.delete(&path, &viewer).await, 403).await;
    for role in [Role::Integration, Role::Stakeholder] {
        let t = app.token(&ws, role);
        assert_problem(app.get("/v1/relationships", &t).await, 403).await;
        assert_problem(app.get(&path, &t).await, 403).await;
        assert_problem(app.get("/v1/network", &t).await, 403).await;
    }
    // Another workspace sees none of it.
    let outsider = app.token(&other, Role::Admin);
    assert_problem(app.get(&path, &outsider).await, 404).await;
    assert_problem(app.delete(&path, &outsider).await, 404).await;
    let theirs: Value = app.get("/v1/relationships", &outsider).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
    let net: Value = app.get("/v1/network", &outsider).await.json().await.unwrap();
    assert_eq!(net["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(net["edges"], json!([]));
    assert_problem(app.get("/v1/network?format=png", &m).await, 422).await;
    assert_problem(app.get(&format!("/v1/network?account_id={}", uuid::Uuid::new_v4()), &m).await, 404).await;
}
