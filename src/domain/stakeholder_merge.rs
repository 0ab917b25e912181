//! What a merge does to the survivor's fields: fills the empty ones from the merged
//! person, never overwrites, and unites the tags.

use super::stakeholder::Stakeholder;
use super::stakeholder_enums::Stance;

fn fill<T: Clone>(kept: &mut Option<T>, other: &Option<T>) {
    if kept.is_none() {
        kept.clone_from(other);
    }
}

fn fill_list<T: Clone>(kept: &mut Vec<T>, other: &[T]) {
    if kept.is_empty() {
        kept.extend_from_slice(other);
    }
}

/// Fills `into`'s empty fields from `from` and adds `from`'s tags; the CRM key stays.
pub fn absorb(into: &mut Stakeholder, from: &Stakeholder) {
    let (p, o) = (&mut into.profile, &from.profile);
    fill(&mut p.email, &o.email);
    fill(&mut p.phone, &o.phone);
    fill(&mut p.title, &o.title);
    fill(&mut p.organization, &o.organization);
    fill(&mut p.department, &o.department);
    fill(&mut p.account_id, &o.account_id);
    fill(&mut p.category, &o.category);
    fill(&mut p.relationship_status, &o.relationship_status);
    fill(&mut p.owner, &o.owner);
    for tag in &o.tags {
        if !p.tags.contains(tag) {
            p.tags.push(tag.clone());
        }
    }
    for (key, value) in &o.custom_fields {
        p.custom_fields.entry(key.clone()).or_insert_with(|| value.clone());
    }
    let (a, o) = (&mut into.analysis, &from.analysis);
    fill(&mut a.influence, &o.influence);
    fill(&mut a.impact, &o.impact);
    if a.stance == Stance::Unknown {
        a.stance = o.stance;
    }
    fill(&mut a.stance_reason, &o.stance_reason);
    fill_list(&mut a.segments, &o.segments);
    fill(&mut a.decision_role, &o.decision_role);
    a.veto |= o.veto;
    fill(&mut a.goals, &o.goals);
    fill(&mut a.concerns, &o.concerns);
    fill(&mut a.pitch, &o.pitch);
    fill_list(&mut a.rights, &o.rights);
    fill_list(&mut a.responsibilities, &o.responsibilities);
    fill(&mut a.notes, &o.notes);
}
