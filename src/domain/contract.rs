//! A contract with an account, and its life: active, renewed, completed or terminated.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::FieldError;
use super::fields::{self, TextKind};
use super::patch::{self, Patchable};

crate::string_enum!(
    /// Where the contract stands.
    #[derive(Default)]
    ContractStatus {
        #[default]
        Active = "active",
        Renewed = "renewed",
        Completed = "completed",
        Terminated = "terminated",
    }
);

/// The largest accepted `value_minor` (beyond any real contract, within every integer type used).
pub const MAX_VALUE_MINOR: i64 = 1_000_000_000_000_000;

/// A stored contract.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Contract {
    /// Server-generated UUID.
    pub id: String,
    /// The account.
    pub account_id: String,
    /// Title (1–200).
    pub title: String,
    /// Value in minor units of `currency` (0 to 10^18).
    pub value_minor: i64,
    /// ISO 4217 code, three capital letters.
    pub currency: String,
    /// First day (YYYY-MM-DD).
    pub start_date: NaiveDate,
    /// Last day, not before `start_date`.
    pub end_date: Option<NaiveDate>,
    /// active (default), renewed, completed or terminated.
    pub status: ContractStatus,
    /// KPI terms agreed.
    pub kpi_terms: Option<String>,
    /// Why the status is what it is; required when terminated.
    pub status_reason: Option<String>,
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

impl Contract {
    /// An empty contract of an account, to apply a create body onto.
    pub fn blank(workspace_id: &str, account_id: &str, now: DateTime<Utc>) -> Self {
        Contract {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: workspace_id.to_string(),
            account_id: account_id.to_string(),
            title: String::new(),
            value_minor: 0,
            currency: String::new(),
            start_date: NaiveDate::MIN,
            end_date: None,
            status: ContractStatus::default(),
            kpi_terms: None,
            status_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }
}

impl super::versioned::Versioned for Contract {
    fn version(&self) -> i64 {
        self.version
    }

    fn bump(&mut self) {
        self.version += 1;
        self.updated_at = crate::time::now();
    }
}

fn date(field: &str, v: &Value) -> Result<Option<NaiveDate>, FieldError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() == 10 => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| FieldError::new(field, "must be a date YYYY-MM-DD")),
        _ => Err(FieldError::new(field, "must be a date YYYY-MM-DD")),
    }
}

impl Patchable for Contract {
    const REQUIRED: &'static [&'static str] = &["title", "value_minor", "currency", "start_date"];
    const READ_ONLY: &'static [&'static str] =
        &["id", "account_id", "version", "created_at", "updated_at", "deleted_at"];

    fn set(&mut self, field: &str, v: &Value) -> Result<(), FieldError> {
        match field {
            "title" => self.title = fields::required_text(field, v, 1, 200)?,
            "value_minor" => {
                self.value_minor =
                    fields::integer(v).filter(|n| (0..=MAX_VALUE_MINOR).contains(n)).ok_or_else(|| {
                        FieldError::new(field, "must be an integer from 0 to 10^18 (minor units)")
                    })?
            }
            "currency" => {
                self.currency = v
                    .as_str()
                    .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
                    .ok_or_else(|| FieldError::new(field, "must be an ISO 4217 code such as CNY"))?
                    .to_string()
            }
            "start_date" => {
                self.start_date =
                    date(field, v)?.ok_or_else(|| FieldError::new(field, "is required and cannot be null"))?
            }
            "end_date" => self.end_date = date(field, v)?,
            "status" => {
                self.status = fields::choice(field, v, ContractStatus::parse, ContractStatus::expected)?
                    .unwrap_or_default()
            }
            "kpi_terms" => self.kpi_terms = fields::text(field, v, 2000, TextKind::Free)?,
            "status_reason" => self.status_reason = fields::text(field, v, 2000, TextKind::Free)?,
            other => return Err(patch::unknown("contract", other)),
        }
        Ok(())
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        if self.end_date.is_some_and(|end| end < self.start_date) {
            errors.push(FieldError::new("end_date", "must not be before start_date"));
        }
        if self.status == ContractStatus::Terminated
            && self.status_reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            errors.push(FieldError::new("status_reason", "is required when a contract is terminated"));
        }
    }
}

impl super::versioned::SoftDelete for Contract {
    fn deleted_at_mut(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>> {
        &mut self.deleted_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::DomainError;
    use crate::domain::patch::{apply, Mode};
    use serde_json::json;

    fn create(v: Value) -> Result<Contract, DomainError> {
        let mut c = Contract::blank("ws", "acc", Utc::now());
        apply(&mut c, v.as_object().unwrap(), Mode::Create).map(|_| c)
    }

    #[test]
    fn contracts_validate() {
        let ok = create(
            json!({"title": "MSA", "value_minor": 50_000_000, "currency": "CNY", "start_date": "2026-01-01"}),
        )
        .unwrap();
        assert_eq!(ok.status, ContractStatus::Active);
        let Err(DomainError::Invalid(e)) =
            create(json!({"title": "", "value_minor": -1, "currency": "cny", "start_date": "2026-13-01"}))
        else {
            panic!()
        };
        assert_eq!(e.len(), 4);
        let Err(DomainError::Invalid(e)) = create(
            json!({"title": "T", "value_minor": 1, "currency": "EUR", "start_date": "2026-02-01", "end_date": "2026-01-01"}),
        ) else {
            panic!()
        };
        assert_eq!(e[0].field, "end_date");
        let Err(DomainError::Invalid(e)) = create(
            json!({"title": "T", "value_minor": 1, "currency": "EUR", "start_date": "2026-02-01", "status": "terminated"}),
        ) else {
            panic!()
        };
        assert_eq!(e[0].field, "status_reason");
    }
}
