//! The role matrix on every stakeholder route, and what each role may see.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::domain::stakeholder::ANALYSIS_FIELDS;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(role_matrix, analysis_is_invisible_to_integration, confidential_rows_are_hidden);

fn expected(route: &str, role: Role) -> u16 {
    use Role::*;
    match (route, role) {
        (_, Stakeholder) => 403,
        ("create", Viewer) => 403,
        ("create", _) => 201,
        ("list" | "get", _) => 200,
        ("patch", Viewer) => 403,
        ("patch", _) => 200,
        ("delete", Contributor | Viewer) => 403,
        ("delete", _) => 204,
        ("restore", Contributor | Viewer) => 403,
        ("restore", _) => 200,
        _ => unreachable!(),
    }
}

async fn role_matrix(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    for role in Role::ALL {
        let token = app.token(&ws, role);
        let target = app.create_stakeholder(&admin, json!({"name": "T", "group": "team"})).await;
        let path = format!("/v1/stakeholders/{}", target["id"].as_str().unwrap());
        let rows = app.stakeholder_rows(&ws);
        let checks: [(&str, reqwest::Response); 6] = [
            ("create", app.post("/v1/stakeholders", &token, &json!({"name": "N", "group": "team"})).await),
            ("list", app.get("/v1/stakeholders", &token).await),
            ("get", app.get(&path, &token).await),
            ("patch", app.patch(&path, &token, &json!({"title": "changed"})).await),
            ("delete", app.delete(&path, &token).await),
            ("restore", app.request(Method::POST, &format!("{path}/restore"), &token).send().await.unwrap()),
        ];
        for (route, res) in checks {
            let want = expected(route, role);
            assert_eq!(res.status().as_u16(), want, "{route} as {role:?}");
            if want == 403 {
                let problem = assert_problem(res, 403).await;
                assert_no_analysis(&problem.to_string(), route);
            } else if !role.sees_analysis() && want != 204 {
                assert_no_analysis(&res.text().await.unwrap(), route);
            }
        }
        let created = u16::from(expected("create", role) == 201) as i64;
        assert_eq!(app.stakeholder_rows(&ws), rows + created, "only an allowed create adds a row ({role:?})");
    }
}

fn assert_no_analysis(body: &str, context: &str) {
    for field in ANALYSIS_FIELDS {
        assert!(!body.contains(&format!("\"{field}\"")), "{context}: '{field}' leaked in {body}");
    }
}

async fn analysis_is_invisible_to_integration(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let integration = app.token(&ws, Role::Integration);
    let s = app
        .create_stakeholder(&manager, json!({"name": "David Wang", "group": "external", "influence": 5, "impact": 3,
            "stance": "critic", "stance_reason": "Budget over by 30%", "veto": true, "notes": "n", "segments": ["resister"],
            "decision_role": "approver", "goals": "g", "concerns": "c", "pitch": "p", "rights": ["r"], "responsibilities": ["x"]}))
        .await;
    let path = format!("/v1/stakeholders/{}", s["id"].as_str().unwrap());

    let res = app
        .post(
            "/v1/stakeholders",
            &integration,
            &json!({"name": "CRM", "group": "external", "source": "crm", "external_id": "1"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_no_analysis(&res.text().await.unwrap(), "create");
    let res = app.get(&path, &integration).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert_no_analysis(&body, "get");
    assert!(body.contains("David Wang"));
    let res = app.get("/v1/stakeholders?sort=-name", &integration).await;
    assert_no_analysis(&res.text().await.unwrap(), "list");
    let res = app.patch(&path, &integration, &json!({"title": "Director"})).await;
    assert_eq!(res.status(), 200);
    assert_no_analysis(&res.text().await.unwrap(), "patch");
    let res = app.request(Method::POST, &format!("{path}/restore"), &integration).send().await.unwrap();
    assert_no_analysis(&res.text().await.unwrap(), "restore");

    // Filtering or sorting on analysis is 403; profile filters are fine.
    for query in [
        "quadrant=key_player",
        "stance=critic",
        "decision_role=approver",
        "min_influence=3",
        "sort=-influence",
        "sort=name,stance",
    ] {
        assert_problem(app.get(&format!("/v1/stakeholders?{query}"), &integration).await, 403).await;
    }
    assert_eq!(app.get("/v1/stakeholders?group=external&sort=-updated_at", &integration).await.status(), 200);
    // Analysis the integration did not write is untouched by its profile patch.
    let after: Value = app.get(&path, &manager).await.json().await.unwrap();
    assert_eq!(after["stance"], "critic");
    assert_eq!(after["title"], "Director");
    // Viewers and contributors do see analysis.
    for role in [Role::Viewer, Role::Contributor] {
        let seen: Value = app.get(&path, &app.token(&ws, role)).await.json().await.unwrap();
        assert_eq!(seen["influence"], 5);
        assert_eq!(seen["quadrant"], "key_player");
    }
}

async fn confidential_rows_are_hidden(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.token(&ws, Role::Manager);
    let secret = app
        .create_stakeholder(&manager, json!({"name": "Secret", "group": "internal", "confidential": true}))
        .await;
    app.create_stakeholder(&manager, json!({"name": "Open", "group": "internal"})).await;
    let path = format!("/v1/stakeholders/{}", secret["id"].as_str().unwrap());
    for role in [Role::Contributor, Role::Viewer, Role::Integration] {
        let token = app.token(&ws, role);
        assert_problem(app.get(&path, &token).await, 404).await;
        let list: Value =
            app.get("/v1/stakeholders?include_deleted=true", &token).await.json().await.unwrap();
        let names: Vec<&str> =
            list["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["Open"], "{role:?}");
        if role != Role::Viewer {
            assert_problem(app.patch(&path, &token, &json!({"title": "x"})).await, 404).await;
        }
    }
    assert_problem(app.delete(&path, &app.token(&ws, Role::Integration)).await, 404).await;
    for role in [Role::Admin, Role::Manager] {
        let token = app.token(&ws, role);
        assert_eq!(app.get(&path, &token).await.status(), 200);
        let list: Value = app.get("/v1/stakeholders", &token).await.json().await.unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
    }
}
