//! PostgreSQL restarted under load: while it is down the service answers 503
//! problem+json, it recovers by itself without a restart, and every write that got a
//! 2xx is in the database afterwards. Its own test binary, so no other test's database
//! is in use while the server restarts (cargo runs test binaries one at a time).
//!
//! Needs STAKEMAP_TEST_POSTGRES_URL and STAKEMAP_TEST_POSTGRES_STOP / _START (shell
//! commands that stop and start the server; `.ci/run` sets all three).

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;

#[path = "support/binary.rs"]
mod binary;

fn setting(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(std::env::var("CI").is_err(), "CI is set but {name} is not");
            eprintln!("{name} not set: PostgreSQL restart test skipped");
            None
        }
    }
}

/// Starts the server again if the test fails while it is down (ignoring "already running").
struct StartOnDrop(String);

impl Drop for StartOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("sh").args(["-c", &self.0]).status();
    }
}

fn shell(command: &str) {
    let status = Command::new("sh").args(["-c", command]).status().unwrap();
    assert!(status.success(), "{command}");
}

#[tokio::test]
async fn postgres_restart_under_load() {
    let (Some(server), Some(stop), Some(start)) = (
        setting("STAKEMAP_TEST_POSTGRES_URL"),
        setting("STAKEMAP_TEST_POSTGRES_STOP"),
        setting("STAKEMAP_TEST_POSTGRES_START"),
    ) else {
        return;
    };
    let name = format!("stakemap_restart_{}", uuid::Uuid::new_v4().simple());
    PgConnection::establish(&server).unwrap().batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let env = [("STAKEMAP_DATABASE_URL", url.as_str())];
    let run = |args: &[&str]| binary::run(dir.path(), &env, args);
    run(&["workspace", "create", "Acme"]);
    let token = run(&["token", "--workspace", "acme", "--role", "manager"]).trim().to_string();
    let (mut service, base) = binary::serve(dir.path(), &env);

    // Four writers create people without pause, noting every acknowledged id and status.
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let unavailable = Arc::new(Mutex::new(0usize));
    let others = Arc::new(Mutex::new(Vec::new()));
    let stop_at = Instant::now() + Duration::from_secs(60);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (acknowledged, unavailable, others, done) =
            (acknowledged.clone(), unavailable.clone(), others.clone(), done.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < stop_at {
                n += 1;
                let res = client
                    .post(format!("{base}/v1/stakeholders"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("W{w} {n}"), "group": "team"}))
                    .send()
                    .await;
                match res {
                    Ok(res) if res.status().is_success() => {
                        let body: serde_json::Value = res.json().await.unwrap();
                        acknowledged.lock().unwrap().insert(body["id"].as_str().unwrap().to_string());
                    }
                    Ok(res) if res.status() == 503 => {
                        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
                        assert!(kind.starts_with("application/problem+json"), "{kind}");
                        *unavailable.lock().unwrap() += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Ok(res) => {
                        let seen = format!("{} {}", res.status(), res.text().await.unwrap_or_default());
                        others.lock().unwrap().push(seen);
                    }
                    Err(e) => others.lock().unwrap().push(format!("transport: {e}")),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let _restart = StartOnDrop(start.clone());
    shell(&stop);
    // Longer than the pool's 5 s wait for a connection, after which requests get 503.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let down_answers = *unavailable.lock().unwrap();
    shell(&start);
    // Recovery without restarting the service: writes succeed again.
    let before = acknowledged.lock().unwrap().len();
    let recovered = Instant::now();
    while acknowledged.lock().unwrap().len() < before + 20 {
        assert!(recovered.elapsed() < Duration::from_secs(30), "no recovery 30 s after PostgreSQL came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(down_answers > 0, "answered 503 while PostgreSQL was down");
    let others = others.lock().unwrap().clone();
    assert!(others.is_empty(), "only 2xx or 503 expected: {others:?}");

    // Every acknowledged write is stored.
    let mut db = PgConnection::establish(&url).unwrap();
    use stakemap::db::schema::stakeholders as s;
    let stored: HashSet<String> =
        s::table.select(s::id).load::<String>(&mut db).unwrap().into_iter().collect();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost", lost.len());
    let _ = service.kill();
    let _ = service.wait();
    drop(db);
    PgConnection::establish(&server)
        .unwrap()
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
}
