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
    /// The change's position in the change feed.
    pub seq: i64,
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
    /// the record's own GET.
    #[schema(value_type = Option<Object>)]
    pub record: Option<Value>,
}
