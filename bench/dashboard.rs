//! Dashboard latency on a large workspace: 100,000 stakeholders, 200,000 relationships,
//! 50,000 plans, 500,000 interactions and 12 monthly periods of a 10-question form with
//! 30,000 submissions each. Then p50/p95 of 200 sequential requests per endpoint after
//! warm-up, over real HTTP.
//!
//! `cargo bench --bench dashboard` (SQLite); STAKEMAP_BENCH_POSTGRES_URL adds PostgreSQL;
//! STAKEMAP_BENCH_SCALE (default 1.0) shrinks the dataset for a quick look;
//! STAKEMAP_BENCH_DIR keeps the SQLite file there and reuses it on the next run.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;
use stakemap::auth::Role;
use stakemap::configuration::Settings;
use stakemap::db::schema::{
    engagement_plans as p, interaction_stakeholders as l, interactions as i, relationships as r,
    submissions as sub,
};
use stakemap::db::{tx, DbConnection};
use stakemap::domain::engagement::Plan;
use stakemap::domain::form::{parse_questions, Audience, Form, FormStatus};
use stakemap::domain::interaction::{Interaction, InteractionKind, Metrics};
use stakemap::domain::patch::Mode;
use stakemap::domain::period::Period;
use stakemap::domain::stakeholder::{apply, Stakeholder};
use stakemap::domain::submission::Submission;
use stakemap::domain::tally;
use stakemap::error::ApiError;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHUNK: usize = 500;
const REL_KINDS: [&str; 4] = ["collaborates", "conflicts", "reports_to", "influences"];

macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(CHUNK) {
            match $conn {
                DbConnection::Pg(c) => diesel::insert_into($table).values(chunk).execute(c).unwrap(),
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c).unwrap(),
            };
        }
    }};
}

fn settings(database_url: String) -> Settings {
    Settings {
        database_url,
        listen: "127.0.0.1:0".into(),
        jwt_secret: Some("bench-secret-bench-secret-bench-secret-0123".into()),
        jwt_public_key: None,
        jwt_issuer: "stakemap".into(),
        jwt_audience: "stakemap".into(),
        cors_origins: None,
        pool_size: 8,
        log_format: Some("json".into()),
        max_body_bytes: 1_048_576,
        rate_limit: 0,
        rate_limit_window_seconds: 60,
        webhook_worker: false,
        webhook_poll_ms: 1000,
        webhook_retry_base_ms: 5000,
        webhook_allow_private: false,
        auth_rate_limit: 0,
        access_link_url: stakemap::configuration::DEFAULT_ACCESS_LINK_URL.into(),
        default_locale: "en".into(),
    }
}

fn scaled(n: usize) -> usize {
    let scale: f64 = std::env::var("STAKEMAP_BENCH_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0);
    ((n as f64) * scale).max(1.0) as usize
}

/// Loads the dataset; returns the form id.
fn generate(conn: &mut DbConnection, ws: &str) -> String {
    let started = Instant::now();
    let n_people = scaled(100_000);
    let stances = ["advocate", "neutral", "critic", "unknown"];
    let categories = ["customer", "executive", "procurement", "it", "marketing", "partner"];
    let mut ids = Vec::with_capacity(n_people);
    let mut everyone = Vec::with_capacity(n_people);
    for start in (0..n_people).step_by(5_000) {
        let mut chunk = Vec::new();
        for k in start..(start + 5_000).min(n_people) {
            let mut s = Stakeholder::blank(ws, stakemap::time::now());
            let scores = if k % 10 == 0 {
                (json!(null), json!(null))
            } else {
                (json!(1 + k % 5), json!(1 + (k / 5) % 5))
            };
            let group = ["external", "internal", "team"][k % 3];
            let role = ["decision_maker", "approver", "evaluator", "user"][k % 4];
            // Duplicates as a register fills with them: every hundredth person has a twin
            // by email, another by phone digits, another by name in the other word order.
            let base = k - k % 100;
            let name = if k % 100 == 3 { format!("{base:06} Person") } else { format!("Person {k:06}") };
            let email = format!("p{}@example.com", if k % 100 == 1 { base } else { k });
            let phone = format!("+358 40 {:07}", if k % 100 == 2 { base } else { k });
            let body = json!({"name": name, "email": email, "phone": phone, "group": group,
                "category": categories[k % categories.len()], "influence": scores.0, "impact": scores.1,
                "stance": stances[(k / 3) % 4], "veto": k % 50 == 0, "confidential": k % 97 == 0,
                "decision_role": role,
                "relationship_status": "active", "owner": format!("Owner {}", k % 40), "tags": ["panel"]});
            apply(&mut s, body.as_object().unwrap(), true, Mode::Create).unwrap();
            ids.push(s.id.clone());
            chunk.push(s);
        }
        tx::write(conn, |c| {
            stakemap::store::stakeholder_bulk::insert_many(c, ws, &chunk, &["bench"]).map_err(ApiError::from)
        })
        .unwrap();
        everyone.extend(chunk);
    }
    let now = stakemap::time::now().naive_utc();
    let today = now.date();
    let rels: Vec<_> = (0..scaled(200_000))
        .map(|k| {
            let (a, b) = (k % ids.len(), (k * 7 + 1) % ids.len());
            (
                r::workspace_id.eq(ws.to_string()),
                r::id.eq(format!("r-{k:07}")),
                r::from_id.eq(ids[a].clone()),
                r::to_id.eq(ids[if a == b { (b + 1) % ids.len() } else { b }].clone()),
                r::kind.eq(REL_KINDS[k % 4]),
                r::version.eq(1_i64),
                r::created_at.eq(now),
                r::updated_at.eq(now),
            )
        })
        .collect();
    tx::write(conn, |c| -> Result<(), ApiError> {
        insert_rows!(c, r::table, rels);
        Ok(())
    })
    .unwrap();
    let mut planned = tally::Deltas::new();
    let plans: Vec<_> = (0..scaled(50_000))
        .map(|k| {
            let due =
                today + chrono::Days::new(0) - chrono::Days::new(30) + chrono::Days::new((k % 60) as u64);
            let mut plan = Plan::blank(ws, stakemap::time::now());
            plan.next_due_on = due;
            plan.owner = Some(format!("Owner {}", k % 40));
            let state = tally::person_state(&everyone[(k * 2) % ids.len()]);
            tally::add(&mut planned, tally::plan(&plan, state), 1);
            (
                p::workspace_id.eq(ws.to_string()),
                p::id.eq(format!("p-{k:06}")),
                p::stakeholder_id.eq(ids[(k * 2) % ids.len()].clone()),
                p::channel.eq("meeting"),
                p::cadence.eq("monthly"),
                p::owner.eq(format!("Owner {}", k % 40)),
                p::priority.eq("medium"),
                p::starts_on.eq((today - chrono::Days::new(400)).to_string()),
                p::next_due_on.eq(due.to_string()),
                p::version.eq(1_i64),
                p::created_at.eq(now),
                p::updated_at.eq(now),
            )
        })
        .collect();
    // Everyone with a plan now counts as planned, by the service's own rule.
    let with_plans: std::collections::BTreeSet<usize> =
        (0..scaled(50_000)).map(|k| (k * 2) % ids.len()).collect();
    for k in with_plans {
        tally::add(&mut planned, tally::planned(&everyone[k]), 1);
    }
    tx::write(conn, |c| -> Result<(), ApiError> {
        insert_rows!(c, p::table, plans);
        stakemap::store::tallies::apply(c, ws, &planned)?;
        Ok(())
    })
    .unwrap();
    let kinds = ["meeting", "email", "call", "event", "social_share", "speaking", "interview"];
    let n_interactions = scaled(500_000);
    for start in (0..n_interactions).step_by(50_000) {
        let mut rows = Vec::new();
        let mut links = Vec::new();
        let mut counters = tally::Deltas::new();
        for k in start..(start + 50_000).min(n_interactions) {
            let at = now - chrono::Duration::minutes((k as i64 * 53) % (365 * 24 * 60));
            let who = ids[(k * 3) % ids.len()].clone();
            rows.push((
                i::workspace_id.eq(ws.to_string()),
                i::id.eq(format!("i-{k:07}")),
                i::kind.eq(kinds[k % kinds.len()]),
                i::occurred_at.eq(at),
                i::summary.eq("Generated"),
                i::stakeholder_ids.eq(format!("[\"{who}\"]")),
                i::impressions.eq(Some((k % 500) as i64)),
                i::clicks.eq(Some((k % 50) as i64)),
                i::reactions.eq(Some((k % 20) as i64)),
                i::occurred_month.eq(at.format("%Y-%m").to_string()),
                i::version.eq(1_i64),
                i::created_at.eq(now),
                i::updated_at.eq(now),
            ));
            // The dashboard counters these rows add to, by the service's own rule.
            let mut x = Interaction::blank(ws, at.and_utc());
            x.kind = InteractionKind::parse(kinds[k % kinds.len()]).unwrap();
            x.metrics = Some(Metrics {
                impressions: Some((k % 500) as i64),
                clicks: Some((k % 50) as i64),
                shares: None,
                reactions: Some((k % 20) as i64),
            });
            let hidden = everyone[(k * 3) % ids.len()].analysis.confidential;
            tally::add(&mut counters, tally::interaction(&x, hidden), 1);
            links.push((
                l::workspace_id.eq(ws.to_string()),
                l::interaction_id.eq(format!("i-{k:07}")),
                l::stakeholder_id.eq(who),
                l::occurred_at.eq(at),
            ));
        }
        tx::write(conn, |c| -> Result<(), ApiError> {
            insert_rows!(c, i::table, rows);
            insert_rows!(c, l::table, links);
            stakemap::store::tallies::apply(c, ws, &counters)?;
            Ok(())
        })
        .unwrap();
    }
    let mut errors = Vec::new();
    let mut questions = vec![json!({"key": "nps", "type": "nps", "label": "Recommend?", "required": true})];
    questions.extend(
        (1..10).map(|q| json!({"key": format!("q{q}"), "type": "rating", "label": format!("Question {q}")})),
    );
    let questions = parse_questions(Some(&json!(questions)), &mut errors);
    let form = Form {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_string(),
        title: "Pulse".into(),
        default_locale: "en".into(),
        description: None,
        audience: Audience { tags: vec!["panel".into()], ..Audience::default() },
        status: FormStatus::Open,
        version: 1,
        revision: 1,
        created_at: stakemap::time::now(),
        updated_at: stakemap::time::now(),
    };
    tx::write(conn, |c| stakemap::store::forms::insert(c, &form, &questions).map_err(ApiError::from))
        .unwrap();
    let mut period = Period::current();
    for m in 0..12 {
        let per = scaled(30_000);
        let mut counters = tally::Deltas::new();
        let rows: Vec<_> = (0..per)
            .map(|k| {
                let nps = ((k * 7 + m) % 11) as i32;
                let sent = Submission {
                    id: String::new(),
                    form_id: form.id.clone(),
                    form_version: 1,
                    stakeholder_id: String::new(),
                    period: period.to_string(),
                    answers: Default::default(),
                    submitted_by: String::new(),
                    version: 1,
                    created_at: stakemap::time::now(),
                    updated_at: stakemap::time::now(),
                    superseded_by: None,
                    nps: Some(nps),
                    workspace_id: ws.to_string(),
                };
                let state = tally::person_state(&everyone[k % ids.len()]);
                tally::add(&mut counters, tally::submission(&sent, state), 1);
                (
                    sub::workspace_id.eq(ws.to_string()),
                    sub::id.eq(format!("s-{m:02}-{k:06}")),
                    sub::form_id.eq(form.id.clone()),
                    sub::form_version.eq(1),
                    sub::stakeholder_id.eq(ids[k % ids.len()].clone()),
                    sub::period.eq(period.to_string()),
                    sub::answers.eq(format!("{{\"nps\":{nps},\"q1\":{}}}", 1 + k % 5)),
                    sub::nps.eq(Some(nps)),
                    sub::submitted_by.eq("bench"),
                    sub::version.eq(1_i64),
                    sub::created_at.eq(now),
                    sub::updated_at.eq(now),
                )
            })
            .collect();
        tx::write(conn, |c| -> Result<(), ApiError> {
            insert_rows!(c, sub::table, rows);
            stakemap::store::tallies::apply(c, ws, &counters)?;
            Ok(())
        })
        .unwrap();
        period = period.previous();
    }
    conn.batch_execute("ANALYZE").unwrap();
    eprintln!("dataset loaded in {:.0} s", started.elapsed().as_secs_f64());
    form.id
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)].as_secs_f64()
        * 1000.0
}

async fn run(name: &str, url: String) {
    let config = settings(url).validate().unwrap();
    let ready = stakemap::bootstrap::prepare(&config).unwrap();
    let mut conn = ready.pool.get().unwrap();
    // A kept dataset (STAKEMAP_BENCH_DIR) is reused: generating the full size takes minutes.
    let (ws, form_id) = match stakemap::store::workspaces::by_slug(&mut conn, "bench").unwrap() {
        Some(found) => {
            let form = stakemap::db::schema::forms::table
                .filter(stakemap::db::schema::forms::workspace_id.eq(&found.id))
                .select(stakemap::db::schema::forms::id)
                .first::<String>(&mut *conn);
            (found.id, form.unwrap())
        }
        None => {
            let ws = stakemap::store::workspaces::create(&mut conn, "Bench", "bench").unwrap().id;
            let form_id = generate(&mut conn, &ws);
            (ws, form_id)
        }
    };
    drop(conn);
    // A manager sees confidential people; a viewer's numbers subtract what they add.
    let tokens = [
        ("manager", ready.jwt.issue("bench", &ws, Role::Manager, None, 3600)),
        ("viewer", ready.jwt.issue("bench", &ws, Role::Viewer, None, 3600)),
    ];
    let app = stakemap::bootstrap::build(&config, ready).unwrap();
    tokio::spawn(app.server);
    let base = format!("http://127.0.0.1:{}", app.port);
    let client = reqwest::Client::new();
    let paths = [
        "/v1/dashboard/summary".to_string(),
        "/v1/dashboard/matrix".into(),
        "/v1/dashboard/matrix.svg".into(),
        format!("/v1/dashboard/feedback?form_id={form_id}"),
        "/v1/dashboard/engagement".into(),
        "/v1/dashboard/advocacy".into(),
        "/v1/dashboard/risks".into(),
        "/v1/duplicates".into(),
    ];
    println!("{name}:");
    for path in paths {
        // Duplicates are for leads only: the viewer's answer would be a 403.
        let roles =
            tokens.iter().filter(|(role, _)| !path.starts_with("/v1/duplicates") || *role == "manager");
        for (role, token) in roles {
            for _ in 0..10 {
                client
                    .get(format!("{base}{path}"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
            }
            let mut times = Vec::new();
            for _ in 0..200 {
                let t = Instant::now();
                let res = client.get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap();
                assert!(res.status().is_success(), "{path}: {}", res.status());
                res.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times.sort();
            let shown = if path.contains('?') { path.split('?').next().unwrap_or(&path) } else { &path };
            println!(
                "  {shown:<28} {role:<8} p50 {:>6.1} ms  p95 {:>6.1} ms",
                percentile(&times, 0.5),
                percentile(&times, 0.95)
            );
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let temporary = tempfile::tempdir().unwrap();
    let dir = std::env::var("STAKEMAP_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = dir.unwrap_or_else(|_| temporary.path().to_path_buf());
    run("SQLite", format!("sqlite://{}", dir.join("dashboard.db").display())).await;
    if let Ok(server) = std::env::var("STAKEMAP_BENCH_POSTGRES_URL") {
        let name = format!("stakemap_bench_{}", uuid::Uuid::new_v4().simple());
        diesel::PgConnection::establish(&server)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let base = server.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(server.clone());
        run("PostgreSQL", format!("{base}/{name}")).await;
        // STAKEMAP_BENCH_KEEP_POSTGRES keeps the database for a look at query plans.
        if std::env::var("STAKEMAP_BENCH_KEEP_POSTGRES").is_ok() {
            println!("kept PostgreSQL database {name}");
            return;
        }
        diesel::PgConnection::establish(&server)
            .unwrap()
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}
