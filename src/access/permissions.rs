//! The permission table: every authenticated operation and the roles that may call it.
//!
//! The `Auth` extractor looks the request up here and answers 403 for any other role, so
//! no handler lists roles; the OpenAPI description of each operation is given its roles
//! from here too. An operation missing from the table is refused to everyone (and a test
//! fails), so a new route cannot be open by accident.

use super::Role::{self, Admin, Contributor, Integration, Manager, Stakeholder, Viewer};

/// One operation and who may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template as in the OpenAPI document (`/v1/stakeholders/{id}`).
    pub path: &'static str,
    /// The roles allowed.
    pub roles: &'static [Role],
}

/// Everyone who works in the workspace and reads its map.
const STAFF: &[Role] = &[Admin, Manager, Contributor, Viewer];
/// Staff plus the CRM connector.
const STAFF_AND_CRM: &[Role] = &[Admin, Manager, Contributor, Viewer, Integration];
/// Those who write profiles, plans' people and interactions (not viewers).
const PROFILE_WRITERS: &[Role] = &[Admin, Manager, Contributor, Integration];
/// Those who delete and restore CRM-owned records.
const CRM_OWNERS: &[Role] = &[Admin, Manager, Integration];
/// Those who write analysis, design forms and triage.
const LEADS: &[Role] = &[Admin, Manager];
/// Team members who write plans.
const TEAM_WRITERS: &[Role] = &[Admin, Manager, Contributor];
/// Those who submit feedback (a stakeholder for themselves, others on someone's behalf).
const SUBMITTERS: &[Role] = &[Admin, Manager, Contributor, Integration, Stakeholder];
/// Those who read submissions (a stakeholder only their own).
const SUBMISSION_READERS: &[Role] = &[Admin, Manager, Contributor, Viewer, Integration, Stakeholder];

const fn op(method: &'static str, path: &'static str, roles: &'static [Role]) -> Permission {
    Permission { method, path, roles }
}

/// The table.
pub const PERMISSIONS: &[Permission] = &[
    op("GET", "/v1/stakeholders", STAFF_AND_CRM),
    op("POST", "/v1/stakeholders", PROFILE_WRITERS),
    op("GET", "/v1/stakeholders/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/stakeholders/{id}", PROFILE_WRITERS),
    op("DELETE", "/v1/stakeholders/{id}", CRM_OWNERS),
    op("POST", "/v1/stakeholders/{id}/restore", CRM_OWNERS),
    op("POST", "/v1/stakeholders/{id}/merge", LEADS),
    op("GET", "/v1/duplicates", LEADS),
    op("POST", "/v1/duplicates/dismiss", LEADS),
    op("GET", "/v1/stakeholders/{id}/history", STAFF_AND_CRM),
    op("POST", "/v1/stakeholders/{id}/access-links", LEADS),
    op("GET", "/v1/stakeholders/{id}/access-links", LEADS),
    op("DELETE", "/v1/access-links/{id}", LEADS),
    op("PUT", "/v1/stakeholders/by-external-id/{source}/{external_id}", PROFILE_WRITERS),
    op("POST", "/v1/stakeholders/batch", PROFILE_WRITERS),
    op("POST", "/v1/import/stakeholders", PROFILE_WRITERS),
    op("GET", "/v1/export/stakeholders.csv", &[Admin, Manager, Integration]),
    op("GET", "/v1/export/anonymized", LEADS),
    op("GET", "/v1/relationships", STAFF),
    op("POST", "/v1/relationships", LEADS),
    op("GET", "/v1/relationships/{id}", STAFF),
    op("DELETE", "/v1/relationships/{id}", LEADS),
    op("POST", "/v1/relationships/{id}/restore", LEADS),
    op("GET", "/v1/network", STAFF),
    op("GET", "/v1/accounts", STAFF_AND_CRM),
    op("POST", "/v1/accounts", PROFILE_WRITERS),
    op("GET", "/v1/accounts/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/accounts/{id}", PROFILE_WRITERS),
    op("DELETE", "/v1/accounts/{id}", CRM_OWNERS),
    op("POST", "/v1/accounts/{id}/restore", CRM_OWNERS),
    op("PUT", "/v1/accounts/by-external-id/{source}/{external_id}", PROFILE_WRITERS),
    op("GET", "/v1/accounts/{id}/map", STAFF),
    op("GET", "/v1/accounts/{id}/contracts", STAFF_AND_CRM),
    op("POST", "/v1/accounts/{id}/contracts", CRM_OWNERS),
    op("GET", "/v1/contracts/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/contracts/{id}", CRM_OWNERS),
    op("DELETE", "/v1/contracts/{id}", CRM_OWNERS),
    op("POST", "/v1/contracts/{id}/restore", CRM_OWNERS),
    op("GET", "/v1/forms", STAFF_AND_CRM),
    op("POST", "/v1/forms", LEADS),
    op("GET", "/v1/forms/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/forms/{id}", LEADS),
    op("POST", "/v1/forms/{id}/versions", LEADS),
    op("GET", "/v1/forms/{id}/report", STAFF),
    op("GET", "/v1/forms/{id}/missing", STAFF_AND_CRM),
    op("POST", "/v1/forms/{id}/periods/{period}/close", LEADS),
    op("POST", "/v1/forms/{id}/periods/{period}/reminders", LEADS),
    op("POST", "/v1/forms/{id}/submissions", SUBMITTERS),
    op("GET", "/v1/submissions", SUBMISSION_READERS),
    op("GET", "/v1/submissions/{id}", SUBMISSION_READERS),
    op("PUT", "/v1/submissions/{id}", SUBMITTERS),
    op("GET", "/v1/feedback-items", STAFF_AND_CRM),
    op("POST", "/v1/feedback-items", PROFILE_WRITERS),
    op("GET", "/v1/feedback-items/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/feedback-items/{id}", LEADS),
    op("GET", "/v1/me", &[Stakeholder]),
    op("GET", "/v1/me/forms", &[Stakeholder]),
    op("GET", "/v1/me/forms/{id}", &[Stakeholder]),
    op("GET", "/v1/me/feedback", &[Stakeholder]),
    op("GET", "/v1/calendar-links", STAFF),
    op("POST", "/v1/calendar-links", STAFF),
    op("DELETE", "/v1/calendar-links/{id}", STAFF),
    op("GET", "/v1/engagement-plans", STAFF),
    op("POST", "/v1/engagement-plans", TEAM_WRITERS),
    op("GET", "/v1/engagement-plans/{id}", STAFF),
    op("PATCH", "/v1/engagement-plans/{id}", TEAM_WRITERS),
    op("DELETE", "/v1/engagement-plans/{id}", TEAM_WRITERS),
    op("POST", "/v1/engagement-plans/{id}/restore", TEAM_WRITERS),
    op("GET", "/v1/interactions", STAFF_AND_CRM),
    op("POST", "/v1/interactions", PROFILE_WRITERS),
    op("GET", "/v1/interactions/{id}", STAFF_AND_CRM),
    op("PATCH", "/v1/interactions/{id}", PROFILE_WRITERS),
    op("DELETE", "/v1/interactions/{id}", PROFILE_WRITERS),
    op("POST", "/v1/interactions/{id}/restore", PROFILE_WRITERS),
    op("GET", "/v1/schedule", STAFF),
    op("GET", "/v1/schedule.ics", STAFF),
    op("GET", "/v1/engagement-sequence", STAFF),
    op("GET", "/v1/changes", STAFF_AND_CRM),
    op("GET", "/v1/api-keys", &[Admin]),
    op("POST", "/v1/api-keys", &[Admin]),
    op("DELETE", "/v1/api-keys/{id}", &[Admin]),
    op("GET", "/v1/webhooks", &[Admin]),
    op("POST", "/v1/webhooks", &[Admin]),
    op("GET", "/v1/webhooks/{id}", &[Admin]),
    op("PATCH", "/v1/webhooks/{id}", &[Admin]),
    op("DELETE", "/v1/webhooks/{id}", &[Admin]),
    op("GET", "/v1/webhooks/{id}/deliveries", &[Admin]),
    op("GET", "/v1/dashboard/summary", STAFF),
    op("GET", "/v1/dashboard/matrix", STAFF),
    op("GET", "/v1/dashboard/matrix.svg", STAFF),
    op("GET", "/v1/dashboard/groups.svg", STAFF),
    op("GET", "/v1/dashboard/feedback", STAFF),
    op("GET", "/v1/dashboard/engagement", STAFF),
    op("GET", "/v1/dashboard/advocacy", STAFF),
    op("GET", "/v1/dashboard/risks", STAFF),
];

/// The table's entry for a request, or `None` when no authenticated operation matches.
/// A literal segment beats a template (`/v1/stakeholders/batch` is not `{id}`). Runs on
/// every request, so it allocates nothing.
pub fn permission(method: &str, path: &str) -> Option<&'static Permission> {
    let path = path.trim_end_matches('/');
    let mut best: Option<(usize, &'static Permission)> = None;
    for p in PERMISSIONS.iter().filter(|p| p.method.eq_ignore_ascii_case(method)) {
        if let Some(params) = fits(p.path, path) {
            if best.is_none_or(|(fewest, _)| params < fewest) {
                best = Some((params, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// How many template parameters `path` fills, if it fits `template` segment by segment.
fn fits(template: &str, path: &str) -> Option<usize> {
    let (mut wanted, mut given, mut params) = (template.split('/'), path.split('/'), 0);
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(t), Some(g)) if is_param(t) && !g.is_empty() => params += 1,
            (Some(t), Some(g)) if t == g => {}
            _ => return None,
        }
    }
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

impl Permission {
    /// Whether `role` may call this operation.
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether every `{id}` segment of `path` (a path this permission matched) is a UUID.
    pub fn ids_are_uuids(&self, path: &str) -> bool {
        self.path
            .split('/')
            .zip(path.trim_end_matches('/').split('/'))
            .filter(|(template, _)| *template == "{id}")
            .all(|(_, segment)| uuid::Uuid::parse_str(segment).is_ok())
    }

    /// The sentence the OpenAPI description ends with.
    pub fn describe(&self) -> String {
        let names: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        format!("Roles: {}.", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_win_over_templates() {
        assert_eq!(permission("POST", "/v1/stakeholders/batch").unwrap().path, "/v1/stakeholders/batch");
        let any = permission("POST", "/v1/stakeholders/0b7c/restore").unwrap();
        assert_eq!(any.path, "/v1/stakeholders/{id}/restore");
        assert_eq!(permission("GET", "/v1/schedule.ics").unwrap().path, "/v1/schedule.ics");
        assert!(permission("GET", "/v1/nowhere").is_none());
        assert!(permission("PUT", "/v1/stakeholders").is_none());
    }

    #[test]
    fn every_operation_is_listed_once() {
        for (i, a) in PERMISSIONS.iter().enumerate() {
            for b in &PERMISSIONS[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{} {} twice", a.method, a.path);
            }
            assert!(!a.roles.is_empty(), "{} {} allows nobody", a.method, a.path);
        }
    }
}
