//! The dashboard counters stay exact through every write path: after creates, updates,
//! confidentiality and tag changes, deletes, restores, CRM batch and CSV import, plan
//! moves, interaction edits and submission amendments, the counters kept by the writes
//! equal a recount from the rows by the migration's own backfill SQL, on both databases.

use std::collections::BTreeMap;

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;
use stakemap::domain::period::Period;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(counters_equal_a_recount_after_every_kind_of_write);

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Non-zero counters of a workspace in `table` (slots summed).
pub fn counters(conn: &mut DbConnection, table: &str, ws: &str) -> BTreeMap<String, i64> {
    let sql =
        format!("SELECT key, CAST(SUM(n) AS BIGINT) AS n FROM {table} WHERE workspace_id = '{ws}' GROUP BY key HAVING SUM(n) <> 0");
    let rows: Vec<Counter> = diesel::sql_query(sql).load(conn).unwrap();
    rows.into_iter().map(|c| (c.key, c.n)).collect()
}

/// Recounts every counter from the stored rows with the backfill statements of the
/// migration that created the counters, into a scratch table.
pub fn recount(conn: &mut DbConnection, ws: &str) -> BTreeMap<String, i64> {
    let backend = if matches!(conn, DbConnection::Pg(_)) { "postgres" } else { "sqlite" };
    let path =
        format!("{}/migrations/{backend}/2026-11-24-000008_tallies/up.sql", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    conn.batch_execute(
        "CREATE TABLE tallies_check (workspace_id TEXT NOT NULL, key TEXT NOT NULL, n BIGINT NOT NULL)",
    )
    .unwrap();
    let code: String =
        text.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    let backfills: Vec<String> = code
        .split(';')
        .filter(|s| s.trim_start().starts_with("INSERT INTO tallies "))
        .map(|s| s.replacen("INSERT INTO tallies ", "INSERT INTO tallies_check ", 1))
        // An answer superseded by a merge (a later column than that migration) never counts.
        .map(|s| {
            s.replace("FROM submissions x", "FROM (SELECT * FROM submissions WHERE superseded_by IS NULL) x")
        })
        .collect();
    assert_eq!(backfills.len(), 2, "the migration's backfill statements");
    for statement in backfills {
        conn.batch_execute(&statement).unwrap();
    }
    let out = counters(conn, "tallies_check", ws);
    conn.batch_execute("DROP TABLE tallies_check").unwrap();
    out
}

/// The duplicate-making values' counts of a workspace, `reason/value` → holders.
fn shared_values(conn: &mut DbConnection, ws: &str) -> BTreeMap<String, i64> {
    let sql = format!(
        "SELECT reason || '/' || value AS key, CAST(holders AS BIGINT) AS n FROM shared_values \
         WHERE workspace_id = '{ws}'"
    );
    let rows: Vec<Counter> = diesel::sql_query(sql).load(conn).unwrap();
    rows.into_iter().map(|c| (c.key, c.n)).collect()
}

/// Asserts that the counts of duplicate-making values kept by the writes equal a recount
/// from the rows (the start-up rebuild), and that some value is held by two or more.
pub fn shared_values_equal_a_recount(conn: &mut DbConnection, ws: &str) {
    let kept = shared_values(conn, ws);
    stakemap::store::shared_values::rebuild(conn).unwrap();
    let recounted = shared_values(conn, ws);
    assert_eq!(kept, recounted, "shared values kept by the writes vs a recount");
    assert!(kept.values().all(|n| *n > 0), "no value held by nobody is kept: {kept:?}");
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    res.json().await.unwrap()
}

async fn counters_equal_a_recount_after_every_kind_of_write(app: TestApp) {
    let ws = app.workspace("Acme");
    let other = app.workspace("Other");
    let m = app.token(&ws, Role::Manager);
    let crm = app.token(&ws, Role::Integration);
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();

    let a = id(&app.create_stakeholder(&m, json!({"name": "A", "group": "external", "category": "customer", "influence": 5, "impact": 4, "stance": "critic", "veto": true, "tags": ["vip", "emea"]})).await);
    let b = id(&app
        .create_stakeholder(
            &m,
            json!({"name": "B", "group": "team", "influence": 2, "impact": 5, "decision_role": "approver"}),
        )
        .await);
    let c = id(&app.create_stakeholder(&m, json!({"name": "C", "group": "internal", "relationship_status": "active", "confidential": true, "tags": ["vip"]})).await);
    app.create_stakeholder(
        &app.token(&other, Role::Manager),
        json!({"name": "Elsewhere", "group": "team", "tags": ["vip"]}),
    )
    .await;

    // Updates of every counted field, confidentiality both ways, tags, delete, restore.
    let patch = |who: &str, body: Value| {
        let path = format!("/v1/stakeholders/{who}");
        let (app, m) = (&app, m.clone());
        async move { app.patch(&path, &m, &body).await }
    };
    json_of(patch(&a, json!({"stance": "advocate", "influence": 3, "tags": ["emea"]})).await, 200).await;
    json_of(patch(&b, json!({"confidential": true, "category": "finance"})).await, 200).await;
    json_of(patch(&c, json!({"confidential": false, "veto": true})).await, 200).await;
    assert_eq!(app.delete(&format!("/v1/stakeholders/{b}"), &m).await.status(), 204);
    assert_eq!(app.delete(&format!("/v1/stakeholders/{c}"), &m).await.status(), 204);
    json_of(app.post(&format!("/v1/stakeholders/{c}/restore"), &m, &json!({})).await, 200).await;

    // The CRM's batch (new and changed people) and a CSV import.
    let items: Vec<Value> = (0..5)
        .map(|i| json!({"source": "crm", "external_id": format!("K-{i}"), "name": format!("K{i}"), "group": "external", "tags": ["panel"]}))
        .collect();
    json_of(app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "upsert", "items": items})).await, 200)
        .await;
    let changed =
        json!([{"source": "crm", "external_id": "K-1", "name": "K1", "group": "internal", "tags": []}]);
    json_of(
        app.post("/v1/stakeholders/batch", &crm, &json!({"mode": "upsert", "items": changed})).await,
        200,
    )
    .await;
    let res = app
        .request(Method::POST, "/v1/import/stakeholders?mode=upsert", &crm)
        .header("content-type", "text/csv")
        .body("name,group,source,external_id,tags\nK2,team,crm,K-2,panel\nNew,external,crm,N-1,\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Plans: a first plan, a second, one deleted and restored, one moved to someone else.
    let today = Utc::now().date_naive().to_string();
    let plan = |who: &str| json!({"stakeholder_id": who, "channel": "meeting", "cadence": "monthly", "starts_on": today});
    let p1 = id(&json_of(app.post("/v1/engagement-plans", &m, &plan(&a)).await, 201).await);
    let p2 = id(&json_of(app.post("/v1/engagement-plans", &m, &plan(&a)).await, 201).await);
    json_of(app.post("/v1/engagement-plans", &m, &plan(&c)).await, 201).await;
    assert_eq!(app.delete(&format!("/v1/engagement-plans/{p1}"), &m).await.status(), 204);
    assert_eq!(app.delete(&format!("/v1/engagement-plans/{p2}"), &m).await.status(), 204);
    json_of(app.post(&format!("/v1/engagement-plans/{p2}/restore"), &m, &json!({})).await, 200).await;
    // A planned person's quadrant and confidentiality change move the planned counter.
    json_of(patch(&a, json!({"impact": 1, "confidential": true})).await, 200).await;

    // Interactions: created, edited (kind, metrics, month), deleted, restored.
    let at = (Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let long_ago = (Utc::now() - chrono::Duration::days(70)).to_rfc3339();
    let body = |kind: &str, when: &str, metrics: Value| json!({"stakeholder_ids": [a.clone(), c.clone()], "kind": kind, "occurred_at": when, "summary": "s", "metrics": metrics});
    let i1 = id(&json_of(
        app.post("/v1/interactions", &m, &body("speaking", &at, json!({"impressions": 100, "clicks": 3})))
            .await,
        201,
    )
    .await);
    let i2 =
        id(&json_of(app.post("/v1/interactions", &m, &body("meeting", &at, json!(null))).await, 201).await);
    json_of(app.patch(&format!("/v1/interactions/{i1}"), &m, &json!({"kind": "interview", "occurred_at": long_ago, "metrics": {"impressions": 40, "reactions": 2}})).await, 200).await;
    assert_eq!(app.delete(&format!("/v1/interactions/{i2}"), &m).await.status(), 204);
    let i3 = id(&json_of(
        app.post("/v1/interactions", &m, &body("social_share", &at, json!({"shares": 7}))).await,
        201,
    )
    .await);
    assert_eq!(app.delete(&format!("/v1/interactions/{i3}"), &m).await.status(), 204);
    json_of(app.post(&format!("/v1/interactions/{i3}/restore"), &m, &json!({})).await, 200).await;

    // Submissions, one amended into another NPS band.
    let form = id(&json_of(
        app.post(
            "/v1/forms",
            &m,
            &json!({"title": "Pulse", "questions": [{"key": "nps", "type": "nps", "label": "n"}]}),
        )
        .await,
        201,
    )
    .await);
    let period = Period::current().to_string();
    let send =
        |who: &str, nps: i64| json!({"stakeholder_id": who, "period": period, "answers": {"nps": nps}});
    let s1 =
        id(&json_of(app.post(&format!("/v1/forms/{form}/submissions"), &m, &send(&a, 10)).await, 201).await);
    json_of(app.post(&format!("/v1/forms/{form}/submissions"), &m, &send(&c, 5)).await, 201).await;
    let res = app
        .request(Method::PUT, &format!("/v1/submissions/{s1}"), &m)
        .json(&json!({"answers": {"nps": 7}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // People whose rows exist change state: their submissions, plans and interactions
    // move between the public, confidential and deleted counters.
    json_of(patch(&a, json!({"confidential": false})).await, 200).await;
    json_of(patch(&c, json!({"confidential": true})).await, 200).await;
    let mid = counters(&mut app.conn(), "tallies", &ws);
    assert_eq!(mid, recount(&mut app.conn(), &ws), "after confidentiality changes");
    assert_eq!(app.delete(&format!("/v1/stakeholders/{a}"), &m).await.status(), 204);
    let deleted = counters(&mut app.conn(), "tallies", &ws);
    assert_eq!(deleted, recount(&mut app.conn(), &ws), "after deleting a person with rows");
    json_of(app.post(&format!("/v1/stakeholders/{a}/restore"), &m, &json!({})).await, 200).await;
    json_of(patch(&c, json!({"confidential": false})).await, 200).await;

    let mut conn = app.conn();
    let kept = counters(&mut conn, "tallies", &ws);
    let recounted = recount(&mut conn, &ws);
    assert_eq!(kept, recounted, "counters kept by the writes vs a recount from the rows");
    shared_values_equal_a_recount(&mut conn, &ws);
    // The fixture reached every kind of counter.
    for family in [
        "/group/",
        "/category/",
        "/cell/",
        "/veto/",
        "/tag/",
        "/planned/",
        "submissions/",
        "interactions/",
        "plans/",
    ] {
        assert!(kept.keys().any(|k| k.contains(family)), "no {family} counter: {kept:?}");
    }
    assert!(mid.keys().any(|k| k.starts_with("people/c/")) && mid.keys().any(|k| k.starts_with("people/p/")));
    // Interactions with a confidential person are kept apart, and rejoin when nobody is.
    assert!(mid.keys().any(|k| k.starts_with("interactions/") && k.ends_with("/c")), "{mid:?}");
    assert!(kept.keys().filter(|k| k.starts_with("interactions/")).all(|k| k.ends_with("/p")), "{kept:?}");
    assert!(deleted.keys().any(|k| k.starts_with("submissions/") && k.ends_with("/d")), "{deleted:?}");
    assert!(deleted.keys().any(|k| k.starts_with("plans/") && k.contains("/d/")), "{deleted:?}");
}
