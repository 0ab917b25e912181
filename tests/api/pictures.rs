//! The three pictures (matrix, network, group rings): well-formed SVG on a 16:9 canvas,
//! every visible person named, hidden people absent for a viewer, no label covering
//! another label, a dot or a box (a crowded cell of ten included), legends and words in
//! the reader's language, CJK names kept, and each rendered to PNG by librsvg.

use std::collections::HashMap;

use serde_json::{json, Value};
use stakemap::auth::Role;
use stakemap::domain::picture::Rect;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(
    pictures_show_everyone_visible_without_overlaps,
    pictures_speak_the_readers_language,
    the_demo_is_worth_drawing
);

/// What a test reads off a picture.
#[derive(Default, Debug)]
pub struct Picture {
    /// Every text node's content.
    pub texts: Vec<String>,
    /// `data-box` rectangles by the element's class.
    pub boxes: HashMap<String, Vec<Rect>>,
    /// The root's width and height.
    pub size: (String, String),
}

/// Parses an SVG (panics when it is not well-formed XML).
pub fn parse(svg: &str) -> Picture {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
    let root = doc.root_element();
    let mut out = Picture {
        size: (root.attribute("width").unwrap().into(), root.attribute("height").unwrap().into()),
        ..Picture::default()
    };
    for node in doc.descendants() {
        if node.is_text() {
            out.texts.push(node.text().unwrap().to_string());
        }
        if let Some(b) = node.attribute("data-box") {
            let v: Vec<f64> = b.split(' ').map(|x| x.parse().unwrap()).collect();
            let class = node.attribute("class").unwrap_or_default().to_string();
            out.boxes.entry(class).or_default().push(Rect { x: v[0], y: v[1], w: v[2], h: v[3] });
        }
    }
    out
}

fn disjoint(a: &[Rect], b: &[Rect], what: &str) {
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let same = std::ptr::eq(a, b) && i >= j;
            assert!(same || !x.intersects(y), "{what}: {x:?} overlaps {y:?}");
        }
    }
}

/// Renders with librsvg when it is installed (CI installs it and requires it).
pub fn renders(svg: &str) {
    use std::io::Write;
    let available = std::process::Command::new("rsvg-convert").arg("--version").output().is_ok();
    if !available {
        assert!(std::env::var("CI").is_err(), "CI must have rsvg-convert (librsvg2-bin)");
        eprintln!("rsvg-convert not installed: PNG rendering not checked");
        return;
    }
    let mut child = std::process::Command::new("rsvg-convert")
        .args(["--format", "png"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(svg.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "librsvg: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with(b"\x89PNG"), "a PNG");
}

async fn picture(app: &TestApp, token: &str, path: &str) -> (Picture, String) {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap();
    let pic = parse(&svg);
    assert_eq!(pic.size, ("1280".to_string(), "720".to_string()), "a 16:9 slide");
    renders(&svg);
    (pic, svg)
}

async fn seed(app: &TestApp, m: &str) -> (Vec<String>, HashMap<String, String>) {
    let mut names = Vec::new();
    let mut ids = HashMap::new();
    let mut add = |name: String, body: Value| {
        names.push(name.clone());
        (name, body)
    };
    let mut bodies = Vec::new();
    // A crowded cell: ten people on the same score.
    for i in 0..10 {
        let name = format!("Crowd Member {i}");
        let stance = ["advocate", "neutral", "critic"][i % 3];
        let body = json!({"name": name, "group": "external", "influence": 4, "impact": 4, "stance": stance});
        bodies.push(add(name.clone(), body));
    }
    for (name, group, inf, imp, stance, extra) in [
        ("张伟", "team", 3, 5, "advocate", json!({"title": "项目负责人"})),
        ("김민준", "internal", 5, 2, "critic", json!({"veto": true, "title": "이사"})),
        ("Äänislinna Öhman", "internal", 2, 2, "neutral", json!({})),
        ("Émile Zola", "external", 1, 4, "unknown", json!({})),
    ] {
        let mut body =
            json!({"name": name, "group": group, "influence": inf, "impact": imp, "stance": stance});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        bodies.push(add(name.into(), body));
    }
    for (name, body) in bodies {
        ids.insert(name, app.create_stakeholder(m, body).await["id"].as_str().unwrap().to_string());
    }
    // Hidden from a viewer, and two people not assessed.
    let secret = json!({"name": "Secret Source", "group": "external", "influence": 3, "impact": 3, "confidential": true});
    ids.insert(
        "Secret Source".into(),
        app.create_stakeholder(m, secret).await["id"].as_str().unwrap().to_string(),
    );
    for name in ["Unscored One", "Unscored Two"] {
        app.create_stakeholder(m, json!({"name": name, "group": "team"})).await;
    }
    for (from, to, kind, label) in [
        ("김민준", "张伟", "conflicts", "Budget <b>over</b> 30%"),
        ("张伟", "Crowd Member 0", "collaborates", "Campaign"),
        ("Äänislinna Öhman", "김민준", "reports_to", ""),
        ("Secret Source", "김민준", "influences", "Press"),
    ] {
        let mut body = json!({"from_id": ids[from], "to_id": ids[to], "kind": kind});
        if !label.is_empty() {
            body["label"] = json!(label);
        }
        assert_eq!(app.post("/v1/relationships", m, &body).await.status(), 201);
    }
    (names, ids)
}

async fn pictures_show_everyone_visible_without_overlaps(app: TestApp) {
    let ws = app.workspace("Kuvat");
    let (m, v) = (app.token(&ws, Role::Manager), app.token(&ws, Role::Viewer));
    let (names, _) = seed(&app, &m).await;

    let (matrix, _) = picture(&app, &m, "/v1/dashboard/matrix.svg").await;
    for name in names.iter().chain(["Secret Source".to_string()].iter()) {
        assert!(matrix.texts.contains(name), "{name} labelled on the matrix");
    }
    let labels = &matrix.boxes["label"];
    let points = &matrix.boxes["point"];
    assert_eq!((labels.len(), points.len()), (15, 15), "every assessed person a labelled dot");
    disjoint(labels, labels, "matrix labels");
    disjoint(labels, points, "matrix labels and dots");
    assert!(matrix.texts.iter().any(|t| t == "2 not assessed (not shown)"), "{:?}", matrix.texts);
    for word in ["Stance", "Advocate", "Neutral", "Critic", "Unknown", "Key players", "Influence →"] {
        assert!(matrix.texts.iter().any(|t| t == word), "{word}");
    }
    let (hidden, raw) = picture(&app, &v, "/v1/dashboard/matrix.svg").await;
    assert!(!raw.contains("Secret Source"), "hidden from a viewer, title included");
    assert_eq!(hidden.boxes["point"].len(), 14);
    let (initials, _) = picture(&app, &m, "/v1/dashboard/matrix.svg?labels=initials").await;
    assert!(initials.texts.iter().any(|t| t == "CM0") && initials.texts.iter().any(|t| t == "张"));
    disjoint(&initials.boxes["label"], &initials.boxes["label"], "initials");
    let (bare, _) = picture(&app, &m, "/v1/dashboard/matrix.svg?labels=none").await;
    assert!(!bare.boxes.contains_key("label"));
    let p = assert_problem(app.get("/v1/dashboard/matrix.svg?labels=full", &m).await, 422).await;
    assert_eq!(error_fields(&p), ["labels"]);

    let (network, raw) = picture(&app, &m, "/v1/network?format=svg").await;
    for name in ["张伟", "김민준", "Äänislinna Öhman", "Secret Source", "项目负责人"] {
        assert!(network.texts.iter().any(|t| t == name), "{name} in the network");
    }
    assert!(raw.contains("Budget &lt;b&gt;over&lt;/b&gt; 30%"), "user text is text, never markup");
    assert!(network.texts.iter().any(|t| t == "Veto") && network.texts.iter().any(|t| t == "★★★★★"));
    let boxes = &network.boxes["box"];
    assert_eq!(boxes.len(), 17);
    disjoint(boxes, boxes, "network boxes");
    let edge_labels = &network.boxes["edge-label"];
    assert_eq!(edge_labels.len(), 4);
    disjoint(edge_labels, edge_labels, "edge labels");
    disjoint(edge_labels, boxes, "edge labels and boxes");
    let (_, raw) = picture(&app, &v, "/v1/network?format=svg").await;
    assert!(!raw.contains("Secret Source") && !raw.contains("Press"), "hidden people and their links");

    let (rings, _) = picture(&app, &m, "/v1/dashboard/groups.svg").await;
    for word in ["Team", "Internal", "External"] {
        assert!(rings.texts.iter().any(|t| t == word), "{word}");
    }
    for name in names.iter().chain(["Unscored One".to_string(), "Secret Source".to_string()].iter()) {
        assert!(rings.texts.contains(name), "{name} in a ring");
    }
    disjoint(&rings.boxes["label"], &rings.boxes["label"], "ring labels");
    disjoint(&rings.boxes["label"], &rings.boxes["point"], "ring labels and dots");
    let (_, raw) = picture(&app, &v, "/v1/dashboard/groups.svg").await;
    assert!(!raw.contains("Secret Source"));
    for role in [Role::Integration, Role::Stakeholder] {
        let token = app.token(&ws, role);
        assert_problem(app.get("/v1/dashboard/groups.svg", &token).await, 403).await;
    }
}

async fn pictures_speak_the_readers_language(app: TestApp) {
    let ws = app.workspace("Kielet");
    let m = app.token(&ws, Role::Manager);
    seed(&app, &m).await;
    for (lang, words) in [
        ("fi", ["Avainhenkilöt", "Vaikutusvalta →", "Asenne", "Tiimi"]),
        ("zh-CN", ["关键人物", "影响力 →", "立场", "团队"]),
        ("ko", ["핵심 인물", "영향력 →", "입장", "팀"]),
    ] {
        let (matrix, _) = picture(&app, &m, &format!("/v1/dashboard/matrix.svg?lang={lang}")).await;
        for word in &words[..3] {
            assert!(matrix.texts.iter().any(|t| t == word), "{lang}: {word} in {:?}", matrix.texts);
        }
        let (rings, _) = picture(&app, &m, &format!("/v1/dashboard/groups.svg?lang={lang}")).await;
        assert!(rings.texts.iter().any(|t| t == words[3]), "{lang}: {}", words[3]);
        let (network, _) = picture(&app, &m, &format!("/v1/network?format=svg&lang={lang}")).await;
        assert!(network.texts.iter().any(|t| t == words[2]), "{lang}: legend");
    }
    // Accept-Language when no lang is given; the answer says which.
    let res = app
        .request(reqwest::Method::GET, "/v1/dashboard/matrix.svg", &m)
        .header("Accept-Language", "ko-KR, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "ko");
    assert!(parse(&res.text().await.unwrap()).texts.iter().any(|t| t == "핵심 인물"));
    let (english, _) = picture(&app, &m, "/v1/dashboard/matrix.svg?lang=sv").await;
    assert!(
        english.texts.iter().any(|t| t == "Key players"),
        "an unsupported language falls back to English"
    );
    let p = assert_problem(app.get("/v1/dashboard/groups.svg?lang=not-a-tag!", &m).await, 422).await;
    assert_eq!(error_fields(&p), ["lang"]);
}

// The demo workspace: the marketing project's team, internal and external people fill
// the rings, its links the network; the confidential press contact only for a manager.
async fn the_demo_is_worth_drawing(app: TestApp) {
    let (ws, _) = stakemap::demo::load(&mut app.conn()).unwrap();
    let (m, v) = (app.token(&ws, Role::Manager), app.token(&ws, Role::Viewer));
    let (rings, _) = picture(&app, &m, "/v1/dashboard/groups.svg").await;
    for name in [
        "Sanna Korhonen",
        "박지훈",
        "王磊",
        "Matti Laine",
        "李娜",
        "Kim Soo-jin",
        "Juha Nieminen",
        "Chen Jing",
        "BrightWave Agency",
        "PrintPro Ltd",
        "Digital Marketing Association",
        "Zhou Wei",
        "Linda Chen",
    ] {
        assert!(rings.texts.iter().any(|t| t == name), "{name} in the rings");
    }
    disjoint(&rings.boxes["label"], &rings.boxes["label"], "demo ring labels");
    let (_, raw) = picture(&app, &v, "/v1/dashboard/groups.svg").await;
    assert!(!raw.contains("Zhou Wei"), "the confidential press contact is hidden from a viewer");
    let (network, _) = picture(&app, &m, "/v1/network?format=svg").await;
    assert!(network.texts.iter().any(|t| t == "Conflicts: Paid social budget"));
    disjoint(&network.boxes["box"], &network.boxes["box"], "demo network boxes");
    disjoint(&network.boxes["edge-label"], &network.boxes["box"], "demo edge labels and boxes");
    let (matrix, _) = picture(&app, &m, "/v1/dashboard/matrix.svg").await;
    disjoint(&matrix.boxes["label"], &matrix.boxes["point"], "demo matrix labels and dots");
    assert_eq!(matrix.boxes["label"].len(), matrix.boxes["point"].len(), "every dot labelled");
}
