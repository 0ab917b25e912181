//! Creates that arrive together are written together (one transaction per run of a
//! workspace's lane), yet each caller gets its own outcome: a taken CRM key or a missing
//! account fails that create alone, two creates racing for one new key give one 201 and
//! one 409, each history entry names its own creator, and the counters still equal a
//! recount. On PostgreSQL the feed shows the creates sharing transactions.

use futures_util::future::join_all;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::tallies::{counters, recount, shared_values_equal_a_recount};

on_both_backends!(concurrent_creates_share_transactions_and_keep_their_own_outcomes);

/// What a create was sent, and the status it must get.
struct Case {
    token: String,
    body: Value,
    expect: u16,
}

async fn concurrent_creates_share_transactions_and_keep_their_own_outcomes(app: TestApp) {
    let ws = app.workspace("Acme");
    let manager = app.keys.issue("alice", &ws, Role::Manager, None, 3600);
    let crm = app.keys.issue("crm-bot", &ws, Role::Integration, None, 3600);
    let taken = json!({"name": "Already here", "group": "team", "source": "hubspot", "external_id": "TAKEN"});
    let holder = app.create_stakeholder(&crm, taken).await;
    let holder = holder["id"].as_str().unwrap().to_string();

    let mut cases: Vec<Case> = (0..48)
        .map(|i| {
            let token = if i % 2 == 0 { manager.clone() } else { crm.clone() };
            Case {
                token,
                body: json!({"name": format!("Person {i}"), "group": "external", "tags": ["fair"]}),
                expect: 201,
            }
        })
        .collect();
    for i in 0..3 {
        let body = json!({"name": format!("Clash {i}"), "group": "team", "source": "hubspot", "external_id": "TAKEN"});
        cases.push(Case { token: crm.clone(), body, expect: 409 });
        let body = json!({"name": format!("Orphan {i}"), "group": "team", "account_id": "no-such-account"});
        cases.push(Case { token: manager.clone(), body, expect: 422 });
    }
    let racing =
        |name: &str| json!({"name": name, "group": "team", "source": "hubspot", "external_id": "NEW-1"});
    cases.push(Case { token: crm.clone(), body: racing("Racer A"), expect: 0 });
    cases.push(Case { token: crm.clone(), body: racing("Racer B"), expect: 0 });

    let sent = cases.iter().map(|c| app.post("/v1/stakeholders", &c.token, &c.body));
    let responses = join_all(sent).await;
    let mut created: Vec<(String, &str)> = Vec::new();
    let mut racers = Vec::new();
    for (case, res) in cases.iter().zip(responses) {
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        if case.expect == 0 {
            racers.push(status);
        } else {
            assert_eq!(status, case.expect, "{} got {body}", case.body);
        }
        if status == 201 {
            assert_eq!(body["name"], case.body["name"], "each caller gets its own person back");
            let actor = if case.token == manager { "alice" } else { "crm-bot" };
            created.push((body["id"].as_str().unwrap().to_string(), actor));
        }
    }
    racers.sort();
    assert_eq!(racers, vec![201, 409], "one of two creates racing for a new CRM key wins");
    assert_eq!(created.len(), 49);
    assert_eq!(app.stakeholder_rows(&ws), 50, "the failed creates wrote nothing");

    for (id, actor) in &created {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM stakeholder_history \
             WHERE stakeholder_id = '{id}' AND op = 'create' AND actor = '{actor}'"
        );
        assert_eq!(app.number(&sql), 1, "{id}'s create entry names its creator {actor}");
    }
    let feed: Value = app.get("/v1/changes?limit=100", &crm).await.json().await.unwrap();
    let mut seen: Vec<&str> =
        feed["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    seen.sort();
    let mut expected: Vec<&str> = created.iter().map(|(id, _)| id.as_str()).collect();
    expected.push(&holder);
    expected.sort();
    assert_eq!(seen.len(), 50, "every person once in the feed");
    assert_eq!(seen, expected);

    let c = &mut app.conn();
    assert_eq!(counters(c, "tallies", &ws), recount(c, &ws), "counters equal a recount");
    shared_values_equal_a_recount(c, &ws);
    if app.backend() == Backend::Postgres {
        // Without the lanes every create commits alone: 50 transactions for 50 people.
        let sql = format!(
            "SELECT COUNT(DISTINCT xid) AS n FROM changes WHERE workspace_id = '{ws}' AND entity_type = 'stakeholder'"
        );
        let transactions = app.number(&sql);
        assert!(transactions < 40, "{transactions} transactions wrote the 50 creates");
    }
}
