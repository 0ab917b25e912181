//! The demo's second case: a digital-marketing project inside the company, with its team,
//! the internal people it depends on and the outside parties around it, so the group
//! rings, the network and the matrix all show something real.

use serde_json::{json, Value};

use crate::db::DbConnection;
use crate::domain::engagement::Plan;
use crate::domain::patch::{self, Mode};
use crate::domain::relationship::parse_new;
use crate::domain::stakeholder::{apply, Stakeholder};
use crate::error::ApiError;
use crate::store;

const ACTOR: &str = "demo";

// (name, title, organization, group, category, influence, impact, stance, reason, extra)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
    &'static str,
    &'static str,
    Value,
);

fn people() -> Vec<Person> {
    vec![
        (
            "Sanna Korhonen",
            "Project lead, digital marketing",
            "Northwind",
            "team",
            "executive",
            3,
            5,
            "advocate",
            "Owns the campaign relaunch",
            json!({"owner": "Sanna Korhonen"}),
        ),
        (
            "박지훈",
            "Content designer",
            "Northwind",
            "team",
            "other",
            2,
            4,
            "advocate",
            "Wants the new brand toolkit",
            json!({"locale": "ko"}),
        ),
        (
            "王磊",
            "Marketing data analyst",
            "Northwind",
            "team",
            "other",
            2,
            3,
            "advocate",
            "Built the attribution model",
            json!({"locale": "zh-CN"}),
        ),
        (
            "Matti Laine",
            "Board member",
            "Northwind",
            "internal",
            "executive",
            5,
            3,
            "critic",
            "Doubts the return on paid social",
            json!({"veto": true, "decision_role": "decision_maker", "locale": "fi"}),
        ),
        (
            "李娜",
            "Sales manager",
            "Northwind",
            "internal",
            "executive",
            4,
            4,
            "neutral",
            "Needs leads before the autumn fair",
            json!({"decision_role": "influencer", "locale": "zh-CN"}),
        ),
        (
            "Kim Soo-jin",
            "Project manager",
            "Northwind",
            "internal",
            "other",
            3,
            4,
            "advocate",
            "Runs the portfolio the project sits in",
            json!({"locale": "ko"}),
        ),
        (
            "Juha Nieminen",
            "IT lead",
            "Northwind",
            "internal",
            "it",
            4,
            3,
            "neutral",
            "Worried about the tracking scripts",
            json!({"decision_role": "evaluator", "locale": "fi"}),
        ),
        (
            "Chen Jing",
            "Customer service lead",
            "Northwind",
            "internal",
            "other",
            2,
            4,
            "critic",
            "Fears a wave of campaign complaints",
            json!({}),
        ),
        (
            "BrightWave Agency",
            "Creative agency",
            "BrightWave",
            "external",
            "supplier",
            3,
            4,
            "advocate",
            "Pitched the relaunch concept",
            json!({}),
        ),
        (
            "PrintPro Ltd",
            "Print and POS supplier",
            "PrintPro",
            "external",
            "supplier",
            1,
            2,
            "neutral",
            "",
            json!({}),
        ),
        (
            "Digital Marketing Association",
            "Industry body",
            "DMA",
            "external",
            "other",
            2,
            2,
            "neutral",
            "Sets the consent guidelines",
            json!({}),
        ),
        (
            "Zhou Wei",
            "Trade press editor",
            "Marketing Weekly",
            "external",
            "other",
            4,
            2,
            "unknown",
            "",
            json!({"confidential": true}),
        ),
    ]
}

/// (from, to, kind, label, strength) by person index in `people()`.
const LINKS: &[(usize, usize, &str, &str, i32)] = &[
    (1, 0, "reports_to", "Content", 4),
    (2, 0, "reports_to", "Analytics", 4),
    (0, 5, "reports_to", "Portfolio", 4),
    (0, 8, "collaborates", "Relaunch concept", 5),
    (3, 0, "conflicts", "Paid social budget", 4),
    (4, 0, "gives_feedback", "Lead quality", 3),
    (6, 0, "conflicts", "Tracking scripts", 3),
    (7, 4, "influences", "Complaint trends", 3),
    (5, 3, "influences", "Portfolio review", 4),
    (8, 9, "collaborates", "Print runs", 2),
    (10, 6, "influences", "Consent rules", 3),
    (11, 3, "influences", "Press coverage", 3),
];

/// Adds the project, its people, their links and two plans to the demo workspace.
pub fn load(c: &mut DbConnection, ws: &str) -> Result<(), ApiError> {
    let now = crate::time::now();
    let mut ids = Vec::new();
    for (name, title, organization, group, category, influence, impact, stance, reason, extra) in people() {
        let mut body = json!({"name": name, "title": title, "organization": organization, "group": group,
            "category": category, "influence": influence, "impact": impact, "stance": stance,
            "tags": ["relaunch"], "relationship_status": "active"});
        if !reason.is_empty() {
            body["stance_reason"] = json!(reason);
        }
        let body = body.as_object_mut().expect("an object");
        body.extend(extra.as_object().expect("an object").clone());
        let mut s = Stakeholder::blank(ws, now);
        apply(&mut s, body, true, Mode::Create)?;
        store::stakeholders::insert(c, &s, ACTOR)?;
        ids.push(s.id);
    }
    for (from, to, kind, label, strength) in LINKS {
        let body = json!({"from_id": ids[*from], "to_id": ids[*to], "kind": kind, "label": label, "strength": strength});
        store::relationships::insert(c, &parse_new(ws, body.as_object().expect("an object"), now)?)?;
    }
    let plans = [
        (
            3,
            "report",
            "monthly",
            "high",
            "Monthly campaign return report to the board member",
            "Show paid social cost per lead",
        ),
        (
            7,
            "meeting",
            "biweekly",
            "medium",
            "Complaint review with customer service",
            "Agree the FAQ before launch",
        ),
    ];
    for (person, channel, cadence, priority, objective, next_step) in plans {
        let body = json!({"stakeholder_id": ids[person], "channel": channel, "cadence": cadence, "priority": priority,
            "objective": objective, "next_step": next_step, "owner": "Sanna Korhonen", "starts_on": now.date_naive().to_string()});
        let mut plan = Plan::blank(ws, now);
        patch::apply(&mut plan, body.as_object().expect("an object"), Mode::Create)?;
        plan.refresh(now.date_naive());
        store::plans::insert(c, &plan)?;
    }
    Ok(())
}
