//! The `demo` workspace: the Globex China account team's map, for a newcomer to curl at once.

use serde_json::{json, Value};

use crate::auth::Role;
use crate::db::{tx, DbConnection};
use crate::domain::account::Account;
use crate::domain::contract::Contract;
use crate::domain::patch::{self, Mode};
use crate::domain::relationship::parse_new;
use crate::domain::stakeholder::{apply, Stakeholder};
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
            apply(&mut s, object(&body), Role::Admin, Mode::Create)?;
            store::stakeholders::insert(c, &s, ACTOR)?;
            ids.push(s.id);
        }
        for (from, to, kind, label) in LINKS {
            let body = json!({"from_id": ids[*from], "to_id": ids[*to], "kind": kind, "label": label});
            store::relationships::insert(c, &parse_new(&ws.id, object(&body), crate::time::now())?)?;
        }
        Ok((ws.id, true))
    })
}
