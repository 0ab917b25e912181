//! Which exact dashboard counters a row adds to. A counter key is a path:
//! `people/{p|c}/{dimension}/{value}` (p public, c confidential; live people only;
//! `planned/{quadrant}` counts those with at least one live plan),
//! `submissions/{form}/{period}/{n|promoters|passives|detractors}/{state}`,
//! `interactions/{month}/{kind}/{n|impressions|clicks|shares|reactions}/{p|c}` (live only)
//! and `plans/{next_due_on}/{state}/{owner}` (live plans; empty = no owner), where state
//! is the person's (see `state`).
//! A write moves each counter by what the row adds after minus what it added before.

use std::collections::BTreeMap;

use super::engagement::Plan;
use super::interaction::Interaction;
use super::stakeholder::Stakeholder;
use super::submission::Submission;

/// Counter key → change.
pub type Deltas = BTreeMap<String, i64>;

/// What stands for a missing value in a key.
pub const NONE: &str = "-";

/// The key prefix of people with this confidentiality.
pub fn people_prefix(confidential: bool) -> &'static str {
    if confidential {
        "people/c/"
    } else {
        "people/p/"
    }
}

/// A score cell `influence|impact|stance`, missing scores as `-`.
pub fn cell(influence: Option<i32>, impact: Option<i32>, stance: &str) -> String {
    let score = |s: Option<i32>| s.map_or_else(|| NONE.to_string(), |v| v.to_string());
    format!("{}|{}|{stance}", score(influence), score(impact))
}

/// Parses a cell value back into (influence, impact, stance).
pub fn parse_cell(value: &str) -> Option<(Option<i32>, Option<i32>, &str)> {
    let mut parts = value.splitn(3, '|');
    let score = |s: &str| if s == NONE { Some(None) } else { s.parse().ok().map(Some) };
    Some((score(parts.next()?)?, score(parts.next()?)?, parts.next()?))
}

/// The counters a stakeholder adds to: none once deleted.
pub fn person(s: &Stakeholder) -> Vec<(String, i64)> {
    if s.deleted_at.is_some() {
        return Vec::new();
    }
    let prefix = people_prefix(s.analysis.confidential);
    let p = &s.profile;
    let a = &s.analysis;
    let mut keys = vec![
        format!("{prefix}group/{}", p.group.as_str()),
        format!("{prefix}category/{}", p.category.map_or(NONE, |c| c.as_str())),
        format!("{prefix}decision_role/{}", a.decision_role.map_or(NONE, |r| r.as_str())),
        format!("{prefix}relationship_status/{}", p.relationship_status.map_or(NONE, |r| r.as_str())),
        format!("{prefix}cell/{}", cell(a.influence, a.impact, a.stance.as_str())),
    ];
    if a.veto {
        keys.push(format!("{prefix}veto/{}", a.stance.as_str()));
    }
    keys.extend(p.tags.iter().map(|t| format!("{prefix}tag/{t}")));
    keys.into_iter().map(|k| (k, 1)).collect()
}

/// The counter a person with at least one live plan adds to: `planned/{quadrant}`.
pub fn planned(s: &Stakeholder) -> Vec<(String, i64)> {
    if s.deleted_at.is_some() {
        return Vec::new();
    }
    let quadrant = super::quadrant::quadrant(s.analysis.influence, s.analysis.impact);
    vec![(format!("{}planned/{}", people_prefix(s.analysis.confidential), quadrant.as_str()), 1)]
}

/// The NPS band of a 0–10 answer.
pub fn band(nps: i32) -> &'static str {
    match nps {
        9.. => "promoters",
        7..=8 => "passives",
        _ => "detractors",
    }
}

/// Who a person's rows count for: `p` live and public, `c` live and confidential, `d`
/// deleted. Their submissions and plans carry it in their keys, so a dashboard reads
/// the states a role may see instead of subtracting hidden people's rows.
pub fn state(deleted: bool, confidential: bool) -> &'static str {
    match (deleted, confidential) {
        (true, _) => "d",
        (false, true) => "c",
        (false, false) => "p",
    }
}

/// The state of a stakeholder.
pub fn person_state(s: &Stakeholder) -> &'static str {
    state(s.deleted_at.is_some(), s.analysis.confidential)
}

/// The counters of one submission by a person in `state`.
pub fn submission_keys(form_id: &str, period: &str, nps: Option<i32>, state: &str) -> Vec<(String, i64)> {
    let prefix = format!("submissions/{form_id}/{period}/");
    let mut keys = vec![(format!("{prefix}n/{state}"), 1)];
    if let Some(nps) = nps {
        keys.push((format!("{prefix}{}/{state}", band(nps)), 1));
    }
    keys
}

/// The counters a submission by a person in `state` adds to.
pub fn submission(x: &Submission, state: &str) -> Vec<(String, i64)> {
    submission_keys(&x.form_id, &x.period, x.nps, state)
}

/// An interaction's metrics: impressions, clicks, shares, reactions.
pub type MetricValues = [Option<i64>; 4];

/// The metric names, in `MetricValues` order.
pub const METRIC_NAMES: [&str; 4] = ["impressions", "clicks", "shares", "reactions"];

/// The counters of one live interaction; `hidden` when it involves a confidential person
/// (`c`, else `p`): roles that may not see them read only `p`.
pub fn interaction_keys(month: &str, kind: &str, metrics: MetricValues, hidden: bool) -> Vec<(String, i64)> {
    let state = if hidden { "c" } else { "p" };
    let prefix = format!("interactions/{month}/{kind}/");
    let mut keys = vec![(format!("{prefix}n/{state}"), 1)];
    for (name, value) in METRIC_NAMES.iter().zip(metrics) {
        if let Some(v) = value.filter(|v| *v != 0) {
            keys.push((format!("{prefix}{name}/{state}"), v));
        }
    }
    keys
}

/// The counters an interaction adds to: none once deleted.
pub fn interaction(x: &Interaction, hidden: bool) -> Vec<(String, i64)> {
    if x.deleted_at.is_some() {
        return Vec::new();
    }
    let m = x.metrics.clone().unwrap_or_default();
    let month = x.occurred_at.format("%Y-%m").to_string();
    interaction_keys(&month, x.kind.as_str(), [m.impressions, m.clicks, m.shares, m.reactions], hidden)
}

/// The counter of one live plan: due date, its person's state, owner (last: free text).
pub fn plan_keys(next_due_on: &str, owner: Option<&str>, state: &str) -> Vec<(String, i64)> {
    vec![(format!("plans/{next_due_on}/{state}/{}", owner.unwrap_or_default()), 1)]
}

/// The counter a plan of a person in `state` adds to: none once deleted.
pub fn plan(x: &Plan, state: &str) -> Vec<(String, i64)> {
    if x.deleted_at.is_some() {
        return Vec::new();
    }
    plan_keys(&x.next_due_on.format("%Y-%m-%d").to_string(), x.owner.as_deref(), state)
}

/// Adds `sign` × each counter of `keys` to `into`.
pub fn add(into: &mut Deltas, keys: Vec<(String, i64)>, sign: i64) {
    for (key, n) in keys {
        *into.entry(key).or_default() += sign * n;
    }
}

/// What a write from `before` to `after` (either absent) changes, zero changes dropped.
pub fn change<T>(before: Option<&T>, after: Option<&T>, keys: impl Fn(&T) -> Vec<(String, i64)>) -> Deltas {
    let mut deltas = Deltas::new();
    if let Some(b) = before {
        add(&mut deltas, keys(b), -1);
    }
    if let Some(a) = after {
        add(&mut deltas, keys(a), 1);
    }
    deltas.retain(|_, n| *n != 0);
    deltas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip() {
        assert_eq!(parse_cell(&cell(Some(4), None, "critic")), Some((Some(4), None, "critic")));
        assert_eq!(parse_cell(&cell(None, Some(2), "unknown")), Some((None, Some(2), "unknown")));
        assert_eq!(parse_cell("x|1|a"), None);
    }

    #[test]
    fn bands_follow_nps() {
        assert_eq!(
            [band(0), band(6), band(7), band(8), band(9), band(10)],
            ["detractors", "detractors", "passives", "passives", "promoters", "promoters"]
        );
    }

    #[test]
    fn unchanged_counters_cancel() {
        let keys = |x: &i64| vec![("a".to_string(), 1), (format!("v/{x}"), *x)];
        let d = change(Some(&3), Some(&5), keys);
        assert_eq!(d, Deltas::from([("v/3".into(), -3), ("v/5".into(), 5)]));
        assert!(change(Some(&2), Some(&2), keys).is_empty());
    }
}
