//! A token of workspace B never sees or changes workspace A's data.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(other_workspace_sees_nothing);

async fn other_workspace_sees_nothing(app: TestApp) {
    let a = app.workspace("Alpha");
    let b = app.workspace("Beta");
    let a_admin = app.token(&a, Role::Admin);
    let s = app.create_stakeholder(&a_admin, json!({"name": "Alpha person", "group": "team", "tags": ["shared"], "source": "crm", "external_id": "7"})).await;
    let deleted = app.create_stakeholder(&a_admin, json!({"name": "Alpha deleted", "group": "team"})).await;
    let deleted_path = format!("/v1/stakeholders/{}", deleted["id"].as_str().unwrap());
    assert_eq!(app.delete(&deleted_path, &a_admin).await.status(), 204);
    let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());
    let versions = app.version_sum(&a);

    for role in [Role::Admin, Role::Manager, Role::Contributor, Role::Viewer, Role::Integration] {
        let token = app.token(&b, role);
        assert_problem(app.get(&path, &token).await, 404).await;
        assert_problem(app.get(&format!("{path}?include_deleted=true"), &token).await, 404).await;
        for query in ["", "?include_deleted=true", "?tag=shared", "?q=alpha", "?group=team"] {
            let list: Value =
                app.get(&format!("/v1/stakeholders{query}"), &token).await.json().await.unwrap();
            assert_eq!(list["items"], json!([]), "{role:?} {query}");
        }
        if role == Role::Viewer {
            continue;
        }
        assert_problem(app.patch(&path, &token, &json!({"name": "hijacked"})).await, 404).await;
        if role != Role::Contributor {
            assert_problem(app.delete(&path, &token).await, 404).await;
            let res =
                app.request(Method::POST, &format!("{deleted_path}/restore"), &token).send().await.unwrap();
            assert_problem(res, 404).await;
        }
    }
    // B may reuse A's CRM key: uniqueness is per workspace.
    let b_admin = app.token(&b, Role::Admin);
    app.create_stakeholder(
        &b_admin,
        json!({"name": "Beta person", "group": "team", "source": "crm", "external_id": "7"}),
    )
    .await;
    assert_eq!(app.version_sum(&a), versions, "A unchanged");
    let seen: Value = app.get(&path, &a_admin).await.json().await.unwrap();
    assert_eq!(seen["name"], "Alpha person");
    let list: Value = app.get("/v1/stakeholders", &b_admin).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
