//! The values that make two people candidate duplicates, and how a write moves the count
//! of people holding each (kept in `shared_values`, so a duplicates page reads the values
//! held more than once instead of scanning the register).

use std::collections::BTreeMap;

use super::stakeholder::Stakeholder;
use super::text_fold;

crate::string_enum!(
    /// Why two people may be one.
    Reason { Email = "email", Phone = "phone", Name = "name", CrmKey = "crm_key" }
);

impl Reason {
    /// How much this reason alone says (a pair's score is the sum, at most 100).
    pub fn weight(self) -> u32 {
        match self {
            Reason::Email => 60,
            Reason::CrmKey => 50,
            Reason::Phone => 40,
            Reason::Name => 40,
        }
    }
}

/// (reason, value) → change in the number of people holding it.
pub type Deltas = BTreeMap<(Reason, String), i64>;

/// The values this person holds: folded email, phone digits and name tokens while live;
/// the CRM record id in every state, because a merged (deleted) person's key stays an
/// alias of the survivor.
pub fn keys(p: &Stakeholder) -> Vec<(Reason, String)> {
    let mut keys = Vec::with_capacity(4);
    if p.deleted_at.is_none() {
        let tokens = text_fold::name_tokens(&p.profile.name);
        if !tokens.is_empty() {
            keys.push((Reason::Name, tokens));
        }
        if let Some(email) = text_fold::email_key(p.profile.email.as_deref()) {
            keys.push((Reason::Email, email));
        }
        if let Some(phone) = text_fold::phone_key(p.profile.phone.as_deref()) {
            keys.push((Reason::Phone, phone));
        }
    }
    if let Some(key) = &p.profile.external_id {
        keys.push((Reason::CrmKey, key.clone()));
    }
    keys
}

/// Adds one person's values, `n` times (1 for a new row, -1 for the row as it was).
pub fn add(deltas: &mut Deltas, p: &Stakeholder, n: i64) {
    for key in keys(p) {
        *deltas.entry(key).or_default() += n;
    }
}

/// What a write from `before` to `after` moves (values whose count is unchanged left out).
pub fn change(before: Option<&Stakeholder>, after: Option<&Stakeholder>) -> Deltas {
    let mut deltas = Deltas::new();
    if let Some(b) = before {
        add(&mut deltas, b, -1);
    }
    if let Some(a) = after {
        add(&mut deltas, a, 1);
    }
    deltas.retain(|_, n| *n != 0);
    deltas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, email: Option<&str>) -> Stakeholder {
        let mut p = Stakeholder::blank("w", chrono::Utc::now());
        p.profile.name = name.into();
        p.profile.email = email.map(Into::into);
        p
    }

    #[test]
    fn an_unchanged_value_moves_nothing_and_a_deletion_keeps_the_crm_key() {
        let before = person("Émile Zola", Some("EZ@example.com"));
        let mut after = person("Zola Emile", Some("ez@example.com"));
        assert!(change(Some(&before), Some(&after)).is_empty());
        after.profile.external_id = Some("crm-1".into());
        after.deleted_at = Some(chrono::Utc::now());
        let moved = change(Some(&before), Some(&after));
        assert_eq!(moved.get(&(Reason::CrmKey, "crm-1".into())), Some(&1));
        assert_eq!(moved.get(&(Reason::Email, "ez@example.com".into())), Some(&-1));
    }
}
