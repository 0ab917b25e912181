//! Hand-written, portable schema: the same column types on SQLite and PostgreSQL.

mod platform;
mod register;

pub use platform::*;
pub use register::*;

diesel::allow_tables_to_appear_in_same_query!(
    workspaces,
    server_settings,
    tallies,
    stakeholders,
    stakeholder_tags,
    duplicate_dismissals,
    shared_values,
    access_links,
    accounts,
    contracts,
    relationships,
    stakeholder_history,
    forms,
    form_versions,
    form_reminders,
    submissions,
    feedback_items,
    form_period_closures,
    engagement_plans,
    interactions,
    interaction_stakeholders,
    change_counters,
    changes,
    webhooks,
    webhook_deliveries,
    idempotency_keys,
    api_keys,
    calendar_links,
);
