//! The caller as every read and write sees it.

use super::Role;

/// The authenticated caller: who, in which workspace, with which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Subject claim (the actor recorded on changes).
    pub sub: String,
    /// Workspace every query is scoped to.
    pub workspace_id: String,
    /// The caller's role.
    pub role: Role,
    /// The stakeholder a `stakeholder` token speaks for.
    pub stakeholder_id: Option<String>,
}

impl Viewer {
    /// Whether confidential people (and everything tied to them) are visible.
    pub fn sees_confidential(&self) -> bool {
        self.role.sees_confidential()
    }

    /// The `confidential` values of the people this caller may see (a filter's operand).
    pub fn confidential_values(&self) -> &'static [bool] {
        match self.sees_confidential() {
            true => &[false, true],
            false => &[false],
        }
    }

    /// The `confidential` values of the people whose records a list may show: a
    /// stakeholder's own records whatever their flag (the list is then limited to
    /// `own_only`), otherwise `confidential_values`.
    pub fn record_confidential_values(&self) -> Vec<bool> {
        match self.own_only() {
            Some(_) => vec![false, true],
            None => self.confidential_values().to_vec(),
        }
    }

    /// Whether analysis fields are visible.
    pub fn sees_analysis(&self) -> bool {
        self.role.sees_analysis()
    }

    /// Whether analysis fields may be written.
    pub fn writes_analysis(&self) -> bool {
        self.role.writes_analysis()
    }

    /// Whether this caller is a stakeholder seeing only their own records.
    pub fn own_only(&self) -> Option<&str> {
        match self.role {
            Role::Stakeholder => self.stakeholder_id.as_deref(),
            _ => None,
        }
    }

    /// Whether internal actors (`submitted_by`, `owner`, `actor`) may be shown.
    pub fn sees_internal_actors(&self) -> bool {
        self.role != Role::Stakeholder
    }
}
