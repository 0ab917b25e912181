//! Probes, the served OpenAPI document and docs, CORS, SQLite settings and the access log.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use stakemap::auth::Role;
use stakemap::db::DbConnection;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(probes_and_docs);

async fn probes_and_docs(app: TestApp) {
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
    let res = get("/healthz").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), r#"{"status":"ok"}"#);
    let res = get("/readyz").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), r#"{"status":"ready"}"#);
    let spec: serde_json::Value = get("/openapi.json").await.unwrap().json().await.unwrap();
    assert_eq!(spec, stakemap::openapi::document());
    let res = get("/docs").await.unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/docs/");
    let html = get("/docs/").await.unwrap().text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(!html.contains("https://"), "docs load nothing from a CDN");
    let init = get("/docs/swagger-initializer.js").await.unwrap().text().await.unwrap();
    assert!(init.contains("/openapi.json"));
}

#[derive(QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Text)]
    value: String,
}

fn pragma(conn: &mut DbConnection, name: &str, column: &str) -> String {
    diesel::sql_query(format!("SELECT CAST({column} AS TEXT) AS value FROM pragma_{name}"))
        .get_result::<Pragma>(conn)
        .unwrap()
        .value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_connections_use_wal_busy_timeout_and_foreign_keys() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mut conn = app.conn();
    assert_eq!(pragma(&mut conn, "journal_mode", "journal_mode"), "wal");
    assert_eq!(pragma(&mut conn, "foreign_keys", "foreign_keys"), "1");
    assert_eq!(pragma(&mut conn, "busy_timeout", "timeout"), "10000");
    assert_eq!(pragma(&mut conn, "synchronous", "synchronous"), "1", "NORMAL");
    // Foreign keys are enforced: a stakeholder in a missing workspace is refused.
    let err = conn.batch_execute(
        "INSERT INTO stakeholders (workspace_id, id, name, stakeholder_group, quadrant, version, created_at, updated_at) \
         VALUES ('nope', 'x', 'n', 'team', 'unassessed', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    assert!(err.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_only_for_configured_origins() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.cors_origins = Some("https://app.example".into()))
        .await
        .unwrap();
    let ws = app.workspace("Acme");
    let token = app.token(&ws, Role::Viewer);
    let res = app
        .request(reqwest::Method::GET, "/v1/stakeholders", &token)
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example");
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/v1/stakeholders", app.address))
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "PATCH")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let plain = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let ws = plain.workspace("Acme");
    let res = plain
        .request(reqwest::Method::GET, "/v1/stakeholders", &plain.token(&ws, Role::Viewer))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}
