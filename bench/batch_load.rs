//! Initial CRM load: 100,000 stakeholders through `POST /v1/stakeholders/batch`, 1,000 per
//! request, then the same 100,000 again unchanged. Real HTTP against the release build.
//!
//! `cargo bench --bench batch_load` (SQLite); set STAKEMAP_BENCH_POSTGRES_URL to also run
//! on PostgreSQL. STAKEMAP_BENCH_ITEMS overrides the total (default 100000).

use std::time::Instant;

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::configuration::Settings;

const BATCH: usize = 1000;

fn settings(database_url: String) -> Settings {
    Settings {
        database_url,
        listen: "127.0.0.1:0".into(),
        jwt_secret: Some("bench-secret-bench-secret-bench-secret-0123".into()),
        jwt_public_key: None,
        jwt_issuer: "stakemap".into(),
        jwt_audience: "stakemap".into(),
        cors_origins: None,
        pool_size: 8,
        log_format: Some("json".into()),
        max_body_bytes: 1_048_576,
        rate_limit: 0,
        rate_limit_window_seconds: 60,
        webhook_worker: true,
        webhook_poll_ms: 1000,
        webhook_retry_base_ms: 5000,
        webhook_allow_private: false,
        auth_rate_limit: 0,
        access_link_url: stakemap::configuration::DEFAULT_ACCESS_LINK_URL.into(),
        default_locale: "en".into(),
    }
}

fn items(batch: usize) -> Vec<Value> {
    (0..BATCH)
        .map(|i| {
            let n = batch * BATCH + i;
            json!({"source": "bench-crm", "external_id": format!("C-{n:07}"), "name": format!("Contact {n}"),
                "email": format!("contact{n}@example.com"), "title": "Buyer", "organization": format!("Org {}", n % 500),
                "group": "external", "category": "customer", "tags": ["imported"], "relationship_status": "active"})
        })
        .collect()
}

async fn load(client: &reqwest::Client, base: &str, token: &str, total: usize, expect: &str) -> f64 {
    let started = Instant::now();
    for b in 0..total / BATCH {
        let res = client
            .post(format!("{base}/v1/stakeholders/batch"))
            .bearer_auth(token)
            .json(&json!({"mode": "upsert", "items": items(b)}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let first = body["results"][0]["status"].as_str().unwrap().to_string();
        if std::env::var("STAKEMAP_BENCH_KEEP").is_ok() && b % 5 == 4 {
            eprintln!(
                "batch {b}: {:.0} items/s so far",
                ((b + 1) * BATCH) as f64 / started.elapsed().as_secs_f64()
            );
        }
        assert_eq!(first, expect, "batch {b}");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

async fn run(name: &str, url: String) {
    stakemap::telemetry::init(Some("json"));
    let total: usize =
        std::env::var("STAKEMAP_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let config = settings(url).validate().unwrap();
    let ready = stakemap::bootstrap::prepare(&config).unwrap();
    let ws =
        stakemap::store::workspaces::create(&mut ready.pool.get().unwrap(), "Bench", "bench").unwrap().id;
    let token = ready.jwt.issue("bench", &ws, Role::Integration, None, 3600);
    let app = stakemap::bootstrap::build(&config, ready).unwrap();
    tokio::spawn(app.server);
    let base = format!("http://127.0.0.1:{}", app.port);
    let client = reqwest::Client::new();
    let first = load(&client, &base, &token, total, "created").await;
    let again = load(&client, &base, &token, total, "unchanged").await;
    println!("{name}: initial load {first:.0} items/s; unchanged re-send {again:.0} items/s ({:.1}x); {total} items", again / first);
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    run("SQLite", format!("sqlite://{}", dir.path().join("bench.db").display())).await;
    if let Ok(server) = std::env::var("STAKEMAP_BENCH_POSTGRES_URL") {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let name = format!("stakemap_bench_{}", uuid::Uuid::new_v4().simple());
        diesel::PgConnection::establish(&server)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let base = server.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(server.clone());
        run("PostgreSQL", format!("{base}/{name}")).await;
        diesel::PgConnection::establish(&server)
            .unwrap()
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}
