//! The dashboard's answers as typed records: what the OpenAPI document describes and
//! generated clients read without casts.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::nps::Nps;
use crate::domain::stakeholder_enums::{Quadrant, Stance};

/// Counts by a field's value (`none` = not set).
pub type Counts = BTreeMap<String, i64>;

/// Live stakeholders the caller may see, counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct StakeholderCounts {
    /// All of them.
    pub total: i64,
    /// By `group`.
    pub by_group: BTreeMap<String, i64>,
    /// By `category`.
    pub by_category: BTreeMap<String, i64>,
    /// By quadrant.
    pub by_quadrant: BTreeMap<String, i64>,
    /// By stance.
    pub by_stance: BTreeMap<String, i64>,
    /// By decision role.
    pub by_decision_role: BTreeMap<String, i64>,
    /// By relationship status.
    pub by_relationship_status: BTreeMap<String, i64>,
}

/// The NPS of one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthNps {
    /// `YYYY-MM`.
    pub period: String,
    /// % promoters − % detractors (one decimal); null with no answers.
    pub score: Option<f64>,
    /// Answers of 9 or 10.
    pub promoters: i64,
    /// Answers of 7 or 8.
    pub passives: i64,
    /// Answers of 0 to 6.
    pub detractors: i64,
}

impl MonthNps {
    /// A month's NPS from its counts.
    pub fn new(period: String, nps: Nps) -> Self {
        MonthNps {
            period,
            score: nps.score,
            promoters: nps.promoters,
            passives: nps.passives,
            detractors: nps.detractors,
        }
    }
}

/// Counts for the home screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// Live stakeholders by each dimension.
    pub stakeholders: StakeholderCounts,
    /// Live plans past their due date.
    pub overdue_plans: i64,
    /// Points neither done nor declined.
    pub open_points: i64,
    /// NPS of the latest month with answers (all forms), or null.
    pub latest_nps: Option<MonthNps>,
}

/// People in one influence × impact × stance cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixCell {
    /// 1–5, null when not assessed.
    pub influence: Option<i32>,
    /// 1–5, null when not assessed.
    pub impact: Option<i32>,
    /// Their stance.
    pub stance: Stance,
    /// How many.
    pub count: i64,
}

/// One person on the matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixPoint {
    /// Stakeholder id.
    pub id: String,
    /// Name.
    pub name: String,
    /// 1–5 or null.
    pub influence: Option<i32>,
    /// 1–5 or null.
    pub impact: Option<i32>,
    /// Quadrant.
    pub quadrant: Quadrant,
    /// Stance.
    pub stance: Stance,
}

/// The matrix: counts per quadrant × stance, per score cell, and (up to 1000) points.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matrix {
    /// Live people in scope.
    pub total: i64,
    /// `{quadrant: {stance: count}}`.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, i64>>)]
    pub counts: BTreeMap<String, Counts>,
    /// People per influence × impact × stance cell.
    pub cells: Vec<MatrixCell>,
    /// One entry per person, by name.
    pub points: Vec<MatrixPoint>,
    /// True when there are more than 1000 people and `points` lists the first 1000.
    pub points_truncated: bool,
}

/// Interactions of one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagementMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// All interactions.
    pub total: i64,
    /// By kind.
    pub by_kind: BTreeMap<String, i64>,
}

/// Overdue plans of one owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerOverdue {
    /// The plans' owner (null: no owner).
    pub owner: Option<String>,
    /// Overdue plans.
    pub count: i64,
}

/// Live plans and how many are on track.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanShare {
    /// Live plans.
    pub total: i64,
    /// Not overdue.
    pub on_track: i64,
    /// on_track / total (0–1).
    pub share_on_track: f64,
}

/// Interactions per month by kind; overdue plans by owner; share of plans on track.
#[derive(Debug, Serialize, ToSchema)]
pub struct Engagement {
    /// One entry per month of the window.
    pub months: Vec<EngagementMonth>,
    /// Owners with overdue plans, most first.
    pub overdue_by_owner: Vec<OwnerOverdue>,
    /// Plans on track.
    pub plans: PlanShare,
}

/// Advocacy of one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdvocacyMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Meetings.
    pub meetings: i64,
    /// Speaking and interviews.
    pub speaking: i64,
    /// Social shares.
    pub social_shares: i64,
    /// Sum of reactions over all interactions.
    pub reactions: i64,
    /// Sum of clicks.
    pub clicks: i64,
    /// Sum of impressions.
    pub impressions: i64,
}

/// Advocacy per month.
#[derive(Debug, Serialize, ToSchema)]
pub struct Advocacy {
    /// One entry per month of the window.
    pub months: Vec<AdvocacyMonth>,
}

/// A person who is a risk.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskPerson {
    /// Stakeholder id.
    pub id: String,
    /// Name.
    pub name: String,
    /// 1–5 or null.
    pub influence: Option<i32>,
    /// Stance.
    pub stance: Stance,
    /// Quadrant.
    pub quadrant: Quadrant,
}

/// People who are a risk: how many, and the first 50.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskPeople {
    /// All of them.
    pub total: i64,
    /// The first 50.
    pub items: Vec<RiskPerson>,
}

/// An overdue plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverduePlan {
    /// Plan id.
    pub plan_id: String,
    /// Whom it is with.
    pub stakeholder_id: String,
    /// Whom it is with, as the caller may know them.
    pub stakeholder: super::people::PersonRef,
    /// When it was due (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub next_due_on: String,
}

/// Overdue plans: how many, and the first 50.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverduePlans {
    /// All of them.
    pub total: i64,
    /// The first 50, most overdue first.
    pub items: Vec<OverduePlan>,
}

/// A contract ending soon.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingContract {
    /// Contract id.
    pub contract_id: String,
    /// Its account.
    pub account_id: String,
    /// Title.
    pub title: String,
    /// Last day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub end_date: String,
}

/// Contracts ending within 90 days: how many, and the first 50.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingContracts {
    /// All of them.
    pub total: i64,
    /// The first 50, soonest first.
    pub items: Vec<EndingContract>,
}

/// A point without a response for 30 days.
#[derive(Debug, Serialize, ToSchema)]
pub struct StalePoint {
    /// Point id.
    pub point_id: String,
    /// Who raised it.
    pub stakeholder_id: String,
    /// Who raised it, as the caller may know them.
    pub stakeholder: super::people::PersonRef,
    /// What it says.
    pub summary: String,
    /// When it was raised.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Stale points: how many, and the first 50.
#[derive(Debug, Serialize, ToSchema)]
pub struct StalePoints {
    /// All of them.
    pub total: i64,
    /// The first 50, oldest first.
    pub items: Vec<StalePoint>,
}

/// Every risk list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Risks {
    /// Critics with influence ≥ 4.
    pub influential_critics: RiskPeople,
    /// Veto holders who are not advocates.
    pub veto_not_advocate: RiskPeople,
    /// Key players without a live plan.
    pub key_players_without_plan: RiskPeople,
    /// Plans past their due date.
    pub overdue_plans: OverduePlans,
    /// Contracts ending within 90 days.
    pub contracts_ending_soon: EndingContracts,
    /// Points older than 30 days without a response.
    pub stale_points: StalePoints,
}
