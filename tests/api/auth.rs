//! Every way a token is refused (401), and identity-provider tokens with a public key.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, Backend, TestApp, SECRET};

fn claims(ws: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": "u1", "ws": ws, "role": "manager", "exp": now + 600, "iat": now, "iss": "stakemap", "aud": "stakemap"})
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn with(mut c: Value, key: &str, value: Value) -> Value {
    c[key] = value;
    c
}

fn without(mut c: Value, key: &str) -> Value {
    c.as_object_mut().unwrap().remove(key);
    c
}

fn unsigned(claims: &Value) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(claims))
}

async fn status_with_token(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/v1/stakeholders", token).await
}

async fn refused(app: &TestApp, token: &str, why: &str) {
    let res = status_with_token(app, token).await;
    assert_eq!(res.status(), 401, "{why}");
    let body = assert_problem(res, 401).await;
    assert!(!body["detail"].as_str().unwrap().is_empty(), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_token_is_401_problem_json() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let ws = app.workspace("Acme");
    let good = claims(&ws);
    assert_eq!(status_with_token(&app, &hs256(&good, SECRET.as_bytes())).await.status(), 200);

    let res = app.client.get(format!("{}/v1/stakeholders", app.address)).send().await.unwrap();
    assert_problem(res, 401).await;
    let res = app
        .client
        .get(format!("{}/v1/stakeholders", app.address))
        .header("Authorization", "Basic dTpw")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401).await;

    refused(&app, "not-a-jwt", "garbage").await;
    refused(&app, &unsigned(&good), "alg none").await;
    refused(&app, &hs256(&good, b"another-secret-another-secret-0123456789"), "wrong signature").await;
    refused(&app, &hs256(&with(good.clone(), "iss", json!("evil")), SECRET.as_bytes()), "wrong iss").await;
    refused(&app, &hs256(&with(good.clone(), "aud", json!("evil")), SECRET.as_bytes()), "wrong aud").await;
    let past = chrono::Utc::now().timestamp() - 10;
    refused(&app, &hs256(&with(good.clone(), "exp", json!(past)), SECRET.as_bytes()), "expired").await;
    for claim in ["sub", "ws", "role", "exp", "iss", "aud"] {
        refused(&app, &hs256(&without(good.clone(), claim), SECRET.as_bytes()), claim).await;
    }
    refused(&app, &hs256(&with(good.clone(), "role", json!("superuser")), SECRET.as_bytes()), "unknown role")
        .await;
    let stakeholder = with(good.clone(), "role", json!("stakeholder"));
    refused(&app, &hs256(&stakeholder, SECRET.as_bytes()), "stakeholder without stakeholder_id").await;
    let unknown_ws = with(good.clone(), "ws", json!(uuid::Uuid::new_v4().to_string()));
    refused(&app, &hs256(&unknown_ws, SECRET.as_bytes()), "unknown workspace").await;
    // Hygiene: nbf in the future, an empty sub, a lifetime beyond the role's maximum, a
    // malformed workspace id.
    let now = chrono::Utc::now().timestamp();
    refused(&app, &hs256(&with(good.clone(), "nbf", json!(now + 300)), SECRET.as_bytes()), "nbf ahead").await;
    refused(&app, &hs256(&with(good.clone(), "sub", json!("")), SECRET.as_bytes()), "empty sub").await;
    refused(&app, &hs256(&with(good.clone(), "sub", json!("  ")), SECRET.as_bytes()), "blank sub").await;
    let long = with(good.clone(), "exp", json!(now + 25 * 3600));
    refused(&app, &hs256(&long, SECRET.as_bytes()), "an admin-side token living 25 h").await;
    refused(&app, &hs256(&with(good.clone(), "ws", json!("ws\u{0}x")), SECRET.as_bytes()), "NUL ws").await;
    let ok = |c: &Value| hs256(c, SECRET.as_bytes());
    assert_eq!(status_with_token(&app, &ok(&with(good.clone(), "nbf", json!(now - 5)))).await.status(), 200);
    assert_eq!(
        status_with_token(&app, &ok(&with(good.clone(), "exp", json!(now + 23 * 3600)))).await.status(),
        200
    );
    // `aud` as an array (identity providers send them) containing ours; not without it.
    let array = with(good.clone(), "aud", json!(["other", "stakemap"]));
    assert_eq!(status_with_token(&app, &ok(&array)).await.status(), 200);
    refused(&app, &ok(&with(good.clone(), "aud", json!(["other", "evil"]))), "aud array without ours").await;
    // An RS256 token is refused when no public key is configured.
    let rsa = EncodingKey::from_rsa_pem(include_bytes!("../fixtures/rsa_private.pem")).unwrap();
    refused(&app, &encode(&Header::new(Algorithm::RS256), &good, &rsa).unwrap(), "RS256 without key").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_provider_tokens_with_a_public_key() {
    for (public, private, alg) in [
        ("rsa_public.pem", include_bytes!("../fixtures/rsa_private.pem").as_slice(), Algorithm::RS256),
        (
            "ed25519_public.pem",
            include_bytes!("../fixtures/ed25519_private.pem").as_slice(),
            Algorithm::EdDSA,
        ),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(public);
        let app =
            TestApp::spawn_with(Backend::Sqlite, |s| s.jwt_public_key = Some(path.clone())).await.unwrap();
        let ws = app.workspace("Acme");
        let key = match alg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(private).unwrap(),
            _ => EncodingKey::from_ed_pem(private).unwrap(),
        };
        let token = encode(&Header::new(alg), &claims(&ws), &key).unwrap();
        assert_eq!(status_with_token(&app, &token).await.status(), 200, "{alg:?}");
        // HS256 with the server secret still works beside it.
        assert_eq!(status_with_token(&app, &app.token(&ws, Role::Viewer)).await.status(), 200);
        // Algorithm confusion: an HS256 token keyed with the public key's bytes is refused.
        let pem = std::fs::read(&path).unwrap();
        refused(&app, &hs256(&claims(&ws), &pem), "HS256 keyed by the public key").await;
        // A token for this algorithm with a wrong signature is refused.
        let mut forged: Vec<char> = token.chars().collect();
        let i = forged.len() - 10;
        forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
        let forged: String = forged.into_iter().collect();
        refused(&app, &forged, "forged signature").await;
    }
}
