//! Dashboard aggregates against hand-computed values on a small fixture, for a manager
//! (confidential people counted) and a viewer (not), on both databases.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Days, Utc};
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::domain::period::Period;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(aggregates_match_hand_computed_values);

async fn person(app: &TestApp, token: &str, body: Value) -> String {
    app.create_stakeholder(token, body).await["id"].as_str().unwrap().to_string()
}

/// Counts `<circle>` elements with a `<title>` in an SVG parsed by Python's XML parser.
fn svg_titles(svg: &str) -> Option<usize> {
    let script = "import sys,xml.etree.ElementTree as E;r=E.fromstring(sys.stdin.read());n='{http://www.w3.org/2000/svg}';print(len(r.findall('.//'+n+'circle/'+n+'title')))";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(svg.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the SVG is not well-formed XML:\n{svg}");
    String::from_utf8(out.stdout).unwrap().trim().parse().ok()
}

async fn aggregates_match_hand_computed_values(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let v = app.token(&ws, Role::Viewer);
    let a = person(&app, &m, json!({"name": "A", "group": "external", "category": "customer", "influence": 5, "impact": 5, "stance": "critic", "veto": true, "decision_role": "decision_maker", "relationship_status": "active"})).await;
    let b = person(&app, &m, json!({"name": "B", "group": "external", "category": "customer", "influence": 4, "impact": 2, "stance": "advocate", "veto": true})).await;
    let c = person(&app, &m, json!({"name": "C", "group": "internal", "category": "executive", "influence": 2, "impact": 4, "stance": "neutral"})).await;
    let d = person(&app, &m, json!({"name": "D", "group": "team", "influence": 1, "impact": 1})).await;
    let e = person(&app, &m, json!({"name": "E", "group": "external", "stance": "advocate"})).await;
    let f = person(&app, &m, json!({"name": "F", "group": "external", "category": "customer", "influence": 5, "impact": 5, "stance": "critic", "confidential": true})).await;
    let g = person(&app, &m, json!({"name": "G", "group": "external", "influence": 3, "impact": 3})).await;

    let day = |n: u64| (Utc::now().date_naive() - Days::new(n)).to_string();
    for (who, cadence, starts, owner) in
        [(&a, "monthly", day(60), "Jo"), (&c, "weekly", day(1), "Kim"), (&b, "quarterly", day(0), "Kim")]
    {
        let res = app.post("/v1/engagement-plans", &m, &json!({"stakeholder_id": who, "channel": "meeting", "cadence": cadence, "starts_on": starts, "owner": owner})).await;
        assert_eq!(res.status(), 201);
    }
    let at = (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let month = at[..7].to_string();
    for (who, kind, metrics) in [
        (&a, "meeting", json!(null)),
        (&b, "speaking", json!({"reactions": 10, "clicks": 5, "impressions": 100})),
        (&c, "interview", json!({"impressions": 50})),
        (&e, "social_share", json!({"shares": 3, "reactions": 4})),
        (&f, "meeting", json!(null)),
    ] {
        let res = app.post("/v1/interactions", &m, &json!({"stakeholder_ids": [who], "kind": kind, "occurred_at": at, "summary": "s", "metrics": metrics})).await;
        assert_eq!(res.status(), 201);
    }
    // A's meeting just now puts A's plan on track; D's plan, never contacted, is overdue.
    let res = app.post("/v1/engagement-plans", &m, &json!({"stakeholder_id": d, "channel": "call", "cadence": "monthly", "starts_on": day(60), "owner": "Jo"})).await;
    assert_eq!(res.status(), 201);

    let form: Value = app
        .post(
            "/v1/forms",
            &m,
            &json!({"title": "Pulse", "questions": [{"key": "nps", "type": "nps", "label": "n"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let form_id = form["id"].as_str().unwrap().to_string();
    let previous = Period::current().previous().to_string();
    for (who, nps) in [(&a, 10), (&b, 9), (&c, 7), (&d, 3), (&f, 0)] {
        let res = app
            .post(
                &format!("/v1/forms/{form_id}/submissions"),
                &m,
                &json!({"stakeholder_id": who, "period": previous, "answers": {"nps": nps}}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let res =
        app.post("/v1/feedback-items", &m, &json!({"stakeholder_id": a, "summary": "Open point"})).await;
    assert_eq!(res.status(), 201);
    let stale: Value = app
        .post("/v1/feedback-items", &m, &json!({"stakeholder_id": c, "summary": "Old point"}))
        .await
        .json()
        .await
        .unwrap();
    let done: Value = app
        .post("/v1/feedback-items", &m, &json!({"stakeholder_id": b, "summary": "Done point"}))
        .await
        .json()
        .await
        .unwrap();
    app.patch(
        &format!("/v1/feedback-items/{}", done["id"].as_str().unwrap()),
        &m,
        &json!({"status": "done", "response": "Shipped"}),
    )
    .await;
    {
        use diesel::prelude::*;
        use stakemap::db::schema::feedback_items::dsl::*;
        let old = (Utc::now() - chrono::Duration::days(40)).naive_utc();
        diesel::update(feedback_items.filter(id.eq(stale["id"].as_str().unwrap())))
            .set(created_at.eq(old))
            .execute(&mut *app.conn())
            .unwrap();
    }
    // G leaves an overdue plan, a submission and an open point, then is deleted: none of
    // it may count any more.
    let res = app.post("/v1/engagement-plans", &m, &json!({"stakeholder_id": g, "channel": "call", "cadence": "monthly", "starts_on": day(60), "owner": "Jo"})).await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/v1/forms/{form_id}/submissions"),
            &m,
            &json!({"stakeholder_id": g, "period": previous, "answers": {"nps": 10}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app.post("/v1/feedback-items", &m, &json!({"stakeholder_id": g, "summary": "Gone"})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.delete(&format!("/v1/stakeholders/{g}"), &m).await.status(), 204);
    let account: Value = app.post("/v1/accounts", &m, &json!({"name": "Globex"})).await.json().await.unwrap();
    let contracts = format!("/v1/accounts/{}/contracts", account["id"].as_str().unwrap());
    let soon = (Utc::now().date_naive() + Days::new(30)).to_string();
    let later = (Utc::now().date_naive() + Days::new(200)).to_string();
    app.post(&contracts, &m, &json!({"title": "Ends soon", "value_minor": 1, "currency": "EUR", "start_date": day(300), "end_date": soon})).await;
    app.post(&contracts, &m, &json!({"title": "Ends later", "value_minor": 1, "currency": "EUR", "start_date": day(300), "end_date": later})).await;

    // Summary.
    let sm: Value = app.get("/v1/dashboard/summary", &m).await.json().await.unwrap();
    let st = &sm["stakeholders"];
    assert_eq!(st["total"], 6);
    assert_eq!(st["by_group"], json!({"external": 4, "internal": 1, "team": 1}));
    assert_eq!(st["by_category"], json!({"customer": 3, "executive": 1, "none": 2}));
    assert_eq!(
        st["by_quadrant"],
        json!({"key_player": 2, "expert": 1, "passive_passenger": 1, "distant_relative": 1, "unassessed": 1})
    );
    assert_eq!(st["by_stance"], json!({"critic": 2, "advocate": 2, "neutral": 1, "unknown": 1}));
    assert_eq!(st["by_decision_role"], json!({"decision_maker": 1, "none": 5}));
    assert_eq!(st["by_relationship_status"], json!({"active": 1, "none": 5}));
    assert_eq!((&sm["overdue_plans"], &sm["open_points"]), (&json!(1), &json!(2)));
    assert_eq!(
        sm["latest_nps"],
        json!({"period": previous, "score": 0.0, "promoters": 2, "passives": 1, "detractors": 2})
    );
    let sv: Value = app.get("/v1/dashboard/summary", &v).await.json().await.unwrap();
    assert_eq!(sv["stakeholders"]["total"], 5);
    assert_eq!(sv["stakeholders"]["by_quadrant"]["key_player"], 1);
    assert_eq!(sv["stakeholders"]["by_stance"]["critic"], 1);
    assert_eq!(
        sv["latest_nps"],
        json!({"period": previous, "score": 25.0, "promoters": 2, "passives": 1, "detractors": 1})
    );

    // Matrix and its SVG.
    let mx: Value = app.get("/v1/dashboard/matrix", &m).await.json().await.unwrap();
    assert_eq!(
        (&mx["total"], &mx["counts"]["key_player"], mx["points"].as_array().unwrap().len()),
        (&json!(6), &json!({"critic": 2}), 6)
    );
    let vx: Value = app.get("/v1/dashboard/matrix", &v).await.json().await.unwrap();
    assert_eq!((&vx["total"], &vx["counts"]["key_player"]), (&json!(5), &json!({"critic": 1})));
    assert!(vx["cells"]
        .as_array()
        .unwrap()
        .contains(&json!({"influence": 5, "impact": 5, "stance": "critic", "count": 1})));
    let res = app.get("/v1/dashboard/matrix.svg", &m).await;
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap();
    assert!(
        svg.contains(">Influence →<")
            && svg.contains(">Impact →<")
            && svg.contains("Key players")
            && svg.contains("#D55E00")
    );
    if let Some(n) = svg_titles(&svg) {
        assert_eq!(n, 5, "one titled dot per assessed person");
    }
    let viewer_svg = app.get("/v1/dashboard/matrix.svg", &v).await.text().await.unwrap();
    assert!(!viewer_svg.contains("<title>F</title>"));
    if let Some(n) = svg_titles(&viewer_svg) {
        assert_eq!(n, 4);
    }

    // Engagement and advocacy for the current month.
    let en: Value = app.get("/v1/dashboard/engagement", &m).await.json().await.unwrap();
    let this = en["months"].as_array().unwrap().iter().find(|x| x["month"] == month.as_str()).unwrap();
    assert_eq!(this["by_kind"], json!({"meeting": 2, "speaking": 1, "interview": 1, "social_share": 1}));
    assert_eq!(en["overdue_by_owner"], json!([{"owner": "Jo", "count": 1}]));
    assert_eq!(en["plans"], json!({"total": 4, "on_track": 2, "share_on_track": 0.5}));
    let ev: Value = app.get("/v1/dashboard/engagement", &v).await.json().await.unwrap();
    let this = ev["months"].as_array().unwrap().iter().find(|x| x["month"] == month.as_str()).unwrap();
    assert_eq!(this["by_kind"]["meeting"], 1);
    let ad: Value =
        app.get(&format!("/v1/dashboard/advocacy?from={month}&to={month}"), &m).await.json().await.unwrap();
    assert_eq!(
        ad["months"],
        json!([{"month": month, "meetings": 2, "speaking": 2, "social_shares": 1, "reactions": 14, "clicks": 5, "impressions": 150}])
    );

    // Feedback by month.
    let fb: Value = app
        .get(&format!("/v1/dashboard/feedback?form_id={form_id}&from={previous}&to={previous}"), &m)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        fb["items"][0],
        json!({"period": previous, "expected": 6, "submitted": 5, "response_rate": 0.8333, "nps": {"score": 0.0, "promoters": 2, "passives": 1, "detractors": 2}})
    );
    let fv: Value = app
        .get(&format!("/v1/dashboard/feedback?form_id={form_id}&from={previous}&to={previous}"), &v)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&fv["items"][0]["submitted"], &fv["items"][0]["nps"]["score"]), (&json!(4), &json!(25.0)));

    // Risks.
    let rk: Value = app.get("/v1/dashboard/risks", &m).await.json().await.unwrap();
    let totals = |r: &Value| {
        [
            "influential_critics",
            "veto_not_advocate",
            "key_players_without_plan",
            "overdue_plans",
            "contracts_ending_soon",
            "stale_points",
        ]
        .map(|k| r[k]["total"].as_i64().unwrap())
    };
    assert_eq!(totals(&rk), [2, 1, 1, 1, 1, 1]);
    assert_eq!(rk["stale_points"]["items"][0]["summary"], "Old point");
    assert_eq!(rk["contracts_ending_soon"]["items"][0]["title"], "Ends soon");
    let rv: Value = app.get("/v1/dashboard/risks", &v).await.json().await.unwrap();
    assert_eq!(totals(&rv), [1, 1, 0, 1, 1, 1]);
    assert!(!rv.to_string().contains(&f), "confidential people never listed");

    // Roles and isolation.
    for role in [Role::Integration, Role::Stakeholder] {
        for path in [
            "/v1/dashboard/summary",
            "/v1/dashboard/matrix",
            "/v1/dashboard/matrix.svg",
            "/v1/dashboard/engagement",
            "/v1/dashboard/advocacy",
            "/v1/dashboard/risks",
        ] {
            assert_problem(app.get(path, &app.token(&ws, role)).await, 403).await;
        }
    }
    let other = app.workspace("Other");
    let o = app.token(&other, Role::Admin);
    let os: Value = app.get("/v1/dashboard/summary", &o).await.json().await.unwrap();
    assert_eq!(
        (&os["stakeholders"]["total"], &os["overdue_plans"], &os["open_points"], &os["latest_nps"]),
        (&json!(0), &json!(0), &json!(0), &Value::Null)
    );
    let orisk: Value = app.get("/v1/dashboard/risks", &o).await.json().await.unwrap();
    assert_eq!(totals(&orisk), [0; 6]);
    assert_problem(app.get(&format!("/v1/dashboard/feedback?form_id={form_id}"), &o).await, 404).await;
    assert_problem(app.get("/v1/dashboard/feedback", &m).await, 422).await;
    assert_problem(app.get("/v1/dashboard/engagement?from=2026-13", &m).await, 422).await;
}
