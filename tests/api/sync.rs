//! CRM sync: upserts, concurrent upserts, batches, CSV import/export, idempotency,
//! API keys and the rate limit.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    upsert_modes_never_touch_analysis,
    concurrent_upserts_make_one_row,
    batch_mixed_items,
    csv_import_and_export,
    idempotent_posts,
    api_keys_exchange_and_revoke
);

async fn put(
    app: &TestApp,
    token: &str,
    key: &str,
    body: Value,
    header: Option<(&str, &str)>,
) -> reqwest::Response {
    let mut req = app
        .request(Method::PUT, &format!("/v1/stakeholders/by-external-id/hubspot/{key}"), token)
        .json(&body);
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    req.send().await.unwrap()
}

async fn upsert_modes_never_touch_analysis(app: TestApp) {
    let ws = app.workspace("Acme");
    let crm = app.token(&ws, Role::Integration);
    let m = app.token(&ws, Role::Manager);
    assert_problem(
        put(&app, &crm, "C-1", json!({"name": "Ann", "group": "external"}), Some(("If-Match", "*"))).await,
        404,
    )
    .await;
    let res = put(
        &app,
        &crm,
        "C-1",
        json!({"name": "Ann", "group": "external", "title": "CFO"}),
        Some(("If-None-Match", "*")),
    )
    .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let created: Value = res.json().await.unwrap();
    assert_eq!((&created["source"], &created["external_id"]), (&json!("hubspot"), &json!("C-1")));
    assert!(created.get("influence").is_none(), "integration sees no analysis");
    assert_problem(put(&app, &crm, "C-1", json!({"name": "Ann"}), Some(("If-None-Match", "*"))).await, 412)
        .await;

    // The team assesses her; the CRM's later profile sync leaves the assessment alone.
    app.patch(&location, &m, &json!({"influence": 5, "stance": "critic"})).await;
    let res = put(&app, &crm, "C-1", json!({"title": "Group CFO"}), Some(("If-Match", "*"))).await;
    assert_eq!(res.status(), 200);
    let seen: Value = app.get(&location, &m).await.json().await.unwrap();
    assert_eq!(
        (&seen["title"], &seen["influence"], &seen["stance"], &seen["version"]),
        (&json!("Group CFO"), &json!(5), &json!("critic"), &json!(3))
    );
    let problem =
        assert_problem(put(&app, &m, "C-1", json!({"stance": "advocate", "notes": "x"}), None).await, 422)
            .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["notes", "stance"]);
    assert_problem(put(&app, &crm, "C-1", json!({"external_id": "C-2"}), None).await, 422).await;

    // Unchanged: no version, no history entry, no change event.
    let (history, changes) = (app.count("stakeholder_history", &ws), app.count("changes", &ws));
    let res = put(&app, &crm, "C-1", json!({"title": "Group CFO", "name": "Ann"}), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 3);
    assert_eq!((app.count("stakeholder_history", &ws), app.count("changes", &ws)), (history, changes));
    assert_eq!(app.count("stakeholders", &ws), 1);
}

async fn concurrent_upserts_make_one_row(app: TestApp) {
    let ws = app.workspace("Acme");
    let crm = app.token(&ws, Role::Integration);
    let mut handles = Vec::new();
    for i in 0..8 {
        let (client, url, token) = (
            app.client.clone(),
            format!("{}/v1/stakeholders/by-external-id/sf/K-1", app.address),
            crm.clone(),
        );
        handles.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&json!({"name": "Kim", "group": "external", "title": format!("T{i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 201), "no error, no 500: {statuses:?}");
    assert_eq!(app.count("stakeholders", &ws), 1);
}

async fn batch_mixed_items(app: TestApp) {
    let ws = app.workspace("Acme");
    let crm = app.token(&ws, Role::Integration);
    put(&app, &crm, "E-1", json!({"name": "Existing", "group": "external"}), None).await;
    put(&app, &crm, "E-2", json!({"name": "Same", "group": "external"}), None).await;
    let (history, changes) = (app.count("stakeholder_history", &ws), app.count("changes", &ws));
    let items = json!([
        {"source": "hubspot", "external_id": "N-1", "name": "New one", "group": "external"},
        {"source": "hubspot", "external_id": "N-2", "name": "New two", "group": "internal", "tags": ["q1"]},
        {"source": "hubspot", "external_id": "E-1", "title": "Changed"},
        {"source": "hubspot", "external_id": "E-2", "name": "Same"},
        {"source": "hubspot", "external_id": "N-3", "name": "Bad", "group": "external", "email": "not-an-email"},
        {"name": "No key", "group": "external"},
        {"source": "hubspot", "external_id": "N-4", "name": "Analyst", "group": "external", "influence": 4},
    ]);
    let res = app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "upsert", "items": items})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let statuses: Vec<&str> =
        body["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["created", "created", "updated", "unchanged", "error", "error", "error"]);
    assert_eq!(body["results"][4]["error"]["errors"][0]["field"], "email");
    assert_eq!(body["results"][6]["error"]["status"], 422);
    assert!(body["results"][2]["id"].is_string());
    assert_eq!(app.count("stakeholders", &ws), 4, "good items kept, bad ones not written");
    // Only the 2 creates and 1 update wrote history and changes.
    assert_eq!(app.count("stakeholder_history", &ws), history + 3);
    assert_eq!(app.count("changes", &ws), changes + 3);
    let modes: Value = app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "create_only", "items": [{"source": "hubspot", "external_id": "N-1", "name": "x", "group": "team"}]})).await.json().await.unwrap();
    assert_eq!(modes["results"][0]["error"]["status"], 412);
    let modes: Value = app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "update_only", "items": [{"source": "hubspot", "external_id": "N-9", "name": "x", "group": "team"}]})).await.json().await.unwrap();
    assert_eq!(modes["results"][0]["error"]["status"], 404);
    let too_many: Vec<Value> = (0..1001)
        .map(|i| json!({"source": "s", "external_id": format!("{i}"), "name": "n", "group": "team"}))
        .collect();
    assert_problem(app.post("/v1/stakeholders/batch", &crm, &json!({"items": too_many})).await, 422).await;
    assert_problem(
        app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "merge", "items": []})).await,
        422,
    )
    .await;
    let res = app
        .request(Method::POST, "/v1/stakeholders/batch", &crm)
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
    let res = app
        .request(Method::POST, "/v1/stakeholders/batch", &crm)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415).await;
    assert_problem(
        app.post("/v1/stakeholders/batch", &app.token(&ws, Role::Viewer), &json!({"items": []})).await,
        403,
    )
    .await;
    assert_eq!(app.count("stakeholders", &ws), 4);
}

async fn csv_import_and_export(app: TestApp) {
    let ws = app.workspace("Acme");
    let crm = app.token(&ws, Role::Integration);
    let csv = "name,email,group,tags,source,external_id,custom.tier\n\
               Ann Lee,ann@x.example,external,vip;q1,crm,A-1,gold\n\
               \"Bo, Jr.\",bo@x.example,internal,,crm,B-1,\n\
               Bad,not-an-email,external,,crm,C-1,\n\
               Cy,,team,,,,\n";
    let res = app
        .request(Method::POST, "/v1/import/stakeholders", &crm)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let results: Vec<(u64, &str)> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(results, [(2, "created"), (3, "created"), (4, "error"), (5, "created")]);
    assert_eq!(body["results"][2]["error"]["errors"][0]["field"], "email");
    assert_eq!(app.count("stakeholders", &ws), 3);
    let list: Value = app.get("/v1/stakeholders?tag=vip", &crm).await.json().await.unwrap();
    assert_eq!(list["items"][0]["custom_fields"], json!({"tier": "gold"}));
    // Importing again upserts: nothing new, unchanged rows reported as such.
    let again: Value = app
        .request(Method::POST, "/v1/import/stakeholders?mode=upsert", &crm)
        .header("content-type", "text/csv")
        .body("name,source,external_id\nAnn Lee,crm,A-1\n")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["results"][0]["status"], "unchanged");
    let res = app
        .request(Method::POST, "/v1/import/stakeholders", &crm)
        .header("content-type", "text/csv")
        .body("name,influence\nX,5\n")
        .send()
        .await
        .unwrap();
    // Integration never writes analysis: 403 naming the column, nothing written.
    let problem = assert_problem(res, 403).await;
    assert!(problem["detail"].as_str().unwrap().contains("'influence'"), "{problem}");

    // Export: integration gets profile columns only; a manager also gets analysis.
    let m = app.token(&ws, Role::Manager);
    app.patch(
        &format!("/v1/stakeholders/{}", list["items"][0]["id"].as_str().unwrap()),
        &m,
        &json!({"influence": 4, "title": "=HYPERLINK(1)"}),
    )
    .await;
    let crm_csv = app.get("/v1/export/stakeholders.csv", &crm).await.text().await.unwrap();
    let header = crm_csv.lines().next().unwrap();
    assert!(header.starts_with("id,name,email") && !header.contains("influence"));
    assert_eq!(crm_csv.lines().count(), 4);
    assert!(crm_csv.contains("\"Bo, Jr.\""));
    assert!(crm_csv.contains("'=HYPERLINK(1)"), "formulas defused");
    let manager_csv = app.get("/v1/export/stakeholders.csv", &m).await.text().await.unwrap();
    assert!(manager_csv.lines().next().unwrap().contains("influence,impact,quadrant"));
}

async fn idempotent_posts(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let post = |key: &str, body: Value, token: String| {
        app.request(Method::POST, "/v1/stakeholders", &token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = post("k-1", json!({"name": "Once", "group": "team"}), m.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].clone();
    let first_body = first.text().await.unwrap();
    let second = post("k-1", json!({"name": "Once", "group": "team"}), m.clone()).await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["location"], location);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.text().await.unwrap(), first_body, "identical response");
    assert_eq!(app.count("stakeholders", &ws), 1, "one record");
    let problem =
        assert_problem(post("k-1", json!({"name": "Other", "group": "team"}), m.clone()).await.unwrap(), 422)
            .await;
    assert_eq!(error_fields(&problem), ["Idempotency-Key"]);
    // A failed request is remembered too: the same bad body gives the same 422.
    let bad = post("k-2", json!({"name": ""}), m.clone()).await.unwrap();
    assert_eq!(bad.status(), 422);
    let again = post("k-2", json!({"name": ""}), m.clone()).await.unwrap();
    assert_eq!((again.status().as_u16(), again.headers().contains_key("idempotent-replayed")), (422, true));
    // Keys are per caller: another token's k-1 is a new request.
    let other = app.keys.issue("someone-else", &ws, Role::Manager, None, 600);
    assert_eq!(post("k-1", json!({"name": "Theirs", "group": "team"}), other).await.unwrap().status(), 201);
    assert_eq!(app.count("stakeholders", &ws), 2);
    let res = app
        .request(Method::POST, "/v1/stakeholders", &m)
        .header("Idempotency-Key", "bad key with spaces")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400).await;
}

async fn api_keys_exchange_and_revoke(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let res = app.post("/v1/api-keys", &admin, &json!({"name": "HubSpot sync", "role": "integration"})).await;
    assert_eq!(res.status(), 201);
    let key: Value = res.json().await.unwrap();
    let secret = key["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("smk_"));
    let list_text = app.get("/v1/api-keys", &admin).await.text().await.unwrap();
    assert!(!list_text.contains(&secret) && !list_text.contains("secret_hash"), "secret never shown again");
    let exchange = |s: String| {
        app.client.post(format!("{}/v1/auth/token", app.address)).json(&json!({"api_key": s})).send()
    };
    let res = exchange(secret.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    let token: Value = res.json().await.unwrap();
    assert_eq!((&token["token_type"], &token["expires_in"]), (&json!("Bearer"), &json!(3600)));
    let bearer = token["access_token"].as_str().unwrap().to_string();
    let created = app.post("/v1/stakeholders", &bearer, &json!({"name": "Via key", "group": "team"})).await;
    assert_eq!(created.status(), 201);
    assert!(created.text().await.unwrap().contains("\"name\":\"Via key\""));
    assert_problem(
        app.post("/v1/stakeholders", &bearer, &json!({"name": "x", "group": "team", "influence": 3})).await,
        403,
    )
    .await;
    // Unknown, revoked and expired keys are 401.
    assert_problem(exchange("smk_nope".into()).await.unwrap(), 401).await;
    assert_eq!(
        app.delete(&format!("/v1/api-keys/{}", key["id"].as_str().unwrap()), &admin).await.status(),
        204
    );
    assert_problem(exchange(secret).await.unwrap(), 401).await;
    let short: Value = app.post("/v1/api-keys", &admin, &json!({"name": "Short", "role": "viewer", "expires_at": (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339()})).await.json().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_problem(exchange(short["secret"].as_str().unwrap().into()).await.unwrap(), 401).await;
    // Only admins manage keys; stakeholder keys do not exist; a past expiry is 422.
    assert_problem(
        app.post("/v1/api-keys", &app.token(&ws, Role::Manager), &json!({"name": "x", "role": "viewer"}))
            .await,
        403,
    )
    .await;
    assert_problem(app.post("/v1/api-keys", &admin, &json!({"name": "x", "role": "stakeholder"})).await, 422)
        .await;
    assert_problem(
        app.post(
            "/v1/api-keys",
            &admin,
            &json!({"name": "x", "role": "viewer", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await,
        422,
    )
    .await;
    let other = app.workspace("Other");
    let theirs: Value = app.get("/v1/api-keys", &app.token(&other, Role::Admin)).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_returns_429_then_recovers() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit = 3;
        s.rate_limit_window_seconds = 1;
    })
    .await
    .unwrap();
    let ws = app.workspace("Acme");
    let token = app.token(&ws, Role::Viewer);
    for _ in 0..3 {
        assert_eq!(app.get("/v1/stakeholders", &token).await.status(), 200);
    }
    let res = app.get("/v1/stakeholders", &token).await;
    assert_eq!(res.headers()["retry-after"], "1");
    assert_problem(res, 429).await;
    let other_subject = app.keys.issue("another-client", &ws, Role::Viewer, None, 600);
    assert_eq!(app.get("/v1/stakeholders", &other_subject).await.status(), 200, "per token");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.get("/v1/stakeholders", &token).await.status(), 200, "recovers");
}
