//! The dashboard's risk lists: who or what needs attention first.

use super::dashboard::scope;
use super::dashboard_views::*;
use super::run;
use crate::access::Viewer;
use crate::db::Pool;
use crate::domain::stakeholder_enums::{Quadrant, Stance};
use crate::error::ApiError;
use crate::store::dashboard as store;

/// Items listed per risk (the total is always given).
const RISK_ITEMS: i64 = 50;

fn people(list: store::RiskList<store::RiskPerson>) -> RiskPeople {
    let items = list
        .items
        .into_iter()
        .map(|(id, name, influence, st, q)| RiskPerson {
            id,
            name,
            influence,
            stance: Stance::parse(&st).unwrap_or_default(),
            quadrant: Quadrant::parse(&q).unwrap_or(Quadrant::Unassessed),
        })
        .collect();
    RiskPeople { total: list.total, items }
}

/// Every risk list, each `{total, items}` (first 50).
pub async fn risks(pool: &Pool, viewer: Viewer) -> Result<Risks, ApiError> {
    let scope = scope(&viewer);
    run(pool, move |conn| {
        let now = crate::time::now();
        let today = now.date_naive();
        let people_counts = store::people(conn, &scope)?;
        let overdue_total = store::plan_counts(conn, &scope, today)?.values().map(|c| c.overdue).sum();
        let overdue = store::overdue_plans(conn, &scope, today, overdue_total, RISK_ITEMS)?;
        let ending = store::contracts_ending(conn, &scope, today, RISK_ITEMS)?;
        let stale =
            store::stale_points(conn, &scope, (now - chrono::Duration::days(30)).naive_utc(), RISK_ITEMS)?;
        let ids: Vec<String> = overdue
            .items
            .iter()
            .map(|o| o.1.clone())
            .chain(stale.items.iter().map(|s| s.1.clone()))
            .collect();
        let who = super::people::refs_in(conn, &viewer, &ids)?;
        Ok(Risks {
            influential_critics: people(store::influential_critics(
                conn,
                &scope,
                &people_counts,
                RISK_ITEMS,
            )?),
            veto_not_advocate: people(store::unconvinced_vetoes(conn, &scope, &people_counts, RISK_ITEMS)?),
            key_players_without_plan: people(store::unplanned_key_players(
                conn,
                &scope,
                &people_counts,
                RISK_ITEMS,
            )?),
            overdue_plans: OverduePlans {
                total: overdue.total,
                items: overdue
                    .items
                    .into_iter()
                    .map(|(plan_id, stakeholder_id, next_due_on)| OverduePlan {
                        plan_id,
                        stakeholder: who.of(&stakeholder_id),
                        stakeholder_id,
                        next_due_on,
                    })
                    .collect(),
            },
            contracts_ending_soon: EndingContracts {
                total: ending.total,
                items: ending
                    .items
                    .into_iter()
                    .map(|(contract_id, account_id, title, end_date)| EndingContract {
                        contract_id,
                        account_id,
                        title,
                        end_date: end_date.unwrap_or_default(),
                    })
                    .collect(),
            },
            stale_points: StalePoints {
                total: stale.total,
                items: stale
                    .items
                    .into_iter()
                    .map(|(point_id, stakeholder_id, summary, at)| StalePoint {
                        point_id,
                        stakeholder: who.of(&stakeholder_id),
                        stakeholder_id,
                        summary,
                        created_at: at.and_utc(),
                    })
                    .collect(),
            },
        })
    })
    .await
}
