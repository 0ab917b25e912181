//! The change feed read in small pages while four writers commit concurrently: every
//! change exactly once, each record's changes in the order they were made, and resuming
//! from any cursor handed out gives exactly what followed it; on PostgreSQL, a write
//! whose transaction stays open is waited for, never skipped.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(reader_sees_every_change_once);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transaction_that_commits_late_is_never_skipped() {
    let Some(app) = TestApp::spawn_with(crate::helpers::Backend::Postgres, |_| {}).await else { return };
    late_commit(app).await;
}

async fn poll(
    app: &TestApp,
    token: &str,
    cursor: &Option<String>,
    out: &mut Vec<Value>,
) -> (Option<String>, bool) {
    poll_limit(app, token, cursor, out, 5).await
}

async fn poll_limit(
    app: &TestApp,
    token: &str,
    cursor: &Option<String>,
    out: &mut Vec<Value>,
    limit: usize,
) -> (Option<String>, bool) {
    let url = match cursor {
        Some(c) => format!("/v1/changes?limit={limit}&after={c}"),
        None => format!("/v1/changes?limit={limit}"),
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
    // Every cursor handed out, with how many changes had been read when it was.
    let mut cursors: Vec<(String, usize)> = Vec::new();
    while !writers.iter().all(|w| w.is_finished()) {
        cursor = poll(&app, &reader, &cursor, &mut seen).await.0;
        cursors.push((cursor.clone().unwrap(), seen.len()));
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
    assert_eq!(seqs.iter().collect::<HashSet<_>>().len(), 88, "every change exactly once: {seqs:?}");
    assert_eq!(seqs.len(), 88);
    if app.database_url.starts_with("sqlite") {
        // One writer at a time: the feed is in plain sequence order, without gaps.
        assert_eq!(seqs, (1..=88).collect::<Vec<_>>());
    }
    // Each record's changes in the order they were made: created, updated, (deleted).
    let mut ops: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in &seen {
        ops.entry(c["id"].as_str().unwrap()).or_default().push(c["op"].as_str().unwrap());
    }
    for (id, list) in &ops {
        assert!(list == &["upsert", "upsert"] || list == &["upsert", "upsert", "delete"], "{id}: {list:?}");
    }
    // Resuming from any cursor handed out gives exactly what followed it.
    for (cursor, read) in &cursors {
        let mut rest = Vec::new();
        let mut at = Some(cursor.clone());
        loop {
            let (next, more) = poll_limit(&app, &reader, &at, &mut rest, 500).await;
            at = next;
            if !more {
                break;
            }
        }
        assert_eq!(rest, seen[*read..].to_vec(), "resumed from a cursor taken after {read} changes");
    }
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

// A write transaction opened straight on the database stays open (holding its change)
// while the service writes and the feed is read: the reader is held at it, never past,
// and once it commits the late change is read, and nothing is missed or repeated.
async fn late_commit(app: TestApp) {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    let ws = app.workspace("Myohassa");
    let (m, reader) = (app.token(&ws, Role::Manager), app.token(&ws, Role::Integration));
    app.create_stakeholder(&m, json!({"name": "First", "group": "team"})).await;
    let mut seen = Vec::new();
    let (mut cursor, _) = poll_limit(&app, &reader, &None, &mut seen, 500).await;
    assert_eq!(seen.len(), 1);

    // The service's own insert pipeline, in a transaction left open.
    let mut conn = DbConnection::establish(&app.database_url).unwrap();
    conn.batch_execute("BEGIN").unwrap();
    let mut person = stakemap::domain::stakeholder::Stakeholder::blank(&ws, chrono::Utc::now());
    person.profile.name = "Late".into();
    let late_id = person.id.clone();
    stakemap::store::stakeholders::insert(&mut conn, &person, "test").unwrap();
    // Writes that begin after it commit first.
    for i in 0..3 {
        app.create_stakeholder(&m, json!({"name": format!("After {i}"), "group": "team"})).await;
    }
    let started = std::time::Instant::now();
    let (next, more) = poll_limit(&app, &reader, &cursor, &mut seen, 500).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "the read waited for the open write");
    assert_eq!(seen.len(), 1, "nothing past the open transaction is listed: {seen:?}");
    assert!(more, "has_more says changes are waiting");
    cursor = next;
    conn.batch_execute("COMMIT").unwrap();
    loop {
        let (next, more) = poll_limit(&app, &reader, &cursor, &mut seen, 500).await;
        cursor = next;
        if !more {
            break;
        }
    }
    let ids: Vec<&str> = seen.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert_eq!(ids[1], late_id, "the late write is read, in the order it began");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5);
}
