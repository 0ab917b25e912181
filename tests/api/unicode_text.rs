//! International names: search folds case, accents and spacing; name order is the folded
//! order; both backends answer the same.

use diesel::prelude::*;
use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::db::DbConnection;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(search_folds_every_language_alike);
on_both_backends!(name_order_is_the_folded_order_and_pages_through_it);
on_both_backends!(rows_written_before_the_keys_existed_are_filled_in);

// In the folded name order they sort in.
const PEOPLE: &[(&str, Option<&str>, Option<&str>)] = &[
    ("Äänislinna Öhman", Some("aanislinna@vesi.fi"), Some("Vesihuolto Oy")),
    ("Åsa Ekström", None, Some("Nordström AB")),
    ("Eero Saarinen", None, None),
    ("Émile Zola", Some("Emile.Zola@Paris.FR"), None),
    ("Erik Ström", None, None),
    ("ewa Łukasiewicz", None, Some("Łódź Sp. z o.o.")),
    ("İsmail Ağaoğlu", None, None),
    ("Jürgen Groß", None, Some("Straßenbau GmbH")),
    ("Zoë Dubois", None, None),
    ("张伟", None, Some("上海广告有限公司")),
    ("김민준", None, Some("서울 마케팅")),
];

async fn seed(app: &TestApp, token: &str) {
    // Created out of order, so the order seen is the service's.
    for (name, email, organization) in PEOPLE.iter().rev() {
        app.create_stakeholder(
            token,
            json!({"name": name, "group": "external", "email": email, "organization": organization}),
        )
        .await;
    }
}

async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let url = format!("/v1/stakeholders?{query}");
    let res = app.get(&url, token).await;
    assert_eq!(res.status(), 200, "{query}");
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

fn encode(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

async fn search_folds_every_language_alike(app: TestApp) {
    let ws = app.workspace("Kansainvälinen");
    let m = app.token(&ws, Role::Manager);
    seed(&app, &m).await;
    let cases: &[(&str, &[&str])] = &[
        ("aanis", &["Äänislinna Öhman"]),
        ("ÄÄNIS", &["Äänislinna Öhman"]),
        ("Äänis", &["Äänislinna Öhman"]),
        ("linna ohman", &["Äänislinna Öhman"]),
        ("emile", &["Émile Zola"]),
        ("Émile", &["Émile Zola"]),
        ("EMILE.ZOLA@paris", &["Émile Zola"]),
        ("  eero    SAARINEN ", &["Eero Saarinen"]),
        ("strom", &["Åsa Ekström", "Erik Ström"]),
        ("gross", &["Jürgen Groß"]),
        ("strassenbau", &["Jürgen Groß"]),
        ("Łukasiewicz", &["ewa Łukasiewicz"]),
        ("lodz", &["ewa Łukasiewicz"]),
        ("İSMAİL", &["İsmail Ağaoğlu"]),
        ("ismail agaoglu", &["İsmail Ağaoğlu"]),
        ("zoe", &["Zoë Dubois"]),
        ("张", &["张伟"]),
        ("广告", &["张伟"]),
        ("민준", &["김민준"]),
        ("마케팅", &["김민준"]),
        ("100%", &[]),
    ];
    for (q, expected) in cases {
        assert_eq!(names(&app, &m, &format!("q={}", encode(q))).await, *expected, "q={q}");
    }
}

async fn name_order_is_the_folded_order_and_pages_through_it(app: TestApp) {
    let ws = app.workspace("Järjestys");
    let m = app.token(&ws, Role::Manager);
    seed(&app, &m).await;
    // Same folded name, different exact names: the exact name breaks the tie.
    app.create_stakeholder(&m, json!({"name": "emile zola", "group": "external"})).await;
    let mut expected: Vec<String> = PEOPLE.iter().map(|(n, _, _)| n.to_string()).collect();
    expected.insert(3, "emile zola".into());
    assert_eq!(names(&app, &m, "sort=name&limit=100").await, expected);
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(names(&app, &m, "sort=-name&limit=100").await, reversed);
    for sort in ["name", "-name"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("/v1/stakeholders?sort={sort}&limit=2");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={}", encode(c)));
            }
            let page: Value = app.get(&url, &m).await.json().await.unwrap();
            seen.extend(
                page["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let want = if sort == "name" { &expected } else { &reversed };
        assert_eq!(&seen, want, "pages of sort={sort} neither repeat nor skip");
    }
    // A filter that its own index carries in name order.
    assert_eq!(names(&app, &m, "group=external&sort=name&limit=3").await, expected[..3].to_vec());
}

async fn rows_written_before_the_keys_existed_are_filled_in(app: TestApp) {
    use stakemap::db::schema::stakeholders as s;
    let ws = app.workspace("Vanha");
    let m = app.token(&ws, Role::Manager);
    seed(&app, &m).await;
    {
        let mut conn = app.conn();
        let c: &mut DbConnection = &mut conn;
        // As the SQL migration leaves rows written before it.
        diesel::update(s::table.filter(s::workspace_id.eq(&ws)))
            .set((s::name_key.eq(""), s::name_tokens.eq(""), s::search_text.eq("")))
            .execute(c)
            .unwrap();
        assert!(names_blind(&app, &m).await.is_empty(), "no key, no match");
        let filled = stakemap::store::text_keys::backfill(c).unwrap();
        assert_eq!(filled, PEOPLE.len());
        assert_eq!(stakemap::store::text_keys::backfill(c).unwrap(), 0, "nothing left to fill");
    }
    assert_eq!(names_blind(&app, &m).await, vec!["Äänislinna Öhman"]);
    let all = names(&app, &m, "sort=name&limit=100").await;
    assert_eq!(all, PEOPLE.iter().map(|(n, _, _)| n.to_string()).collect::<Vec<_>>());
}

async fn names_blind(app: &TestApp, token: &str) -> Vec<String> {
    names(app, token, "q=aanis").await
}
