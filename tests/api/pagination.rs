//! Keyset pagination: every row exactly once, in order, nulls last, even under inserts.

use std::collections::HashSet;

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::tx;
use stakemap::domain::stakeholder::{apply, Mode, Stakeholder};
use stakemap::error::ApiError;
use stakemap::store;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(
    pages_cover_every_row_once,
    pages_survive_concurrent_inserts,
    tampered_cursors_are_rejected
);

/// Inserts `n` stakeholders straight through the store: names repeat (ties), a fifth have no influence.
fn seed(app: &TestApp, ws: &str, n: usize, prefix: &str) {
    let mut conn = app.conn();
    tx::write(&mut conn, |c| -> Result<(), ApiError> {
        for i in 0..n {
            let mut s = Stakeholder::blank(ws, stakemap::time::now());
            let influence = if i % 5 == 0 { Value::Null } else { json!((i % 5) as i64) };
            let body = json!({"name": format!("{prefix}{:03}", i % 300), "group": "team", "influence": influence,
                "organization": if i % 3 == 0 { Value::Null } else { json!(format!("Org {}", i % 7)) }});
            apply(&mut s, body.as_object().unwrap(), true, Mode::Create)?;
            store::stakeholders::insert(c, &s, "seed")?;
        }
        Ok(())
    })
    .unwrap();
}

async fn page_through(
    app: &TestApp,
    token: &str,
    query: &str,
    limit: usize,
    mut between: impl FnMut(usize),
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 0.. {
        let mut url = format!("/v1/stakeholders?limit={limit}&{query}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&url, token).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let got = body["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
        between(page);
        assert!(page < 10_000, "runaway paging");
    }
    items
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
}

fn assert_unique(ids: &[String]) {
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "a row appeared twice");
}

// Nulls last in both directions, then the id ascending.
fn key_order(a: &Value, b: &Value, field: &str, descending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let (x, y) = (&a[field], &b[field]);
    let primary = match (x.is_null(), y.is_null()) {
        (true, true) => Equal,
        (true, false) => Greater,
        (false, true) => Less,
        _ => {
            let time = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
            let o = if x.is_number() {
                x.as_i64().cmp(&y.as_i64())
            } else if field.ends_with("_at") {
                time(x).cmp(&time(y))
            } else {
                x.as_str().cmp(&y.as_str())
            };
            if descending {
                o.reverse()
            } else {
                o
            }
        }
    };
    primary
}

async fn pages_cover_every_row_once(app: TestApp) {
    let ws = app.workspace("Acme");
    seed(&app, &ws, 1000, "Person ");
    let token = app.token(&ws, Role::Manager);
    for (query, keys) in [
        ("", vec![("name", false)]),
        ("sort=-influence,name", vec![("influence", true), ("name", false)]),
        ("sort=influence", vec![("influence", false)]),
        ("sort=-organization,-name", vec![("organization", true), ("name", true)]),
        ("sort=-created_at", vec![("created_at", true)]),
    ] {
        let items = page_through(&app, &token, query, 37, |_| {}).await;
        let got = ids(&items);
        assert_eq!(got.len(), 1000, "{query}");
        assert_unique(&got);
        let mut expected = items.clone();
        expected.sort_by(|a, b| {
            keys.iter()
                .map(|(f, d)| key_order(a, b, f, *d))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a["id"].as_str().cmp(&b["id"].as_str()))
        });
        assert_eq!(ids(&expected), got, "order for '{query}'");
    }
    // Nulls last either way.
    let asc = page_through(&app, &token, "sort=influence", 500, |_| {}).await;
    assert!(asc.last().unwrap()["influence"].is_null() && !asc[0]["influence"].is_null());
    let desc = page_through(&app, &token, "sort=-influence", 500, |_| {}).await;
    assert!(desc.last().unwrap()["influence"].is_null() && desc[0]["influence"] == 4);
    // A huge limit is clamped to 500.
    let body: Value = app.get("/v1/stakeholders?limit=100000", &token).await.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 500);
}

async fn pages_survive_concurrent_inserts(app: TestApp) {
    let ws = app.workspace("Acme");
    seed(&app, &ws, 1000, "Person ");
    let original: HashSet<String> = {
        let token = app.token(&ws, Role::Admin);
        ids(&page_through(&app, &token, "", 500, |_| {}).await).into_iter().collect()
    };
    let token = app.token(&ws, Role::Admin);
    let mut round = 0;
    let items = page_through(&app, &token, "sort=-influence,name", 37, |_| {
        // Rows sorting before and after the cursor arrive between pages.
        round += 1;
        seed(&app, &ws, 3, &format!("{round:02} New "));
    })
    .await;
    let got = ids(&items);
    assert_unique(&got);
    let seen: HashSet<String> = got.into_iter().collect();
    assert!(original.is_subset(&seen), "an original row was skipped");
}

async fn tampered_cursors_are_rejected(app: TestApp) {
    let ws = app.workspace("Acme");
    seed(&app, &ws, 10, "P");
    let token = app.token(&ws, Role::Admin);
    let body: Value = app.get("/v1/stakeholders?limit=3", &token).await.json().await.unwrap();
    let cursor = body["next_cursor"].as_str().unwrap().to_string();
    let mut bytes = cursor.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    assert_problem(app.get(&format!("/v1/stakeholders?limit=3&cursor={tampered}"), &token).await, 400).await;
    assert_problem(app.get(&format!("/v1/stakeholders?limit=3&cursor={}x", cursor), &token).await, 400).await;
    assert_problem(
        app.get(&format!("/v1/stakeholders?limit=3&sort=-name&cursor={cursor}"), &token).await,
        400,
    )
    .await;
    // A cursor from another server secret is refused too.
    let other = stakemap::pagination::CursorCodec::new(b"some other secret");
    let forged = other.encode(&stakemap::pagination::Position {
        sort: "name".into(),
        values: vec![json!("P")],
        id: "x".into(),
    });
    assert_problem(app.get(&format!("/v1/stakeholders?cursor={forged}"), &token).await, 400).await;
    assert_eq!(app.get(&format!("/v1/stakeholders?limit=3&cursor={cursor}"), &token).await.status(), 200);
}
