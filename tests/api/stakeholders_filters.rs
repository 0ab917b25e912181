//! Every list filter, on both backends.

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(each_filter_selects_the_right_rows);

async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = app.get(&format!("/v1/stakeholders?{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

async fn each_filter_selects_the_right_rows(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let account: serde_json::Value =
        app.post("/v1/accounts", &m, &json!({"name": "Globex"})).await.json().await.unwrap();
    let account = account["id"].as_str().unwrap().to_string();
    app.create_stakeholder(&m, json!({"name": "Ann", "group": "team", "category": "marketing", "tags": ["vip", "q1"],
        "relationship_status": "active", "owner": "Jo", "email": "ann@corp.example", "influence": 5, "impact": 5,
        "stance": "advocate", "decision_role": "decision_maker"})).await;
    app.create_stakeholder(&m, json!({"name": "Bob", "group": "external", "category": "customer", "tags": ["q1"],
        "relationship_status": "dormant", "owner": "Kim", "organization": "Globex 100%_Co", "account_id": account,
        "influence": 2, "impact": 4, "stance": "critic", "decision_role": "approver"})).await;
    app.create_stakeholder(&m, json!({"name": "Cy", "group": "internal", "influence": 4, "impact": 1})).await;
    let cases: &[(&str, &[&str])] = &[
        ("group=team", &["Ann"]),
        ("category=customer", &["Bob"]),
        ("quadrant=key_player", &["Ann"]),
        ("quadrant=passive_passenger", &["Bob"]),
        ("quadrant=expert", &["Cy"]),
        ("stance=critic", &["Bob"]),
        ("stance=unknown", &["Cy"]),
        ("decision_role=approver", &["Bob"]),
        ("relationship_status=active", &["Ann"]),
        ("owner=Kim", &["Bob"]),
        ("tag=q1", &["Ann", "Bob"]),
        ("tag=vip", &["Ann"]),
        ("tag=none", &[]),
        ("q=ANN%40CORP", &["Ann"]),
        ("q=globex", &["Bob"]),
        ("q=100%25_", &["Bob"]),
        ("q=%25", &["Bob"]),
        ("q=_", &["Bob"]),
        ("min_influence=4", &["Ann", "Cy"]),
        ("group=team&tag=q1", &["Ann"]),
    ];
    for (query, expected) in cases {
        assert_eq!(names(&app, &m, query).await, *expected, "{query}");
    }
    assert_eq!(names(&app, &m, &format!("account_id={account}")).await, vec!["Bob"]);
    // updated_since: only rows changed at or after the instant.
    let cut = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let list: Value = app.get("/v1/stakeholders?q=cy", &m).await.json().await.unwrap();
    let cy = format!("/v1/stakeholders/{}", list["items"][0]["id"].as_str().unwrap());
    app.patch(&cy, &m, &json!({"title": "Boss"})).await;
    assert_eq!(names(&app, &m, &format!("updated_since={}", cut.replace('+', "%2B"))).await, vec!["Cy"]);
}
