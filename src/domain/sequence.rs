//! The order in which to approach people: advocates first, by quadrant, then neutrals,
//! then critics; within a band by influence; the unassessed last.

use serde::Serialize;
use utoipa::ToSchema;

use super::quadrant::strategy;
use super::stakeholder_enums::{Quadrant, Stance, Strategy};

/// One person in the sequence.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Step {
    /// Stakeholder id.
    pub stakeholder_id: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Stance.
    pub stance: Stance,
    /// Quadrant.
    pub quadrant: Quadrant,
    /// 1–5 or null.
    pub influence: Option<i32>,
    /// 1–5 or null.
    pub impact: Option<i32>,
    /// Can block alone.
    pub veto: bool,
    /// Engagement strategy; null when unassessed.
    pub strategy: Option<Strategy>,
    /// Why they stand where they do in the order.
    pub reason: String,
    /// False when scores or stance are missing (these come last).
    pub assessed: bool,
}

/// The sort key of a step (lower first); the last element is the tiebreak id.
pub type SortKey = (i32, i32, i32, i32, String, String);

fn stance_rank(s: Stance) -> i32 {
    match s {
        Stance::Advocate => 0,
        Stance::Neutral => 1,
        Stance::Critic => 2,
        Stance::Unknown => 3,
    }
}

fn quadrant_rank(q: Quadrant) -> i32 {
    match q {
        Quadrant::KeyPlayer => 0,
        Quadrant::Expert => 1,
        Quadrant::PassivePassenger => 2,
        Quadrant::DistantRelative => 3,
        Quadrant::Unassessed => 4,
    }
}

impl Step {
    /// Builds a step with its strategy and reason.
    pub fn new(
        stakeholder_id: String,
        name: String,
        title: Option<String>,
        stance: Stance,
        quadrant: Quadrant,
        (influence, impact): (Option<i32>, Option<i32>),
        veto: bool,
    ) -> Step {
        let assessed = quadrant != Quadrant::Unassessed && stance != Stance::Unknown;
        let reason = reason(stance, quadrant, veto, assessed);
        Step {
            stakeholder_id,
            name,
            title,
            stance,
            quadrant,
            influence,
            impact,
            veto,
            strategy: strategy(quadrant),
            reason,
            assessed,
        }
    }

    /// Position in the sequence.
    pub fn key(&self) -> SortKey {
        (
            i32::from(!self.assessed),
            stance_rank(self.stance),
            quadrant_rank(self.quadrant),
            -self.influence.unwrap_or(0),
            self.name.clone(),
            self.stakeholder_id.clone(),
        )
    }
}

fn reason(stance: Stance, quadrant: Quadrant, veto: bool, assessed: bool) -> String {
    if !assessed {
        return "Not assessed yet: score influence and impact and record a stance before planning the approach".into();
    }
    let who = match quadrant {
        Quadrant::KeyPlayer => "key player (high influence, high impact)",
        Quadrant::Expert => "expert (high influence, low impact)",
        Quadrant::PassivePassenger => "passive passenger (low influence, high impact)",
        _ => "distant relative (low influence, low impact)",
    };
    let action = match (stance, quadrant) {
        (Stance::Advocate, Quadrant::KeyPlayer) => "approach first and make them the champion",
        (Stance::Advocate, Quadrant::Expert) => "approach early and leverage their voice",
        (Stance::Advocate, Quadrant::PassivePassenger) => "enlist them to show the benefit to those affected",
        (Stance::Advocate, _) => "keep them informed as quiet supporters",
        (Stance::Neutral, Quadrant::KeyPlayer) => {
            "manage closely to win them over once advocates are on board"
        }
        (Stance::Neutral, Quadrant::Expert) => "bring the experts' evidence to them",
        (Stance::Neutral, _) => "keep satisfied and watch for a shift",
        (_, Quadrant::KeyPlayer) => "address their concerns with advocates' support before any decision",
        (_, Quadrant::Expert) => "answer their objections with facts before they spread",
        (_, _) => "monitor and keep them from blocking",
    };
    let stance = match stance {
        Stance::Advocate => "Advocate",
        Stance::Neutral => "Neutral",
        _ => "Critic",
    };
    let veto = if veto { "; holds a veto" } else { "" };
    format!("{stance} {who}{veto}: {action}")
}

/// Sorts steps into the approach order.
pub fn order(mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort_by_key(Step::key);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stance_by_quadrant_in_order() {
        let quadrants = [
            (Quadrant::DistantRelative, 1, 1),
            (Quadrant::PassivePassenger, 2, 4),
            (Quadrant::Expert, 4, 1),
            (Quadrant::KeyPlayer, 5, 5),
            (Quadrant::Unassessed, 0, 0),
        ];
        let stances = [Stance::Critic, Stance::Unknown, Stance::Neutral, Stance::Advocate];
        let mut steps = Vec::new();
        for s in stances {
            for (q, influence, impact) in quadrants {
                let scores = (q != Quadrant::Unassessed).then_some((influence, impact));
                steps.push(Step::new(
                    format!("{s:?}-{q:?}"),
                    format!("{s:?} {q:?}"),
                    None,
                    s,
                    q,
                    (scores.map(|x| x.0), scores.map(|x| x.1)),
                    false,
                ));
            }
        }
        let ordered: Vec<String> = order(steps).into_iter().map(|s| s.stakeholder_id).collect();
        let assessed_part: Vec<&str> = ordered.iter().take(12).map(String::as_str).collect();
        assert_eq!(
            assessed_part,
            [
                "Advocate-KeyPlayer",
                "Advocate-Expert",
                "Advocate-PassivePassenger",
                "Advocate-DistantRelative",
                "Neutral-KeyPlayer",
                "Neutral-Expert",
                "Neutral-PassivePassenger",
                "Neutral-DistantRelative",
                "Critic-KeyPlayer",
                "Critic-Expert",
                "Critic-PassivePassenger",
                "Critic-DistantRelative",
            ]
        );
        assert_eq!(ordered.len(), 20);
        assert!(ordered[12..].iter().all(|id| id.contains("Unassessed") || id.starts_with("Unknown")));
    }

    #[test]
    fn influence_orders_within_a_band_and_reasons_read_well() {
        let a = Step::new(
            "a".into(),
            "A".into(),
            None,
            Stance::Critic,
            Quadrant::KeyPlayer,
            (Some(3), Some(5)),
            false,
        );
        let b = Step::new(
            "b".into(),
            "B".into(),
            None,
            Stance::Critic,
            Quadrant::KeyPlayer,
            (Some(5), Some(3)),
            true,
        );
        let ordered = order(vec![a, b]);
        assert_eq!(ordered[0].stakeholder_id, "b");
        assert_eq!(ordered[0].reason, "Critic key player (high influence, high impact); holds a veto: address their concerns with advocates' support before any decision");
        assert_eq!(ordered[0].strategy, Some(Strategy::ManageClosely));
    }
}
