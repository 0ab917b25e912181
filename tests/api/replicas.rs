//! Two service processes on one PostgreSQL database, writers on both, the change feed
//! read from one: every acknowledged write is seen in the feed exactly once, and a
//! replica killed with SIGKILL in the middle of writes loses none that it acknowledged.

use std::collections::HashSet;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::{json, Value};

use crate::helpers::{postgres_url, with_database};

// Creates people through `url` until `stop` is set or the replica stops answering;
// returns the ids it acknowledged (201).
async fn writer(
    url: String,
    token: String,
    tag: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<String> {
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for i in 0.. {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let body = json!({"name": format!("{tag} {i}"), "group": "external", "tags": ["replica"]});
        match client.post(format!("{url}/v1/stakeholders")).bearer_auth(&token).json(&body).send().await {
            Ok(res) if res.status() == 201 => {
                acknowledged.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string())
            }
            Ok(res) => panic!("{tag}: {}", res.status()),
            Err(_) => break, // the replica is gone
        }
    }
    acknowledged
}

// Reads the whole feed from `cursor` on; returns the entries and the last cursor.
async fn drain(url: &str, token: &str, cursor: Option<String>, out: &mut Vec<Value>) -> Option<String> {
    let client = reqwest::Client::new();
    let mut cursor = cursor;
    loop {
        let page_url = match &cursor {
            Some(c) => format!("{url}/v1/changes?limit=7&after={c}"),
            None => format!("{url}/v1/changes?limit=7"),
        };
        let page: Value = client.get(page_url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = Some(page["next_cursor"].as_str().unwrap().to_string());
        if !page["has_more"].as_bool().unwrap() {
            return cursor;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_every_acknowledged_write_in_the_feed_once_through_a_sigkill() {
    let Some(server) = postgres_url() else { return };
    let name = format!("stakemap_replicas_{}", uuid::Uuid::new_v4().simple());
    PgConnection::establish(&server).unwrap().batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let database = with_database(&server, &name);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("STAKEMAP_DATABASE_URL", database.as_str()),
        ("STAKEMAP_JWT_SECRET", "replica-secret-replica-secret-replica-0123"),
        ("STAKEMAP_POOL_SIZE", "4"),
    ];
    crate::binary::run(dir.path(), &env, &["workspace", "create", "Acme"]);
    let token = crate::binary::run(dir.path(), &env, &["token", "--workspace", "acme", "--role", "manager"])
        .trim()
        .to_string();
    let (mut first, a) = crate::binary::serve(dir.path(), &env);
    let (mut second, b) = crate::binary::serve(dir.path(), &env);

    // Two writers on each replica, the reader on the first, while the second is killed.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = [(&a, "A1"), (&a, "A2"), (&b, "B1"), (&b, "B2")]
        .into_iter()
        .map(|(url, tag)| tokio::spawn(writer(url.clone(), token.clone(), tag.into(), stop.clone())))
        .collect();
    let mut seen = Vec::new();
    let mut cursor = None;
    let started = std::time::Instant::now();
    let mut killed = false;
    while started.elapsed() < Duration::from_secs(4) {
        cursor = drain(&a, &token, cursor, &mut seen).await;
        if !killed && started.elapsed() > Duration::from_millis(1500) {
            second.kill().unwrap(); // SIGKILL, mid-write
            second.wait().unwrap();
            killed = true;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for (i, w) in writers.into_iter().enumerate() {
        let ids = w.await.unwrap();
        assert!(!ids.is_empty(), "writer {i} wrote");
        acknowledged.extend(ids);
    }
    drain(&a, &token, cursor, &mut seen).await;
    first.kill().unwrap();
    first.wait().unwrap();

    let ids: Vec<&str> = seen.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no change is seen twice");
    let missing: Vec<&String> = acknowledged.iter().filter(|id| !unique.contains(id.as_str())).collect();
    assert!(missing.is_empty(), "{} acknowledged writes never reached the feed: {missing:?}", missing.len());
    assert!(acknowledged.len() >= 40, "the writers wrote ({})", acknowledged.len());
    // Every change in the feed is a person who is really there.
    let mut check = PgConnection::establish(&database).unwrap();
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let stored: N = diesel::RunQueryDsl::get_result(
        diesel::sql_query("SELECT COUNT(*) AS n FROM stakeholders"),
        &mut check,
    )
    .unwrap();
    assert_eq!(stored.n as usize, ids.len(), "feed entries = people stored");
    drop(check);
    let _ = PgConnection::establish(&server)
        .unwrap()
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
