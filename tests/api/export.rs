//! The anonymised export leaks nothing personal or free-text from the demo map.

use serde_json::Value;
use stakemap::auth::Role;

use crate::helpers::{assert_problem, TestApp};
use crate::on_both_backends;

on_both_backends!(anonymized_export_leaks_nothing, stakeholder_csv_streams_every_row_once);

type PersonTexts =
    (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

/// Every personal name, email, phone, external id and free-text string of the demo data.
fn secrets(app: &TestApp, ws: &str) -> Vec<String> {
    use diesel::prelude::*;
    use stakemap::db::schema::{accounts, contracts, relationships, stakeholders};
    let mut conn = app.conn();
    let c = &mut *conn;
    let mut out: Vec<String> = Vec::new();
    let people: Vec<PersonTexts> = stakeholders::table
        .filter(stakeholders::workspace_id.eq(ws))
        .select((
            stakeholders::name,
            stakeholders::email,
            stakeholders::external_id,
            stakeholders::stance_reason,
            stakeholders::concerns,
            stakeholders::goals,
            stakeholders::title,
        ))
        .load(c)
        .unwrap();
    for (name, email, external_id, reason, concerns, goals, title) in people {
        out.push(name.clone());
        out.extend(name.split_whitespace().filter(|w| w.len() > 3).map(str::to_string));
        out.extend([email, external_id, reason, concerns, goals, title].into_iter().flatten());
    }
    let labels: Vec<Option<String>> = relationships::table
        .filter(relationships::workspace_id.eq(ws))
        .select(relationships::label)
        .load(c)
        .unwrap();
    out.extend(labels.into_iter().flatten());
    let accts: Vec<(String, Option<String>, Option<String>)> = accounts::table
        .filter(accounts::workspace_id.eq(ws))
        .select((accounts::name, accounts::external_id, accounts::industry))
        .load(c)
        .unwrap();
    for (name, ext, industry) in accts {
        out.extend([Some(name), ext, industry].into_iter().flatten());
    }
    let deals: Vec<(String, Option<String>, Option<String>, i64)> = contracts::table
        .filter(contracts::workspace_id.eq(ws))
        .select((contracts::title, contracts::kpi_terms, contracts::status_reason, contracts::value_minor))
        .load(c)
        .unwrap();
    for (title, kpi, reason, value) in deals {
        out.extend([Some(title), kpi, reason, Some(value.to_string())].into_iter().flatten());
    }
    out.extend([
        "Globex".to_string(),
        "globex".to_string(),
        "demo-crm".to_string(),
        "Account director".to_string(),
    ]);
    out
}

async fn anonymized_export_leaks_nothing(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let token = app.token(&ws, Role::Manager);
    let secrets = secrets(&app, &ws);
    assert!(secrets.len() > 30, "the scan has material: {secrets:?}");

    let res = app.get("/v1/export/anonymized", &token).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let csv_res = app.get("/v1/export/anonymized?format=csv", &token).await;
    assert!(csv_res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv_res.text().await.unwrap();
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "JSON export leaks '{secret}'");
        assert!(!csv.contains(secret.as_str()), "CSV export leaks '{secret}'");
    }

    // What is kept: codes, categories, scores, stance, edges, contract ranges (no titles:
    // a title is free text, and may name the person or carry an email).
    let map: Value = serde_json::from_str(&text).unwrap();
    let people = map["people"].as_array().unwrap();
    assert_eq!(people.len(), 20, "Globex 8 and the relaunch project 12");
    assert_eq!(people[0]["code"], "S-0001");
    assert!(people.iter().all(|p| p.get("title").is_none()));
    let veto_holder = |p: &&Value| p["veto"] == true && p["decision_role"] == "approver";
    let david = people.iter().find(veto_holder).unwrap();
    assert_eq!(
        (&david["influence"], &david["stance"], &david["veto"], &david["account"]),
        (&5.into(), &"critic".into(), &true.into(), &"A-001".into())
    );
    assert_eq!(map["relationships"].as_array().unwrap().len(), 20);
    let ranges: Vec<&str> = map["accounts"][0]["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value_range"].as_str().unwrap())
        .collect();
    assert_eq!(ranges, ["500k–1M", "1M–5M"]);
    assert_eq!(csv.lines().count(), 1 + 20 + 20 + 1 + 2);
    assert!(csv.lines().nth(1).unwrap().starts_with("person,S-0001,"));

    // Codes are stable: deleting someone keeps everyone else's code.
    let list: Value = app.get("/v1/stakeholders?q=linda", &token).await.json().await.unwrap();
    app.delete(&format!("/v1/stakeholders/{}", list["items"][0]["id"].as_str().unwrap()), &token).await;
    let after: Value = app.get("/v1/export/anonymized", &token).await.json().await.unwrap();
    let david_after = after["people"].as_array().unwrap().iter().find(veto_holder).unwrap();
    assert_eq!(david_after["code"], david["code"]);
    assert_eq!(after["people"].as_array().unwrap().len(), 19);

    for role in [Role::Contributor, Role::Viewer, Role::Integration, Role::Stakeholder] {
        assert_problem(app.get("/v1/export/anonymized", &app.token(&ws, role)).await, 403).await;
    }
    assert_problem(app.get("/v1/export/anonymized?format=xml", &token).await, 422).await;
    let other = app.workspace("Other");
    let empty: Value =
        app.get("/v1/export/anonymized", &app.token(&other, Role::Admin)).await.json().await.unwrap();
    assert_eq!(empty["people"], serde_json::json!([]));
}

async fn stakeholder_csv_streams_every_row_once(app: TestApp) {
    let ws = app.workspace("Big");
    let admin = app.token(&ws, Role::Admin);
    // 1,201 people: three pages of 500 and a last one; one of them confidential.
    for chunk in 0..2 {
        let items: Vec<Value> = (0..600)
            .map(|i| {
                let n = chunk * 600 + i;
                serde_json::json!({"source": "crm", "external_id": format!("p{n}"), "name": format!("Person {n:04}"), "group": "external"})
            })
            .collect();
        let res = app.post("/v1/stakeholders/batch", &admin, &serde_json::json!({"items": items})).await;
        assert_eq!(res.status(), 200);
    }
    app.create_stakeholder(
        &admin,
        serde_json::json!({"name": "Person 0600b", "group": "team", "confidential": true}),
    )
    .await;
    let res = app.get("/v1/export/stakeholders.csv", &admin).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-length").is_none(), "streamed, not built whole");
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(names.len(), 1201);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in name order across pages");
    assert_eq!(names.iter().collect::<std::collections::HashSet<_>>().len(), 1201, "each row once");
    // The anonymized CSV streams too: every person and relationship, codes as in the JSON.
    let ids: Vec<String> = {
        use diesel::prelude::*;
        use stakemap::db::schema::stakeholders as s;
        let mut conn = app.conn();
        s::table
            .filter(s::workspace_id.eq(&ws))
            .order(s::id.asc())
            .limit(520)
            .select(s::id)
            .load(&mut *conn)
            .unwrap()
    };
    for pair in ids.windows(2) {
        let edge = serde_json::json!({"from_id": pair[0], "to_id": pair[1], "kind": "collaborates"});
        assert_eq!(app.post("/v1/relationships", &admin, &edge).await.status(), 201);
    }
    let csv = app.get("/v1/export/anonymized?format=csv", &admin).await.text().await.unwrap();
    let json: Value = app.get("/v1/export/anonymized", &admin).await.json().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let people: Vec<&str> = records.iter().filter(|r| &r[0] == "person").map(|r| &r[1]).collect();
    let json_people: Vec<&str> =
        json["people"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(people.len(), 1201);
    assert_eq!(people, json_people);
    let edges: Vec<(String, String)> = records
        .iter()
        .filter(|r| &r[0] == "relationship")
        .map(|r| (r[14].to_string(), r[15].to_string()))
        .collect();
    let json_edges: Vec<(String, String)> = json["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["from"].as_str().unwrap().to_string(), e["to"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(edges.len(), 519);
    assert_eq!(edges, json_edges);

    // The integration role's export leaves the confidential person out on every page.
    let crm = app
        .get("/v1/export/stakeholders.csv", &app.token(&ws, Role::Integration))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(crm.lines().count(), 1 + 1200);
    assert!(!crm.contains("Person 0600b"));
}
