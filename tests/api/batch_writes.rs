//! A create of several people in one request: every companion row is written, the feed
//! has each person once in item order, and webhooks hear of them only when one exists.

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(batch_creates_reach_the_feed_and_webhooks);

fn batch(prefix: &str) -> Value {
    let items: Vec<Value> = (1..=3)
        .map(|i| {
            json!({"source": "hubspot", "external_id": format!("{prefix}-{i}"),
                   "name": format!("{prefix} person {i}"), "group": "external", "tags": ["a", "b"]})
        })
        .collect();
    json!({"mode": "upsert", "items": items})
}

async fn created_ids(app: &TestApp, token: &str, body: &Value) -> Vec<String> {
    let res = app.post("/v1/stakeholders/batch", token, body).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "created", "{r}");
            r["id"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn batch_creates_reach_the_feed_and_webhooks(app: TestApp) {
    let ws = app.workspace("Acme");
    let (crm, admin) = (app.token(&ws, Role::Integration), app.token(&ws, Role::Admin));
    let quiet = created_ids(&app, &crm, &batch("Q")).await;
    assert_eq!(app.count("webhook_deliveries", &ws), 0, "no webhook, nothing queued");
    let hook = json!({"url": "http://127.0.0.1:9/hook", "events": ["stakeholder.created"]});
    assert_eq!(app.post("/v1/webhooks", &admin, &hook).await.status(), 201);
    let heard = created_ids(&app, &crm, &batch("H")).await;
    assert_eq!(app.count("webhook_deliveries", &ws), 3, "one delivery per person created");
    assert_eq!(app.count("stakeholder_tags", &ws), 12);
    assert_eq!(app.count("stakeholder_history", &ws), 6);
    let feed: Value = app.get("/v1/changes?limit=100", &crm).await.json().await.unwrap();
    let ids: Vec<&str> =
        feed["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = quiet.iter().chain(&heard).map(String::as_str).collect();
    assert_eq!(ids, expected, "every person once, in item order");
}
