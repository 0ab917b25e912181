//! The demo's network in JSON, Mermaid (checked by Mermaid's parser) and DOT (rendered by Graphviz).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(demo_network_in_every_format);

/// Pipes `input` to a command; `None` when the tool is not installed (never in CI).
pub fn pipe(program: &str, args: &[&str], input: &str) -> Option<std::process::Output> {
    let spawned = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(_) => {
            assert!(std::env::var("CI").is_err(), "{program} must be installed in CI");
            eprintln!("{program} not installed: check skipped");
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    Some(child.wait_with_output().unwrap())
}

pub fn mermaid_checker() -> Option<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/mermaid");
    if std::path::Path::new(dir).join("node_modules").exists() {
        return Some(format!("{dir}/parse.mjs"));
    }
    assert!(std::env::var("CI").is_err(), "run `npm ci --prefix tests/tools/mermaid` in CI");
    eprintln!("Mermaid parser not installed (npm ci --prefix tests/tools/mermaid): check skipped");
    None
}

async fn demo_network_in_every_format(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let token = app.token(&ws, Role::Viewer);

    let json: Value = app.get("/v1/network", &token).await.json().await.unwrap();
    let nodes = json["nodes"].as_array().unwrap();
    let edges = json["edges"].as_array().unwrap();
    // The Globex account (8 people, 8 links) and the relaunch team (11 people and 11 links
    // a viewer may see: the confidential press contact and their link are hidden).
    assert_eq!((nodes.len(), edges.len()), (19, 19));
    let david = nodes.iter().find(|n| n["name"] == "David Wang").unwrap();
    assert_eq!(
        (&david["influence"], &david["quadrant"], &david["stance"], &david["decision_role"], &david["veto"]),
        (&5.into(), &"key_player".into(), &"critic".into(), &"approver".into(), &true.into())
    );
    let conflicts = edges.iter().filter(|e| e["kind"] == "conflicts").count();
    assert_eq!(conflicts, 4);

    let res = app.get("/v1/network?format=mermaid", &token).await;
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/vnd.mermaid"));
    let mermaid = res.text().await.unwrap();
    assert!(mermaid.starts_with("flowchart LR"));
    assert_eq!(mermaid.matches("-->").count(), 19);
    assert_eq!(mermaid.matches("stroke:#d62728").count(), 4, "conflicts red");
    assert_eq!(mermaid.matches("stroke:#2ca02c").count(), 4, "collaboration green");
    assert_eq!(mermaid.matches("stroke:#7f7f7f").count(), 5, "reporting grey");
    if let Some(checker) = mermaid_checker() {
        let out = pipe("node", &[&checker], &mermaid).unwrap();
        assert!(
            out.status.success(),
            "Mermaid rejected:\n{mermaid}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let res = app.get("/v1/network?format=dot", &token).await;
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/vnd.graphviz"));
    let dot = res.text().await.unwrap();
    assert_eq!(dot.matches(" color=\"#d62728\"").count(), 4, "conflicts red");
    if let Some(out) = pipe("dot", &["-Tsvg"], &dot) {
        assert!(out.status.success(), "dot failed: {}", String::from_utf8_lossy(&out.stderr));
        let svg = String::from_utf8(out.stdout).unwrap();
        assert!(svg.contains("<svg") && svg.contains("David Wang"));
    }

    // One account's network: the Globex people only (TechCo is not in the account).
    let accounts: Value = app.get("/v1/accounts", &token).await.json().await.unwrap();
    let account = accounts["items"][0]["id"].as_str().unwrap();
    let scoped: Value =
        app.get(&format!("/v1/network?account_id={account}"), &token).await.json().await.unwrap();
    assert_eq!(scoped["nodes"].as_array().unwrap().len(), 7);
    assert_eq!(scoped["edges"].as_array().unwrap().len(), 7);
}
