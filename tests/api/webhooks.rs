//! Webhooks against a real local receiver: signatures, retries, restarts and replicas.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::domain::signature;

use crate::helpers::{assert_problem, Backend, TestApp};
use crate::on_both_backends;
use crate::receiver::Receiver;

on_both_backends!(retries_until_delivered_and_signed, replicas_deliver_each_event_once);

async fn fast(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |s| {
        s.webhook_poll_ms = 50;
        s.webhook_retry_base_ms = 200;
    })
    .await
}

async fn subscribe(app: &TestApp, admin: &str, url: &str, events: Value) -> Value {
    let res = app.post("/v1/webhooks", admin, &json!({"url": url, "events": events})).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn retries_until_delivered_and_signed(app: TestApp) {
    let Some(app) =
        fast(if app.database_url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres }).await
    else {
        return;
    };
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let receiver = Receiver::start(2);
    let hook =
        subscribe(&app, &admin, &receiver.url, json!(["stakeholder.created", "feedback_item.updated"])).await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let listed = app.get("/v1/webhooks", &admin).await.text().await.unwrap();
    assert!(!listed.contains(&secret), "the secret is shown once");

    let m = app.token(&ws, Role::Manager);
    let s = app
        .create_stakeholder(
            &m,
            json!({"name": "Ann", "group": "external", "influence": 5, "notes": "secret notes"}),
        )
        .await;
    let got = receiver.wait_for(10, |r| r.iter().any(|x| x.answered == 200));
    assert_eq!(got.len(), 3, "failed twice, delivered on the third try");
    assert_eq!(got.iter().map(|r| r.answered).collect::<Vec<_>>(), [500, 500, 200]);
    let delivery_id = got[0].header("Stakemap-Delivery").unwrap().to_string();
    for r in &got {
        assert_eq!(r.header("Stakemap-Delivery"), Some(delivery_id.as_str()), "retries of one delivery");
        assert!(
            signature::verify(&secret, r.header("Stakemap-Signature").unwrap(), &r.body),
            "signature verifies"
        );
        assert!(!signature::verify("whsec_wrong", r.header("Stakemap-Signature").unwrap(), &r.body));
    }
    let payload: Value = serde_json::from_str(&got[2].body).unwrap();
    assert_eq!(
        (&payload["event"], &payload["id"], &payload["data"]["id"]),
        (&json!("stakeholder.created"), &json!(delivery_id), &s["id"])
    );
    assert_eq!(payload["data"]["record"]["name"], "Ann");
    assert!(
        !got[2].body.contains("influence") && !got[2].body.contains("secret notes"),
        "no analysis in webhooks"
    );

    // The point declined reaches the CRM with its response.
    let point: Value = app
        .post("/v1/feedback-items", &m, &json!({"stakeholder_id": s["id"], "summary": "Cheaper please"}))
        .await
        .json()
        .await
        .unwrap();
    app.patch(
        &format!("/v1/feedback-items/{}", point["id"].as_str().unwrap()),
        &m,
        &json!({"status": "declined", "response": "Prices are fixed this year"}),
    )
    .await;
    let got = receiver.wait_for(10, |r| r.len() >= 4);
    let declined: Value = serde_json::from_str(&got[3].body).unwrap();
    assert_eq!(
        (&declined["event"], &declined["data"]["record"]["status"], &declined["data"]["record"]["response"]),
        (&json!("feedback_item.updated"), &json!("declined"), &json!("Prices are fixed this year"))
    );

    // Nothing is delivered twice.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(receiver.all().len(), 4);
    let log: Value = app
        .get(&format!("/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap()), &admin)
        .await
        .json()
        .await
        .unwrap();
    let first = &log["items"][0];
    assert_eq!(
        (&first["status"], &first["attempts"], &first["last_status_code"]),
        (&json!("delivered"), &json!(3), &json!(200))
    );
    // Admin only, validated, isolated.
    assert_problem(app.post("/v1/webhooks", &m, &json!({"url": receiver.url, "events": ["*"]})).await, 403)
        .await;
    assert_problem(
        app.post("/v1/webhooks", &admin, &json!({"url": "ftp://x", "events": ["stakeholder.flew"]})).await,
        422,
    )
    .await;
    let other = app.workspace("Other");
    assert_problem(
        app.get(&format!("/v1/webhooks/{}", hook["id"].as_str().unwrap()), &app.token(&other, Role::Admin))
            .await,
        404,
    )
    .await;
}

async fn replicas_deliver_each_event_once(app: TestApp) {
    let Some(first) =
        fast(if app.database_url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres }).await
    else {
        return;
    };
    let second = first
        .replica(|s| {
            s.webhook_poll_ms = 50;
            s.webhook_retry_base_ms = 200;
        })
        .await;
    let ws = first.workspace("Acme");
    let receiver = Receiver::start(0);
    subscribe(&first, &first.token(&ws, Role::Admin), &receiver.url, json!(["*"])).await;
    let m = first.token(&ws, Role::Manager);
    for i in 0..20 {
        let app = if i % 2 == 0 { &first } else { &second };
        app.create_stakeholder(&m, json!({"name": format!("P{i}"), "group": "team"})).await;
    }
    let got = receiver.wait_for(15, |r| r.len() >= 20);
    std::thread::sleep(Duration::from_millis(500));
    let got_after = receiver.all();
    assert_eq!(got.len(), 20);
    assert_eq!(got_after.len(), 20, "no event delivered twice by the two replicas");
    let ids: std::collections::HashSet<String> =
        got_after.iter().map(|r| r.header("Stakemap-Delivery").unwrap().to_string()).collect();
    assert_eq!(ids.len(), 20);
}

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn queued_event_is_delivered_after_a_kill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("kill.db").display());
    let cli = |args: &[&str]| {
        let out =
            Command::new(BIN).args(args).env_clear().env("STAKEMAP_DATABASE_URL", &db).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    cli(&["workspace", "create", "Acme"]);
    let admin = cli(&["token", "--workspace", "acme", "--role", "admin"]);
    let start = |worker: &str| {
        let port = free_port();
        let mut child = Command::new(BIN)
            .arg("serve")
            .env_clear()
            .env("STAKEMAP_DATABASE_URL", &db)
            .env("STAKEMAP_LISTEN", format!("127.0.0.1:{port}"))
            .env("STAKEMAP_WEBHOOK_WORKER", worker)
            .env("STAKEMAP_WEBHOOK_POLL_MS", "50")
            .env("STAKEMAP_WEBHOOK_ALLOW_PRIVATE", "true")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("listening"), "{line}");
        (child, format!("http://127.0.0.1:{port}"))
    };
    let receiver = Receiver::start(0);
    // A replica without the delivery worker: the event is committed and stays queued.
    let (mut child, base) = start("false");
    let client = reqwest::blocking::Client::new();
    let hook = client
        .post(format!("{base}/v1/webhooks"))
        .bearer_auth(&admin)
        .json(&json!({"url": receiver.url, "events": ["stakeholder.created"]}))
        .send()
        .unwrap();
    assert_eq!(hook.status(), 201);
    let created = client
        .post(format!("{base}/v1/stakeholders"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Survivor", "group": "team"}))
        .send()
        .unwrap();
    assert_eq!(created.status(), 201);
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.all().is_empty(), "not delivered before the kill: {:?}", receiver.all());
    child.kill().unwrap();
    child.wait().unwrap();
    let (mut child, _) = start("true");
    let got = receiver.wait_for(10, |r| !r.is_empty());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(got.len(), 1, "delivered after restart");
    assert!(got[0].body.contains("Survivor"));
}
