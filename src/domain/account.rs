//! A customer account: the organisation a group of stakeholders belongs to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};

crate::string_enum!(
    /// Where the account stands commercially.
    #[derive(Default)]
    AccountStatus {
        #[default]
        Prospect = "prospect",
        Active = "active",
        Churned = "churned",
    }
);

/// A stored account.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Account {
    /// Server-generated UUID.
    pub id: String,
    /// Display name (1–200).
    pub name: String,
    /// CRM system.
    pub source: Option<String>,
    /// Id in the CRM (unique per workspace with `source`).
    pub external_id: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// prospect (default), active or churned.
    pub status: AccountStatus,
    /// Internal person responsible.
    pub owner: Option<String>,
    /// What the customer wants to achieve.
    pub business_goals: Vec<String>,
    /// How success is measured.
    pub kpis: Vec<String>,
    /// What hurts.
    pub pain_points: Vec<String>,
    /// Who else is in the deal.
    pub competitors: Vec<String>,
    /// +1 on every change.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When deleted.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Owning workspace.
    #[serde(skip)]
    #[schema(ignore)]
    pub workspace_id: String,
}

impl Account {
    /// An empty account to apply a create body onto.
    pub fn blank(workspace_id: &str, now: DateTime<Utc>) -> Self {
        Account {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            name: String::new(),
            source: None,
            external_id: None,
            industry: None,
            status: AccountStatus::default(),
            owner: None,
            business_goals: Vec::new(),
            kpis: Vec::new(),
            pain_points: Vec::new(),
            competitors: Vec::new(),
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }
}

impl super::versioned::Versioned for Account {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

impl Patchable for Account {
    const REQUIRED: &'static [&'static str] = &["name"];
    const READ_ONLY: &'static [&'static str] = &["id", "version", "created_at", "updated_at", "deleted_at"];

    fn set(&mut self, field: &str, v: &Value) -> Result<(), FieldError> {
        match field {
            "name" => self.name = fields::required_text(field, v, 1, 200)?,
            "source" => self.source = fields::crm_key(field, v, 100)?,
            "external_id" => self.external_id = fields::crm_key(field, v, 200)?,
            "industry" => self.industry = fields::text(field, v, 100, TextKind::Line)?,
            "status" => {
                self.status = fields::choice(field, v, AccountStatus::parse, AccountStatus::expected)?
                    .unwrap_or_default()
            }
            "owner" => self.owner = fields::text(field, v, 200, TextKind::Line)?,
            "business_goals" => self.business_goals = fields::text_list(field, v, 50, 500)?,
            "kpis" => self.kpis = fields::text_list(field, v, 50, 500)?,
            "pain_points" => self.pain_points = fields::text_list(field, v, 50, 500)?,
            "competitors" => self.competitors = fields::text_list(field, v, 50, 200)?,
            other => return Err(patch::unknown("account", other)),
        }
        Ok(())
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        if self.source.is_some() != self.external_id.is_some() {
            errors.push(FieldError::new("external_id", "source and external_id must be given together"));
        }
    }
}

impl super::versioned::SoftDelete for Account {
    fn deleted_at_mut(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>> {
        &mut self.deleted_at
    }
}
