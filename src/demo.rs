//! The `demo` workspace: the Globex China account team's map, for a newcomer to curl at once.

use serde_json::{json, Value};

use crate::auth::Role;
use crate::db::{tx, DbConnection};
use crate::domain::stakeholder::{apply, Mode, Stakeholder};
use crate::error::ApiError;
use crate::store;

/// The demo workspace's slug.
pub const SLUG: &str = "demo";

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

/// Creates and fills the demo workspace unless it exists; returns its id and whether it was created.
pub fn load(conn: &mut DbConnection) -> Result<(String, bool), ApiError> {
    tx::write(conn, |c| {
        if let Some(ws) = store::workspaces::by_slug(c, SLUG)? {
            return Ok((ws.id, false));
        }
        let ws = store::workspaces::create(c, "Demo: Globex China", SLUG)?;
        for body in people() {
            let mut s = Stakeholder::blank(&ws.id, crate::time::now());
            apply(&mut s, body.as_object().expect("demo bodies are objects"), Role::Admin, Mode::Create)?;
            store::stakeholders::insert(c, &s, "demo")?;
        }
        Ok((ws.id, true))
    })
}
