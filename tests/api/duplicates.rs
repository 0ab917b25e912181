//! Duplicate candidates: each reason found, no pair among distinct people, dismissed
//! pairs stay away, pages neither repeat nor skip, only leads may ask.

use std::collections::BTreeSet;

use diesel::RunQueryDsl;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(
    each_reason_is_found_and_nothing_else,
    values_held_before_the_count_existed_are_counted_at_start_up
);

type Pair = (String, String, Vec<String>);

async fn pairs(app: &TestApp, token: &str) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/v1/duplicates?limit=2&cursor={c}"),
            None => "/v1/duplicates?limit=2".to_string(),
        };
        let res = app.get(&url, token).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        for p in page["items"].as_array().unwrap() {
            let mut names =
                [p["a"]["name"].as_str().unwrap().to_string(), p["b"]["name"].as_str().unwrap().to_string()];
            names.sort();
            let reasons =
                p["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
            out.push((names[0].clone(), names[1].clone(), reasons));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

fn set(pairs: &[Pair]) -> BTreeSet<Pair> {
    pairs.iter().cloned().collect()
}

fn pair(a: &str, b: &str, reasons: &[&str]) -> Pair {
    (a.to_string(), b.to_string(), reasons.iter().map(|r| r.to_string()).collect())
}

async fn each_reason_is_found_and_nothing_else(app: TestApp) {
    let ws = app.workspace("Kaksoset");
    let m = app.token(&ws, Role::Manager);
    let mut ids = std::collections::HashMap::new();
    for body in [
        json!({"name": "David Wang"}),
        json!({"name": "Wang  David"}),
        json!({"name": "Émile Zola"}),
        json!({"name": "EMILE zola", "phone": "+33 1 23 45 67 89"}),
        json!({"name": "Anna Virtanen", "email": "Anna.Virtanen@Example.FI"}),
        json!({"name": "A. Virtanen", "email": "anna.virtanen@example.fi"}),
        json!({"name": "Kim Lee", "phone": "+82 10-1234-5678"}),
        json!({"name": "K. Lee", "phone": "821012345678"}),
        json!({"name": "Matti Meikäläinen", "source": "hubspot", "external_id": "42"}),
        json!({"name": "M. Meikäläinen", "source": "pipedrive", "external_id": "42"}),
        // Distinct people: similar, but no equal key.
        json!({"name": "Eero Saarinen", "email": "eero@example.fi"}),
        json!({"name": "Eero Saarinen Jr", "email": "eero.jr@example.fi"}),
        json!({"name": "张伟"}),
        json!({"name": "张伟东"}),
        json!({"name": "김민준", "phone": "12"}),
        json!({"name": "김민준 박", "phone": "12"}),
    ] {
        let mut body = body;
        body["group"] = json!("external");
        let s = app.create_stakeholder(&m, body).await;
        ids.insert(s["name"].as_str().unwrap().to_string(), s["id"].as_str().unwrap().to_string());
    }
    // A switchboard number shared by many is not evidence.
    for i in 0..21 {
        app.create_stakeholder(
            &m,
            json!({"name": format!("Staff {i}"), "group": "internal", "phone": "+358 9 000 000"}),
        )
        .await;
    }
    let found = pairs(&app, &m).await;
    let expected = set(&[
        pair("David Wang", "Wang  David", &["name"]),
        pair("EMILE zola", "Émile Zola", &["name"]),
        pair("A. Virtanen", "Anna Virtanen", &["email"]),
        pair("K. Lee", "Kim Lee", &["phone"]),
        pair("M. Meikäläinen", "Matti Meikäläinen", &["crm_key"]),
    ]);
    assert_eq!(set(&found), expected);
    assert_eq!(found.len(), expected.len(), "pages neither repeat nor skip");
    let first: Value = app.get("/v1/duplicates", &m).await.json().await.unwrap();
    let scores: Vec<u64> =
        first["items"].as_array().unwrap().iter().map(|p| p["score"].as_u64().unwrap()).collect();
    assert_eq!(scores, vec![60, 50, 40, 40, 40], "best first");
    assert_eq!(first["items"][0]["reasons"], json!(["email"]));

    // Dismissed pairs stay away; a second dismissal changes nothing.
    let dismiss = json!({"a_id": ids["Wang  David"], "b_id": ids["David Wang"]});
    assert_eq!(app.post("/v1/duplicates/dismiss", &m, &dismiss).await.status(), 204);
    assert_eq!(app.post("/v1/duplicates/dismiss", &m, &dismiss).await.status(), 204);
    let found = set(&pairs(&app, &m).await);
    assert!(!found.contains(&pair("David Wang", "Wang  David", &["name"])));
    assert_eq!(found.len(), 4);
    // A deleted person is no candidate.
    assert_eq!(app.delete(&format!("/v1/stakeholders/{}", ids["K. Lee"]), &m).await.status(), 204);
    assert_eq!(pairs(&app, &m).await.len(), 3);

    // Bad dismissals write nothing; only admin and manager may ask.
    let before = app.version_sum(&ws);
    let p = assert_problem(app.post("/v1/duplicates/dismiss", &m, &json!({"a_id": ids["张伟"]})).await, 422)
        .await;
    assert_eq!(error_fields(&p), ["b_id"]);
    let same = json!({"a_id": ids["张伟"], "b_id": ids["张伟"]});
    assert_problem(app.post("/v1/duplicates/dismiss", &m, &same).await, 422).await;
    let stranger = json!({"a_id": ids["张伟"], "b_id": uuid::Uuid::new_v4().to_string()});
    assert_eq!(
        error_fields(&assert_problem(app.post("/v1/duplicates/dismiss", &m, &stranger).await, 422).await),
        ["b_id"]
    );
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        assert_problem(app.get("/v1/duplicates", &app.token(&ws, role)).await, 403).await;
    }
    assert_problem(app.get("/v1/duplicates?cursor=forged", &m).await, 400).await;
    let other = app.workspace("Toinen");
    let theirs: Value =
        app.get("/v1/duplicates", &app.token(&other, Role::Admin)).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]), "another workspace sees nothing");
    assert_eq!(app.version_sum(&ws), before);
}

async fn values_held_before_the_count_existed_are_counted_at_start_up(app: TestApp) {
    let ws = app.workspace("Päivitys");
    let m = app.token(&ws, Role::Manager);
    for name in ["Märta Ek", "Ek Märta"] {
        app.create_stakeholder(&m, json!({"name": name, "group": "external"})).await;
    }
    assert_eq!(pairs(&app, &m).await.len(), 1);
    // As a database upgraded to the counted values leaves them: none counted yet.
    diesel::sql_query("DELETE FROM shared_values")
        .execute(&mut *app.conn() as &mut stakemap::db::DbConnection)
        .unwrap();
    assert!(pairs(&app, &m).await.is_empty(), "pairs come from the counted values");
    let config = crate::helpers::settings(app.database_url.clone()).validate().unwrap();
    stakemap::bootstrap::prepare(&config).expect("start-up on the same database");
    assert_eq!(set(&pairs(&app, &m).await), set(&[pair("Ek Märta", "Märta Ek", &["name"])]));
}
