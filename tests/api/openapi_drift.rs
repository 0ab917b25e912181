//! The committed OpenAPI document must equal the generated one.
//! Regenerate with `STAKEMAP_UPDATE_OPENAPI=1 cargo test openapi`.

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn committed_openapi_matches_the_generated_one() {
    let generated = serde_json::to_string_pretty(&stakemap::openapi::document()).unwrap() + "\n";
    if std::env::var("STAKEMAP_UPDATE_OPENAPI").is_ok() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `STAKEMAP_UPDATE_OPENAPI=1 cargo test openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let doc: serde_json::Value = stakemap::openapi::document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path}");
            // Every /v1 operation may be rate limited and refuse a credential; all but the
            // token exchange and the calendar feed (its token is in the path) take a bearer.
            if path.starts_with("/v1") {
                assert!(responses.contains_key("401") && responses.contains_key("429"), "{method} {path}");
                assert!(responses["429"]["headers"]["Retry-After"].is_object(), "{method} {path}");
            }
            if path.starts_with("/v1") && path != "/v1/auth/token" && !path.starts_with("/v1/calendar/") {
                assert!(responses.contains_key("403"), "{method} {path}");
                assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{method} {path}");
            }
            // A precondition header can fail: the operation must say 412.
            let conditional = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "If-Match" || p["name"] == "If-None-Match");
            if conditional {
                assert!(responses.contains_key("412"), "{method} {path} takes If-Match but documents no 412");
            }
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
