//! Access links: issued, exchanged, used, revoked; expired, unknown and revoked links
//! answer alike; deletion and merge revoke; tokens are never stored in clear.

use diesel::prelude::*;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;

use crate::helpers::{assert_problem, error_fields, link_token_of, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(a_link_lives_until_revoked_and_dies_alike_every_way);

async fn exchange(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/v1/auth/link", app.address))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap()
}

async fn dead(app: &TestApp, token: &str) -> Value {
    let mut body = assert_problem(exchange(app, token).await, 401).await;
    body.as_object_mut().unwrap().remove("instance");
    body
}

fn rows(app: &TestApp, ws: &str) -> Vec<(String, String, Option<chrono::NaiveDateTime>)> {
    use stakemap::db::schema::access_links as l;
    let mut conn = app.conn();
    let c: &mut DbConnection = &mut conn;
    l::table.filter(l::workspace_id.eq(ws)).select((l::id, l::token_hash, l::revoked_at)).load(c).unwrap()
}

async fn a_link_lives_until_revoked_and_dies_alike_every_way(app: TestApp) {
    let backend = if app.database_url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres };
    let Some(app) = TestApp::spawn_with(backend, |s| {
        s.access_link_url = "https://forms.example/answer#token={token}".into();
    })
    .await
    else {
        return;
    };
    let ws = app.workspace("Linkit");
    let m = app.token(&ws, Role::Manager);
    let mia = app.create_stakeholder(&m, json!({"name": "Mia", "group": "external"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]);
    let form: Value = app
        .post(
            "/v1/forms",
            &m,
            &json!({"title": "Pulse", "audience": {"stakeholder_ids": [mia]}, "questions": questions}),
        )
        .await
        .json()
        .await
        .unwrap();
    let form = form["id"].as_str().unwrap();

    // Issue: the URL from the template holds the token, shown once.
    let res = app.post(&format!("/v1/stakeholders/{mia}/access-links"), &m, &json!({"form_id": form})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let link: Value = res.json().await.unwrap();
    let url = link["url"].as_str().unwrap();
    assert!(url.starts_with("https://forms.example/answer#token=sml_"), "{url}");
    let token = link_token_of(url);
    let listed = app.get(&format!("/v1/stakeholders/{mia}/access-links"), &m).await.text().await.unwrap();
    assert!(
        !listed.contains(&token) && listed.contains(link["id"].as_str().unwrap()),
        "listed without token"
    );
    // Stored only hashed.
    let stored = rows(&app, &ws);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, stakemap::store::api_keys::hash(&token));
    assert!(!format!("{stored:?}").contains(&token));

    // Exchange → use.
    let res = exchange(&app, &token).await;
    assert_eq!(res.status(), 200);
    let session: Value = res.json().await.unwrap();
    assert_eq!(
        (&session["token_type"], &session["expires_in"], &session["form_id"]),
        (&json!("Bearer"), &json!(3600), &json!(form))
    );
    let bearer = session["access_token"].as_str().unwrap().to_string();
    let me: Value = app.get("/v1/me", &bearer).await.json().await.unwrap();
    assert_eq!(me["id"], mia.as_str());

    // Revoke → the link and every token from it are dead.
    assert_eq!(
        app.delete(&format!("/v1/access-links/{}", link["id"].as_str().unwrap()), &m).await.status(),
        204
    );
    assert_problem(app.get("/v1/me", &bearer).await, 401).await;
    let revoked = dead(&app, &token).await;
    let unknown = dead(&app, "sml_nobody-has-this-token").await;
    let garbage = dead(&app, "not even a link").await;
    assert_eq!(revoked, unknown, "revoked and unknown look the same");
    assert_eq!(unknown, garbage);

    // Expired: the same answer, and its tokens die too.
    let second = app.post(&format!("/v1/stakeholders/{mia}/access-links"), &m, &json!({})).await;
    let second = link_token_of(second.json::<Value>().await.unwrap()["url"].as_str().unwrap());
    let bearer = exchange(&app, &second).await.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    {
        use stakemap::db::schema::access_links as l;
        let mut conn = app.conn();
        let c: &mut DbConnection = &mut conn;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
        diesel::update(l::table.filter(l::workspace_id.eq(&ws)).filter(l::revoked_at.is_null()))
            .set(l::expires_at.eq(past))
            .execute(c)
            .unwrap();
    }
    assert_eq!(dead(&app, &second).await, unknown, "expired looks like unknown");
    assert_problem(app.get("/v1/me", &bearer).await, 401).await;

    // Deleting the person revokes all their links.
    let third = app.post(&format!("/v1/stakeholders/{mia}/access-links"), &m, &json!({})).await;
    let third = link_token_of(third.json::<Value>().await.unwrap()["url"].as_str().unwrap());
    assert_eq!(app.delete(&format!("/v1/stakeholders/{mia}"), &m).await.status(), 204);
    assert!(rows(&app, &ws).iter().filter(|r| r.2.is_none()).count() == 0, "every link revoked");
    assert_eq!(dead(&app, &third).await, unknown);

    // Merging a person away revokes theirs.
    let (a, b) = (
        app.create_stakeholder(&m, json!({"name": "Ann", "group": "team"})).await["id"]
            .as_str()
            .unwrap()
            .to_string(),
        app.create_stakeholder(&m, json!({"name": "Ann B", "group": "team"})).await["id"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let bees = app.post(&format!("/v1/stakeholders/{b}/access-links"), &m, &json!({})).await;
    let bees = link_token_of(bees.json::<Value>().await.unwrap()["url"].as_str().unwrap());
    assert_eq!(
        app.post(&format!("/v1/stakeholders/{a}/merge"), &m, &json!({"from_id": b})).await.status(),
        200
    );
    assert_eq!(dead(&app, &bees).await, unknown);

    // Bad input writes nothing; other roles and workspaces get nothing.
    let before = rows(&app, &ws).len();
    let p = assert_problem(
        app.post(
            &format!("/v1/stakeholders/{a}/access-links"),
            &m,
            &json!({"ttl_seconds": 91 * 86400, "form_id": "x", "extra": 1}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["extra", "form_id", "ttl_seconds"]);
    let unknown_form = json!({"form_id": uuid::Uuid::new_v4().to_string()});
    assert_problem(app.post(&format!("/v1/stakeholders/{a}/access-links"), &m, &unknown_form).await, 422)
        .await;
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        assert_problem(
            app.post(&format!("/v1/stakeholders/{a}/access-links"), &app.token(&ws, role), &json!({})).await,
            403,
        )
        .await;
    }
    let stranger = app.token(&app.workspace("Muu"), Role::Admin);
    assert_problem(app.post(&format!("/v1/stakeholders/{a}/access-links"), &stranger, &json!({})).await, 404)
        .await;
    assert_problem(app.get(&format!("/v1/stakeholders/{a}/access-links"), &stranger).await, 404).await;
    assert_eq!(rows(&app, &ws).len(), before, "nothing written");
    let p = assert_problem(
        app.client.post(format!("{}/v1/auth/link", app.address)).json(&json!({})).send().await.unwrap(),
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["token"]);
    // The old bearer-token endpoint is gone.
    assert_problem(app.post(&format!("/v1/stakeholders/{a}/access-token"), &m, &json!({})).await, 404).await;
}
