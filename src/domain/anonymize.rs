//! The anonymised map: people and accounts as stable codes, scores and structure kept,
//! every name, contact, external id and free-text field removed, money as ranges.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::account::{Account, AccountStatus};
use super::contract::{Contract, ContractStatus};
use super::quadrant::strategy;
use super::relationship::{Relationship, RelationshipKind};
use super::stakeholder::Stakeholder;
use super::stakeholder_enums::*;

/// A person without identity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonPerson {
    /// Stable code, e.g. `S-0001`.
    pub code: String,
    pub group: Group,
    pub category: Option<Category>,
    pub decision_role: Option<DecisionRole>,
    pub influence: Option<i32>,
    pub impact: Option<i32>,
    pub quadrant: Quadrant,
    pub strategy: Option<Strategy>,
    pub stance: Stance,
    pub veto: bool,
    pub segments: Vec<Segment>,
    pub relationship_status: Option<RelationshipStatus>,
    /// Account code, e.g. `A-001`.
    pub account: Option<String>,
}

/// A link between two codes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonEdge {
    pub from: String,
    pub to: String,
    pub kind: RelationshipKind,
    pub strength: Option<i32>,
}

/// A contract with its value as a range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonContract {
    pub status: ContractStatus,
    pub currency: String,
    /// `<100k`, `100k–500k`, `500k–1M`, `1M–5M` or `≥5M`, in major units of `currency`.
    pub value_range: String,
    pub start_date: chrono::NaiveDate,
    pub end_date: Option<chrono::NaiveDate>,
}

/// An account without identity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonAccount {
    /// Stable code, e.g. `A-001`.
    pub code: String,
    pub status: AccountStatus,
    pub contracts: Vec<AnonContract>,
}

/// The whole anonymised map.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonMap {
    pub people: Vec<AnonPerson>,
    pub relationships: Vec<AnonEdge>,
    pub accounts: Vec<AnonAccount>,
}

/// Decimal places of a currency's minor unit (ISO 4217); 2 unless listed.
pub fn minor_digits(currency: &str) -> u32 {
    const ZERO: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
        "XAF", "XOF", "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if ZERO.contains(&currency) {
        0
    } else if THREE.contains(&currency) {
        3
    } else {
        2
    }
}

/// The range a contract value falls in, in major units.
pub fn value_range(value_minor: i64, currency: &str) -> &'static str {
    let major = value_minor / 10_i64.pow(minor_digits(currency));
    match major {
        m if m < 100_000 => "<100k",
        m if m < 500_000 => "100k–500k",
        m if m < 1_000_000 => "500k–1M",
        m if m < 5_000_000 => "1M–5M",
        _ => "≥5M",
    }
}

/// The code of the `n`th person ever created in a workspace (from 1).
pub fn person_code(n: usize) -> String {
    format!("S-{n:04}")
}

/// The code of the `n`th account ever created in a workspace (from 1).
pub fn account_code(n: usize) -> String {
    format!("A-{n:03}")
}

/// A person without identity: scores and structure only (account by its code).
pub fn person(s: &Stakeholder, code: String, account_codes: &HashMap<String, String>) -> AnonPerson {
    let quadrant = s.quadrant();
    AnonPerson {
        code,
        group: s.profile.group,
        category: s.profile.category,
        decision_role: s.analysis.decision_role,
        influence: s.analysis.influence,
        impact: s.analysis.impact,
        quadrant,
        strategy: strategy(quadrant),
        stance: s.analysis.stance,
        veto: s.analysis.veto,
        segments: s.analysis.segments.clone(),
        relationship_status: s.profile.relationship_status,
        account: s.profile.account_id.as_deref().and_then(|a| account_codes.get(a).cloned()),
    }
}

/// An account without identity, with its live contracts (of those given) as ranges.
pub fn account(a: &Account, code: String, contracts: &[Contract]) -> AnonAccount {
    AnonAccount {
        code,
        status: a.status,
        contracts: contracts
            .iter()
            .filter(|c| c.account_id == a.id && c.deleted_at.is_none())
            .map(|c| AnonContract {
                status: c.status,
                currency: c.currency.clone(),
                value_range: value_range(c.value_minor, &c.currency).to_string(),
                start_date: c.start_date,
                end_date: c.end_date,
            })
            .collect(),
    }
}

/// Builds the anonymised map. `people` and `accounts` must hold every row ever created
/// (deleted included), oldest first, so that codes never shift; deleted rows get a code
/// but are left out.
pub fn anonymize(
    people: &[Stakeholder],
    edges: &[Relationship],
    accounts: &[Account],
    contracts: &[Contract],
) -> AnonMap {
    let person_code: HashMap<&str, String> =
        people.iter().enumerate().map(|(i, s)| (s.id.as_str(), person_code(i + 1))).collect();
    let account_codes: HashMap<String, String> =
        accounts.iter().enumerate().map(|(i, a)| (a.id.clone(), account_code(i + 1))).collect();
    let live_people = people
        .iter()
        .filter(|s| s.deleted_at.is_none())
        .map(|s| person(s, person_code[s.id.as_str()].clone(), &account_codes));
    let relationships = edges
        .iter()
        .filter_map(|e| {
            Some(AnonEdge {
                from: person_code.get(e.from_id.as_str())?.clone(),
                to: person_code.get(e.to_id.as_str())?.clone(),
                kind: e.kind,
                strength: e.strength,
            })
        })
        .collect();
    let accounts = accounts
        .iter()
        .filter(|a| a.deleted_at.is_none())
        .map(|a| account(a, account_codes[&a.id].clone(), contracts))
        .collect();
    AnonMap { people: live_people.collect(), relationships, accounts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_use_major_units() {
        assert_eq!(value_range(9_999_999, "CNY"), "<100k");
        assert_eq!(value_range(10_000_000, "CNY"), "100k–500k");
        assert_eq!(value_range(50_000_000, "CNY"), "500k–1M");
        assert_eq!(value_range(100_000_000, "USD"), "1M–5M");
        assert_eq!(value_range(500_000_000, "EUR"), "≥5M");
        assert_eq!(value_range(2_000_000, "JPY"), "1M–5M");
        assert_eq!(value_range(2_000_000, "KWD"), "<100k");
    }
}
