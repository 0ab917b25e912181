//! Monthly reminders: each person without an answer gets a fresh link and one
//! `form.reminder` event (contact fields, language, localized title, link URL) at most
//! once per day; the link opens the form in their language; confidential people, people
//! who answered and other workspaces are never reached; bad requests write nothing.

use diesel::RunQueryDsl;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;
use stakemap::domain::period::Period;

use crate::helpers::{assert_problem, error_fields, link_token_of, Backend, TestApp};
use crate::on_both_backends;
use crate::receiver::Receiver;

on_both_backends!(reminders_reach_the_crm_once_a_day_in_each_language);

fn events(receiver: &Receiver) -> Vec<Value> {
    receiver
        .all()
        .iter()
        .filter(|r| r.answered == 200)
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

fn reminder_rows(app: &TestApp, ws: &str) -> usize {
    let sql = format!("SELECT stakeholder_id FROM form_reminders WHERE workspace_id = '{ws}'");
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[allow(dead_code)]
        stakeholder_id: String,
    }
    diesel::sql_query(sql).load::<Row>(&mut *app.conn() as &mut DbConnection).unwrap().len()
}

async fn reminders_reach_the_crm_once_a_day_in_each_language(app: TestApp) {
    let backend = if app.database_url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres };
    let Some(app) = TestApp::spawn_with(backend, |s| s.webhook_poll_ms = 50).await else { return };
    let ws = app.workspace("Muistutus");
    let (admin, m) = (app.token(&ws, Role::Admin), app.token(&ws, Role::Manager));
    let receiver = Receiver::start(0);
    let res =
        app.post("/v1/webhooks", &admin, &json!({"url": receiver.url, "events": ["form.reminder"]})).await;
    assert_eq!(res.status(), 201);
    let mut ids = std::collections::HashMap::new();
    for (name, extra) in [
        (
            "Aino Virtanen",
            json!({"locale": "fi", "email": "aino@example.fi", "source": "hubspot", "external_id": "H-7"}),
        ),
        ("김민준", json!({"locale": "ko", "phone": "+82 10 1234 5678"})),
        ("Fang Wang", json!({"email": "fang@example.cn"})),
        ("Hidden Person", json!({"confidential": true, "email": "hidden@example.com"})),
        ("Already Answered", json!({})),
    ] {
        let mut body = json!({"name": name, "group": "external", "tags": ["panel"], "influence": 5, "notes": "internal"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        ids.insert(name, app.create_stakeholder(&m, body).await["id"].as_str().unwrap().to_string());
    }
    let form: Value = app
        .post(
            "/v1/forms",
            &m,
            &json!({"title": {"en": "Monthly pulse", "fi": "Kuukauden pulssi", "ko": "월간 펄스"},
            "audience": {"tags": ["panel"]},
            "questions": [{"key": "nps", "type": "nps", "required": true,
                "label": {"en": "Would you recommend us?", "fi": "Suosittelisitko meitä?"}}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let form = form["id"].as_str().unwrap().to_string();
    let period = Period::current().to_string();
    let subs = format!("/v1/forms/{form}/submissions");
    let body = json!({"stakeholder_id": ids["Already Answered"], "answers": {"nps": 8}});
    assert_eq!(app.post(&subs, &m, &body).await.status(), 201);

    // Bad requests: nothing written, nothing sent.
    let remind = |p: &str| format!("/v1/forms/{form}/periods/{p}/reminders");
    let next = Period::current().next().to_string();
    assert_eq!(
        error_fields(&assert_problem(app.post(&remind(&next), &m, &json!({})).await, 422).await),
        ["period"]
    );
    assert_problem(app.post(&remind("2026-13"), &m, &json!({})).await, 422).await;
    let other = app.workspace("Toinen");
    assert_problem(app.post(&remind(&period), &app.token(&other, Role::Admin), &json!({})).await, 404).await;
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        assert_problem(app.post(&remind(&period), &app.token(&ws, role), &json!({})).await, 403).await;
    }
    assert_eq!(reminder_rows(&app, &ws), 0);

    let res = app.post(&remind(&period), &m, &json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"reminded": 3, "recently_reminded": 0}));
    receiver.wait_for(10, |r| r.len() >= 3);
    let got = events(&receiver);
    assert_eq!(got.len(), 3, "one event per person without an answer");
    let by_name = |name: &str| got.iter().find(|e| e["data"]["record"]["name"] == name).unwrap().clone();
    for e in &got {
        assert_eq!(e["event"], "form.reminder");
        let record = e["data"]["record"].as_object().unwrap();
        assert!(
            !record.contains_key("influence") && !record.contains_key("notes"),
            "no analysis: {record:?}"
        );
        assert_eq!(
            (&e["data"]["reminder"]["form_id"], &e["data"]["reminder"]["period"]),
            (&json!(form), &json!(period))
        );
    }
    let aino = by_name("Aino Virtanen");
    assert_eq!(aino["data"]["record"]["email"], "aino@example.fi");
    assert_eq!(
        (&aino["data"]["record"]["source"], &aino["data"]["record"]["external_id"]),
        (&json!("hubspot"), &json!("H-7"))
    );
    assert_eq!(
        (&aino["data"]["reminder"]["locale"], &aino["data"]["reminder"]["title"]),
        (&json!("fi"), &json!("Kuukauden pulssi"))
    );
    let minjun = by_name("김민준");
    assert_eq!(
        (&minjun["data"]["reminder"]["locale"], &minjun["data"]["reminder"]["title"]),
        (&json!("ko"), &json!("월간 펄스"))
    );
    assert_eq!(minjun["data"]["record"]["phone"], "+82 10 1234 5678");
    let fang = by_name("Fang Wang");
    assert_eq!(
        (&fang["data"]["reminder"]["locale"], &fang["data"]["reminder"]["title"]),
        (&json!("en"), &json!("Monthly pulse"))
    );
    let bodies: String = receiver.all().iter().map(|r| r.body.clone()).collect();
    assert!(!bodies.contains("Hidden Person") && !bodies.contains("Already Answered"));

    // The link in the event opens the form in the person's language, and she answers.
    let url = aino["data"]["reminder"]["url"].as_str().unwrap();
    let res = app
        .client
        .post(format!("{}/v1/auth/link", app.address))
        .json(&json!({"token": link_token_of(url)}))
        .send();
    let session: Value = res.await.unwrap().json().await.unwrap();
    let token = session["access_token"].as_str().unwrap();
    assert_eq!(session["form_id"], json!(form));
    let mine: Value = app.get(&format!("/v1/me/forms/{form}"), token).await.json().await.unwrap();
    assert_eq!(
        (&mine["title"], &mine["questions"][0]["label"]),
        (&json!("Kuukauden pulssi"), &json!("Suosittelisitko meitä?"))
    );
    assert_eq!(app.post(&subs, token, &json!({"answers": {"nps": 10}})).await.status(), 201);

    // Within a day: nobody twice. A day later: those still without an answer, again.
    let res: Value = app.post(&remind(&period), &m, &json!({})).await.json().await.unwrap();
    assert_eq!(res, json!({"reminded": 0, "recently_reminded": 2}));
    let yesterday =
        (chrono::Utc::now() - chrono::Duration::hours(25)).naive_utc().format("%Y-%m-%d %H:%M:%S");
    let sql = format!("UPDATE form_reminders SET reminded_at = '{yesterday}' WHERE workspace_id = '{ws}'");
    diesel::sql_query(sql).execute(&mut *app.conn() as &mut DbConnection).unwrap();
    let res: Value = app.post(&remind(&period), &m, &json!({})).await.json().await.unwrap();
    assert_eq!(res, json!({"reminded": 2, "recently_reminded": 0}));
    receiver.wait_for(10, |r| r.len() >= 5);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let names: Vec<String> = events(&receiver)[3..]
        .iter()
        .map(|e| e["data"]["record"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"김민준".to_string()) && names.contains(&"Fang Wang".to_string()));
    // Each reminder made a link of its own, stored hashed.
    let links: Value = app
        .get(&format!("/v1/stakeholders/{}/access-links", ids["Fang Wang"]), &m)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(links["items"].as_array().unwrap().len(), 2);

    // A closed month and an archived form are refused, with nothing written.
    let before = reminder_rows(&app, &ws);
    assert_eq!(
        app.post(&format!("/v1/forms/{form}/periods/{period}/close"), &m, &json!({})).await.status(),
        200
    );
    assert_problem(app.post(&remind(&period), &m, &json!({})).await, 409).await;
    assert_eq!(
        app.patch(&format!("/v1/forms/{form}"), &m, &json!({"status": "archived"})).await.status(),
        200
    );
    let last = Period::current().previous().to_string();
    assert_eq!(
        error_fields(&assert_problem(app.post(&remind(&last), &m, &json!({})).await, 422).await),
        ["form"]
    );
    assert_eq!(reminder_rows(&app, &ws), before);
}
