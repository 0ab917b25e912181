//! Merging two records of one person: every reference moves, counters stay exact, the
//! merged CRM key reaches the survivor, the merged id answers 410; bad merges write nothing.

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;
use crate::tallies::{counters, recount};

on_both_backends!(merge_moves_everything_onto_the_survivor);
on_both_backends!(bad_merges_write_nothing);
on_both_backends!(concurrent_merges_of_one_pair_cannot_both_succeed);

async fn id_of(app: &TestApp, token: &str, path: &str, body: Value) -> String {
    let res = app.post(path, token, &body).await;
    assert_eq!(res.status(), 201, "{path}: {}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn months() -> (String, String) {
    let now = chrono::Utc::now().date_naive();
    let this = now.format("%Y-%m").to_string();
    let last = (now - chrono::Duration::days(now.format("%d").to_string().parse::<i64>().unwrap()))
        .format("%Y-%m")
        .to_string();
    (this, last)
}

fn check_counters(app: &TestApp, ws: &str) {
    let mut conn = app.conn();
    let c: &mut DbConnection = &mut conn;
    assert_eq!(counters(c, "tallies", ws), recount(c, ws), "counters equal a recount");
    crate::tallies::shared_values_equal_a_recount(c, ws);
}

async fn merge_moves_everything_onto_the_survivor(app: TestApp) {
    let ws = app.workspace("Yhdistys");
    let m = app.token(&ws, Role::Manager);
    let admin = app.token(&ws, Role::Admin);
    let hook =
        json!({"url": "http://127.0.0.1:9/hook", "events": ["stakeholder.merged", "stakeholder.updated"]});
    let hook = id_of(&app, &admin, "/v1/webhooks", hook).await;
    let a = app
        .create_stakeholder(
            &m,
            json!({"name": "David Wang", "group": "external", "source": "crm", "external_id": "A1",
            "tags": ["vip"], "influence": 4, "impact": null}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = app
        .create_stakeholder(
            &m,
            json!({"name": "Wang David", "group": "external", "source": "erp", "external_id": "B1",
            "email": "david.wang@globex.example", "tags": ["q1", "vip"], "influence": 2, "impact": 5,
            "stance": "advocate", "stance_reason": "Sponsors the pilot"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = app.create_stakeholder(&m, json!({"name": "Carol", "group": "internal"})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Relationships: A–B becomes a self-link (dropped); B→C folds into A→C; C→B moves.
    let rel = |from: &str, to: &str, kind: &str| json!({"from_id": from, "to_id": to, "kind": kind});
    let self_link = id_of(&app, &m, "/v1/relationships", rel(&a, &b, "collaborates")).await;
    id_of(&app, &m, "/v1/relationships", rel(&a, &c, "influences")).await;
    let folded = id_of(&app, &m, "/v1/relationships", rel(&b, &c, "influences")).await;
    let moved = id_of(&app, &m, "/v1/relationships", rel(&c, &b, "reports_to")).await;
    let plan = id_of(
        &app,
        &m,
        "/v1/engagement-plans",
        json!({"stakeholder_id": b, "channel": "meeting", "cadence": "monthly"}),
    )
    .await;
    let met = |ids: Vec<&str>| json!({"stakeholder_ids": ids, "kind": "meeting", "occurred_at": "2026-01-05T10:00:00Z", "summary": "Met"});
    let both = id_of(&app, &m, "/v1/interactions", met(vec![&a, &b])).await;
    let with_c = id_of(&app, &m, "/v1/interactions", met(vec![&b, &c])).await;
    let questions = json!([{"key": "nps", "type": "nps", "label": "Recommend?", "required": true}]);
    let form = id_of(
        &app,
        &m,
        "/v1/forms",
        json!({"title": "Pulse", "audience": {"stakeholder_ids": [a, b]}, "questions": questions}),
    )
    .await;
    let (this_month, last_month) = months();
    let answer = |who: &str, period: &str, nps: i64| json!({"stakeholder_id": who, "period": period, "answers": {"nps": nps}});
    let subs = format!("/v1/forms/{form}/submissions");
    let kept = id_of(&app, &m, &subs, answer(&a, &last_month, 9)).await;
    let superseded = id_of(&app, &m, &subs, answer(&b, &last_month, 3)).await;
    let only_b = id_of(&app, &m, &subs, answer(&b, &this_month, 10)).await;
    let point =
        id_of(&app, &m, "/v1/feedback-items", json!({"stakeholder_id": b, "summary": "Faster invoices"}))
            .await;
    check_counters(&app, &ws);
    let feed_before =
        json(&app, &m, "/v1/changes?limit=500").await["next_cursor"].as_str().unwrap().to_string();

    let res = app.post(&format!("/v1/stakeholders/{a}/merge"), &m, &json!({"from_id": b})).await;
    assert_eq!(res.status(), 200);
    let survivor: Value = res.json().await.unwrap();
    assert_eq!(survivor["id"], a.as_str());
    assert_eq!(survivor["name"], "David Wang", "never overwritten");
    assert_eq!(survivor["influence"], 4, "never overwritten");
    assert_eq!(survivor["impact"], 5, "an empty field filled");
    assert_eq!(survivor["email"], "david.wang@globex.example");
    assert_eq!(survivor["stance"], "advocate");
    assert_eq!(survivor["stance_reason"], "Sponsors the pilot");
    assert_eq!(survivor["tags"], json!(["vip", "q1"]), "tags united");
    assert_eq!(survivor["source"], "crm", "the survivor keeps its own key");

    let gone = assert_problem(app.get(&format!("/v1/stakeholders/{b}"), &m).await, 410).await;
    assert_eq!(gone["merged_into"], a.as_str());
    assert_problem(app.patch(&format!("/v1/stakeholders/{b}"), &m, &json!({"title": "x"})).await, 410).await;
    let listed = json(&app, &m, "/v1/stakeholders?include_deleted=true").await;
    assert!(!listed.to_string().contains(&b), "a merged person is not listed, even with deleted ones");

    let links = json(&app, &m, &format!("/v1/relationships?stakeholder_id={a}")).await;
    let ids: Vec<&str> =
        links["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&self_link.as_str()), "self-link dropped");
    assert!(!ids.contains(&folded.as_str()), "parallel link folded");
    assert!(ids.contains(&moved.as_str()));
    let moved_rel = json(&app, &m, &format!("/v1/relationships/{moved}")).await;
    assert_eq!(
        (moved_rel["from_id"].as_str(), moved_rel["to_id"].as_str()),
        (Some(c.as_str()), Some(a.as_str()))
    );
    assert_eq!(json(&app, &m, &format!("/v1/engagement-plans/{plan}")).await["stakeholder_id"], a.as_str());
    assert_eq!(json(&app, &m, &format!("/v1/interactions/{both}")).await["stakeholder_ids"], json!([a]));
    assert_eq!(json(&app, &m, &format!("/v1/interactions/{with_c}")).await["stakeholder_ids"], json!([a, c]));
    assert_eq!(json(&app, &m, &format!("/v1/feedback-items/{point}")).await["stakeholder_id"], a.as_str());
    let sub = |id: String| {
        let app = &app;
        let m = &m;
        async move { json(app, m, &format!("/v1/submissions/{id}")).await }
    };
    let old = sub(superseded.clone()).await;
    assert_eq!(
        (old["stakeholder_id"].as_str(), old["superseded_by"].as_str()),
        (Some(a.as_str()), Some(kept.as_str()))
    );
    assert!(sub(kept).await["superseded_by"].is_null());
    assert_eq!(sub(only_b).await["stakeholder_id"], a.as_str());
    let report = json(&app, &m, &format!("/v1/forms/{form}/report?period={last_month}")).await;
    assert_eq!(report["submitted"], 1, "the superseded answer no longer counts: {report}");
    check_counters(&app, &ws);

    // History on both says who merged whom.
    let mine = json(&app, &m, &format!("/v1/stakeholders/{a}/history")).await;
    assert_eq!(mine["items"][0]["op"], "merge");
    assert_eq!(mine["items"][0]["changes"]["merged_from"]["to"], b.as_str());
    let theirs = json(&app, &m, &format!("/v1/stakeholders/{b}/history")).await;
    assert_eq!(theirs["items"][0]["changes"]["merged_into"]["to"], a.as_str());
    assert!(mine["items"].as_array().unwrap().len() >= 3, "the merged person's history moved too");

    // Feed: delete naming the survivor, then the survivor's upsert.
    let feed = json(&app, &m, &format!("/v1/changes?after={feed_before}")).await;
    let people: Vec<&Value> =
        feed["items"].as_array().unwrap().iter().filter(|e| e["type"] == "stakeholder").collect();
    assert_eq!(people.len(), 2, "{feed}");
    assert_eq!((people[0]["id"].as_str(), people[0]["op"].as_str()), (Some(b.as_str()), Some("delete")));
    assert_eq!(people[0]["merged_into"], a.as_str());
    assert_eq!((people[1]["id"].as_str(), people[1]["op"].as_str()), (Some(a.as_str()), Some("upsert")));
    // The queued deliveries (their bodies as sent).
    let log = json(&app, &admin, &format!("/v1/webhooks/{hook}/deliveries")).await;
    let merged: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|d| d["event"] == "stakeholder.merged").collect();
    assert_eq!(merged.len(), 1, "{log}");
    let event = &merged[0]["payload"];
    assert_eq!(
        (event["data"]["id"].as_str(), event["data"]["merged_into"].as_str()),
        (Some(b.as_str()), Some(a.as_str()))
    );
    assert_eq!(event["data"]["op"], "delete");

    // The merged CRM key is an alias: single upsert, batch and CSV import reach the survivor.
    let crm = app.token(&ws, Role::Integration);
    let res = app
        .request(reqwest::Method::PUT, "/v1/stakeholders/by-external-id/erp/B1", &crm)
        .json(&json!({"name": "David Wang", "title": "CFO"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let upserted: Value = res.json().await.unwrap();
    assert_eq!((upserted["id"].as_str(), upserted["title"].as_str()), (Some(a.as_str()), Some("CFO")));
    assert_eq!((upserted["source"].as_str(), upserted["external_id"].as_str()), (Some("crm"), Some("A1")));
    let batch = json!({"items": [{"source": "erp", "external_id": "B1", "name": "David Wang", "department": "Finance"}]});
    let res: Value = app.post("/v1/stakeholders/batch", &crm, &batch).await.json().await.unwrap();
    assert_eq!(
        (res["results"][0]["status"].as_str(), res["results"][0]["id"].as_str()),
        (Some("updated"), Some(a.as_str()))
    );
    let csv = "source,external_id,name,owner\nerp,B1,David Wang,Kim\n";
    let res = app
        .request(reqwest::Method::POST, "/v1/import/stakeholders", &crm)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let res: Value = res.json().await.unwrap();
    assert_eq!(
        (res["results"][0]["status"].as_str(), res["results"][0]["id"].as_str()),
        (Some("updated"), Some(a.as_str()))
    );
    let now = json(&app, &m, &format!("/v1/stakeholders/{a}")).await;
    assert_eq!((now["department"].as_str(), now["owner"].as_str()), (Some("Finance"), Some("Kim")));
    let dup = app
        .post(
            "/v1/stakeholders",
            &m,
            &json!({"name": "New", "group": "team", "source": "erp", "external_id": "B1"}),
        )
        .await;
    assert_eq!(
        assert_problem(dup, 409).await["existing_id"],
        a.as_str(),
        "the alias is taken by the survivor"
    );
    check_counters(&app, &ws);
}

fn fingerprint(app: &TestApp, ws: &str) -> (i64, i64) {
    (app.stakeholder_rows(ws), app.version_sum(ws))
}

async fn bad_merges_write_nothing(app: TestApp) {
    let ws = app.workspace("Virheet");
    let m = app.token(&ws, Role::Manager);
    let new = |name: &str, extra: Value| {
        let mut body = json!({"name": name, "group": "external"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let a = app.create_stakeholder(&m, new("Ann", json!({}))).await["id"].as_str().unwrap().to_string();
    let b = app.create_stakeholder(&m, new("Ann B", json!({}))).await["id"].as_str().unwrap().to_string();
    let deleted = app.create_stakeholder(&m, new("Del", json!({}))).await["id"].as_str().unwrap().to_string();
    assert_eq!(app.delete(&format!("/v1/stakeholders/{deleted}"), &m).await.status(), 204);
    let secret = app.create_stakeholder(&m, new("Sec", json!({"confidential": true}))).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let merge = |into: &str| format!("/v1/stakeholders/{into}/merge");
    let before = fingerprint(&app, &ws);
    let p = assert_problem(app.post(&merge(&a), &m, &json!({"from_id": a})).await, 422).await;
    assert_eq!(error_fields(&p), ["from_id"], "self-merge");
    let p = assert_problem(app.post(&merge(&a), &m, &json!({"from_id": deleted})).await, 422).await;
    assert_eq!(error_fields(&p), ["from_id"], "a deleted person");
    let p = assert_problem(app.post(&merge(&a), &m, &json!({"from_id": secret})).await, 422).await;
    assert_eq!(error_fields(&p), ["from_id"], "confidential with non-confidential");
    let p =
        assert_problem(app.post(&merge(&a), &m, &json!({"from_id": "nope", "extra": 1})).await, 422).await;
    assert_eq!(error_fields(&p), ["extra", "from_id"]);
    let p = assert_problem(
        app.post(&merge(&a), &m, &json!({"from_id": uuid::Uuid::new_v4().to_string()})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["from_id"], "unknown person");
    let stale = app
        .request(reqwest::Method::POST, &merge(&a), &m)
        .header("if-match", "\"99\"")
        .json(&json!({"from_id": b}));
    assert_problem(stale.send().await.unwrap(), 412).await;
    for role in [Role::Contributor, Role::Integration, Role::Viewer] {
        let res = app.post(&merge(&a), &app.token(&ws, role), &json!({"from_id": b})).await;
        assert_problem(res, 403).await;
    }
    let other_ws = app.workspace("Muu");
    let stranger = app.token(&other_ws, Role::Admin);
    assert_problem(app.post(&merge(&a), &stranger, &json!({"from_id": b})).await, 404).await;
    assert_eq!(fingerprint(&app, &ws), before, "nothing written");
    // Once merged, neither can be merged again.
    assert_eq!(app.post(&merge(&a), &m, &json!({"from_id": b})).await.status(), 200);
    let after = fingerprint(&app, &ws);
    let p = assert_problem(app.post(&merge(&a), &m, &json!({"from_id": b})).await, 409).await;
    assert_eq!(p["existing_id"], a.as_str());
    assert_problem(app.post(&merge(&b), &m, &json!({"from_id": a})).await, 409).await;
    assert_problem(app.post(&format!("/v1/stakeholders/{b}/restore"), &m, &json!({})).await, 410).await;
    assert_eq!(fingerprint(&app, &ws), after, "nothing written");
}

async fn concurrent_merges_of_one_pair_cannot_both_succeed(app: TestApp) {
    let ws = app.workspace("Kilpa");
    let m = app.token(&ws, Role::Manager);
    for round in 0..4 {
        let a = app.create_stakeholder(&m, json!({"name": format!("A{round}"), "group": "team"})).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let b = app.create_stakeholder(&m, json!({"name": format!("B{round}"), "group": "team"})).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (into_a, into_b) = (format!("/v1/stakeholders/{a}/merge"), format!("/v1/stakeholders/{b}/merge"));
        let (from_b, from_a) = (json!({"from_id": b}), json!({"from_id": a}));
        let (x, y) = tokio::join!(app.post(&into_a, &m, &from_b), app.post(&into_b, &m, &from_a));
        let mut statuses = [x.status().as_u16(), y.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
        let live = json(&app, &m, &format!("/v1/stakeholders?q={}", round)).await;
        assert_eq!(live["items"].as_array().unwrap().len(), 1, "exactly one of the pair left");
    }
    check_counters(&app, &ws);
}
