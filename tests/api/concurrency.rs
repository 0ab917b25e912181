//! Optimistic concurrency: two writers with the same If-Match, exactly one wins.

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(same_if_match_one_wins, writes_without_if_match_all_land);

async fn same_if_match_one_wins(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    for round in 0..10 {
        let s = app.create_stakeholder(&admin, json!({"name": format!("R{round}"), "group": "team"})).await;
        let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());
        let send = |title: &'static str| {
            app.request(reqwest::Method::PATCH, &path, &admin)
                .header("If-Match", "\"1\"")
                .json(&json!({"title": title}))
                .send()
        };
        let (a, b) = tokio::join!(send("first"), send("second"));
        let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}");
        let now: Value = app.get(&path, &admin).await.json().await.unwrap();
        assert_eq!(now["version"], 2);
    }
}

async fn writes_without_if_match_all_land(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let s = app.create_stakeholder(&admin, json!({"name": "Busy", "group": "team"})).await;
    let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());
    let mut handles = Vec::new();
    for i in 0..8 {
        let (client, url, token) = (app.client.clone(), format!("{}{}", app.address, path), admin.clone());
        handles.push(tokio::spawn(async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&json!({"title": format!("t{i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), 200);
    }
    let now: Value = app.get(&path, &admin).await.json().await.unwrap();
    assert!(now["version"].as_i64().unwrap() >= 2);
}
