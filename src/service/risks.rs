//! The dashboard's risk lists: who or what needs attention first.

use serde_json::{json, Value};

use super::dashboard::scope;
use super::run;
use crate::access::Viewer;
use crate::db::Pool;
use crate::error::ApiError;
use crate::store::dashboard as store;

/// Items listed per risk (the total is always given).
const RISK_ITEMS: i64 = 50;

fn people(list: store::RiskList<store::RiskPerson>) -> Value {
    let items: Vec<Value> = list.items.into_iter().map(|(id, name, i, st, q)| json!({"id": id, "name": name, "influence": i, "stance": st, "quadrant": q})).collect();
    json!({"total": list.total, "items": items})
}

/// Every risk list, each `{total, items}` (first 50).
pub async fn risks(pool: &Pool, viewer: Viewer) -> Result<Value, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let now = crate::time::now();
        let today = now.date_naive();
        let people_counts = store::people(conn, &scope)?;
        let overdue_total = store::plan_counts(conn, &scope, today)?.values().map(|c| c.overdue).sum();
        let overdue = store::overdue_plans(conn, &scope, today, overdue_total, RISK_ITEMS)?;
        let ending = store::contracts_ending(conn, &scope, today, RISK_ITEMS)?;
        let stale = store::stale_points(conn, &scope, (now - chrono::Duration::days(30)).naive_utc(), RISK_ITEMS)?;
        Ok(json!({
            "influential_critics": people(store::influential_critics(conn, &scope, &people_counts, RISK_ITEMS)?),
            "veto_not_advocate": people(store::unconvinced_vetoes(conn, &scope, &people_counts, RISK_ITEMS)?),
            "key_players_without_plan": people(store::unplanned_key_players(conn, &scope, &people_counts, RISK_ITEMS)?),
            "overdue_plans": {"total": overdue.total, "items": overdue.items.into_iter().map(|(id, s, d)| json!({"plan_id": id, "stakeholder_id": s, "next_due_on": d})).collect::<Vec<_>>()},
            "contracts_ending_soon": {"total": ending.total, "items": ending.items.into_iter().map(|(id, a, t, e)| json!({"contract_id": id, "account_id": a, "title": t, "end_date": e})).collect::<Vec<_>>()},
            "stale_points": {"total": stale.total, "items": stale.items.into_iter().map(|(id, s, t, at)| json!({"point_id": id, "stakeholder_id": s, "summary": t, "created_at": crate::time::rfc3339(at.and_utc())})).collect::<Vec<_>>()},
        }))
    })
    .await
}
