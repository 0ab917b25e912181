//! The schedule: every due date of every plan in a window, overdue first.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::cadence::{self, Cadence, PlanStatus};
use super::engagement::{Channel, Plan, Priority};

/// One due date.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScheduleItem {
    /// The plan.
    pub plan_id: String,
    /// Who.
    pub stakeholder_id: String,
    /// Their name.
    pub stakeholder_name: String,
    /// How.
    pub channel: Channel,
    /// How often.
    pub cadence: Cadence,
    /// Owner.
    pub owner: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Objective.
    pub objective: Option<String>,
    /// Next step.
    pub next_step: Option<String>,
    /// The due date.
    pub due_on: NaiveDate,
    /// overdue (before today), due_soon (within 7 days) or on_track.
    pub status: PlanStatus,
}

/// Every due date of every plan within `from..=to`, plus each plan's overdue next due
/// date even when it falls before `from`; overdue first, then by date. At most `max`.
pub fn build(
    plans: &[Plan],
    names: &HashMap<String, String>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    max: usize,
) -> (Vec<ScheduleItem>, bool) {
    let mut items = Vec::new();
    for plan in plans {
        let anchor = cadence::anchor(plan.starts_on, plan.last_contact_at.map(|t| t.date_naive()));
        let mut dates = plan.cadence.due_dates(anchor, from, to, max + 1);
        if plan.next_due_on < today && !dates.contains(&plan.next_due_on) {
            dates.insert(0, plan.next_due_on);
        }
        for due_on in dates {
            items.push(ScheduleItem {
                plan_id: plan.id.clone(),
                stakeholder_id: plan.stakeholder_id.clone(),
                stakeholder_name: names.get(&plan.stakeholder_id).cloned().unwrap_or_default(),
                channel: plan.channel,
                cadence: plan.cadence,
                owner: plan.owner.clone(),
                priority: plan.priority,
                objective: plan.objective.clone(),
                next_step: plan.next_step.clone(),
                due_on,
                status: cadence::status(due_on, today),
            });
        }
    }
    items.sort_by(|a, b| {
        let overdue = |x: &ScheduleItem| x.status != PlanStatus::Overdue;
        (overdue(a), a.due_on, &a.plan_id).cmp(&(overdue(b), b.due_on, &b.plan_id))
    });
    let truncated = items.len() > max;
    items.truncate(max);
    (items, truncated)
}
