//! The anonymised map as one CSV, line by line (an export streams it page by page): a
//! `record` column says person, relationship, account or contract; each record fills its
//! own columns and leaves the others empty.

use super::anonymize::{AnonAccount, AnonEdge, AnonMap, AnonPerson};

const COLUMNS: [&str; 23] = [
    "record",
    "code",
    "group",
    "category",
    "decision_role",
    "influence",
    "impact",
    "quadrant",
    "strategy",
    "stance",
    "veto",
    "segments",
    "relationship_status",
    "account",
    "from",
    "to",
    "kind",
    "strength",
    "status",
    "currency",
    "value_range",
    "start_date",
    "end_date",
];

/// A leading formula character is neutralised so a spreadsheet shows the text instead
/// of evaluating it.
pub fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

// Quotes a CSV cell after defusing it.
fn cell(text: &str) -> String {
    let text = defuse(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One line: the named columns filled, the rest empty.
fn line(record: &str, cells: &[(&str, String)]) -> String {
    let mut out: Vec<String> = COLUMNS
        .iter()
        .map(|column| cells.iter().find(|(c, _)| c == column).map(|(_, v)| cell(v)).unwrap_or_default())
        .collect();
    out[0] = record.to_string();
    out.join(",") + "\n"
}

/// The header line.
pub fn header() -> String {
    COLUMNS.join(",") + "\n"
}

/// A person's line.
pub fn person_line(p: &AnonPerson) -> String {
    let segments: Vec<&str> = p.segments.iter().map(|s| s.as_str()).collect();
    line(
        "person",
        &[
            ("code", p.code.clone()),
            ("group", p.group.as_str().into()),
            ("category", opt(p.category.map(|c| c.as_str()))),
            ("decision_role", opt(p.decision_role.map(|d| d.as_str()))),
            ("influence", opt(p.influence)),
            ("impact", opt(p.impact)),
            ("quadrant", p.quadrant.as_str().into()),
            ("strategy", opt(p.strategy.map(|s| s.as_str()))),
            ("stance", p.stance.as_str().into()),
            ("veto", p.veto.to_string()),
            ("segments", segments.join(";")),
            ("relationship_status", opt(p.relationship_status.map(|r| r.as_str()))),
            ("account", opt(p.account.as_ref())),
        ],
    )
}

/// A relationship's line.
pub fn edge_line(r: &AnonEdge) -> String {
    line(
        "relationship",
        &[
            ("from", r.from.clone()),
            ("to", r.to.clone()),
            ("kind", r.kind.as_str().into()),
            ("strength", opt(r.strength)),
        ],
    )
}

/// An account's line, then one per contract.
pub fn account_lines(a: &AnonAccount) -> String {
    let mut out = line("account", &[("code", a.code.clone()), ("status", a.status.as_str().into())]);
    for c in &a.contracts {
        out.push_str(&line(
            "contract",
            &[
                ("account", a.code.clone()),
                ("status", c.status.as_str().into()),
                ("currency", c.currency.clone()),
                ("value_range", c.value_range.clone()),
                ("start_date", c.start_date.to_string()),
                ("end_date", opt(c.end_date)),
            ],
        ));
    }
    out
}

/// The whole map as one CSV.
pub fn to_csv(map: &AnonMap) -> String {
    let mut out = header();
    map.people.iter().for_each(|p| out.push_str(&person_line(p)));
    map.relationships.iter().for_each(|r| out.push_str(&edge_line(r)));
    map.accounts.iter().for_each(|a| out.push_str(&account_lines(a)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("GM, BU1"), "\"GM, BU1\"");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn every_line_has_every_column() {
        let edge = AnonEdge {
            from: "S-0001".into(),
            to: "S-0002".into(),
            kind: crate::domain::relationship::RelationshipKind::Conflicts,
            strength: Some(3),
        };
        let text = edge_line(&edge);
        assert_eq!(text, "relationship,,,,,,,,,,,,,,S-0001,S-0002,conflicts,3,,,,,\n");
        assert_eq!(header().split(',').count(), 23);
    }
}
