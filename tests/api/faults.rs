//! Faults: the process killed with SIGKILL in the middle of a CRM batch load. After a
//! restart the SQLite database is consistent and every write that was acknowledged with
//! a 2xx is there.

use std::collections::HashSet;
use std::process::Child;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::json;

fn run(dir: &std::path::Path, args: &[&str]) -> String {
    crate::binary::run(dir, &[], args)
}

fn serve(dir: &std::path::Path) -> (Child, String) {
    crate::binary::serve(dir, &[])
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn sqlite_keeps_every_acknowledged_write_through_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["workspace", "create", "Acme"]);
    let token =
        run(dir.path(), &["token", "--workspace", "acme", "--role", "integration"]).trim().to_string();
    let (mut server, url) = serve(dir.path());

    // One client sends batches of 200 new people until the server goes away.
    let client = reqwest::Client::new();
    let loader = {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for batch in 0.. {
                let items: Vec<_> = (0..200)
                    .map(|i| json!({"source": "crm", "external_id": format!("K-{batch}-{i}"), "name": format!("P {batch} {i}"), "group": "external", "tags": ["load"]}))
                    .collect();
                let sent = client
                    .post(format!("{url}/v1/stakeholders/batch"))
                    .bearer_auth(&token)
                    .json(&json!({"mode": "upsert", "items": items}))
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status().is_success() => {
                        // A 2xx whose body is cut off by the kill still counts as acknowledged.
                        acknowledged.extend((0..200).map(|i| format!("K-{batch}-{i}")));
                        let _ = res.bytes().await;
                    }
                    _ => return acknowledged,
                }
            }
            acknowledged
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged: HashSet<String> = loader.await.unwrap().into_iter().collect();
    assert!(acknowledged.len() >= 200, "the load ran before the kill ({} acknowledged)", acknowledged.len());

    // The database file is consistent, and a restart serves it.
    let path = dir.path().join("stakemap.db");
    let mut db = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut db).unwrap();
    assert_eq!(check.iter().map(|c| c.integrity_check.as_str()).collect::<Vec<_>>(), vec!["ok"]);
    let fk: Vec<Count> =
        diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check").load(&mut db).unwrap();
    assert_eq!(fk[0].n, 0, "no dangling references");
    drop(db);
    let (mut again, url) = serve(dir.path());
    assert_eq!(client.get(format!("{url}/readyz")).send().await.unwrap().status(), 200);

    let mut db = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    use stakemap::db::schema::stakeholders as s;
    let stored: HashSet<String> = s::table
        .select(s::external_id)
        .load::<Option<String>>(&mut db)
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    let missing: Vec<&String> = acknowledged.difference(&stored).collect();
    assert!(missing.is_empty(), "{} acknowledged writes lost, e.g. {:?}", missing.len(), missing.first());
    // Batches commit whole or not at all: whole batches of 200 only.
    assert_eq!(stored.len() % 200, 0, "{} rows: a batch was half written", stored.len());
    // The dashboard counters committed with the rows: people counted = people stored.
    let counted: Vec<Count> = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM tallies WHERE key LIKE 'people/%/group/%'",
    )
    .load(&mut db)
    .unwrap();
    assert_eq!(counted[0].n as usize, stored.len());
    again.kill().unwrap();
    again.wait().unwrap();
}
