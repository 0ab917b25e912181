//! Hostile input: oversized headers, invalid UTF-8, NUL bytes, huge numbers, SQL
//! injection in every filter, path traversal in external ids, huge limits. Each is a
//! clear 4xx problem (or a harmless 200 that matches nothing), never a 5xx, and nothing
//! is written.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(hostile_requests_are_refused_cleanly, carriage_returns_and_sniffing);

const INJECTIONS: [&str; 4] = [
    "' OR 1=1 --",
    "x'; DROP TABLE stakeholders; --",
    "\" OR \"\"=\"",
    "1) UNION SELECT * FROM workspaces --",
];

/// The status, after checking that it is not a server error.
async fn no_5xx(res: reqwest::Response, what: &str) -> u16 {
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    assert!(status < 500, "{what}: {status} {body}");
    status
}

async fn hostile_requests_are_refused_cleanly(app: TestApp) {
    let ws = app.workspace("Acme");
    let admin = app.token(&ws, Role::Admin);
    let crm = app.token(&ws, Role::Integration);
    app.create_stakeholder(&admin, json!({"name": "Ann", "group": "team"})).await;
    let (rows, versions) = (app.stakeholder_rows(&ws), app.version_sum(&ws));
    let raw = |method: Method, path: &str, content_type: &str, body: Vec<u8>| {
        app.request(method, path, &admin).header("content-type", content_type.to_string()).body(body).send()
    };

    // Oversized header: refused before any handler runs.
    let res = app
        .request(Method::GET, "/v1/stakeholders", &admin)
        .header("X-Filler", "x".repeat(64 * 1024))
        .send()
        .await;
    if let Ok(res) = res {
        let status = no_5xx(res, "64 KiB header").await;
        assert!((400..500).contains(&status), "oversized header: {status}");
    }
    // Invalid UTF-8 in a JSON body.
    let res = raw(
        Method::POST,
        "/v1/stakeholders",
        "application/json",
        b"{\"name\": \"\xff\xfe\", \"group\": \"team\"}".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(no_5xx(res, "invalid UTF-8").await, 400);
    // NUL bytes in strings (PostgreSQL text cannot hold them; neither may any backend).
    for body in [
        json!({"name": "A\u{0}B", "group": "team"}),
        json!({"name": "A", "group": "team", "notes": "x\u{0}"}),
        json!({"name": "A", "group": "team", "tags": ["t\u{0}"]}),
    ] {
        let res = app.post("/v1/stakeholders", &admin, &body).await;
        assert_eq!(no_5xx(res, &format!("NUL in {body}")).await, 422, "{body}");
    }
    // Huge and fractional numbers where small integers belong.
    for influence in
        [json!(1e300), json!(99999999999999999999u128 as f64), json!(-1), json!(2.5), json!(i64::MAX)]
    {
        let res = app
            .post("/v1/stakeholders", &admin, &json!({"name": "A", "group": "team", "influence": influence}))
            .await;
        assert_eq!(no_5xx(res, &format!("influence {influence}")).await, 422);
    }
    let res = raw(
        Method::POST,
        "/v1/stakeholders",
        "application/json",
        br#"{"name": "A", "group": "team", "influence": 1e999999}"#.to_vec(),
    )
    .await
    .unwrap();
    assert!(matches!(no_5xx(res, "number overflowing f64").await, 400 | 422));

    // SQL injection in every filter of the list: matches nothing or is refused.
    let filters = [
        "group",
        "category",
        "quadrant",
        "stance",
        "decision_role",
        "relationship_status",
        "account_id",
        "owner",
        "tag",
        "q",
        "min_influence",
        "updated_since",
        "sort",
        "cursor",
        "limit",
        "include_deleted",
    ];
    for filter in filters {
        for attack in INJECTIONS {
            let path = format!("/v1/stakeholders?{filter}={}", urlencode(attack));
            let res = app.get(&path, &admin).await;
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or_default();
            assert!(status < 500, "{path}: {status}");
            if status == 200 {
                assert_eq!(body["items"], json!([]), "{path} matched something");
            } else {
                assert!(matches!(status, 400 | 422), "{path}: {status}");
            }
        }
    }
    for path in [
        "/v1/interactions",
        "/v1/engagement-plans",
        "/v1/relationships",
        "/v1/accounts",
        "/v1/feedback-items",
        "/v1/changes",
    ] {
        for attack in INJECTIONS {
            let res = app
                .get(
                    &format!(
                        "{path}?stakeholder_id={0}&owner={0}&kind={0}&status={0}&after={0}",
                        urlencode(attack)
                    ),
                    &admin,
                )
                .await;
            no_5xx(res, &format!("{path} with {attack}")).await;
        }
    }

    // Path traversal in CRM external ids: only ever a literal key.
    for key in ["..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e%2f", "a%00b"] {
        let path = format!("/v1/stakeholders/by-external-id/crm/{key}");
        let res = app
            .request(Method::PUT, &path, &crm)
            .json(&json!({"name": "T", "group": "team"}))
            .send()
            .await
            .unwrap();
        let status = no_5xx(res, &path).await;
        assert!((400..500).contains(&status), "{path}: {status}");
    }

    // Huge limits are clamped, not refused and not obeyed.
    for limit in ["500000", "99999999999999999999999"] {
        let res = app.get(&format!("/v1/stakeholders?limit={limit}"), &admin).await;
        assert_eq!(no_5xx(res, limit).await, 200);
    }

    assert_eq!(app.stakeholder_rows(&ws), rows, "no rows added");
    assert_eq!(app.version_sum(&ws), versions, "no rows changed");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A carriage return in free text is 422 on both databases and writes nothing; a cell
/// that starts with a tab is neutralised in the CSV export; every response says
/// `nosniff`.
async fn carriage_returns_and_sniffing(app: TestApp) {
    let ws = app.workspace("Acme");
    let m = app.token(&ws, Role::Manager);
    let res = app
        .post(
            "/v1/stakeholders",
            &m,
            &json!({"name": "Ann", "group": "team", "notes": "line one\r\nline two"}),
        )
        .await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let problem = crate::helpers::assert_problem(res, 422).await;
    assert_eq!(crate::helpers::error_fields(&problem), ["notes"]);
    assert_eq!(app.stakeholder_rows(&ws), 0, "nothing written");
    // Tab and newline stay allowed in free text.
    let body =
        json!({"name": "Bo", "group": "team", "stance_reason": "\t=HYPERLINK(\"x\")", "notes": "a\tb\nc"});
    let created = app.post("/v1/stakeholders", &m, &body).await;
    assert_eq!(created.status(), 201);
    let csv = app.get("/v1/export/stakeholders.csv", &m).await;
    assert_eq!(csv.headers()["x-content-type-options"], "nosniff");
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "stance_reason").unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[column], "'\t=HYPERLINK(\"x\")", "a leading tab is neutralised");
    for res in [
        app.get("/v1/nowhere", &m).await,
        app.get("/v1/stakeholders", "bad").await,
        app.get("/healthz", "").await,
    ] {
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{}", res.url());
    }
}
