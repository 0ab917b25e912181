//! A stakeholder's own view of a form: the current questions, and each past answer
//! beside the questions of the version it answered; contact fields only on `/v1/me`.

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(a_person_reads_their_form_and_past_answers);

fn last_month() -> String {
    let now = chrono::Utc::now().date_naive();
    (now - chrono::Duration::days(now.format("%d").to_string().parse::<i64>().unwrap()))
        .format("%Y-%m")
        .to_string()
}

async fn a_person_reads_their_form_and_past_answers(app: TestApp) {
    let ws = app.workspace("Oma");
    let m = app.token(&ws, Role::Manager);
    let body = json!({"name": "Mia", "group": "external", "email": "mia@example.fi", "owner": "Kim",
        "tags": ["panel"], "source": "crm", "external_id": "M-1", "influence": 5, "notes": "internal", "locale": "FI_fi"});
    let mia = app.create_stakeholder(&m, body).await["id"].as_str().unwrap().to_string();
    let v1 = json!([{"key": "nps", "type": "nps", "label": "Would you recommend us?", "required": true}]);
    let form: Value = app
        .post("/v1/forms", &m, &json!({"title": "Pulse", "audience": {"tags": ["panel"]}, "questions": v1}))
        .await
        .json()
        .await
        .unwrap();
    let form = form["id"].as_str().unwrap().to_string();
    let other: Value = app
        .post("/v1/forms", &m, &json!({"title": "Other", "audience": {"groups": ["team"]}, "questions": v1}))
        .await
        .json()
        .await
        .unwrap();
    let subs = format!("/v1/forms/{form}/submissions");
    let res = app
        .post(&subs, &m, &json!({"stakeholder_id": mia, "period": last_month(), "answers": {"nps": 6}}))
        .await;
    assert_eq!(res.status(), 201);
    let v2 = json!([{"key": "nps", "type": "nps", "label": "How likely are you to recommend us?", "required": true},
        {"key": "why", "type": "text", "label": "Why?"}]);
    assert_eq!(
        app.post(&format!("/v1/forms/{form}/versions"), &m, &json!({"questions": v2})).await.status(),
        201
    );
    let token = app.link_token(&m, &mia).await;
    assert_eq!(app.post(&subs, &token, &json!({"answers": {"nps": 9, "why": "Faster"}})).await.status(), 201);

    let me: Value = app.get("/v1/me", &token).await.json().await.unwrap();
    let mut keys: Vec<&String> = me.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["department", "email", "id", "locale", "name", "organization", "phone", "title"],
        "contact fields only"
    );
    assert_eq!(me["locale"], "fi-FI", "a locale tag in canonical case");
    // A locale that is not a tag is 422 naming it, and nothing changes.
    let before = app.version_sum(&ws);
    for bad in ["klingon", "en-", "zh-CN-extra", "x"] {
        let res = app.patch(&format!("/v1/stakeholders/{mia}"), &m, &json!({"locale": bad})).await;
        assert_eq!(crate::helpers::error_fields(&assert_problem(res, 422).await), ["locale"], "{bad}");
    }
    assert_eq!(app.version_sum(&ws), before);
    let crm = app.token(&ws, Role::Integration);
    let res = app.patch(&format!("/v1/stakeholders/{mia}"), &crm, &json!({"locale": "zh-cn"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["locale"], "zh-CN", "a profile field the CRM may write");

    let res = app.get(&format!("/v1/me/forms/{form}"), &token).await;
    assert_eq!(res.status(), 200);
    let mine: Value = res.json().await.unwrap();
    assert_eq!((&mine["version"], &mine["submitted"]), (&json!(2), &json!(true)));
    assert_eq!(mine["questions"][0]["label"], "How likely are you to recommend us?");
    let answered = mine["submissions"].as_array().unwrap();
    assert_eq!(answered.len(), 2);
    assert_eq!(
        (&answered[0]["form_version"], &answered[0]["questions"][0]["label"]),
        (&json!(1), &json!("Would you recommend us?"))
    );
    assert_eq!(answered[0]["questions"].as_array().unwrap().len(), 1);
    assert_eq!((&answered[1]["form_version"], &answered[1]["answers"]["why"]), (&json!(2), &json!("Faster")));
    assert!(answered.iter().all(|s| s.get("submitted_by").is_none()), "no internal actors");

    // A form whose audience does not include me, or none at all: 404; staff: 403.
    assert_problem(app.get(&format!("/v1/me/forms/{}", other["id"].as_str().unwrap()), &token).await, 404)
        .await;
    assert_problem(app.get(&format!("/v1/me/forms/{}", uuid::Uuid::new_v4()), &token).await, 404).await;
    assert_problem(app.get(&format!("/v1/me/forms/{form}"), &m).await, 403).await;
}
