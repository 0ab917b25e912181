//! Data that cannot inject: hostile names, titles, labels and free text go through every
//! output format — Mermaid (checked by Mermaid's own parser), DOT (rendered by Graphviz),
//! SVG (parsed as XML) and CSV (read back by a CSV reader) — and come out as text only.

use std::collections::HashSet;

use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::TestApp;
use crate::network::{mermaid_checker, pipe};
use crate::on_both_backends;

on_both_backends!(hostile_text_stays_text_in_every_format);

const NAMES: [&str; 6] = [
    "%%{init: {'theme':'dark','themeCSS':'.node rect{fill:red}'}}%% Eve",
    "\"]; click n0 \"https://evil.example/b\"; n9[\"Mallory",
    "</text><script>alert(1)</script><text>",
    "=HYPERLINK(\"https://evil.example\",\"x\")",
    "@SUM(A1) \\G \\N `**bold**`",
    "\" -> \"pwn\" [color=red, URL=\"https://evil.example\"] \"",
];
const TITLES: [&str; 2] = ["+1 %% comment", "-2 <b>boss</b> & co"];
const LABEL: &str = "%%{init:{}}%% \"]; style n0 fill:#f00; linkStyle 0 stroke:#0f0";

/// Tags and text of an SVG document, read by Python's XML parser.
fn xml_tags_and_texts(svg: &str) -> Option<(HashSet<String>, Vec<String>)> {
    let script = "import sys, json, xml.etree.ElementTree as E\n\
                  root = E.fromstring(sys.stdin.read())\n\
                  tags = sorted({e.tag.split('}')[-1] for e in root.iter()})\n\
                  texts = [t for e in root.iter() for t in [e.text] if t]\n\
                  print(json.dumps({'tags': tags, 'texts': texts}))";
    let out = pipe("python3", &["-c", script], svg)?;
    assert!(out.status.success(), "not XML: {}\n{svg}", String::from_utf8_lossy(&out.stderr));
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let strings = |v: &Value| v.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    let tags: Vec<String> = strings(&parsed["tags"]);
    Some((tags.into_iter().collect(), strings(&parsed["texts"])))
}

fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

async fn hostile_text_stays_text_in_every_format(app: TestApp) {
    let ws = app.workspace("Hostile");
    let admin = app.token(&ws, Role::Admin);
    let mut ids = vec![];
    for (i, name) in NAMES.iter().enumerate() {
        let body = json!({
            "name": name, "group": "external", "title": TITLES[i % 2],
            "influence": 1 + i % 5, "impact": 5 - i % 5, "stance": "critic",
            "stance_reason": "\t=1+1 tab-led formula",
        });
        ids.push(app.create_stakeholder(&admin, body).await["id"].as_str().unwrap().to_string());
    }
    for pair in ids.windows(2) {
        let edge = json!({"from_id": pair[0], "to_id": pair[1], "kind": "conflicts", "label": LABEL});
        assert_eq!(app.post("/v1/relationships", &admin, &edge).await.status(), 201);
    }

    // Mermaid: no directive or comment can form; Mermaid's parser reads one node per person.
    let mermaid = app.get("/v1/network?format=mermaid", &admin).await.text().await.unwrap();
    assert!(!mermaid.contains('%') && !mermaid.contains('`'), "{mermaid}");
    let nodes = mermaid.lines().filter(|l| l.trim_start().starts_with('n') && l.contains("[\"")).count();
    assert_eq!(nodes, NAMES.len(), "{mermaid}");
    let styles = mermaid.lines().filter(|l| l.trim_start().starts_with("linkStyle")).count();
    assert_eq!(styles, NAMES.len() - 1, "only the service's own styles");
    assert_eq!(mermaid.matches("click").count(), 1, "the text 'click' only inside a label");
    if let Some(checker) = mermaid_checker() {
        let out = pipe("node", &[&checker], &mermaid).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "Mermaid rejected:\n{mermaid}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let result: Value = serde_json::from_str(stdout.trim().trim_start_matches("ok ")).unwrap();
        assert!(
            result["config"].as_object().is_none_or(|c| c.is_empty()),
            "a directive took effect: {result}"
        );
    }

    // DOT: Graphviz reads exactly the people and links given, with their text as labels.
    let dot = app.get("/v1/network?format=dot", &admin).await.text().await.unwrap();
    if let Some(out) = pipe("dot", &["-Tjson"], &dot) {
        assert!(out.status.success(), "dot failed: {}\n{dot}", String::from_utf8_lossy(&out.stderr));
        let graph: Value = serde_json::from_slice(&out.stdout).unwrap();
        let objects = graph["objects"].as_array().unwrap();
        assert_eq!(objects.len(), NAMES.len(), "no node was injected");
        for (i, name) in NAMES.iter().enumerate() {
            let label = format!("{name}\\n{}", TITLES[i % 2]);
            let escaped = label.replace('\\', "\\\\").replace("\\\\n", "\\n").replace('"', "\\\"");
            assert!(
                objects.iter().any(|o| o["label"].as_str() == Some(escaped.as_str())
                    || o["label"].as_str() == Some(label.as_str())),
                "{name}: {objects:?}"
            );
        }
        assert!(objects.iter().all(|o| o.get("URL").is_none() && o.get("color").is_none()));
        let edges = graph["edges"].as_array().unwrap();
        assert_eq!(edges.len(), NAMES.len() - 1);
        assert!(edges.iter().all(|e| e["color"] == "#d62728" && e.get("URL").is_none()), "{edges:?}");
    }

    // SVG: well-formed, no element beyond the drawing's own, each name present as text.
    let svg = app.get("/v1/dashboard/matrix.svg", &admin).await.text().await.unwrap();
    if let Some((tags, texts)) = xml_tags_and_texts(&svg) {
        let allowed: HashSet<String> =
            ["svg", "title", "rect", "line", "text", "circle", "g"].map(String::from).into_iter().collect();
        assert!(tags.is_subset(&allowed), "unexpected elements: {tags:?}");
        for name in NAMES {
            assert!(texts.iter().any(|t| t.contains(name)), "{name} not shown as text");
        }
    }

    // CSV: every cell a spreadsheet would run as a formula starts with a quote instead.
    let risky = |cell: &str| cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let export = app.get("/v1/export/stakeholders.csv", &admin).await.text().await.unwrap();
    let rows = read_csv(&export);
    assert_eq!(rows.len(), 1 + NAMES.len());
    assert!(rows.iter().flatten().all(|cell| !risky(cell)), "{rows:?}");
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"https://evil.example\",\"x\")")
            && names.contains(&"'@SUM(A1) \\G \\N `**bold**`")
    );
    let reasons = rows[0].iter().position(|h| h == "stance_reason").unwrap();
    assert!(rows[1..].iter().all(|r| r[reasons] == "'\t=1+1 tab-led formula"));
    let anonymized = app.get("/v1/export/anonymized?format=csv", &admin).await.text().await.unwrap();
    let rows = read_csv(&anonymized);
    assert!(rows.iter().flatten().all(|cell| !risky(cell)));
    for text in NAMES.iter().chain(TITLES.iter()).chain([&LABEL]) {
        assert!(!anonymized.contains(text), "the anonymized export carries '{text}'");
    }
}
