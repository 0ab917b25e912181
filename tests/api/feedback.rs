//! The monthly feedback loop: forms, answers, reports, versions, points and closing.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::domain::period::Period;
use stakemap::domain::stakeholder::ANALYSIS_FIELDS;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(
    answer_types_and_rejections,
    nps_and_response_rate,
    versions_keep_their_questions,
    stakeholder_token_flow,
    duplicates_archive_and_close,
    feedback_isolation_and_roles
);

fn submissions_in_db(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use stakemap::db::schema::submissions::dsl::*;
    submissions.count().get_result(&mut *app.conn()).unwrap()
}

async fn form(app: &TestApp, token: &str, audience: Value, questions: Value) -> String {
    let res = app
        .post("/v1/forms", token, &json!({"title": "Pulse", "audience": audience, "questions": questions}))
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["version"], 1);
    body["id"].as_str().unwrap().to_string()
}

async fn person(app: &TestApp, token: &str, name: &str, tags: Value) -> String {
    app.create_stakeholder(
        token,
        json!({"name": name, "group": "external", "tags": tags, "influence": 4, "stance": "critic"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn all_types() -> Value {
    json!([
        {"key": "nps", "type": "nps", "label": "Recommend?", "required": true},
        {"key": "rating", "type": "rating", "label": "Responsive?", "min": 1, "max": 5},
        {"key": "one", "type": "single_choice", "label": "Priority", "options": ["cost", "speed"]},
        {"key": "many", "type": "multi_choice", "label": "Topics", "options": ["a", "b", "c"]},
        {"key": "text", "type": "text", "label": "Comments"},
        {"key": "yes", "type": "boolean", "label": "Renew?"},
        {"key": "num", "type": "number", "label": "Budget (k)", "min": 0, "max": 1000},
    ])
}

async fn answer_types_and_rejections(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let id = form(&app, &m, json!({}), all_types()).await;
    let who = person(&app, &m, "Ann", json!([])).await;
    let url = format!("/v1/forms/{id}/submissions");
    let rejections = [
        (json!({"rating": 3}), "answers.nps", "required"),
        (json!({"nps": 11}), "answers.nps", "0 to 10"),
        (json!({"nps": 7.5}), "answers.nps", "integer"),
        (json!({"nps": "9"}), "answers.nps", "integer"),
        (json!({"nps": 9, "rating": 6}), "answers.rating", "from 1 to 5"),
        (json!({"nps": 9, "rating": 2.5}), "answers.rating", "integer"),
        (json!({"nps": 9, "one": "love"}), "answers.one", "not an offered option"),
        (json!({"nps": 9, "one": ["cost"]}), "answers.one", "options"),
        (json!({"nps": 9, "many": ["a", "z"]}), "answers.many", "not an offered option"),
        (json!({"nps": 9, "many": ["a", "a"]}), "answers.many", "twice"),
        (json!({"nps": 9, "text": 42}), "answers.text", "string"),
        (json!({"nps": 9, "text": "nul\u{0}"}), "answers.text", "control"),
        (json!({"nps": 9, "yes": "yes"}), "answers.yes", "true or false"),
        (json!({"nps": 9, "num": -1}), "answers.num", "from 0 to 1000"),
        (json!({"nps": 9, "num": "12"}), "answers.num", "number"),
        (json!({"nps": 9, "colour": "red"}), "answers.colour", "not a question"),
    ];
    for (answers, field, message) in rejections {
        let res = app.post(&url, &m, &json!({"stakeholder_id": who, "answers": answers})).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(error_fields(&problem), [field], "{answers}");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains(message), "{answers}: {problem}");
    }
    let problem = assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": who, "answers": {"nps": 12, "rating": 0, "bogus": 1}}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem).len(), 3, "one entry per problem");
    assert_eq!(submissions_in_db(&app), 0, "nothing stored on rejection");

    let ok = json!({"nps": 10, "rating": 5, "one": "speed", "many": ["a", "c"], "text": "Great\nwork", "yes": true, "num": 12.5});
    let res = app.post(&url, &m, &json!({"stakeholder_id": who, "answers": ok})).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let sub: Value = res.json().await.unwrap();
    assert_eq!(
        (&sub["form_version"], &sub["period"], &sub["answers"]),
        (&json!(1), &json!(Period::current().to_string()), &ok)
    );
    assert_eq!(app.get(&location, &m).await.status(), 200);
    // Amend via PUT; a bad amendment is 422 and leaves the answers as they were.
    let res =
        app.request(Method::PUT, &location, &m).json(&json!({"answers": {"nps": 11}})).send().await.unwrap();
    assert_problem(res, 422).await;
    let res =
        app.request(Method::PUT, &location, &m).json(&json!({"answers": {"nps": 6}})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let amended: Value = res.json().await.unwrap();
    assert_eq!((&amended["answers"], &amended["version"]), (&json!({"nps": 6}), &json!(2)));
}

async fn nps_and_response_rate(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let mut people = Vec::new();
    for i in 0..20 {
        people.push(person(&app, &m, &format!("P{i:02}"), json!(["panel"])).await);
    }
    person(&app, &m, "Outsider", json!(["other"])).await;
    let id = form(
        &app,
        &m,
        json!({"tags": ["panel"]}),
        json!([
            {"key": "nps", "type": "nps", "label": "n", "required": true},
            {"key": "rating", "type": "rating", "label": "r"},
            {"key": "pick", "type": "single_choice", "label": "p", "options": ["x", "y"]},
        ]),
    )
    .await;
    // 5 promoters, 3 passives, 2 detractors → 50% − 20% = 30.0
    let scores = [9, 10, 9, 10, 10, 7, 8, 7, 0, 6];
    let period = Period::current().previous().to_string();
    for (i, nps) in scores.iter().enumerate() {
        let answers = json!({"nps": nps, "rating": (i % 5) + 1, "pick": if i < 4 { "x" } else { "y" }});
        let res = app
            .post(
                &format!("/v1/forms/{id}/submissions"),
                &m,
                &json!({"stakeholder_id": people[i], "period": period, "answers": answers}),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let report: Value =
        app.get(&format!("/v1/forms/{id}/report?period={period}"), &m).await.json().await.unwrap();
    assert_eq!(
        (&report["expected"], &report["submitted"], &report["response_rate"]),
        (&json!(20), &json!(10), &json!(0.5))
    );
    assert_eq!(report["nps"], json!({"score": 30.0, "promoters": 5, "passives": 3, "detractors": 2}));
    let q =
        |key: &str| report["questions"].as_array().unwrap().iter().find(|q| q["key"] == key).unwrap().clone();
    assert_eq!(q("rating")["mean"], 3.0);
    assert_eq!(q("rating")["counts"], json!({"1": 2, "2": 2, "3": 2, "4": 2, "5": 2}));
    assert_eq!(q("pick")["counts"], json!({"x": 4, "y": 6}));
    assert_eq!(q("nps")["mean"], 7.6);
    // The current month has nothing yet.
    let now: Value = app.get(&format!("/v1/forms/{id}/report"), &m).await.json().await.unwrap();
    assert_eq!((&now["submitted"], &now["nps"]["score"]), (&json!(0), &Value::Null));
    // Who to remind: the ten who did not answer, and not the outsider.
    let missing: Value =
        app.get(&format!("/v1/forms/{id}/missing?period={period}&limit=500"), &m).await.json().await.unwrap();
    let names: Vec<&str> =
        missing["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 10);
    assert!(names.iter().all(|n| n.starts_with('P')) && !names.contains(&"P00"));
    let page: Value =
        app.get(&format!("/v1/forms/{id}/missing?period={period}&limit=4"), &m).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    assert!(page["next_cursor"].is_string());
}

async fn versions_keep_their_questions(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let (a, b) = (person(&app, &m, "A", json!([])).await, person(&app, &m, "B", json!([])).await);
    let id = form(
        &app,
        &m,
        json!({}),
        json!([
            {"key": "nps", "type": "nps", "label": "n", "required": true},
            {"key": "old", "type": "rating", "label": "Old question"},
        ]),
    )
    .await;
    let url = format!("/v1/forms/{id}/submissions");
    let first: Value = app
        .post(&url, &m, &json!({"stakeholder_id": a, "answers": {"nps": 9, "old": 4}}))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/v1/forms/{id}/versions"),
            &m,
            &json!({"questions": [
                {"key": "nps", "type": "nps", "label": "Recommend us?", "required": true},
                {"key": "new", "type": "boolean", "label": "New question", "required": true},
            ]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let v2: Value = res.json().await.unwrap();
    assert_eq!((&v2["version"], v2["versions"].as_array().unwrap().len()), (&json!(2), 2));
    assert_eq!(v2["questions"][1]["key"], "new");
    // New submissions answer v2; the old one stays pinned to v1.
    let problem = assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": b, "answers": {"nps": 5, "old": 3}})).await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["answers.new", "answers.old"]);
    let second: Value = app
        .post(&url, &m, &json!({"stakeholder_id": b, "answers": {"nps": 5, "new": true}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&first["form_version"], &second["form_version"]), (&json!(1), &json!(2)));
    let again: Value = app
        .get(&format!("/v1/submissions/{}", first["id"].as_str().unwrap()), &m)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["form_version"], 1);
    // Amending the v1 submission is checked against v1.
    let put = |answers: Value| {
        app.request(Method::PUT, &format!("/v1/submissions/{}", first["id"].as_str().unwrap()), &m)
            .json(&json!({"answers": answers}))
            .send()
    };
    assert_eq!(put(json!({"nps": 10, "old": 5})).await.unwrap().status(), 200);
    assert_problem(put(json!({"nps": 10, "new": true})).await.unwrap(), 422).await;
    // The report reads each under its own version.
    let report: Value = app.get(&format!("/v1/forms/{id}/report"), &m).await.json().await.unwrap();
    let q =
        |key: &str| report["questions"].as_array().unwrap().iter().find(|q| q["key"] == key).unwrap().clone();
    assert_eq!(
        (&q("old")["responses"], &q("old")["versions"], &q("old")["mean"]),
        (&json!(1), &json!([1]), &json!(5.0))
    );
    assert_eq!((&q("new")["responses"], &q("new")["counts"]), (&json!(1), &json!({"true": 1})));
    assert_eq!(
        (&q("nps")["responses"], &q("nps")["label"], &q("nps")["versions"]),
        (&json!(2), &json!("Recommend us?"), &json!([1, 2]))
    );
    let form_view: Value = app.get(&format!("/v1/forms/{id}"), &m).await.json().await.unwrap();
    assert_eq!(
        form_view["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["number"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
}

fn assert_no_analysis(body: &str) {
    for field in ANALYSIS_FIELDS {
        assert!(!body.contains(&format!("\"{field}\"")), "'{field}' leaked: {body}");
    }
}

async fn stakeholder_token_flow(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let me_id = person(&app, &m, "Mia", json!(["panel"])).await;
    let other = person(&app, &m, "Kevin", json!(["panel"])).await;
    let id = form(&app, &m, json!({"tags": ["panel"]}), json!([{"key": "nps", "type": "nps", "label": "n", "required": true}, {"key": "comments", "type": "text", "label": "c"}])).await;
    let t = app.link_token(&m, &me_id).await;
    assert_problem(
        app.post(&format!("/v1/stakeholders/{me_id}/access-links"), &m, &json!({"ttl_seconds": 5})).await,
        422,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/v1/stakeholders/{me_id}/access-links"),
            &app.token(&ws, Role::Contributor),
            &json!({}),
        )
        .await,
        403,
    )
    .await;

    let mut bodies = Vec::new();
    let res = app.get("/v1/me", &t).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("\"Mia\""));
    bodies.push(text);
    let forms: Value = app.get("/v1/me/forms", &t).await.json().await.unwrap();
    assert_eq!((&forms["items"][0]["id"], &forms["items"][0]["submitted"]), (&json!(id), &json!(false)));

    let url = format!("/v1/forms/{id}/submissions");
    let res = app.post(&url, &t, &json!({"answers": {"nps": 4, "comments": "Too slow"}})).await;
    assert_eq!(res.status(), 201);
    let mine: Value = res.json().await.unwrap();
    // A stakeholder never sees internal actors; colleagues see who submitted.
    assert_eq!((&mine["stakeholder_id"], mine.get("submitted_by")), (&json!(me_id), None));
    let seen: Value =
        app.get(&format!("/v1/submissions/{}", mine["id"].as_str().unwrap()), &m).await.json().await.unwrap();
    // Submitted through her access link: the link names the actor.
    assert!(seen["submitted_by"].as_str().unwrap().starts_with("access-link:"), "{seen}");
    assert_problem(app.post(&url, &t, &json!({"stakeholder_id": other, "answers": {"nps": 9}})).await, 403)
        .await;
    let theirs: Value = app
        .post(&url, &m, &json!({"stakeholder_id": other, "answers": {"nps": 9}}))
        .await
        .json()
        .await
        .unwrap();
    let theirs_path = format!("/v1/submissions/{}", theirs["id"].as_str().unwrap());
    assert_problem(app.get(&theirs_path, &t).await, 404).await;
    assert_problem(
        app.request(Method::PUT, &theirs_path, &t)
            .json(&json!({"answers": {"nps": 0}}))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let list: Value = app.get("/v1/submissions", &t).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_problem(app.get(&format!("/v1/submissions?stakeholder_id={other}"), &t).await, 403).await;
    let forms: Value = app.get("/v1/me/forms", &t).await.json().await.unwrap();
    assert_eq!(
        (&forms["items"][0]["submitted"], &forms["items"][0]["submission_id"]),
        (&json!(true), &mine["id"])
    );

    // A point from the submission, declined with a reason, reaches the person.
    let res = app.post("/v1/feedback-items", &m, &json!({"stakeholder_id": me_id, "submission_id": mine["id"], "summary": "Wants faster turnaround"})).await;
    let point: Value = res.json().await.unwrap();
    let point_path = format!("/v1/feedback-items/{}", point["id"].as_str().unwrap());
    app.patch(
        &point_path,
        &m,
        &json!({"status": "declined", "response": "Turnaround is fixed by the contract until renewal"}),
    )
    .await;
    let res = app.get("/v1/me/feedback", &t).await;
    let text = res.text().await.unwrap();
    let feedback: Value = serde_json::from_str(&text).unwrap();
    bodies.push(text);
    assert_eq!(feedback["submissions"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&feedback["points"][0]["status"], &feedback["points"][0]["response"]),
        (&json!("declined"), &json!("Turnaround is fixed by the contract until renewal"))
    );
    bodies.push(
        app.get(&format!("/v1/submissions/{}", mine["id"].as_str().unwrap()), &t).await.text().await.unwrap(),
    );
    bodies.push(app.get("/v1/me/forms", &t).await.text().await.unwrap());
    for body in &bodies {
        assert_no_analysis(body);
    }
    // Nothing else is open to a stakeholder token.
    for path in [
        "/v1/stakeholders",
        "/v1/forms",
        "/v1/feedback-items",
        "/v1/relationships",
        "/v1/accounts",
        &format!("/v1/forms/{id}/report"),
        &format!("/v1/stakeholders/{other}"),
    ] {
        assert_problem(app.get(path, &t).await, 403).await;
    }
    assert_problem(app.get("/v1/me", &m).await, 403).await;
}

async fn duplicates_archive_and_close(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, "A", json!(["panel"])).await;
    let outsider = person(&app, &m, "O", json!([])).await;
    let id = form(&app, &m, json!({"tags": ["panel"]}), json!([{"key": "nps", "type": "nps", "label": "n"}]))
        .await;
    let url = format!("/v1/forms/{id}/submissions");
    let period = Period::current().previous().to_string();
    let first: Value = app
        .post(&url, &m, &json!({"stakeholder_id": a, "period": period, "answers": {"nps": 3}}))
        .await
        .json()
        .await
        .unwrap();
    let problem = assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": a, "period": period, "answers": {"nps": 9}})).await,
        409,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains(first["id"].as_str().unwrap()),
        "409 names the existing submission"
    );
    assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": outsider, "answers": {"nps": 9}})).await,
        403,
    )
    .await;
    let future = Period::current().next().to_string();
    let problem = assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": a, "period": future, "answers": {}})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["period"]);
    assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": a, "period": "2026-13", "answers": {}})).await,
        422,
    )
    .await;
    assert_eq!(submissions_in_db(&app), 1);

    // Close refuses while a point of the period lacks a response, listing it.
    let point: Value = app
        .post(
            "/v1/feedback-items",
            &m,
            &json!({"stakeholder_id": a, "submission_id": first["id"], "summary": "Price too high"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&point["form_id"], &point["period"]), (&json!(id), &json!(period)));
    app.post("/v1/feedback-items", &m, &json!({"stakeholder_id": a, "summary": "Standalone point"})).await;
    let close = format!("/v1/forms/{id}/periods/{period}/close");
    let res = app.post(&close, &m, &json!({})).await;
    let refused = assert_problem(res, 409).await;
    let listed: Vec<&str> =
        refused["unanswered"].as_array().unwrap().iter().map(|p| p["summary"].as_str().unwrap()).collect();
    assert_eq!(listed, ["Price too high"]);
    let point_path = format!("/v1/feedback-items/{}", point["id"].as_str().unwrap());
    let problem = assert_problem(app.patch(&point_path, &m, &json!({"status": "done"})).await, 422).await;
    assert_eq!(error_fields(&problem), ["response"]);
    assert_eq!(
        app.patch(
            &point_path,
            &m,
            &json!({"status": "planned", "response": "Discount proposal in next QBR"})
        )
        .await
        .status(),
        200
    );
    let res = app.post(&close, &m, &json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["closed"], true);
    assert_eq!(app.post(&close, &m, &json!({})).await.status(), 200, "closing twice is fine");
    // A closed period takes no amendments or new submissions.
    let res = app
        .request(Method::PUT, &format!("/v1/submissions/{}", first["id"].as_str().unwrap()), &m)
        .json(&json!({"answers": {"nps": 9}}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422).await;
    let b = person(&app, &m, "B", json!(["panel"])).await;
    assert_problem(
        app.post(&url, &m, &json!({"stakeholder_id": b, "period": period, "answers": {"nps": 9}})).await,
        422,
    )
    .await;
    let report: Value =
        app.get(&format!("/v1/forms/{id}/report?period={period}"), &m).await.json().await.unwrap();
    assert_eq!(report["closed"], true);

    // Archived forms take nothing.
    let res = app.patch(&format!("/v1/forms/{id}"), &m, &json!({"status": "archived"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "archived");
    let problem =
        assert_problem(app.post(&url, &m, &json!({"stakeholder_id": b, "answers": {"nps": 9}})).await, 422)
            .await;
    assert_eq!(error_fields(&problem), ["form"]);
    let points: Value = app.get("/v1/feedback-items?status=planned", &m).await.json().await.unwrap();
    assert_eq!(points["items"].as_array().unwrap().len(), 1);
}

async fn feedback_isolation_and_roles(app: TestApp) {
    let ws = app.workspace("Acme");
    let other = app.workspace("Other");
    let m = app.token(&ws, Role::Manager);
    let a = person(&app, &m, "A", json!([])).await;
    let id = form(&app, &m, json!({}), json!([{"key": "nps", "type": "nps", "label": "n"}])).await;
    let sub: Value = app
        .post(
            &format!("/v1/forms/{id}/submissions"),
            &m,
            &json!({"stakeholder_id": a, "answers": {"nps": 8}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let point: Value = app
        .post("/v1/feedback-items", &m, &json!({"stakeholder_id": a, "summary": "S"}))
        .await
        .json()
        .await
        .unwrap();
    let paths = [
        format!("/v1/forms/{id}"),
        format!("/v1/forms/{id}/report"),
        format!("/v1/forms/{id}/missing"),
        format!("/v1/submissions/{}", sub["id"].as_str().unwrap()),
        format!("/v1/feedback-items/{}", point["id"].as_str().unwrap()),
    ];
    let outsider = app.token(&other, Role::Admin);
    for path in &paths {
        assert_problem(app.get(path, &outsider).await, 404).await;
    }
    for list in ["/v1/forms", "/v1/submissions", "/v1/feedback-items"] {
        let body: Value = app.get(list, &outsider).await.json().await.unwrap();
        assert_eq!(body["items"], json!([]), "{list}");
    }
    assert_problem(
        app.post(
            &format!("/v1/forms/{id}/submissions"),
            &outsider,
            &json!({"stakeholder_id": a, "answers": {}}),
        )
        .await,
        404,
    )
    .await;
    assert_problem(app.patch(&paths[4], &outsider, &json!({"status": "planned"})).await, 404).await;
    assert_problem(
        app.post(&format!("/v1/forms/{id}/periods/2026-01/close"), &outsider, &json!({})).await,
        404,
    )
    .await;
    assert_problem(app.post(&format!("/v1/stakeholders/{a}/access-links"), &outsider, &json!({})).await, 404)
        .await;

    let questions = json!([{"key": "q", "type": "text", "label": "q"}]);
    for role in Role::ALL {
        let t = app.token(&ws, role);
        let design =
            app.post("/v1/forms", &t, &json!({"title": "T", "questions": questions})).await.status().as_u16();
        let triage =
            app.patch(&paths[4], &t, &json!({"detail": format!("{role:?}")})).await.status().as_u16();
        let raise = app
            .post("/v1/feedback-items", &t, &json!({"stakeholder_id": a, "summary": "x"}))
            .await
            .status()
            .as_u16();
        let read = app.get("/v1/feedback-items", &t).await.status().as_u16();
        let expected = match role {
            Role::Admin | Role::Manager => (201, 200, 201, 200),
            Role::Contributor | Role::Integration => (403, 403, 201, 200),
            Role::Viewer => (403, 403, 403, 200),
            Role::Stakeholder => (403, 403, 403, 403),
        };
        assert_eq!((design, triage, raise, read), expected, "{role:?}");
    }
    // The integration sees submissions and points but no analysis in the stakeholders it can reach.
    let crm = app.token(&ws, Role::Integration);
    let missing = app.get(&format!("/v1/forms/{id}/missing"), &crm).await.text().await.unwrap();
    assert_no_analysis(&missing);
}

on_both_backends!(demo_pulse_form);

async fn demo_pulse_form(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let m = app.token(&ws, Role::Manager);
    let forms: Value = app.get("/v1/forms", &m).await.json().await.unwrap();
    assert_eq!(forms["items"][0]["title"]["en"], "Partnership pulse");
    assert_eq!(forms["items"][0]["title"]["zh-CN"], "合作伙伴脉搏", "the Shanghai team reads it in Chinese");
    let id = forms["items"][0]["id"].as_str().unwrap();
    for period in [Period::current(), Period::current().previous(), Period::current().previous().previous()] {
        let report: Value =
            app.get(&format!("/v1/forms/{id}/report?period={period}"), &m).await.json().await.unwrap();
        assert_eq!((&report["expected"], &report["submitted"]), (&json!(7), &json!(6)), "{period}");
    }
    let points: Value = app.get("/v1/feedback-items?status=declined", &m).await.json().await.unwrap();
    let declined = &points["items"][0];
    assert!(declined["response"].as_str().unwrap().contains("phased rollout"));
    // David sees his declined point and the reason through his own token.
    let token = app.link_token(&m, declined["stakeholder_id"].as_str().unwrap()).await;
    let mine: Value = app.get("/v1/me/feedback", &token).await.json().await.unwrap();
    assert_eq!(mine["submissions"].as_array().unwrap().len(), 3);
    assert_eq!(mine["points"][0]["status"], "declined");
    // The current month still has an unanswered point: closing it is refused.
    let res = app.post(&format!("/v1/forms/{id}/periods/{}/close", Period::current()), &m, &json!({})).await;
    assert_problem(res, 409).await;
}
