//! The change feed read in small pages while four writers commit concurrently.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(reader_sees_every_change_once);

async fn poll(
    app: &TestApp,
    token: &str,
    cursor: &Option<String>,
    out: &mut Vec<Value>,
) -> (Option<String>, bool) {
    let url = match cursor {
        Some(c) => format!("/v1/changes?limit=5&after={c}"),
        None => "/v1/changes?limit=5".to_string(),
    };
    let page: Value = app.get(&url, token).await.json().await.unwrap();
    out.extend(page["items"].as_array().unwrap().iter().cloned());
    (Some(page["next_cursor"].as_str().unwrap().to_string()), page["has_more"].as_bool().unwrap())
}

async fn reader_sees_every_change_once(app: TestApp) {
    let ws = app.workspace("Acme");
    let writer_token = app.token(&ws, Role::Manager);
    let reader = app.token(&ws, Role::Integration);
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, base, token) = (app.client.clone(), app.address.clone(), writer_token.clone());
        writers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..10 {
                let res = client
                    .post(format!("{base}/v1/stakeholders"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("W{w}-{i}"), "group": "team"}))
                    .send()
                    .await
                    .unwrap();
                ids.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
            }
            for id in &ids {
                client
                    .patch(format!("{base}/v1/stakeholders/{id}"))
                    .bearer_auth(&token)
                    .json(&json!({"title": "updated"}))
                    .send()
                    .await
                    .unwrap();
            }
            for id in &ids[..2] {
                client
                    .delete(format!("{base}/v1/stakeholders/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
            }
            ids
        }));
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    while !writers.iter().all(|w| w.is_finished()) {
        cursor = poll(&app, &reader, &cursor, &mut seen).await.0;
    }
    let mut created = Vec::new();
    for w in writers {
        created.extend(w.await.unwrap());
    }
    loop {
        let (next, more) = poll(&app, &reader, &cursor, &mut seen).await;
        cursor = next;
        if !more {
            break;
        }
    }
    // One more poll from the final cursor finds nothing new.
    let mut tail = Vec::new();
    poll(&app, &reader, &cursor, &mut tail).await;
    assert!(tail.is_empty());

    let seqs: Vec<i64> = seen.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=88).collect::<Vec<_>>(), "every change exactly once, in order, no gaps");
    let mut last: HashMap<&str, &str> = HashMap::new();
    for c in &seen {
        assert_eq!(c["type"], "stakeholder");
        last.insert(c["id"].as_str().unwrap(), c["op"].as_str().unwrap());
    }
    let ids: HashSet<&str> = created.iter().map(String::as_str).collect();
    assert_eq!(last.keys().copied().collect::<HashSet<_>>(), ids);
    let deleted = last.values().filter(|op| **op == "delete").count();
    assert_eq!(deleted, 8, "deletes appear and are the final state of the deleted");
    // Types filter and a tampered cursor.
    let only: Value = app.get("/v1/changes?types=account", &reader).await.json().await.unwrap();
    assert_eq!(only["items"], json!([]));
    assert_problem(app.get("/v1/changes?types=planet", &reader).await, 422).await;
    assert_problem(app.get("/v1/changes?after=forged", &reader).await, 400).await;
    assert_problem(app.get("/v1/changes", &app.token(&ws, Role::Stakeholder)).await, 403).await;
    let other = app.workspace("Other");
    let theirs: Value =
        app.get("/v1/changes", &app.token(&other, Role::Integration)).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
}
