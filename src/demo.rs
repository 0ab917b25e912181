//! The `demo` workspace: the Globex China account team's map and a digital-marketing
//! project's team (`demo_team`), for a newcomer to curl at once.

use crate::domain::localized::Localized;
use serde_json::{json, Value};

use crate::db::{tx, DbConnection};
use crate::domain::account::Account;
use crate::domain::answers::{nps as nps_answer, validate};
use crate::domain::contract::Contract;
use crate::domain::engagement::Plan;
use crate::domain::feedback_item::FeedbackItem;
use crate::domain::form::{parse_questions, Audience, Form, FormStatus};
use crate::domain::interaction::Interaction;
use crate::domain::patch::{self, Mode};
use crate::domain::period::Period;
use crate::domain::relationship::parse_new;
use crate::domain::stakeholder::{apply, Stakeholder};
use crate::domain::submission::Submission;
use crate::error::ApiError;
use crate::store;

/// The demo workspace's slug.
pub const SLUG: &str = "demo";

const ACTOR: &str = "demo";

fn people() -> Vec<Value> {
    let globex = |name: &str, title: &str, category: &str, extra: Value| {
        let mut body = json!({
            "name": name, "title": title, "organization": "Globex China", "group": "external",
            "category": category, "source": "demo-crm", "relationship_status": "active",
            "email": format!("{}@globex.example", name.to_lowercase().replace(' ', ".")),
            "owner": "Account director", "tags": ["globex"],
        });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    vec![
        globex(
            "Linda Chen",
            "Country General Manager",
            "executive",
            json!({
            "external_id": "G-001", "decision_role": "decision_maker", "influence": 5, "impact": 5,
            "stance": "neutral", "goals": "Grow China revenue across both business units"}),
        ),
        globex(
            "Mia Zhang",
            "GM, BU1 Beverages",
            "executive",
            json!({
            "external_id": "G-002", "decision_role": "decision_maker", "influence": 4, "impact": 4,
            "stance": "advocate", "stance_reason": "Sees the AI tool cutting campaign lead time"}),
        ),
        globex(
            "Kevin Li",
            "GM, BU2 Personal Care",
            "executive",
            json!({
            "external_id": "G-003", "decision_role": "decision_maker", "influence": 4, "impact": 4,
            "stance": "neutral"}),
        ),
        globex(
            "David Wang",
            "Procurement Director",
            "procurement",
            json!({
            "external_id": "G-004", "decision_role": "approver", "veto": true, "influence": 5,
            "impact": 3, "stance": "critic", "stance_reason": "Budget over by 30%",
            "concerns": "Total cost of the programme against last year's budget"}),
        ),
        globex(
            "Alex Liu",
            "Digital Platform Lead",
            "it",
            json!({
            "external_id": "G-005", "decision_role": "evaluator", "influence": 4, "impact": 4,
            "stance": "advocate"}),
        ),
        globex(
            "Emily Zhao",
            "Compliance Director",
            "legal",
            json!({
            "external_id": "G-006", "influence": 3, "impact": 2, "stance": "neutral",
            "concerns": "Halted a cold-chain plan over data-handling rules"}),
        ),
        globex(
            "Tom Chen",
            "Frontline Operations Manager",
            "other",
            json!({
            "external_id": "G-007", "decision_role": "user", "influence": 3, "impact": 4,
            "stance": "neutral", "concerns": "Reports lag behind what the stores see"}),
        ),
        json!({
            "name": "TechCo", "organization": "TechCo", "group": "external", "category": "supplier",
            "source": "demo-crm", "external_id": "V-001", "decision_role": "evaluator",
            "relationship_status": "active", "tags": ["vendor"]}),
    ]
}

/// (from, to, kind, label) by person index in `people()`.
const LINKS: &[(usize, usize, &str, &str)] = &[
    (1, 4, "collaborates", "AI tool development"),
    (3, 1, "conflicts", "Budget over by 30%"),
    (3, 2, "conflicts", "Cold-chain cost rejected"),
    (5, 3, "influences", "Compliance review of procurement"),
    (6, 1, "gives_feedback", "Store reporting lag"),
    (4, 7, "collaborates", "Technical acceptance"),
    (1, 0, "reports_to", "BU1 reports to country GM"),
    (2, 0, "reports_to", "BU2 reports to country GM"),
];

fn contracts() -> Vec<Value> {
    vec![
        json!({"title": "Marketing platform pilot 2025", "value_minor": 80_000_000, "currency": "CNY",
               "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "completed",
               "kpi_terms": "Campaign lead time down 20%", "status_reason": "Pilot delivered its KPI"}),
        json!({"title": "AI content platform 2026", "value_minor": 350_000_000, "currency": "CNY",
               "start_date": "2026-01-01", "end_date": "2026-12-31", "status": "active",
               "kpi_terms": "Both BUs live by Q2"}),
    ]
}

fn object(v: &Value) -> &serde_json::Map<String, Value> {
    v.as_object().expect("demo bodies are objects")
}

/// Creates and fills the demo workspace unless it exists; returns its id and whether it was created.
pub fn load(conn: &mut DbConnection) -> Result<(String, bool), ApiError> {
    tx::write(conn, |c| {
        if let Some(ws) = store::workspaces::by_slug(c, SLUG)? {
            return Ok((ws.id, false));
        }
        let ws = store::workspaces::create(c, "Demo: Globex China", SLUG)?;
        let mut account = Account::blank(&ws.id, crate::time::now());
        let account_body = json!({"name": "Globex China", "source": "demo-crm", "external_id": "A-GLOBEX",
            "industry": "Consumer goods", "status": "active", "owner": "Account director",
            "business_goals": ["Faster campaign launches"], "kpis": ["Campaign lead time"],
            "pain_points": ["Budget scrutiny"], "competitors": ["Initech"]});
        patch::apply(&mut account, object(&account_body), Mode::Create)?;
        store::accounts::insert(c, &account)?;
        for body in contracts() {
            let mut contract = Contract::blank(&ws.id, &account.id, crate::time::now());
            patch::apply(&mut contract, object(&body), Mode::Create)?;
            store::contracts::insert(c, &contract)?;
        }
        let mut ids = Vec::new();
        for mut body in people() {
            if body["organization"] == "Globex China" {
                body["account_id"] = json!(account.id);
            }
            let mut s = Stakeholder::blank(&ws.id, crate::time::now());
            apply(&mut s, object(&body), true, Mode::Create)?;
            store::stakeholders::insert(c, &s, ACTOR)?;
            ids.push(s.id);
        }
        for (from, to, kind, label) in LINKS {
            let body = json!({"from_id": ids[*from], "to_id": ids[*to], "kind": kind, "label": label});
            store::relationships::insert(c, &parse_new(&ws.id, object(&body), crate::time::now())?)?;
        }
        feedback(c, &ws.id, &ids)?;
        engagement(c, &ws.id, &ids)?;
        crate::demo_team::load(c, &ws.id)?;
        Ok((ws.id, true))
    })
}

/// The "Partnership pulse" form, three months of answers from the Globex people, and points.
fn feedback(c: &mut DbConnection, ws: &str, ids: &[String]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let questions = parse_questions(
        Some(&json!([
            {"key": "nps", "type": "nps", "label": "How likely are you to recommend us to a colleague?", "required": true},
            {"key": "responsiveness", "type": "rating", "label": "How responsive were we this month?", "min": 1, "max": 5},
            {"key": "priority", "type": "single_choice", "label": "Your top priority for next month",
             "options": ["cost", "speed", "quality", "compliance"]},
            {"key": "comments", "type": "text", "label": "Anything we should act on?"},
        ])),
        &mut errors,
    );
    let now = crate::time::now();
    let form = Form {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_string(),
        // The Shanghai team reads it in Chinese; everyone else in English.
        title: Localized::ByLocale(
            [("en", "Partnership pulse"), ("zh-CN", "合作伙伴脉搏")]
                .map(|(l, t)| (l.into(), t.into()))
                .into(),
        ),
        description: Some(Localized::Plain("Monthly pulse of the Globex China account".into())),
        default_locale: "en".into(),
        audience: Audience { tags: vec!["globex".into()], ..Audience::default() },
        status: FormStatus::Open,
        version: 1,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    store::forms::insert(c, &form, &questions)?;
    let current = Period::current();
    let months = [current.previous().previous(), current.previous(), current];
    // (person index, nps by month, responsiveness, priority, comment)
    let answers: [(usize, [i64; 3], i64, &str, &str); 6] = [
        (0, [8, 9, 9], 4, "speed", ""),
        (1, [9, 10, 10], 5, "speed", "The AI tool demo convinced BU1"),
        (2, [7, 7, 8], 3, "quality", ""),
        (3, [3, 4, 6], 2, "cost", "Budget still 30% over plan"),
        (4, [9, 9, 10], 5, "speed", ""),
        (6, [5, 6, 7], 3, "quality", "Store reports arrive a week late"),
    ];
    let mut submissions = Vec::new();
    for (m, month) in months.iter().enumerate() {
        for (person, nps, rating, priority, comment) in answers {
            let mut body = json!({"nps": nps[m], "responsiveness": rating, "priority": priority});
            if !comment.is_empty() {
                body["comments"] = json!(comment);
            }
            let answers = validate(&questions, object(&body)).map_err(ApiError::Validation)?;
            let submission = Submission {
                id: uuid::Uuid::now_v7().to_string(),
                workspace_id: ws.to_string(),
                form_id: form.id.clone(),
                form_version: 1,
                stakeholder_id: ids[person].clone(),
                period: month.to_string(),
                nps: nps_answer(&questions, &answers),
                answers,
                submitted_by: ACTOR.into(),
                version: 1,
                created_at: now,
                updated_at: now,
                superseded_by: None,
            };
            store::submissions::insert(c, &submission)?;
            submissions.push((m, person, submission.id));
        }
    }
    let submission_of = |month: usize, person: usize| {
        submissions.iter().find(|(m, p, _)| *m == month && *p == person).map(|s| s.2.clone())
    };
    let points = [
        (
            6,
            0,
            "Store reports arrive a week late",
            "done",
            Some("Daily export to the store dashboard since last month"),
        ),
        (
            3,
            1,
            "Budget 30% over plan",
            "declined",
            Some("The scope is fixed by the signed contract; we proposed a phased rollout instead"),
        ),
        (1, 2, "Wants a second AI tool demo for BU1 leads", "planned", None),
    ];
    for (person, month, summary, status, response) in points {
        let body = json!({"stakeholder_id": ids[person], "submission_id": submission_of(month, person), "summary": summary});
        let mut item = FeedbackItem::blank(ws, now);
        patch::apply(&mut item, object(&body), Mode::Create)?;
        patch::apply(&mut item, object(&json!({"status": status, "response": response})), Mode::Patch)?;
        item.form_id = Some(form.id.clone());
        item.period = Some(months[month].to_string());
        store::feedback_items::insert(c, &item)?;
    }
    Ok(())
}

/// (people by index, kind, days ago, summary, sentiment, metrics).
type LogEntry = (Vec<usize>, &'static str, u64, String, &'static str, Value);

/// Globex plans and a year of interactions: some plans on track, some overdue.
fn engagement(c: &mut DbConnection, ws: &str, ids: &[String]) -> Result<(), ApiError> {
    let now = crate::time::now();
    let year_ago = (now - chrono::Days::new(365)).date_naive();
    // (person, channel, cadence, priority, objective, next step)
    let plans = [
        (
            0,
            "strategy_meeting",
            "quarterly",
            "high",
            "Align the China roadmap with the country GM",
            "Prepare the Q-review deck",
        ),
        (
            1,
            "meeting",
            "monthly",
            "high",
            "Monthly business review with BU1",
            "Show AI tool adoption figures",
        ),
        (
            2,
            "meeting",
            "monthly",
            "high",
            "Monthly business review with BU2",
            "Revisit the cold-chain proposal",
        ),
        (
            3,
            "report",
            "quarterly",
            "high",
            "Quarterly budget-analysis report to procurement",
            "Phased rollout costing",
        ),
        (
            6,
            "training",
            "weekly",
            "medium",
            "Weekly support and training for store operations",
            "Dashboard training for new staff",
        ),
    ];
    for (person, channel, cadence, priority, objective, next_step) in plans {
        let body = json!({"stakeholder_id": ids[person], "channel": channel, "cadence": cadence, "priority": priority,
            "objective": objective, "next_step": next_step, "owner": "Account director", "starts_on": year_ago.to_string()});
        let mut plan = Plan::blank(ws, now);
        patch::apply(&mut plan, object(&body), Mode::Create)?;
        plan.refresh(now.date_naive());
        store::plans::insert(c, &plan)?;
    }
    // (people, kind, days ago, summary, sentiment, metrics)
    let mut log: Vec<LogEntry> = Vec::new();
    for days in [350, 260, 170, 80] {
        log.push((vec![0], "meeting", days, "Quarterly strategy meeting".into(), "positive", Value::Null));
    }
    for month in 0..12u64 {
        log.push((
            vec![1],
            "meeting",
            20 + 30 * month,
            format!("BU1 business review #{}", 12 - month),
            "positive",
            Value::Null,
        ));
        if month >= 2 {
            log.push((
                vec![2],
                "meeting",
                30 * month,
                format!("BU2 business review #{}", 12 - month),
                "neutral",
                Value::Null,
            ));
        }
    }
    for days in [340, 250, 130] {
        log.push((vec![3], "email", days, "Budget analysis report sent".into(), "negative", Value::Null));
    }
    for week in 0..52u64 {
        log.push((
            vec![6],
            "workshop",
            3 + 7 * week,
            "Store operations training".into(),
            "neutral",
            Value::Null,
        ));
    }
    log.push((
        vec![4],
        "social_share",
        45,
        "Shared the AI tool launch post".into(),
        "positive",
        json!({"impressions": 12000, "clicks": 340, "shares": 25, "reactions": 410}),
    ));
    log.push((
        vec![1, 4],
        "speaking",
        60,
        "Joint talk at the retail tech summit".into(),
        "positive",
        json!({"impressions": 3000, "reactions": 150}),
    ));
    for (people, kind, days, summary, sentiment, metrics) in log {
        let at = now - chrono::Days::new(days);
        let body = json!({"stakeholder_ids": people.iter().map(|p| &ids[*p]).collect::<Vec<_>>(), "kind": kind,
            "occurred_at": crate::time::rfc3339(at), "summary": summary, "sentiment": sentiment, "metrics": metrics});
        let mut interaction = Interaction::blank(ws, now);
        patch::apply(&mut interaction, object(&body), Mode::Create)?;
        store::interactions::insert(c, &interaction)?;
    }
    Ok(())
}
