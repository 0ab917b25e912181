//! Engagement plans, interactions, schedule (JSON and iCalendar) and the approach sequence.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(
    status_follows_interactions,
    schedule_and_ics,
    sequence_order,
    interaction_rules,
    engagement_isolation_and_roles
);

fn days_ago(n: u64) -> String {
    (Utc::now().date_naive() - Days::new(n)).to_string()
}

fn at_days_ago(n: u64) -> String {
    (Utc::now() - Days::new(n)).to_rfc3339()
}

async fn person(app: &TestApp, token: &str, body: Value) -> String {
    app.create_stakeholder(token, body).await["id"].as_str().unwrap().to_string()
}

async fn plan(app: &TestApp, token: &str, who: &str, cadence: &str, starts: &str) -> String {
    let res = app.post("/v1/engagement-plans", token, &json!({"stakeholder_id": who, "channel": "meeting", "cadence": cadence, "starts_on": starts, "owner": "Jo"})).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> (String, String) {
    let p: Value = app.get(&format!("/v1/engagement-plans/{id}"), token).await.json().await.unwrap();
    (p["status"].as_str().unwrap().to_string(), p["next_due_on"].as_str().unwrap().to_string())
}

async fn status_follows_interactions(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let (a, b) = (
        person(&app, &m, json!({"name": "A", "group": "external"})).await,
        person(&app, &m, json!({"name": "B", "group": "external"})).await,
    );
    let monthly = plan(&app, &m, &a, "monthly", &days_ago(40)).await;
    let weekly = plan(&app, &m, &b, "weekly", &days_ago(30)).await;
    assert_eq!(status_of(&app, &m, &monthly).await.0, "overdue", "no contact: starts_on + 1 month is past");
    assert_eq!(status_of(&app, &m, &weekly).await.0, "overdue");

    // One interaction with both people (logged by the CRM connector) updates both plans.
    let crm = app.token(&ws, Role::Integration);
    let res = app.post("/v1/interactions", &crm, &json!({"stakeholder_ids": [a, b], "kind": "meeting", "occurred_at": at_days_ago(2), "summary": "Kick-off"})).await;
    assert_eq!(res.status(), 201);
    let meeting: Value = res.json().await.unwrap();
    let (status, due) = status_of(&app, &m, &monthly).await;
    assert_eq!(status, "on_track");
    assert!(due > days_ago(0));
    let plan_body: Value =
        app.get(&format!("/v1/engagement-plans/{monthly}"), &m).await.json().await.unwrap();
    assert_eq!(plan_body["last_contact_at"].as_str().unwrap()[..10], at_days_ago(2)[..10]);
    assert_eq!(
        status_of(&app, &m, &weekly).await.0,
        "due_soon",
        "weekly, last contact 2 days ago: due in 5 days"
    );

    // Filters by derived status.
    let names = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(app.get("/v1/engagement-plans?status=due_soon", &m).await.json().await.unwrap()),
        vec![weekly.clone()]
    );
    assert_eq!(
        names(app.get("/v1/engagement-plans?status=on_track", &m).await.json().await.unwrap()),
        vec![monthly.clone()]
    );
    assert_eq!(
        names(app.get("/v1/engagement-plans?status=overdue", &m).await.json().await.unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(
        names(
            app.get(&format!("/v1/engagement-plans?stakeholder_id={b}&owner=Jo"), &m)
                .await
                .json()
                .await
                .unwrap()
        ),
        vec![weekly.clone()]
    );

    // Deleting the interaction takes the contact back; moving it in time moves the due date.
    let path = format!("/v1/interactions/{}", meeting["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, &m).await.status(), 204);
    assert_eq!(status_of(&app, &m, &monthly).await.0, "overdue");
    assert_eq!(app.request(Method::POST, &format!("{path}/restore"), &m).send().await.unwrap().status(), 200);
    assert_eq!(status_of(&app, &m, &monthly).await.0, "on_track");
    app.patch(&path, &m, &json!({"occurred_at": at_days_ago(35), "stakeholder_ids": [a]})).await;
    assert_eq!(status_of(&app, &m, &monthly).await.0, "overdue");
    assert_eq!(status_of(&app, &m, &weekly).await.0, "overdue", "B is no longer in the interaction");
    // Changing the cadence recomputes the plan.
    app.patch(&format!("/v1/engagement-plans/{monthly}"), &m, &json!({"cadence": "quarterly"})).await;
    assert_eq!(status_of(&app, &m, &monthly).await.0, "on_track");
}

/// Parses an iCalendar feed with Python's `icalendar`; `None` when it is not installed (never in CI).
fn parse_ics(text: &str) -> Option<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/ical_check.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'icalendar'") {
        assert!(std::env::var("CI").is_err(), "pip install icalendar in CI");
        eprintln!("Python icalendar not installed: parser check skipped");
        return None;
    }
    assert!(out.status.success(), "icalendar rejected the feed: {stderr}\n{text}");
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

async fn schedule_and_ics(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, json!({"name": "Wang, David; procurement", "group": "external"})).await;
    let b = person(&app, &m, json!({"name": "Mia", "group": "external"})).await;
    let weekly = plan(&app, &m, &a, "weekly", &days_ago(1)).await;
    let overdue = plan(&app, &m, &b, "monthly", &days_ago(45)).await;
    let from = days_ago(0);
    let to = (Utc::now().date_naive() + Days::new(60)).to_string();
    let schedule: Value =
        app.get(&format!("/v1/schedule?from={from}&to={to}"), &m).await.json().await.unwrap();
    let items = schedule["items"].as_array().unwrap();
    // Weekly from yesterday: due in 6, 13, … 55 days → 8 dates. Monthly from 45 days ago:
    // overdue (15 days ago) listed first, then in ~15 and ~46 days → 3 dates.
    assert_eq!(items.len(), 11);
    assert_eq!(
        (items[0]["plan_id"].as_str().unwrap(), items[0]["status"].as_str().unwrap()),
        (overdue.as_str(), "overdue")
    );
    assert!(items[1..].iter().all(|i| i["status"] != "overdue"));
    let dates: Vec<&str> = items[1..].iter().map(|i| i["due_on"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "then by date");
    assert_eq!(items.iter().filter(|i| i["plan_id"] == weekly.as_str()).count(), 8);

    // The same as a calendar, through a calendar link (calendar apps send no headers).
    let link: Value = app.post("/v1/calendar-links", &m, &json!({})).await.json().await.unwrap();
    let feed = link["url"].as_str().unwrap().to_string();
    assert!(
        feed.starts_with(&format!("{}/v1/calendar/cal_", app.address)) && feed.ends_with(".ics"),
        "{feed}"
    );
    let url = format!("{feed}?from={from}&to={to}");
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = res.text().await.unwrap();
    assert!(ics.contains("Wang\\, David\\; procurement"), "text is escaped");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 11);
    assert!(ics.lines().all(|l| l.len() <= 75), "folded lines");
    if let Some(parsed) = parse_ics(&ics) {
        assert_eq!(parsed["events"], 11);
        let uids: std::collections::HashSet<&str> =
            parsed["uids"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
        assert_eq!(uids.len(), 11, "unique UIDs");
        assert!(parsed["summaries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("Wang, David; procurement")));
    }
    let again = app.client.get(&url).send().await.unwrap().text().await.unwrap();
    let uid_lines =
        |t: &str| t.lines().filter(|l| l.starts_with("UID:")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(uid_lines(&ics), uid_lines(&again), "stable UIDs");
    let bearer = app.request(reqwest::Method::GET, &format!("/v1/schedule.ics?from={from}&to={to}"), &m);
    let by_header = bearer.send().await.unwrap().text().await.unwrap();
    assert_eq!(uid_lines(&by_header), uid_lines(&ics), "the link shows what its maker sees");
    // Window rules; a token in the query is never a credential.
    assert_problem(app.get(&format!("/v1/schedule?from={to}&to={from}"), &m).await, 422).await;
    assert_problem(app.get("/v1/schedule?from=2026-01-01&to=2027-06-01", &m).await, 422).await;
    assert_problem(app.get("/v1/schedule?from=yesterday", &m).await, 422).await;
    for path in ["schedule", "schedule.ics"] {
        let res = app.client.get(format!("{}/v1/{path}?token={m}", app.address)).send().await.unwrap();
        let problem = assert_problem(res, 400).await;
        assert!(problem["detail"].as_str().unwrap().contains("unknown query parameter 'token'"), "{problem}");
    }
    assert_problem(app.client.get(format!("{}/v1/schedule.ics", app.address)).send().await.unwrap(), 401)
        .await;
    let mine: Value = app.get("/v1/schedule?owner=Nobody", &m).await.json().await.unwrap();
    assert_eq!(mine["items"], json!([]));
}

async fn sequence_order(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let quadrants = [("key", 5, 5), ("expert", 4, 1), ("passive", 1, 4), ("distant", 2, 2)];
    for stance in ["critic", "neutral", "advocate"] {
        for (q, influence, impact) in quadrants {
            person(&app, &m, json!({"name": format!("{stance}-{q}"), "group": "external", "stance": stance, "influence": influence, "impact": impact})).await;
        }
    }
    person(&app, &m, json!({"name": "advocate-key-lower", "group": "external", "stance": "advocate", "influence": 3, "impact": 5})).await;
    person(&app, &m, json!({"name": "unscored", "group": "external", "stance": "advocate"})).await;
    person(&app, &m, json!({"name": "no-stance", "group": "external", "influence": 5, "impact": 5})).await;
    let mut names = Vec::new();
    let mut steps = Vec::new();
    let mut url = "/v1/engagement-sequence?limit=4".to_string();
    loop {
        let page: Value = app.get(&url, &m).await.json().await.unwrap();
        for s in page["items"].as_array().unwrap() {
            names.push(s["name"].as_str().unwrap().to_string());
            steps.push(s.clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/v1/engagement-sequence?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        names,
        [
            "advocate-key",
            "advocate-key-lower",
            "advocate-expert",
            "advocate-passive",
            "advocate-distant",
            "neutral-key",
            "neutral-expert",
            "neutral-passive",
            "neutral-distant",
            "critic-key",
            "critic-expert",
            "critic-passive",
            "critic-distant",
            "unscored",
            "no-stance",
        ]
    );
    assert_eq!((&steps[0]["strategy"], &steps[0]["assessed"]), (&json!("manage_closely"), &json!(true)));
    assert!(steps[9]["reason"].as_str().unwrap().starts_with("Critic key player"));
    assert!(steps[13..]
        .iter()
        .all(|s| s["assessed"] == false && s["reason"].as_str().unwrap().starts_with("Not assessed")));
}

async fn interaction_rules(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, json!({"name": "A", "group": "external"})).await;
    let count = |app: &TestApp| {
        use diesel::prelude::*;
        use stakemap::db::schema::interactions::dsl::*;
        interactions.count().get_result::<i64>(&mut *app.conn()).unwrap()
    };
    let future = (Utc::now() + Days::new(2)).to_rfc3339();
    let problem = assert_problem(
        app.post(
            "/v1/interactions",
            &m,
            &json!({"stakeholder_ids": [a], "kind": "meeting", "occurred_at": future, "summary": "x"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["occurred_at"]);
    let problem = assert_problem(app.post("/v1/interactions", &m, &json!({"stakeholder_ids": [], "kind": "tweet", "occurred_at": "yesterday", "summary": "", "metrics": {"clicks": -1}})).await, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["kind", "metrics.clicks", "occurred_at", "stakeholder_ids", "summary"]);
    let problem = assert_problem(app.post("/v1/interactions", &m, &json!({"stakeholder_ids": [a, uuid::Uuid::new_v4()], "kind": "call", "occurred_at": at_days_ago(1), "summary": "x"})).await, 422).await;
    assert_eq!(error_fields(&problem), ["stakeholder_ids[1]"]);
    assert_problem(app.post("/v1/engagement-plans", &m, &json!({"stakeholder_id": a, "channel": "pigeon", "cadence": "hourly", "starts_on": "2026-02-30"})).await, 422).await;
    assert_eq!(count(&app), 0, "nothing written");

    let x: Value = app
        .post("/v1/interactions", &m, &json!({"stakeholder_ids": [a], "kind": "social_share", "occurred_at": at_days_ago(3), "summary": "Shared our post",
            "sentiment": "positive", "metrics": {"impressions": 1200, "clicks": 30}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(x["metrics"], json!({"impressions": 1200, "clicks": 30, "shares": null, "reactions": null}));
    app.post(
        "/v1/interactions",
        &m,
        &json!({"stakeholder_ids": [a], "kind": "call", "occurred_at": at_days_ago(10), "summary": "Call"}),
    )
    .await;
    let count_of = |body: Value| body["items"].as_array().unwrap().len();
    assert_eq!(count_of(app.get("/v1/interactions?kind=social_share", &m).await.json().await.unwrap()), 1);
    assert_eq!(
        count_of(app.get(&format!("/v1/interactions?stakeholder_id={a}"), &m).await.json().await.unwrap()),
        2
    );
    let from = (Utc::now() - Days::new(5)).to_rfc3339().replace('+', "%2B");
    let recent: Value = app.get(&format!("/v1/interactions?from={from}"), &m).await.json().await.unwrap();
    assert_eq!(recent["items"][0]["summary"], "Shared our post");
    assert_eq!(count_of(recent), 1);
    let to = (Utc::now() - Days::new(5)).to_rfc3339().replace('+', "%2B");
    assert_eq!(count_of(app.get(&format!("/v1/interactions?to={to}"), &m).await.json().await.unwrap()), 1);
    let page: Value = app.get("/v1/interactions?limit=1", &m).await.json().await.unwrap();
    assert_eq!(page["items"][0]["summary"], "Shared our post", "newest first");
    let next: Value = app
        .get(&format!("/v1/interactions?limit=1&cursor={}", page["next_cursor"].as_str().unwrap()), &m)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["summary"], "Call");
    assert!(next["next_cursor"].is_null());
    assert_problem(app.get("/v1/interactions?from=last-week", &m).await, 422).await;
}

async fn engagement_isolation_and_roles(app: TestApp) {
    let ws = app.workspace("Acme");
    let other = app.workspace("Other");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, json!({"name": "A", "group": "external"})).await;
    let secret = person(&app, &m, json!({"name": "S", "group": "external", "confidential": true})).await;
    let p = plan(&app, &m, &a, "monthly", &days_ago(3)).await;
    let x: Value = app
        .post(
            "/v1/interactions",
            &m,
            &json!({"stakeholder_ids": [a], "kind": "call", "occurred_at": at_days_ago(1), "summary": "c"}),
        )
        .await
        .json()
        .await
        .unwrap();
    app.post("/v1/interactions", &m, &json!({"stakeholder_ids": [a, secret], "kind": "meeting", "occurred_at": at_days_ago(2), "summary": "with S"})).await;
    plan(&app, &m, &secret, "weekly", &days_ago(3)).await;
    let x_path = format!("/v1/interactions/{}", x["id"].as_str().unwrap());
    let p_path = format!("/v1/engagement-plans/{p}");

    let outsider = app.token(&other, Role::Admin);
    assert_problem(app.get(&p_path, &outsider).await, 404).await;
    assert_problem(app.get(&x_path, &outsider).await, 404).await;
    assert_problem(app.patch(&p_path, &outsider, &json!({"owner": "x"})).await, 404).await;
    assert_problem(app.delete(&x_path, &outsider).await, 404).await;
    for list in ["/v1/engagement-plans", "/v1/interactions", "/v1/schedule", "/v1/engagement-sequence"] {
        let body: Value = app.get(list, &outsider).await.json().await.unwrap();
        assert_eq!(body["items"], json!([]), "{list}");
    }
    assert_problem(
        app.post(
            "/v1/interactions",
            &outsider,
            &json!({"stakeholder_ids": [a], "kind": "call", "occurred_at": at_days_ago(1), "summary": "x"}),
        )
        .await,
        422,
    )
    .await;

    for role in Role::ALL {
        let t = app.token(&ws, role);
        let plan_read = app.get(&p_path, &t).await.status().as_u16();
        let plan_write =
            app.patch(&p_path, &t, &json!({"next_step": format!("{role:?}")})).await.status().as_u16();
        let log = app.post("/v1/interactions", &t, &json!({"stakeholder_ids": [a], "kind": "email", "occurred_at": at_days_ago(1), "summary": "e"})).await.status().as_u16();
        let log_read = app.get("/v1/interactions", &t).await.status().as_u16();
        let sequence = app.get("/v1/engagement-sequence", &t).await.status().as_u16();
        let expected = match role {
            Role::Admin | Role::Manager | Role::Contributor => (200, 200, 201, 200, 200),
            Role::Viewer => (200, 403, 403, 200, 200),
            Role::Integration => (403, 403, 201, 200, 403),
            Role::Stakeholder => (403, 403, 403, 403, 403),
        };
        assert_eq!((plan_read, plan_write, log, log_read, sequence), expected, "{role:?}");
    }
    // Confidential people's plans and interactions stay hidden from the roles that cannot see them.
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        let t = app.token(&ws, role);
        let logs: Value = app.get("/v1/interactions", &t).await.json().await.unwrap();
        assert!(logs["items"].as_array().unwrap().iter().all(|i| i["summary"] != "with S"), "{role:?}");
        if role != Role::Integration {
            let plans: Value = app.get("/v1/engagement-plans", &t).await.json().await.unwrap();
            assert_eq!(plans["items"].as_array().unwrap().len(), 1, "{role:?}");
            let seq: Value = app.get("/v1/engagement-sequence", &t).await.json().await.unwrap();
            assert!(seq["items"].as_array().unwrap().iter().all(|s| s["name"] != "S"));
        }
    }
    let plans: Value = app.get("/v1/engagement-plans", &m).await.json().await.unwrap();
    assert_eq!(plans["items"].as_array().unwrap().len(), 2);
}

on_both_backends!(demo_plans_mix_on_track_and_overdue);

async fn demo_plans_mix_on_track_and_overdue(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let m = app.token(&ws, Role::Manager);
    let count = |v: Value| v["items"].as_array().unwrap().len();
    // Five Globex plans and the relaunch team's two, which start today.
    assert_eq!(count(app.get("/v1/engagement-plans", &m).await.json().await.unwrap()), 7);
    let overdue: Value = app.get("/v1/engagement-plans?status=overdue", &m).await.json().await.unwrap();
    assert_eq!(count(overdue), 2, "BU2 reviews and procurement reports lapsed");
    assert_eq!(
        count(app.get("/v1/engagement-plans?status=due_soon", &m).await.json().await.unwrap()),
        1,
        "weekly training"
    );
    assert_eq!(count(app.get("/v1/engagement-plans?status=on_track", &m).await.json().await.unwrap()), 4);
    let log: Value = app.get("/v1/interactions?kind=social_share", &m).await.json().await.unwrap();
    assert_eq!(log["items"][0]["metrics"]["impressions"], 12000);
    let schedule: Value = app.get("/v1/schedule", &m).await.json().await.unwrap();
    assert_eq!(schedule["items"][0]["status"], "overdue");
}
