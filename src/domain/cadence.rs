//! How often a plan engages someone, and when it is next due. Months are calendar
//! months counted from the anchor date (Jan 31 → Feb 28/29 → Mar 31); weeks are 7 days.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

crate::string_enum!(
    /// Engagement frequency.
    Cadence {
        Weekly = "weekly", Biweekly = "biweekly", Monthly = "monthly", Quarterly = "quarterly",
        Semiannual = "semiannual", Annual = "annual",
    }
);

crate::string_enum!(
    /// Where a plan stands today.
    PlanStatus { OnTrack = "on_track", DueSoon = "due_soon", Overdue = "overdue" }
);

/// Due within this many days counts as due soon.
pub const DUE_SOON_DAYS: u64 = 7;

impl Cadence {
    /// The `k`-th due date after `anchor` (k ≥ 1). Months are added to the anchor itself,
    /// clamped to the month's last day, so a short month does not shift later dates.
    pub fn nth_after(self, anchor: NaiveDate, k: u32) -> Option<NaiveDate> {
        let months = |n: u32| anchor.checked_add_months(Months::new(n.checked_mul(k)?));
        match self {
            Cadence::Weekly => anchor.checked_add_days(Days::new(7 * k as u64)),
            Cadence::Biweekly => anchor.checked_add_days(Days::new(14 * k as u64)),
            Cadence::Monthly => months(1),
            Cadence::Quarterly => months(3),
            Cadence::Semiannual => months(6),
            Cadence::Annual => months(12),
        }
    }

    /// The next due date after `anchor` (one cadence later).
    pub fn next_after(self, anchor: NaiveDate) -> NaiveDate {
        self.nth_after(anchor, 1).unwrap_or(NaiveDate::MAX)
    }

    /// Every due date after `anchor` that falls in `from..=to`, at most `max`.
    pub fn due_dates(self, anchor: NaiveDate, from: NaiveDate, to: NaiveDate, max: usize) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for k in 1.. {
            let Some(due) = self.nth_after(anchor, k) else { break };
            if due > to || out.len() >= max {
                break;
            }
            if due >= from {
                out.push(due);
            }
        }
        out
    }
}

/// The status of a plan due on `next_due` as seen on `today`.
pub fn status(next_due: NaiveDate, today: NaiveDate) -> PlanStatus {
    if next_due < today {
        PlanStatus::Overdue
    } else if next_due <= today + Days::new(DUE_SOON_DAYS) {
        PlanStatus::DueSoon
    } else {
        PlanStatus::OnTrack
    }
}

/// The anchor of a plan: the day of the last contact, else the start date.
pub fn anchor(starts_on: NaiveDate, last_contact: Option<NaiveDate>) -> NaiveDate {
    last_contact.unwrap_or(starts_on)
}

/// A date in ISO form, as stored.
pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A due date on the schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Due {
    /// The date.
    pub due_on: NaiveDate,
    /// Its status today.
    pub status: PlanStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cadence_table() {
        let cases = [
            (Cadence::Weekly, "2026-01-01", "2026-01-08"),
            (Cadence::Weekly, "2026-12-28", "2027-01-04"),
            (Cadence::Biweekly, "2026-02-20", "2026-03-06"),
            (Cadence::Monthly, "2026-01-15", "2026-02-15"),
            (Cadence::Monthly, "2026-01-31", "2026-02-28"),
            (Cadence::Monthly, "2028-01-31", "2028-02-29"),
            (Cadence::Monthly, "2026-12-31", "2027-01-31"),
            (Cadence::Quarterly, "2026-11-30", "2027-02-28"),
            (Cadence::Quarterly, "2027-11-30", "2028-02-29"),
            (Cadence::Semiannual, "2026-08-31", "2027-02-28"),
            (Cadence::Annual, "2028-02-29", "2029-02-28"),
            (Cadence::Annual, "2026-06-30", "2027-06-30"),
        ];
        for (cadence, from, due) in cases {
            assert_eq!(cadence.next_after(d(from)), d(due), "{cadence:?} from {from}");
        }
    }

    #[test]
    fn months_stay_anchored_to_the_start_day() {
        let jan31 = d("2026-01-31");
        let series: Vec<String> =
            (1..=4).map(|k| iso(Cadence::Monthly.nth_after(jan31, k).unwrap())).collect();
        assert_eq!(series, ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]);
        let leap: Vec<String> =
            (1..=2).map(|k| iso(Cadence::Monthly.nth_after(d("2028-01-31"), k).unwrap())).collect();
        assert_eq!(leap, ["2028-02-29", "2028-03-31"]);
        let quarterly = Cadence::Quarterly.due_dates(d("2026-01-31"), d("2026-01-01"), d("2026-12-31"), 100);
        assert_eq!(
            quarterly.iter().map(|x| iso(*x)).collect::<Vec<_>>(),
            ["2026-04-30", "2026-07-31", "2026-10-31"]
        );
        assert_eq!(
            Cadence::Weekly.due_dates(d("2026-01-01"), d("2026-01-10"), d("2026-01-31"), 100).len(),
            3
        );
        assert_eq!(Cadence::Weekly.due_dates(d("2026-01-01"), d("2026-01-01"), d("2027-01-01"), 5).len(), 5);
    }

    #[test]
    fn statuses() {
        let today = d("2026-11-23");
        assert_eq!(status(d("2026-11-22"), today), PlanStatus::Overdue);
        assert_eq!(status(d("2026-11-23"), today), PlanStatus::DueSoon);
        assert_eq!(status(d("2026-11-30"), today), PlanStatus::DueSoon);
        assert_eq!(status(d("2026-12-01"), today), PlanStatus::OnTrack);
        assert_eq!(anchor(d("2026-01-01"), Some(d("2026-03-05"))), d("2026-03-05"));
    }
}
