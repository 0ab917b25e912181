//! Abuse limits: slow bodies, guessed credentials, a workspace's share of heavy
//! operations, and calendar links instead of tokens in URLs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::schema::calendar_links as l;
use stakemap::db::DbConnection;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(slow_bodies_and_heavy_shares, guessing_is_rate_limited, calendar_links_open_one_feed);

/// Sends a request's headers and the first bytes of a longer body, then keeps the socket.
fn start_trickle(app: &TestApp, path: &str, token: &str, content_type: &str) -> TcpStream {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {content_type}\r\nContent-Length: 1000\r\n\r\nname,"
    )
    .unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream
}

fn status_line(stream: &mut TcpStream) -> String {
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_string()
}

async fn slow_bodies_and_heavy_shares(app: TestApp) {
    let ws = app.workspace("Busy");
    let admin = app.token(&ws, Role::Admin);
    let started = Instant::now();
    // Four imports whose bodies trickle in hold the workspace's four heavy slots…
    let mut slow: Vec<TcpStream> =
        (0..4).map(|_| start_trickle(&app, "/v1/import/stakeholders", &admin, "text/csv")).collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // …so a fifth heavy call of that workspace waits its turn,
    let res = app.get("/v1/export/stakeholders.csv", &admin).await;
    assert_eq!(res.headers()["retry-after"], "5");
    assert_problem(res, 429).await;
    // while another workspace's run, and the busy workspace's ordinary calls too.
    let other = app.workspace("Calm");
    let other_admin = app.token(&other, Role::Admin);
    let res = app
        .request(reqwest::Method::POST, "/v1/import/stakeholders", &other_admin)
        .header("Content-Type", "text/csv")
        .body("name,group\nAnn,external\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/v1/stakeholders", &admin).await.status(), 200);
    // The trickled bodies are cut off 10 s after their headers: 408, nothing written.
    let lines: Vec<String> =
        tokio::task::spawn_blocking(move || slow.iter_mut().map(status_line).collect()).await.unwrap();
    let waited = started.elapsed();
    assert!(lines.iter().all(|l| l.starts_with("HTTP/1.1 408")), "{lines:?}");
    assert!(waited >= Duration::from_secs(9) && waited < Duration::from_secs(19), "{waited:?}");
    assert_eq!(app.stakeholder_rows(&ws), 0);
    // The slots are free again.
    assert_eq!(app.get("/v1/export/stakeholders.csv", &admin).await.status(), 200);
}

async fn guessing_is_rate_limited(app: TestApp) {
    let app = TestApp::spawn_with(app.backend(), |s| s.auth_rate_limit = 5).await.unwrap();
    let ws = app.workspace("Acme");
    let token_url = format!("{}/v1/auth/token", app.address);
    for _ in 0..5 {
        let res = app.client.post(&token_url).json(&json!({"api_key": "sk_guess"})).send().await.unwrap();
        assert_problem(res, 401).await;
    }
    let res = app.client.post(&token_url).json(&json!({"api_key": "sk_guess"})).send().await.unwrap();
    assert!(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_problem(res, 429).await;
    // Invalid tokens count against the same address; a valid token still works.
    let res = app.get("/v1/stakeholders", "forged.token.here").await;
    assert_problem(res, 429).await;
    assert_problem(app.get("/v1/stakeholders", "").await, 429).await;
    assert_eq!(app.get("/v1/stakeholders", &app.token(&ws, Role::Viewer)).await.status(), 200);
    // The count is per server process (each replica limits what reaches it).
    let fresh = TestApp::spawn_with(app.backend(), |s| s.auth_rate_limit = 5).await.unwrap();
    assert_problem(fresh.get("/v1/stakeholders", "forged.token.here").await, 401).await;
}

async fn calendar_links_open_one_feed(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let contributor = app.token(&ws, Role::Contributor);
    let person = app.create_stakeholder(&manager, json!({"name": "Ann", "group": "external"})).await;
    let plan =
        json!({"stakeholder_id": person["id"], "channel": "call", "cadence": "weekly", "owner": "Mia"});
    assert_eq!(app.post("/v1/engagement-plans", &manager, &plan).await.status(), 201);

    let res = app.post("/v1/calendar-links", &contributor, &json!({"owner": "Mia"})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let link: Value = res.json().await.unwrap();
    let url = link["url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap().trim_end_matches(".ics").to_string();
    let feed = app.client.get(&url).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    assert!(feed.text().await.unwrap().contains("call with Ann"));
    // Only that owner's plans: the feed takes no other owner.
    let others = app.client.get(format!("{url}?owner=Someone")).send().await.unwrap();
    assert!(assert_problem(others, 400).await["detail"]
        .as_str()
        .unwrap()
        .contains("unknown query parameter 'owner'"));

    // Listed without its token; stored only as a hash.
    let listed = app.get("/v1/calendar-links", &contributor).await.text().await.unwrap();
    assert!(listed.contains(link["id"].as_str().unwrap()) && !listed.contains(&token));
    let stored: Vec<String> = {
        let mut conn = app.conn();
        let c: &mut DbConnection = &mut conn;
        l::table.filter(l::workspace_id.eq(&ws)).select(l::token_hash).load(c).unwrap()
    };
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token) && stored[0].len() == 64);

    // Read-only and only the feed: the token is no bearer credential.
    assert_problem(app.get("/v1/schedule", &token).await, 401).await;
    assert_problem(app.post("/v1/stakeholders", &token, &json!({"name": "X", "group": "team"})).await, 401)
        .await;
    // Stakeholder and integration tokens may not make links; another member may not revoke one.
    for role in [Role::Stakeholder, Role::Integration] {
        assert_problem(app.post("/v1/calendar-links", &app.token(&ws, role), &json!({})).await, 403).await;
    }
    let path = format!("/v1/calendar-links/{}", link["id"].as_str().unwrap());
    let stranger = app.keys.issue("someone-else", &ws, Role::Manager, None, 600);
    assert_problem(app.delete(&path, &stranger).await, 404).await;
    assert_problem(app.post("/v1/calendar-links", &contributor, &json!({"owner": ""})).await, 422).await;
    assert_problem(app.post("/v1/calendar-links", &contributor, &json!({"colour": "red"})).await, 422).await;
    // Another workspace cannot see or revoke it.
    let other = app.token(&app.workspace("Other"), Role::Admin);
    assert_problem(app.delete(&path, &other).await, 404).await;
    let theirs: Value = app.get("/v1/calendar-links", &other).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));

    // Revoked: the feed is 401 like an unknown token.
    assert_eq!(app.delete(&path, &contributor).await.status(), 204);
    let gone = app.client.get(&url).send().await.unwrap();
    let unknown =
        app.client.get(format!("{}/v1/calendar/cal_unknown.ics", app.address)).send().await.unwrap();
    let (gone, unknown) = (assert_problem(gone, 401).await, assert_problem(unknown, 401).await);
    assert_eq!(gone["detail"], unknown["detail"]);
}
