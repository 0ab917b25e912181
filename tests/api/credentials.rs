//! Credentials and what outlives them: idempotent replays only for the same caller, no
//! secret kept anywhere, tokens that die with their key or person, ids that are not UUIDs.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    replays_need_the_same_credentials,
    secrets_are_shown_once_and_kept_nowhere,
    tokens_die_with_their_key_or_person,
    ids_that_are_not_uuids_are_404
);

fn token_as(app: &TestApp, ws: &str, sub: &str, role: Role) -> String {
    app.keys.issue(sub, ws, role, None, 600)
}

async fn post_keyed(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.request(Method::POST, path, token).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

async fn replays_need_the_same_credentials(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = token_as(&app, &ws, "shared-sub", Role::Admin);
    let viewer = token_as(&app, &ws, "shared-sub", Role::Viewer);
    let body = json!({"name": "CI", "role": "admin"});
    let first = post_keyed(&app, "/v1/api-keys", &admin, "k-key", &body).await;
    assert_eq!(first.status(), 201);
    let created: Value = first.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();

    // A viewer with the same `sub` and key is refused as a fresh call would be: no replay.
    let res = post_keyed(&app, "/v1/api-keys", &viewer, "k-key", &body).await;
    assert!(res.headers().get("idempotent-replayed").is_none());
    let text = assert_problem(res, 403).await.to_string();
    assert!(!text.contains(&secret), "the admin key's secret reached a viewer");

    // The admin's own retry learns what was created, never the secret again.
    let retry = post_keyed(&app, "/v1/api-keys", &admin, "k-key", &body).await;
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let problem = assert_problem(retry, 409).await;
    assert_eq!(problem["existing_id"], created["id"]);
    assert!(!problem.to_string().contains(&secret));
    let keys: Value = app.get("/v1/api-keys", &admin).await.json().await.unwrap();
    assert_eq!(keys["items"].as_array().unwrap().len(), 1, "one key, made once");

    // An integration token sharing a manager's `sub` does not replay the manager's
    // creation of a confidential person (with its analysis fields).
    let manager = token_as(&app, &ws, "crm-sync", Role::Manager);
    let integration = token_as(&app, &ws, "crm-sync", Role::Integration);
    let person = json!({"name": "Hidden", "group": "external", "confidential": true, "influence": 5});
    assert_eq!(post_keyed(&app, "/v1/stakeholders", &manager, "k-person", &person).await.status(), 201);
    let res = post_keyed(&app, "/v1/stakeholders", &integration, "k-person", &person).await;
    assert!(res.headers().get("idempotent-replayed").is_none());
    let text = assert_problem(res, 403).await.to_string();
    assert!(!text.contains("Hidden") && !text.contains("\"influence\""), "{text}");
    assert_eq!(app.stakeholder_rows(&ws), 1);

    // A stakeholder token is another caller again (same sub, other person).
    let contributor = token_as(&app, &ws, "crm-sync", Role::Contributor);
    let open = json!({"name": "Open", "group": "team"});
    let mine = post_keyed(&app, "/v1/stakeholders", &manager, "k-open", &open).await;
    let theirs = post_keyed(&app, "/v1/stakeholders", &contributor, "k-open", &open).await;
    assert_eq!((mine.status().as_u16(), theirs.status().as_u16()), (201, 201));
    assert!(theirs.headers().get("idempotent-replayed").is_none(), "another role made its own");
    assert_eq!(app.stakeholder_rows(&ws), 3);
}

/// Every byte the database holds, as text (SQLite: the file and its WAL; PostgreSQL: the
/// tables where a secret could end up).
fn database_text(app: &TestApp) -> String {
    if let Some(path) = app.database_url.strip_prefix("sqlite://") {
        return [path.to_string(), format!("{path}-wal")]
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).to_string())
            .collect();
    }
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        text: String,
    }
    let mut conn = app.conn();
    let sql = "SELECT string_agg(t::text, ' ') AS text FROM (
        SELECT k::text AS t FROM idempotency_keys k UNION ALL SELECT w::text FROM webhooks w
        UNION ALL SELECT a::text FROM api_keys a UNION ALL SELECT d::text FROM webhook_deliveries d) x";
    diesel::sql_query(sql).get_result::<Row>(&mut *conn).map(|r| r.text).unwrap_or_default()
}

async fn secrets_are_shown_once_and_kept_nowhere(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let person = app.create_stakeholder(&admin, json!({"name": "Ann", "group": "external"})).await;
    let mut secrets = Vec::new();
    let key = post_keyed(&app, "/v1/api-keys", &admin, "a", &json!({"name": "k", "role": "viewer"})).await;
    let hook = json!({"url": "http://127.0.0.1:9/hook", "events": ["stakeholder.created"]});
    let hook = post_keyed(&app, "/v1/webhooks", &admin, "b", &hook).await;
    let path = format!("/v1/stakeholders/{}/access-links", person["id"].as_str().unwrap());
    let link = post_keyed(&app, &path, &admin, "c", &json!({})).await;
    for (res, field) in [(key, "secret"), (hook, "secret"), (link, "url")] {
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers()["cache-control"], "no-store", "{field}");
        let body: Value = res.json().await.unwrap();
        secrets.push(body[field].as_str().unwrap().to_string());
    }
    let exchange = app
        .client
        .post(format!("{}/v1/auth/token", app.address))
        .json(&json!({"api_key": secrets[0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(exchange.headers()["cache-control"], "no-store");
    let exchanged: Value = exchange.json().await.unwrap();
    secrets.push(exchanged["access_token"].as_str().unwrap().to_string());
    // Retries of each creation: 409s that name no secret.
    assert_problem(post_keyed(&app, &path, &admin, "c", &json!({})).await, 409).await;
    if let Ok(mut conn) = app.pool.get() {
        // Make SQLite fold its WAL into the file, so both are read as they will stay.
        use diesel::connection::SimpleConnection;
        let _ = conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    let stored = database_text(&app);
    assert!(!stored.is_empty());
    for secret in &secrets {
        assert!(!stored.contains(secret.as_str()), "a secret is stored in the database");
        // Nor any long piece of it (a stored prefix of 12 characters is the key's label).
        assert!(!stored.contains(&secret[secret.len() - 20..]), "part of a secret is stored");
    }
}

async fn tokens_die_with_their_key_or_person(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(600)).to_rfc3339();
    let key: Value = app
        .post("/v1/api-keys", &admin, &json!({"name": "ten minutes", "role": "viewer", "expires_at": soon}))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .client
        .post(format!("{}/v1/auth/token", app.address))
        .json(&json!({"api_key": key["secret"]}))
        .send()
        .await
        .unwrap();
    let token: Value = res.json().await.unwrap();
    let expires_in = token["expires_in"].as_i64().unwrap();
    assert!((590..=600).contains(&expires_in), "capped at the key's expiry: {expires_in}");
    let bearer = token["access_token"].as_str().unwrap();
    assert_eq!(app.get("/v1/stakeholders", bearer).await.status(), 200);
    assert_eq!(
        app.delete(&format!("/v1/api-keys/{}", key["id"].as_str().unwrap()), &admin).await.status(),
        204
    );
    assert_problem(app.get("/v1/stakeholders", bearer).await, 401).await;

    // A stakeholder's token stops when the person is deleted.
    let person = app.create_stakeholder(&admin, json!({"name": "Bo", "group": "external"})).await;
    let id = person["id"].as_str().unwrap();
    let own = &app.link_token(&admin, id).await;
    assert_eq!(app.get("/v1/me", own).await.status(), 200);
    assert_eq!(app.delete(&format!("/v1/stakeholders/{id}"), &admin).await.status(), 204);
    assert_problem(app.get("/v1/me", own).await, 401).await;
    assert_problem(app.get("/v1/submissions", own).await, 401).await;
}

async fn ids_that_are_not_uuids_are_404(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    for path in [
        "/v1/stakeholders/abc%00def",
        "/v1/stakeholders/%00",
        "/v1/accounts/x'--",
        "/v1/engagement-plans/00000000-0000-0000-0000-00000000000g",
        "/v1/submissions/%E2%80%AE",
    ] {
        assert_problem(app.get(path, &admin).await, 404).await;
        if !path.starts_with("/v1/submissions") {
            assert_problem(app.patch(path, &admin, &json!({"name": "x"})).await, 404).await;
        }
    }
    assert_problem(app.get("/v1/engagement-plans?stakeholder_id=%00", &admin).await, 422).await;
    assert_problem(app.get("/v1/network?account_id=x%00y", &admin).await, 422).await;
    assert_problem(app.get("/v1/dashboard/feedback?form_id=%00", &admin).await, 422).await;
    assert_eq!(app.stakeholder_rows(&ws), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_table_covers_every_documented_operation() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let spec: Value =
        app.client.get(format!("{}/openapi.json", app.address)).send().await.unwrap().json().await.unwrap();
    let mut documented = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let bearer =
                op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            if !bearer {
                continue;
            }
            let method = method.to_uppercase();
            let entry = stakemap::access::permission(&method, path)
                .unwrap_or_else(|| panic!("{method} {path} has no entry in the permission table"));
            assert_eq!(entry.path, path.as_str());
            let description = op["description"].as_str().unwrap_or_default();
            assert!(description.ends_with(&entry.describe()), "{method} {path}: roles not described");
            documented.push((method, path.clone()));
        }
    }
    for p in stakemap::access::PERMISSIONS {
        assert!(
            documented.iter().any(|(m, path)| m == p.method && path == p.path),
            "{} {} is in the table but not served",
            p.method,
            p.path
        );
    }
}
