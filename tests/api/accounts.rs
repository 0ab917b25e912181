//! Accounts (CRUD, upsert by CRM key), contracts, the account map, and their access rules.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(account_lifecycle_and_upsert, contracts_and_history, account_map, account_access_rules);

async fn account_lifecycle_and_upsert(app: TestApp) {
    let ws = app.workspace("Acme");
    let t = app.token(&ws, Role::Integration);
    let res =
        app.post("/v1/accounts", &t, &json!({"name": "Globex", "status": "active", "kpis": ["NPS"]})).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let account: Value = res.json().await.unwrap();
    assert_eq!((&account["status"], &account["version"]), (&json!("active"), &json!(1)));
    let patched: Value = app
        .patch(&location, &t, &json!({"pain_points": ["cost"], "owner": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&patched["pain_points"], &patched["version"]), (&json!(["cost"]), &json!(2)));
    let problem = assert_problem(
        app.post("/v1/accounts", &t, &json!({"status": "gone", "kpis": "x", "version": 3})).await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["kpis", "name", "status", "version"]);

    // Upsert by CRM key: 201, then 200 updated, then 200 unchanged (no version bump).
    let url = "/v1/accounts/by-external-id/hubspot/AC-1";
    let put = |body: Value, header: Option<(&'static str, &'static str)>| {
        let mut req = app.request(Method::PUT, url, &t).json(&body);
        if let Some((k, v)) = header {
            req = req.header(k, v);
        }
        req.send()
    };
    assert_problem(put(json!({"name": "Initech"}), Some(("If-Match", "*"))).await.unwrap(), 404).await;
    let res = put(json!({"name": "Initech"}), Some(("If-None-Match", "*"))).await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!((&created["source"], &created["external_id"]), (&json!("hubspot"), &json!("AC-1")));
    assert_problem(put(json!({"name": "Initech"}), Some(("If-None-Match", "*"))).await.unwrap(), 412).await;
    let res = put(json!({"name": "Initech Ltd"}), Some(("If-Match", "*"))).await.unwrap();
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!((&updated["id"], &updated["version"]), (&created["id"], &json!(2)));
    let same: Value = put(json!({"name": "Initech Ltd"}), None).await.unwrap().json().await.unwrap();
    assert_eq!(same["version"], 2);
    assert_problem(put(json!({"name": "X", "external_id": "other"}), None).await.unwrap(), 422).await;
    assert_problem(put(json!({"name": "X"}), Some(("If-Match", "\"1\""))).await.unwrap(), 412).await;
    let list: Value = app.get("/v1/accounts", &t).await.json().await.unwrap();
    let names: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Globex", "Initech Ltd"]);
    // A CRM key is unique: patching Globex onto it is 409.
    assert_problem(app.patch(&location, &t, &json!({"source": "hubspot", "external_id": "AC-1"})).await, 409)
        .await;

    // Paging, filters, delete and restore.
    let page: Value = app.get("/v1/accounts?limit=1", &t).await.json().await.unwrap();
    let next: Value = app
        .get(&format!("/v1/accounts?limit=1&cursor={}", page["next_cursor"].as_str().unwrap()), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["name"], "Initech Ltd");
    let active: Value = app.get("/v1/accounts?status=active", &t).await.json().await.unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.delete(&location, &t).await.status(), 204);
    assert_problem(app.get(&location, &t).await, 404).await;
    assert_eq!(
        app.request(Method::POST, &format!("{location}/restore"), &t).send().await.unwrap().status(),
        200
    );
    assert_eq!(app.get(&location, &t).await.status(), 200);

    // A stakeholder's account must exist.
    let m = app.token(&ws, Role::Manager);
    let problem = assert_problem(
        app.post(
            "/v1/stakeholders",
            &m,
            &json!({"name": "P", "group": "external", "account_id": uuid::Uuid::new_v4()}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["account_id"]);
    app.create_stakeholder(&m, json!({"name": "P", "group": "external", "account_id": account["id"]})).await;
}

async fn contracts_and_history(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let account: Value = app.post("/v1/accounts", &m, &json!({"name": "Globex"})).await.json().await.unwrap();
    let contracts = format!("/v1/accounts/{}/contracts", account["id"].as_str().unwrap());
    let body = json!({"title": "Pilot", "value_minor": 80_000_000, "currency": "CNY", "start_date": "2025-01-01", "end_date": "2025-12-31"});
    let res = app.post(&contracts, &m, &body).await;
    assert_eq!(res.status(), 201);
    let pilot = res.headers()["location"].to_str().unwrap().to_string();
    let res = app.post(&contracts, &m, &json!({"title": "Scale-up", "value_minor": 350_000_000, "currency": "CNY", "start_date": "2026-01-01"})).await;
    let scale = res.headers()["location"].to_str().unwrap().to_string();
    let problem = assert_problem(
        app.post(
            &contracts,
            &m,
            &json!({"title": "Bad", "value_minor": -5, "currency": "yuan", "start_date": "2026-02-30"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem).len(), 3);

    // The contract's life: completed, renewed, terminated with a reason.
    let done: Value = app
        .patch(&pilot, &m, &json!({"status": "completed", "status_reason": "KPI met"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&done["status"], &done["version"]), (&json!("completed"), &json!(2)));
    let problem = assert_problem(app.patch(&scale, &m, &json!({"status": "terminated"})).await, 422).await;
    assert_eq!(error_fields(&problem), ["status_reason"]);
    let ended: Value = app
        .patch(&scale, &m, &json!({"status": "terminated", "status_reason": "Budget cut"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended["status_reason"], "Budget cut");
    assert_problem(app.patch(&scale, &m, &json!({"end_date": "2025-01-01"})).await, 422).await;

    let history: Value = app.get(&contracts, &m).await.json().await.unwrap();
    let statuses: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["completed", "terminated"], "oldest start first");
    assert_eq!(app.delete(&scale, &m).await.status(), 204);
    let history: Value = app.get(&contracts, &m).await.json().await.unwrap();
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.request(Method::POST, &format!("{scale}/restore"), &m).send().await.unwrap().status(),
        200
    );
    assert_problem(
        app.post(&format!("/v1/accounts/{}/contracts", uuid::Uuid::new_v4()), &m, &body).await,
        404,
    )
    .await;
}

async fn account_map(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let token = app.token(&ws, Role::Contributor);
    let accounts: Value = app.get("/v1/accounts", &token).await.json().await.unwrap();
    let id = accounts["items"][0]["id"].as_str().unwrap();
    let res = app.get(&format!("/v1/accounts/{id}/map"), &token).await;
    assert_eq!(res.status(), 200);
    let map: Value = res.json().await.unwrap();
    assert_eq!(map["account"]["name"], "Globex China");
    let names = |role: &str| -> Vec<String> {
        map["by_decision_role"][role]
            .as_array()
            .map(|a| a.iter().map(|n| n["name"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(names("decision_maker"), ["Kevin Li", "Linda Chen", "Mia Zhang"]);
    assert_eq!(names("approver"), ["David Wang"]);
    assert_eq!(names("unassigned"), ["Emily Zhao"]);
    assert_eq!(map["points"].as_array().unwrap().len(), 7);
    let emily = map["points"].as_array().unwrap().iter().find(|p| p["name"] == "Emily Zhao").unwrap();
    assert_eq!(
        (&emily["influence"], &emily["impact"], &emily["quadrant"]),
        (&json!(3), &json!(2), &json!("expert"))
    );
    assert_eq!(map["network"]["edges"].as_array().unwrap().len(), 7);
    let contracts: Value =
        app.get(&format!("/v1/accounts/{id}/contracts"), &token).await.json().await.unwrap();
    assert_eq!(contracts["items"].as_array().unwrap().len(), 2);
    assert_problem(app.get(&format!("/v1/accounts/{id}/map"), &app.token(&ws, Role::Integration)).await, 403)
        .await;
}

async fn account_access_rules(app: TestApp) {
    let ws = app.workspace("Acme");
    let other = app.workspace("Other");
    let m = app.token(&ws, Role::Manager);
    let account: Value = app
        .post("/v1/accounts", &m, &json!({"name": "Globex", "source": "crm", "external_id": "1"}))
        .await
        .json()
        .await
        .unwrap();
    let id = account["id"].as_str().unwrap();
    let contract: Value = app
        .post(
            &format!("/v1/accounts/{id}/contracts"),
            &m,
            &json!({"title": "C", "value_minor": 1, "currency": "EUR", "start_date": "2026-01-01"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let contract_path = format!("/v1/contracts/{}", contract["id"].as_str().unwrap());
    let account_path = format!("/v1/accounts/{id}");

    // Another workspace: 404 on every id, empty lists, and its own account under the same CRM key.
    let outsider = app.token(&other, Role::Admin);
    for path in [
        account_path.clone(),
        format!("{account_path}/contracts"),
        format!("{account_path}/map"),
        contract_path.clone(),
    ] {
        assert_problem(app.get(&path, &outsider).await, 404).await;
    }
    assert_problem(app.patch(&account_path, &outsider, &json!({"name": "x"})).await, 404).await;
    assert_problem(app.patch(&contract_path, &outsider, &json!({"title": "x"})).await, 404).await;
    assert_problem(app.delete(&account_path, &outsider).await, 404).await;
    assert_problem(app.delete(&contract_path, &outsider).await, 404).await;
    assert_problem(
        app.post(
            &format!("{account_path}/contracts"),
            &outsider,
            &json!({"title": "C", "value_minor": 1, "currency": "EUR", "start_date": "2026-01-01"}),
        )
        .await,
        404,
    )
    .await;
    let theirs: Value = app.get("/v1/accounts", &outsider).await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
    let res = app
        .request(Method::PUT, "/v1/accounts/by-external-id/crm/1", &outsider)
        .json(&json!({"name": "Theirs"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ours: Value = app.get(&account_path, &m).await.json().await.unwrap();
    assert_eq!(ours["name"], "Globex");

    // Roles.
    for role in Role::ALL {
        let t = app.token(&ws, role);
        let read = app.get(&account_path, &t).await.status().as_u16();
        let write =
            app.patch(&account_path, &t, &json!({"industry": format!("{role:?}")})).await.status().as_u16();
        let contract_write =
            app.patch(&contract_path, &t, &json!({"kpi_terms": format!("{role:?}")})).await.status().as_u16();
        let expected = match role {
            Role::Admin | Role::Manager | Role::Integration => (200, 200, 200),
            Role::Contributor => (200, 200, 403),
            Role::Viewer => (200, 403, 403),
            Role::Stakeholder => (403, 403, 403),
        };
        assert_eq!((read, write, contract_write), expected, "{role:?}");
    }
}
