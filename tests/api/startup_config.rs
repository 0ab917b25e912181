//! Startup refuses bad configuration with a clear message and a non-zero exit.

use std::process::Command;

use crate::helpers::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");

fn fails_with(envs: &[(&str, &str)], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("migrate").current_dir(dir.path()).env_clear();
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{envs:?} should fail");
    assert!(stderr.contains(expected), "{envs:?}: stderr was {stderr}");
}

#[test]
fn bad_configuration_is_a_startup_error() {
    fails_with(&[("STAKEMAP_DATABASE_URL", "mysql://x")], "unsupported database URL scheme 'mysql'");
    fails_with(&[("STAKEMAP_DATABASE_URL", "stakemap.db")], "unsupported database URL scheme");
    fails_with(&[("STAKEMAP_JWT_SECRET", "too-short")], "at least 32");
    fails_with(&[("STAKEMAP_JWT_PUBLIC_KEY", "/nonexistent/key.pem")], "cannot read STAKEMAP_JWT_PUBLIC_KEY");
    fails_with(
        &[("STAKEMAP_JWT_PUBLIC_KEY", concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))],
        "not a PEM",
    );
    fails_with(
        &[("STAKEMAP_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
        "cannot open the database",
    );
}

#[test]
fn workspace_and_token_commands() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN).args(args).current_dir(dir.path()).env_clear().output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, _) = run(&["workspace", "create", "Globex China"]);
    assert!(ok);
    let mut parts = out.split_whitespace();
    let id = parts.next().unwrap().to_string();
    assert_eq!(parts.next(), Some("globex-china"));
    let (ok, _, err) = run(&["workspace", "create", "Globex China"]);
    assert!(!ok && err.contains("already exists"));
    let (ok, out, _) = run(&["workspace", "list"]);
    assert!(ok && out.contains(&id));
    let (ok, token, _) = run(&["token", "--workspace", "globex-china", "--role", "viewer", "--ttl", "2h"]);
    assert!(ok);
    assert_eq!(token.trim().split('.').count(), 3, "prints only the JWT");
    // Every CLI token names its own subject unless --sub is passed; the ttl is capped.
    let sub_of = |jwt: &str| {
        use base64::Engine;
        let payload = jwt.trim().split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["sub"].as_str().unwrap().to_string()
    };
    let (_, second, _) = run(&["token", "--workspace", "globex-china", "--role", "viewer"]);
    assert_ne!(sub_of(&token), sub_of(&second), "two CLI tokens share a sub");
    let (_, named, _) = run(&["token", "--workspace", "globex-china", "--role", "viewer", "--sub", "ops"]);
    assert_eq!(sub_of(&named), "ops");
    let (ok, _, err) = run(&["token", "--workspace", "globex-china", "--role", "admin", "--ttl", "2d"]);
    assert!(!ok && err.contains("at most 24 hours"), "{err}");
    let (ok, _, err) = run(&["token", "--workspace", "nope", "--role", "viewer"]);
    assert!(!ok && err.contains("no workspace"));
    let (ok, _, err) = run(&["token", "--workspace", "globex-china", "--role", "stakeholder"]);
    assert!(!ok && err.contains("--stakeholder-id"));
    // The stored secret is reused: the token verifies against a second start's keys.
    let (ok, out, _) = run(&["openapi"]);
    assert!(ok && out.contains("\"openapi\""));
}

/// One-shot commands exit cleanly, many times over: `token` once crashed at exit in about
/// one run in eight on PostgreSQL (a pool thread was opening a TLS connection while
/// OpenSSL's exit-time cleanup ran), which a single run rarely shows.
async fn one_shot_commands_exit_cleanly(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let env = [("STAKEMAP_DATABASE_URL", app.database_url.as_str())];
    crate::binary::run(dir.path(), &env, &["workspace", "create", "Exit Test"]);
    for _ in 0..40 {
        let token =
            crate::binary::run(dir.path(), &env, &["token", "--workspace", "exit-test", "--role", "viewer"]);
        assert_eq!(token.trim().split('.').count(), 3);
    }
}

crate::on_both_backends!(one_shot_commands_exit_cleanly);
