//! Feedback periods: calendar months `YYYY-MM`, in UTC.

use chrono::{Datelike, NaiveDate, Utc};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Period {
    /// The first month the service knows (2000-01); `parse` refuses earlier ones.
    pub const FIRST: Period = Period { year: 2000, month: 1 };

    /// Parses exactly `YYYY-MM` (years 2000–2999).
    pub fn parse(text: &str) -> Option<Period> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((2000..=2999).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    /// The current month in UTC.
    pub fn current() -> Period {
        let today = Utc::now().date_naive();
        Period { year: today.year(), month: today.month() }
    }

    /// Later than the current month.
    pub fn is_future(self) -> bool {
        self > Period::current()
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }

    /// The month before.
    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period { year: self.year - 1, month: 12 }
        } else {
            Period { year: self.year, month: self.month - 1 }
        }
    }

    /// The next month.
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period { year: self.year + 1, month: 1 }
        } else {
            Period { year: self.year, month: self.month + 1 }
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_months_only() {
        assert_eq!(Period::parse("2026-11"), Some(Period { year: 2026, month: 11 }));
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01", "abcd-ef", "2026-00", ""] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::parse("2026-02").unwrap().to_string(), "2026-02");
        assert_eq!(Period { year: 2026, month: 12 }.next().to_string(), "2027-01");
        assert!(Period::current().next().is_future());
        assert_eq!(Period { year: 2026, month: 1 }.previous().to_string(), "2025-12");
        assert!(!Period::current().is_future());
    }
}
