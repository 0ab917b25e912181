//! The influence × impact map: which quadrant a stakeholder is in and what to do about it.

use super::stakeholder_enums::{Quadrant, Strategy};

/// A score of this or more counts as high.
pub const HIGH_SCORE: i32 = 3;

/// The quadrant for two 1–5 scores; either missing means not assessed.
pub fn quadrant(influence: Option<i32>, impact: Option<i32>) -> Quadrant {
    match (influence, impact) {
        (Some(influence), Some(impact)) => match (influence >= HIGH_SCORE, impact >= HIGH_SCORE) {
            (true, true) => Quadrant::KeyPlayer,
            (true, false) => Quadrant::Expert,
            (false, true) => Quadrant::PassivePassenger,
            (false, false) => Quadrant::DistantRelative,
        },
        _ => Quadrant::Unassessed,
    }
}

/// The engagement strategy for a quadrant: key players are managed closely, experts'
/// influence is leveraged, passive passengers (much affected, little say) are kept
/// satisfied, distant relatives monitored; unassessed people have none yet.
pub fn strategy(quadrant: Quadrant) -> Option<Strategy> {
    match quadrant {
        Quadrant::KeyPlayer => Some(Strategy::ManageClosely),
        Quadrant::Expert => Some(Strategy::Leverage),
        Quadrant::PassivePassenger => Some(Strategy::KeepSatisfied),
        Quadrant::DistantRelative => Some(Strategy::Monitor),
        Quadrant::Unassessed => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_of_scores() {
        let scores = [None, Some(1), Some(2), Some(3), Some(4), Some(5)];
        for influence in scores {
            for impact in scores {
                let expected = match (influence, impact) {
                    (None, _) | (_, None) => Quadrant::Unassessed,
                    (Some(i), Some(m)) if i >= 3 && m >= 3 => Quadrant::KeyPlayer,
                    (Some(i), Some(_)) if i >= 3 => Quadrant::Expert,
                    (Some(_), Some(m)) if m >= 3 => Quadrant::PassivePassenger,
                    _ => Quadrant::DistantRelative,
                };
                assert_eq!(quadrant(influence, impact), expected, "{influence:?} x {impact:?}");
            }
        }
    }

    #[test]
    fn boundary_is_three() {
        assert_eq!(quadrant(Some(3), Some(3)), Quadrant::KeyPlayer);
        assert_eq!(quadrant(Some(2), Some(2)), Quadrant::DistantRelative);
        assert_eq!(quadrant(Some(3), Some(2)), Quadrant::Expert);
        assert_eq!(quadrant(Some(2), Some(3)), Quadrant::PassivePassenger);
    }

    #[test]
    fn strategies_follow_quadrants() {
        assert_eq!(strategy(Quadrant::KeyPlayer), Some(Strategy::ManageClosely));
        assert_eq!(strategy(Quadrant::Expert), Some(Strategy::Leverage));
        assert_eq!(strategy(Quadrant::PassivePassenger), Some(Strategy::KeepSatisfied));
        assert_eq!(strategy(Quadrant::DistantRelative), Some(Strategy::Monitor));
        assert_eq!(strategy(Quadrant::Unassessed), None);
    }
}
