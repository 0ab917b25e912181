//! `/metrics` in Prometheus text, and a graceful stop on SIGTERM: the real binary stops
//! accepting, finishes the request in flight, and exits cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");

on_both_backends!(metrics_count_requests_by_route_and_status);

async fn metrics_count_requests_by_route_and_status(app: TestApp) {
    let ws = app.workspace("Acme");
    let t = app.token(&ws, Role::Manager);
    let id = app.create_stakeholder(&t, json!({"name": "Ann", "group": "team"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/v1/stakeholders/{id}"), &t).await.status(), 200);
    }
    let missing = uuid::Uuid::now_v7();
    assert_eq!(app.get(&format!("/v1/stakeholders/{missing}"), &t).await.status(), 404);

    // No token needed: a scraper reads it.
    let res = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = res.text().await.unwrap();
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .to_string()
    };
    let by_id = r#"route="/v1/stakeholders/{id}",method="GET""#;
    assert!(line(&format!(r#"stakemap_http_requests_total{{{by_id},status="200"}}"#)).ends_with(" 3"));
    assert!(line(&format!(r#"stakemap_http_requests_total{{{by_id},status="404"}}"#)).ends_with(" 1"));
    assert!(line(r#"stakemap_http_requests_total{route="/v1/stakeholders",method="POST",status="201"}"#)
        .ends_with(" 1"));
    let inf =
        line(&format!(r#"stakemap_http_request_duration_seconds_bucket{{{by_id},status="200",le="+Inf"}}"#));
    assert!(inf.ends_with(" 3"), "{inf}");
    assert!(text.contains("# TYPE stakemap_http_request_duration_seconds histogram"));
    // Pool usage: this request's own connection is not held while rendering.
    let max: u32 = line("stakemap_db_pool_max_connections ").rsplit(' ').next().unwrap().parse().unwrap();
    assert!(max >= 1);
    line(r#"stakemap_db_pool_connections{state="idle"}"#);
    line(r#"stakemap_db_pool_connections{state="in_use"}"#);
    // The ids in paths never become labels (one series per route, not per stakeholder).
    assert!(!text.contains(&id));
}

fn run(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).current_dir(dir).env_clear().output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["workspace", "create", "Acme"]);
    let token = run(dir.path(), &["token", "--workspace", "acme", "--role", "manager"]).trim().to_string();
    let mut server = Command::new(BIN)
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("STAKEMAP_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let address = listening.strip_prefix("listening on http://").unwrap().to_string();

    // A request whose body is still arriving when the signal comes.
    let body = json!({"name": "Late", "group": "team"}).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut conn = TcpStream::connect(&address).unwrap();
    write!(
        conn,
        "POST /v1/stakeholders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.try_wait().unwrap().is_none(), "the server waits for the request in flight");
    // New connections are no longer accepted.
    assert!(TcpStream::connect(&address).is_err(), "the listener is closed after SIGTERM");

    conn.write_all(tail.as_bytes()).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("\"name\":\"Late\""));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    // The acknowledged write is in the database.
    let export = run(dir.path(), &["workspace", "list"]);
    assert!(export.contains("acme"));
    let mut db = <diesel::SqliteConnection as diesel::Connection>::establish(
        dir.path().join("stakemap.db").to_str().unwrap(),
    )
    .unwrap();
    use diesel::prelude::*;
    let names: Vec<String> = stakemap::db::schema::stakeholders::table
        .select(stakemap::db::schema::stakeholders::name)
        .load(&mut db)
        .unwrap();
    assert_eq!(names, vec!["Late".to_string()]);
}
