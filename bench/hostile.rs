//! Hostile tenants: the release binary serving a SQLite file with a ~50 MB workspace
//! ("Big") and a small one ("Calm"), driven over real HTTP.
//!
//! 1. Calm's idle list latency (p50/p99).
//! 2. 48 clients export Big's stakeholder CSV at once (each retrying after a 429 as its
//!    `Retry-After` says): the service's peak RSS while they run.
//! 3. Big runs a hostile mixed load (exports, anonymized exports, 1,000-item batches,
//!    searches, creates) while Calm lists: Calm's p99 against its idle p99.
//!
//! `cargo bench --bench hostile`; STAKEMAP_BENCH_ITEMS sets Big's size (default 100000),
//! STAKEMAP_BENCH_DIR keeps the database there.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_stakemap");
const SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";

fn command(db: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("STAKEMAP_DATABASE_URL", db)
        .env("STAKEMAP_JWT_SECRET", SECRET)
        .env("STAKEMAP_LOG_FORMAT", "json")
        .env("STAKEMAP_LOG", "warn");
    c
}

fn cli(db: &str, args: &[&str]) -> String {
    let out = command(db).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn serve(db: &str) -> (Child, String) {
    let mut child = command(db)
        .arg("serve")
        .env("STAKEMAP_LISTEN", "127.0.0.1:0")
        .env("STAKEMAP_WEBHOOK_WORKER", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    (child, line.strip_prefix("listening on ").unwrap().to_string())
}

/// The process's resident set now, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// A contact whose CSV row is about 500 bytes.
fn person(n: usize, round: usize) -> Value {
    json!({"source": "crm", "external_id": format!("C-{n:07}"), "name": format!("Contact {n:07} Öhman-Wang"),
        "email": format!("contact.{n}@example-company-{}.com", n % 977), "phone": format!("+358 40 {n:07}"),
        "title": format!("Head of procurement and vendor relations, round {round}"),
        "organization": format!("Organisation number {} of the bench dataset", n % 500),
        "department": "Strategic sourcing, category management and supplier development",
        "group": "external", "category": "customer", "tags": ["imported", "bench", "procurement", "emea"],
        "relationship_status": "active", "owner": "Account director for the northern region",
        "custom_fields": {"crm_segment": "enterprise-north", "note": "x".repeat(120)}})
}

fn load(client: &Client, base: &str, token: &str, total: usize, round: usize) {
    for b in 0..total.div_ceil(1000) {
        let items: Vec<Value> = (b * 1000..((b + 1) * 1000).min(total)).map(|n| person(n, round)).collect();
        let res = client
            .post(format!("{base}/v1/stakeholders/batch"))
            .bearer_auth(token)
            .json(&json!({"items": items}))
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().unwrap_or_default());
    }
}

/// GETs `path` until it is not 429 (waiting as `Retry-After` says); returns the body's
/// size and how many 429s it met.
fn get_patiently(client: &Client, url: &str, token: &str) -> (u64, u64) {
    let mut refused = 0;
    loop {
        let mut res = client.get(url).bearer_auth(token).send().unwrap();
        if res.status() == 429 {
            refused += 1;
            let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            std::thread::sleep(Duration::from_secs(wait));
            continue;
        }
        assert_eq!(res.status(), 200);
        let mut sink = Vec::new();
        let bytes = res.read_to_end(&mut sink).unwrap() as u64;
        return (bytes, refused);
    }
}

/// Latencies of one client per token listing for `seconds` (a token each: the per-token
/// rate limit stays as deployed).
fn list_latencies(base: &str, tokens: &[String], seconds: u64) -> Vec<Duration> {
    let all = Arc::new(Mutex::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = tokens
        .iter()
        .map(|token| {
            let (all, base, token) = (all.clone(), base.to_string(), token.clone());
            std::thread::spawn(move || {
                let client = Client::new();
                let mut mine = Vec::new();
                while Instant::now() < until {
                    let started = Instant::now();
                    let res = client
                        .get(format!("{base}/v1/stakeholders?limit=50"))
                        .bearer_auth(&token)
                        .send()
                        .unwrap();
                    assert_eq!(res.status(), 200);
                    res.bytes().unwrap();
                    mine.push(started.elapsed());
                    // 15 requests a second per client: under the default 1,200 a minute.
                    std::thread::sleep(Duration::from_millis(66));
                }
                all.lock().unwrap().extend(mine);
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let mut all = Arc::try_unwrap(all).unwrap().into_inner().unwrap();
    all.sort();
    all
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// Big's hostile mix, run by `threads` until `stop`: exporters, anonymized exporters,
/// batch writers, searchers and creators. Returns the count of answers by status class.
fn hostile(
    base: &str,
    token: &str,
    stop: Arc<AtomicBool>,
) -> (Vec<std::thread::JoinHandle<()>>, Arc<[AtomicU64; 3]>) {
    let counts: Arc<[AtomicU64; 3]> = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let kinds = [
        "export",
        "export",
        "export",
        "export",
        "export",
        "export",
        "anonymized",
        "anonymized",
        "batch",
        "batch",
        "search",
        "search",
        "search",
        "create",
        "create",
        "create",
    ];
    let handles = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let (base, token, stop, counts, kind) =
                (base.to_string(), token.to_string(), stop.clone(), counts.clone(), *kind);
            std::thread::spawn(move || {
                let client = Client::builder()
                    .timeout(Duration::from_secs(120))
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap();
                let mut round = 0;
                while !stop.load(Ordering::Relaxed) {
                    round += 1;
                    let res = match kind {
                        "export" => client
                            .get(format!("{base}/v1/export/stakeholders.csv"))
                            .bearer_auth(&token)
                            .send(),
                        "anonymized" => client
                            .get(format!("{base}/v1/export/anonymized?format=csv"))
                            .bearer_auth(&token)
                            .send(),
                        "batch" => {
                            let items: Vec<Value> =
                                (0..1000).map(|n| person(i * 1_000_000 + n, round)).collect();
                            client
                                .post(format!("{base}/v1/stakeholders/batch"))
                                .bearer_auth(&token)
                                .json(&json!({"items": items}))
                                .send()
                        }
                        "search" => client
                            .get(format!("{base}/v1/stakeholders?q=hman-wang&limit=100"))
                            .bearer_auth(&token)
                            .send(),
                        _ => client
                            .post(format!("{base}/v1/stakeholders"))
                            .bearer_auth(&token)
                            .json(&json!({"name": format!("Hostile {i}-{round}"), "group": "external"}))
                            .send(),
                    };
                    let Ok(mut res) = res else { continue };
                    let class = match res.status().as_u16() {
                        200..=299 => 0,
                        429 => 1,
                        _ => 2,
                    };
                    counts[class].fetch_add(1, Ordering::Relaxed);
                    let _ = std::io::copy(&mut res, &mut std::io::sink());
                    if class == 1 {
                        std::thread::sleep(Duration::from_millis(200));
                    }
                }
            })
        })
        .collect();
    (handles, counts)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let total: usize =
        std::env::var("STAKEMAP_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("STAKEMAP_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().into());
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hostile.db");
    let _ = std::fs::remove_file(&file);
    let db = format!("sqlite://{}", Path::new(&file).display());
    cli(&db, &["workspace", "create", "Big"]);
    cli(&db, &["workspace", "create", "Calm"]);
    let big = cli(&db, &["token", "--workspace", "big", "--role", "admin", "--ttl", "2h"]);
    let calm: Vec<String> = (0..4)
        .map(|i| {
            cli(
                &db,
                &[
                    "token",
                    "--workspace",
                    "calm",
                    "--role",
                    "admin",
                    "--ttl",
                    "2h",
                    "--sub",
                    &format!("calm-{i}"),
                ],
            )
        })
        .collect();
    let (mut child, base) = serve(&db);
    let pid = child.id();
    let client = Client::builder().timeout(Duration::from_secs(300)).build().unwrap();
    let started = Instant::now();
    load(&client, &base, &big, total, 0);
    load(&client, &base, &calm[0], 1000, 0);
    println!("loaded {total} people into Big, 1000 into Calm in {:.1} s", started.elapsed().as_secs_f64());
    let t = Instant::now();
    let (size, _) = get_patiently(&client, &format!("{base}/v1/export/stakeholders.csv"), &big);
    println!(
        "one export: {:.1} MB in {:.2} s; RSS after: {:.0} MiB",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        rss_mib(pid)
    );

    let idle = list_latencies(&base, &calm, 10);
    println!(
        "Calm list, idle: {} requests, p50 {:.2} ms, p99 {:.2} ms",
        idle.len(),
        pct(&idle, 0.5),
        pct(&idle, 0.99)
    );

    // 48 simultaneous exports of Big, sampled for RSS.
    let before = rss_mib(pid);
    let peak = Arc::new(Mutex::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let now = rss_mib(pid);
                let mut p = peak.lock().unwrap();
                *p = p.max(now);
                drop(p);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let t = Instant::now();
    let exporters: Vec<_> = (0..48)
        .map(|_| {
            let (base, big) = (base.clone(), big.clone());
            std::thread::spawn(move || {
                // No idle connections: a pooled one the server closed while the client waited
                // out a Retry-After would fail the next request.
                let client = Client::builder()
                    .timeout(Duration::from_secs(600))
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap();
                get_patiently(&client, &format!("{base}/v1/export/stakeholders.csv"), &big)
            })
        })
        .collect();
    let results: Vec<(u64, u64)> = exporters.into_iter().map(|t| t.join().unwrap()).collect();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let complete = results.iter().filter(|(b, _)| *b == size).count();
    let refused: u64 = results.iter().map(|(_, r)| r).sum();
    println!(
        "48 exports at once: {complete}/48 complete ({:.0} MB sent) in {:.1} s, {refused} answers 429; RSS {:.0} MiB before, peak {:.0} MiB",
        results.iter().map(|(b, _)| *b).sum::<u64>() as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        before,
        *peak.lock().unwrap()
    );

    // Calm lists while Big runs its hostile mix.
    let stop = Arc::new(AtomicBool::new(false));
    let (handles, counts) = hostile(&base, &big, stop.clone());
    std::thread::sleep(Duration::from_secs(2));
    let busy = list_latencies(&base, &calm, 20);
    stop.store(true, Ordering::Relaxed);
    handles.into_iter().for_each(|h| h.join().unwrap());
    println!(
        "Calm list during Big's hostile mix: {} requests, p50 {:.2} ms, p99 {:.2} ms ({:.1}× idle p99); Big's answers: {} ok, {} 429, {} other",
        busy.len(),
        pct(&busy, 0.5),
        pct(&busy, 0.99),
        pct(&busy, 0.99) / pct(&idle, 0.99),
        counts[0].load(Ordering::Relaxed),
        counts[1].load(Ordering::Relaxed),
        counts[2].load(Ordering::Relaxed)
    );
    println!("service RSS at the end: {:.0} MiB", rss_mib(pid));
    let _ = child.kill();
    let _ = child.wait();
}
