//! Stakeholder history: one entry per change, field-level, role-aware.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(history_records_every_change);

async fn history_records_every_change(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let s = app
        .create_stakeholder(
            &manager,
            json!({"name": "David", "group": "external", "influence": 2, "impact": 4, "stance": "neutral"}),
        )
        .await;
    let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());
    let res = app.patch(&path, &manager, &json!({"stance": "critic", "influence": 5, "name": "David"})).await;
    assert_eq!(res.status(), 200);
    let res = app.patch(&path, &app.token(&ws, Role::Integration), &json!({"title": "Director"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.delete(&path, &manager).await.status(), 204);
    assert_eq!(
        app.request(Method::POST, &format!("{path}/restore"), &manager).send().await.unwrap().status(),
        200
    );
    // A rejected write leaves no entry.
    assert_problem(app.patch(&path, &manager, &json!({"influence": 9})).await, 422).await;

    let viewer: Value =
        app.get(&format!("{path}/history"), &app.token(&ws, Role::Viewer)).await.json().await.unwrap();
    let items = viewer["items"].as_array().unwrap();
    let ops: Vec<&str> = items.iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["restore", "delete", "update", "update", "create"], "newest first");
    let analysis_change = &items[3];
    assert_eq!(
        analysis_change["changes"],
        json!({"stance": {"from": "neutral", "to": "critic"}, "influence": {"from": 2, "to": 5}})
    );
    assert_eq!(analysis_change["quadrant"], json!({"from": "passive_passenger", "to": "key_player"}));
    assert_eq!(analysis_change["actor"], "tester");
    assert_eq!(items[2]["changes"], json!({"title": {"from": null, "to": "Director"}}));
    assert!(items[2].get("quadrant").is_none());
    assert!(items[1]["changes"]["deleted_at"]["to"].is_string());
    assert!(items[4]["changes"]["name"]["to"] == "David");

    // Integration: no analysis change at all; the analysis-only update is left out.
    let res = app.get(&format!("{path}/history"), &app.token(&ws, Role::Integration)).await;
    let text = res.text().await.unwrap();
    for field in ["stance", "influence", "impact", "quadrant"] {
        assert!(!text.contains(&format!("\"{field}\"")), "{field} leaked: {text}");
    }
    let crm: Value = serde_json::from_str(&text).unwrap();
    let ops: Vec<&str> = crm["items"].as_array().unwrap().iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["restore", "delete", "update", "create"]);

    // Paging: two per page, cursor carries on to the first change.
    let first: Value = app.get(&format!("{path}/history?limit=2"), &manager).await.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value =
        app.get(&format!("{path}/history?limit=2&cursor={cursor}"), &manager).await.json().await.unwrap();
    assert_eq!(second["items"][0]["op"], "update");
    assert_problem(app.get(&format!("{path}/history?cursor=bogus"), &manager).await, 400).await;

    // Other workspaces, stakeholder tokens and confidential rows: nothing.
    let other = app.workspace("Other");
    assert_problem(app.get(&format!("{path}/history"), &app.token(&other, Role::Admin)).await, 404).await;
    assert_problem(app.get(&format!("{path}/history"), &app.token(&ws, Role::Stakeholder)).await, 403).await;
    app.patch(&path, &manager, &json!({"confidential": true})).await;
    assert_problem(app.get(&format!("{path}/history"), &app.token(&ws, Role::Viewer)).await, 404).await;
}
