//! What the delivery log shows of a delivery: its status and the event body it sends.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

crate::string_enum!(
    /// Where a delivery is.
    DeliveryStatus { Pending = "pending", Delivered = "delivered", Failed = "failed", Cancelled = "cancelled" }
);

/// The body of a webhook delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEvent {
    /// The delivery id (receivers de-duplicate on it).
    #[schema(format = Uuid)]
    pub id: String,
    /// `<type>.<created|updated|deleted|…>`.
    pub event: String,
    /// When the change was committed.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// The change's position in the change feed (null on `form.reminder`, which changes
    /// no record).
    pub seq: Option<i64>,
    /// What changed.
    pub data: WebhookEventData,
}

/// What a webhook event is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEventData {
    /// The record's type.
    #[serde(rename = "type")]
    pub entity_type: crate::store::changes::EntityType,
    /// The record's id.
    #[schema(format = Uuid)]
    pub id: String,
    /// upsert or delete.
    pub op: crate::store::changes::FeedOp,
    /// On `stakeholder.merged`: the person the record was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid)]
    pub merged_into: Option<String>,
    /// The record as the integration role sees it (null on delete): the same shape as
    /// the record's own GET; on `form.reminder`, the person's contact fields (id, name,
    /// email, phone, locale, source, external_id).
    #[schema(value_type = Option<Object>)]
    pub record: Option<Value>,
    /// On `form.reminder`: what to send the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<ReminderData>,
}

/// A reminder to answer a month's form, for the CRM or mail tool to send.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderData {
    /// The form.
    #[schema(format = Uuid)]
    pub form_id: String,
    /// The month, YYYY-MM.
    pub period: String,
    /// The language to write in: the person's locale, else the workspace default, of
    /// those the form is written in (else the form's default).
    pub locale: String,
    /// The form's title in that language.
    pub title: String,
    /// The person's fresh access link (it opens the form; shown only here).
    pub url: String,
    /// When the link stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}
