//! Runs the real `stakemap` binary, for the tests that stop or kill it: shared by the
//! black-box suite (`tests/api`) and the PostgreSQL restart test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");

fn command(dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).env_clear().envs(env.iter().copied());
    command
}

/// Runs a command (`workspace create …`, `token …`) to success; returns its stdout.
pub fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = command(dir, env).args(args).output().unwrap();
    // The status too: a crash (a signal) prints nothing on stderr.
    assert!(out.status.success(), "{args:?}: {}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `stakemap serve` in `dir` on a free port; returns the child and its base URL.
pub fn serve(dir: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let mut child = command(dir, env)
        .arg("serve")
        .env("STAKEMAP_LISTEN", "127.0.0.1:0")
        .env("STAKEMAP_RATE_LIMIT", "0")
        .env("STAKEMAP_AUTH_RATE_LIMIT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let url = line.strip_prefix("listening on ").unwrap().to_string();
    (child, url)
}
