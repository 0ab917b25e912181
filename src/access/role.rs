//! Roles and what each may see.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The role a token carries (JWT claim `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Workspace owner: everything.
    Admin,
    /// Marketing lead / account director: all data and analysis.
    Manager,
    /// Team member: profiles, plans, interactions; no confidential stakeholders.
    Contributor,
    /// Read-only colleague; no confidential stakeholders.
    Viewer,
    /// CRM connector: profile fields only, never analysis.
    Integration,
    /// A stakeholder self-serving through `/v1/me`.
    Stakeholder,
}

impl Role {
    /// Every role, in the order of the table in API.md.
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::Manager, Role::Contributor, Role::Viewer, Role::Integration, Role::Stakeholder];

    /// The claim value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Contributor => "contributor",
            Role::Viewer => "viewer",
            Role::Integration => "integration",
            Role::Stakeholder => "stakeholder",
        }
    }

    /// Parses a claim value.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// May read analysis fields (the one place this is decided).
    pub fn sees_analysis(self) -> bool {
        !matches!(self, Role::Integration | Role::Stakeholder)
    }

    /// May write analysis fields.
    pub fn writes_analysis(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// May see stakeholders marked confidential.
    pub fn sees_confidential(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}
