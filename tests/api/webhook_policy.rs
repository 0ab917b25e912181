//! Webhooks a hostile admin cannot abuse: no receivers on the service's own network, no
//! redirects, a fair share of delivery per workspace, cancelled when cut off, capped.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::schema::webhook_deliveries as d;
use stakemap::db::DbConnection;
use stakemap::store::webhooks::{self, WebhookRow};

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;
use crate::receiver::Receiver;

on_both_backends!(private_receivers_are_refused, redirects_are_not_followed, delivery_is_fair_and_cut_off);

/// A name the machine's hosts file maps to a loopback address (not spelled `localhost`).
fn loopback_name() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let mut parts = line.split_whitespace();
        let ip: std::net::IpAddr = parts.next()?.parse().ok()?;
        ip.is_loopback().then(|| parts.find(|n| !n.contains("localhost")).map(str::to_string)).flatten()
    })
}

fn hook_row(ws: &str, url: &str) -> WebhookRow {
    let now = chrono::Utc::now().naive_utc();
    WebhookRow {
        workspace_id: ws.into(),
        id: uuid::Uuid::now_v7().to_string(),
        url: url.into(),
        events: "[\"*\"]".into(),
        active: true,
        secret: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

async fn last_delivery(app: &TestApp, admin: &str, hook: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log: Value =
            app.get(&format!("/v1/webhooks/{hook}/deliveries"), admin).await.json().await.unwrap();
        let first = log["items"][0].clone();
        if first["attempts"].as_i64().unwrap_or(0) >= 1 && !first["last_error"].is_null()
            || Instant::now() > deadline
        {
            return first;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn private_receivers_are_refused(app: TestApp) {
    let strict = TestApp::spawn_with(app.backend(), |s| {
        s.webhook_allow_private = false;
        s.webhook_poll_ms = 50;
    })
    .await
    .unwrap();
    let ws = strict.workspace("Hostile");
    let admin = strict.token(&ws, Role::Admin);
    let mut refused: Vec<String> = [
        "http://127.0.0.1:8080/hook",
        "http://127.1/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest",
        "http://10.0.0.5/hook",
        "http://172.20.1.1/hook",
        "http://192.168.0.10/hook",
        "http://100.64.0.1/hook",
        "http://localhost:9000/hook",
        "http://admin.localhost/hook",
    ]
    .map(String::from)
    .to_vec();
    refused.extend(loopback_name().map(|name| format!("http://{name}:9/hook")));
    for url in &refused {
        let problem = assert_problem(
            strict.post("/v1/webhooks", &admin, &json!({"url": url, "events": ["*"]})).await,
            422,
        )
        .await;
        assert_eq!(error_fields(&problem), ["url"], "{url}");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("refused"), "{url}: {problem}");
    }
    let problem = assert_problem(
        strict
            .post(
                "/v1/webhooks",
                &admin,
                &json!({"url": "https://crm:hunter2@93.184.216.34/h", "events": ["*"]}),
            )
            .await,
        422,
    )
    .await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("user info"));
    let listed: Value = strict.get("/v1/webhooks", &admin).await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]), "nothing written");

    // A public receiver registers; patching it to a private one is refused and changes nothing.
    let hook: Value = strict
        .post(
            "/v1/webhooks",
            &admin,
            &json!({"url": "https://93.184.216.34/h", "events": ["*"], "active": false}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/v1/webhooks/{}", hook["id"].as_str().unwrap());
    assert_problem(strict.patch(&path, &admin, &json!({"url": "http://127.1/x"})).await, 422).await;
    let kept: Value = strict.get(&path, &admin).await.json().await.unwrap();
    assert_eq!(kept["url"], "https://93.184.216.34/h");

    // Checked again at delivery, without connecting: a literal address and a name that
    // resolves to loopback (rows written before the policy, or a name re-pointed since).
    let receiver = Receiver::start(0);
    let port = receiver.url.split(':').nth(2).unwrap().split('/').next().unwrap().to_string();
    let mut rows = vec![hook_row(&ws, &receiver.url)];
    rows.extend(loopback_name().map(|name| hook_row(&ws, &format!("http://{name}:{port}/hook"))));
    for row in &rows {
        webhooks::insert(&mut strict.conn(), row).unwrap();
    }
    strict.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    for row in &rows {
        let delivery = last_delivery(&strict, &admin, &row.id).await;
        assert_eq!(delivery["status"], "pending", "{delivery}");
        assert!(delivery["last_status_code"].is_null(), "no receiver answered: {delivery}");
        assert!(delivery["last_error"].as_str().unwrap().contains("refused"), "{delivery}");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(receiver.all().is_empty(), "the private receiver was never contacted");
}

async fn redirects_are_not_followed(app: TestApp) {
    let app = TestApp::spawn_with(app.backend(), |s| {
        s.webhook_poll_ms = 50;
        s.webhook_retry_base_ms = 60_000;
    })
    .await
    .unwrap();
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let target = Receiver::start(0);
    let location = target.url.clone();
    let redirecting =
        Receiver::answering(move |_| (307, vec![("Location".into(), location.clone())], Duration::ZERO));
    let hook: Value = app
        .post("/v1/webhooks", &admin, &json!({"url": redirecting.url, "events": ["*"]}))
        .await
        .json()
        .await
        .unwrap();
    app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    let delivery = last_delivery(&app, &admin, hook["id"].as_str().unwrap()).await;
    assert_eq!((&delivery["last_status_code"], &delivery["status"]), (&json!(307), &json!("pending")));
    assert!(delivery["last_error"].as_str().unwrap().contains("redirects are not followed"));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(redirecting.all().len(), 1);
    assert!(target.all().is_empty(), "the redirect's target was never called");
}

async fn delivery_is_fair_and_cut_off(app: TestApp) {
    let app = TestApp::spawn_with(app.backend(), |s| {
        s.webhook_poll_ms = 50;
        s.webhook_retry_base_ms = 100;
    })
    .await
    .unwrap();
    // A workspace whose eight receivers each take longer than the delivery timeout.
    let slow_ws = app.workspace("Slow");
    let slow_admin = app.token(&slow_ws, Role::Admin);
    let slow = Receiver::answering(|_| (200, vec![], Duration::from_secs(12)));
    for _ in 0..8 {
        let res = app.post("/v1/webhooks", &slow_admin, &json!({"url": slow.url, "events": ["*"]})).await;
        assert_eq!(res.status(), 201);
    }
    for name in ["A", "B", "C"] {
        app.create_stakeholder(&slow_admin, json!({"name": name, "group": "external"})).await;
    }
    slow.wait_for(10, |r| r.len() >= stakemap::webhook_worker::PER_WORKSPACE);
    // Another workspace's delivery arrives within seconds all the same.
    let ws = app.workspace("Calm");
    let admin = app.token(&ws, Role::Admin);
    let fast = Receiver::start(0);
    app.post("/v1/webhooks", &admin, &json!({"url": fast.url, "events": ["*"]})).await;
    let started = Instant::now();
    app.create_stakeholder(&admin, json!({"name": "Bea", "group": "external"})).await;
    assert_eq!(fast.wait_for(10, |r| !r.is_empty()).len(), 1);
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "the other workspace's delivery waited {waited:?}");
    assert_eq!(
        slow.all().len(),
        stakemap::webhook_worker::PER_WORKSPACE,
        "the slow workspace holds only its share"
    );

    // Deleting a failing webhook cancels its queued retries; deactivating one cancels them too.
    let failing = Receiver::answering(|_| (500, vec![], Duration::ZERO));
    let mut hooks = vec![];
    for _ in 0..2 {
        let hook: Value = app
            .post("/v1/webhooks", &admin, &json!({"url": failing.url, "events": ["*"]}))
            .await
            .json()
            .await
            .unwrap();
        hooks.push(hook["id"].as_str().unwrap().to_string());
    }
    app.create_stakeholder(&admin, json!({"name": "Cid", "group": "external"})).await;
    failing.wait_for(10, |r| r.len() >= 2);
    assert_eq!(app.delete(&format!("/v1/webhooks/{}", hooks[0]), &admin).await.status(), 204);
    let res = app.patch(&format!("/v1/webhooks/{}", hooks[1]), &admin, &json!({"active": false})).await;
    assert_eq!(res.status(), 200);
    let log: Value =
        app.get(&format!("/v1/webhooks/{}/deliveries", hooks[1]), &admin).await.json().await.unwrap();
    let statuses: Vec<&str> =
        log["items"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == "cancelled"), "{statuses:?}");
    std::thread::sleep(Duration::from_millis(300));
    let after_cut = failing.all().len();
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(failing.all().len(), after_cut, "no retry after delete or deactivation");
    let pending: i64 = {
        let mut conn = app.conn();
        let c: &mut DbConnection = &mut conn;
        d::table
            .filter(d::workspace_id.eq(&ws))
            .filter(d::status.eq("pending"))
            .count()
            .get_result(c)
            .unwrap()
    };
    assert_eq!(pending, 0);

    // At most 20 webhooks per workspace.
    let capped = app.workspace("Capped");
    let capped_admin = app.token(&capped, Role::Admin);
    for _ in 0..20 {
        let res = app
            .post("/v1/webhooks", &capped_admin, &json!({"url": fast.url, "events": ["*"], "active": false}))
            .await;
        assert_eq!(res.status(), 201);
    }
    let problem = assert_problem(
        app.post("/v1/webhooks", &capped_admin, &json!({"url": fast.url, "events": ["*"]})).await,
        409,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("at most 20"));
    let listed: Value = app.get("/v1/webhooks", &capped_admin).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 20);
}
