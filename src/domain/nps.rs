//! Net Promoter Score arithmetic.

use serde::Serialize;
use utoipa::ToSchema;

/// NPS of a set of 0–10 answers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Nps {
    /// % promoters − % detractors, rounded to one decimal; null with no answers.
    pub score: Option<f64>,
    /// Answers of 9 or 10.
    pub promoters: i64,
    /// Answers of 7 or 8.
    pub passives: i64,
    /// Answers of 0 to 6.
    pub detractors: i64,
}

impl Nps {
    /// From the three counts.
    pub fn from_counts(promoters: i64, passives: i64, detractors: i64) -> Nps {
        let total = promoters + passives + detractors;
        let score = (total > 0).then(|| {
            let raw = (promoters - detractors) as f64 * 100.0 / total as f64;
            (raw * 10.0).round() / 10.0
        });
        Nps { score, promoters, passives, detractors }
    }

    /// The band an answer falls in: 1 promoter, 0 passive, -1 detractor.
    pub fn band(answer: i64) -> i8 {
        match answer {
            9.. => 1,
            7 | 8 => 0,
            _ => -1,
        }
    }
}

/// A ratio rounded to four decimals; 0 when nothing was expected.
pub fn rate(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sets() {
        assert_eq!(Nps::from_counts(5, 3, 2).score, Some(30.0));
        assert_eq!(Nps::from_counts(0, 0, 0).score, None);
        assert_eq!(Nps::from_counts(1, 1, 1).score, Some(0.0));
        assert_eq!(Nps::from_counts(2, 0, 1).score, Some(33.3));
        assert_eq!(Nps::from_counts(0, 0, 3).score, Some(-100.0));
        assert_eq!(
            (Nps::band(10), Nps::band(9), Nps::band(8), Nps::band(7), Nps::band(6), Nps::band(0)),
            (1, 1, 0, 0, -1, -1)
        );
        assert_eq!(rate(1, 3), 0.3333);
        assert_eq!(rate(1, 0), 0.0);
    }
}
