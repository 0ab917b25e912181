//! A newcomer's path: the README's run command serves the demo and its curl examples work as printed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

fn walkthrough(readme: &str) -> String {
    let start = readme.find("<!-- walkthrough:start -->").expect("walk-through start marker");
    let end = readme.find("<!-- walkthrough:end -->").expect("walk-through end marker");
    let block = &readme[start..end];
    let code = block.split("```sh").nth(1).unwrap().split("```").next().unwrap();
    code.to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn readme_run_command_and_walkthrough_work_as_printed() {
    let text = readme();
    assert!(text.contains("```sh\ncargo run --release -- serve --demo\n```"), "the run command");
    assert!(text.contains("```sh\ncargo test\n```"), "the test command");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log_path = dir.path().join("server.log");
    // The README's run command, with the built binary standing in for `cargo run --release --`.
    let mut server = Command::new(BIN)
        .args(["serve", "--demo"])
        .current_dir(dir.path())
        .env_clear()
        .env("STAKEMAP_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("demo manager token: ey"), "{first}");
    let second = lines.next().unwrap().unwrap();
    assert_eq!(second, format!("listening on http://127.0.0.1:{port}"));

    let script = walkthrough(&text)
        .replace("cargo run -q --release --", BIN)
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    // Not a terminal, so the log is JSON: one access line per request with its context.
    let log = std::fs::read_to_string(&log_path).unwrap();
    let access: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["message"] == "request")
        .collect();
    assert_eq!(access.len(), 5, "{log}");
    let span = &access[0]["span"];
    assert_eq!(
        (&span["method"], &span["route"], &span["status"]),
        (&"GET".into(), &"/v1/stakeholders".into(), &200.into())
    );
    assert!(span["request_id"].as_str().unwrap().len() == 36 && span["latency_ms"].is_number(), "{span}");
    assert_eq!(access[3]["span"]["route"], "/v1/stakeholders/{id}");
    assert_eq!(access[3]["span"]["method"], "PATCH");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "walk-through failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    // What the README says the calls return (curl prints the bodies back to back).
    let bodies: Vec<serde_json::Value> =
        serde_json::Deserializer::from_str(&stdout).into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(bodies.len(), 4, "{stdout}");
    let first_page = &bodies[0];
    let names: Vec<&str> =
        first_page["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(&names[..2], ["David Wang", "Linda Chen"]);
    assert!(first_page["next_cursor"].is_string());
    assert_eq!(bodies[1]["items"][0]["name"], "David Wang");
    assert_eq!(
        (&bodies[2]["quadrant"], &bodies[2]["strategy"], &bodies[2]["version"]),
        (&"key_player".into(), &"manage_closely".into(), &2.into())
    );
    let crm_view = &bodies[3];
    assert_eq!(crm_view["name"], "Grace Ho");
    assert!(
        crm_view.get("influence").is_none()
            && crm_view.get("stance").is_none()
            && crm_view.get("quadrant").is_none()
    );
}
