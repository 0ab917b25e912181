//! RFC 5545 iCalendar text: one all-day VEVENT per due date, escaped and folded.

use chrono::{DateTime, Days, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across fetches, so calendar apps update rather than duplicate.
    pub uid: String,
    /// The day.
    pub date: NaiveDate,
    /// Title.
    pub summary: String,
    /// Body text.
    pub description: String,
    /// A category such as the priority.
    pub category: String,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        let limit = if out.is_empty() { 75 } else { 74 };
        if width + len > limit {
            out.push_str("\r\n ");
            width = 0;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The calendar.
pub fn calendar(name: &str, events: &[Event], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//stakemap//engagement schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!("X-WR-CALNAME:{}", escape(name))));
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{}", e.uid)));
        out.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        out.push_str(&fold(&format!("DTSTART;VALUE=DATE:{}", day(e.date))));
        out.push_str(&fold(&format!("DTEND;VALUE=DATE:{}", day(e.date + Days::new(1)))));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&e.summary))));
        out.push_str(&fold(&format!("DESCRIPTION:{}", escape(&e.description))));
        out.push_str(&fold(&format!("CATEGORIES:{}", escape(&e.category))));
        out.push_str(&fold("TRANSP:TRANSPARENT"));
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_folding() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "陈".repeat(40));
        let folded = fold(&long);
        for line in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn calendar_shape() {
        let e = Event {
            uid: "p-20261130@stakemap".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            summary: "Call with Ann".into(),
            description: "x".into(),
            category: "high".into(),
        };
        let text = calendar("Schedule", &[e], Utc::now());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261201\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}
