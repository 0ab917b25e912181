//! The change feed: one row per create, update and delete, written in the writer's
//! transaction, with webhook deliveries queued beside it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::db::schema::{change_counters as cc, changes as ch};
use crate::db::DbConnection;

crate::string_enum!(
    /// The kinds of record the feed reports.
    EntityType {
        Stakeholder = "stakeholder", Account = "account", Contract = "contract",
        Relationship = "relationship", Plan = "plan", Interaction = "interaction",
        Submission = "submission", FeedbackItem = "feedback_item",
    }
);

crate::string_enum!(
    /// What happened, as webhook events name it.
    ChangeKind { Created = "created", Updated = "updated", Deleted = "deleted" }
);

impl ChangeKind {
    /// The feed's op: deletes are `delete`, everything else `upsert`.
    pub fn op(self) -> &'static str {
        match self {
            ChangeKind::Deleted => "delete",
            _ => "upsert",
        }
    }

    /// Created, updated or deleted, from the deletion times before and after a write.
    pub fn of<T>(before: Option<&Option<T>>, after: &Option<T>) -> ChangeKind {
        match (before, after) {
            (None, _) => ChangeKind::Created,
            (Some(None), Some(_)) => ChangeKind::Deleted,
            _ => ChangeKind::Updated,
        }
    }
}

/// One feed entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ch)]
pub struct Change {
    pub workspace_id: String,
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub op: String,
    pub at: NaiveDateTime,
}

/// Creates a workspace's sequence counter.
pub fn create_counter(conn: &mut DbConnection, workspace_id: &str) -> QueryResult<()> {
    diesel::insert_into(cc::table)
        .values((cc::workspace_id.eq(workspace_id), cc::last_seq.eq(0_i64)))
        .execute(conn)
        .map(|_| ())
}

/// Allocates `n` sequence numbers and returns the first. The counter row stays locked
/// until the transaction ends, so a workspace's changes commit in sequence order.
pub fn allocate(conn: &mut DbConnection, workspace_id: &str, n: i64) -> QueryResult<i64> {
    let updated = diesel::update(cc::table.filter(cc::workspace_id.eq(workspace_id)))
        .set(cc::last_seq.eq(cc::last_seq + n))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(cc::table)
            .values((cc::workspace_id.eq(workspace_id), cc::last_seq.eq(n)))
            .execute(conn)?;
    }
    let last: i64 = cc::table.filter(cc::workspace_id.eq(workspace_id)).select(cc::last_seq).first(conn)?;
    Ok(last - n + 1)
}

/// A change row to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ch)]
pub struct NewChange {
    pub workspace_id: String,
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub op: String,
    pub at: NaiveDateTime,
}

/// The change row with sequence `seq`.
pub fn entry(workspace_id: &str, seq: i64, entity: EntityType, id: &str, kind: ChangeKind) -> NewChange {
    NewChange {
        workspace_id: workspace_id.to_string(),
        seq,
        entity_type: entity.as_str().to_string(),
        entity_id: id.to_string(),
        op: kind.op().to_string(),
        at: crate::time::now().naive_utc(),
    }
}

/// The webhook event name and payload of a change; `data` is the record as the CRM may see it.
pub fn payload(change: &NewChange, kind: ChangeKind, data: Value) -> (String, Value) {
    let event = format!("{}.{}", change.entity_type, kind.as_str());
    let payload = json!({"event": event, "occurred_at": crate::time::rfc3339(crate::time::utc(change.at)), "seq": change.seq,
        "data": {"type": change.entity_type, "id": change.entity_id, "op": change.op, "record": data}});
    (event, payload)
}

/// Records a change of one record and, when the workspace has webhooks, queues their
/// deliveries; `data` (the record as the CRM may see it) is only built then.
pub fn record(
    conn: &mut DbConnection,
    workspace_id: &str,
    entity: EntityType,
    id: &str,
    kind: ChangeKind,
    data: impl FnOnce() -> Value,
) -> QueryResult<i64> {
    let seq = allocate(conn, workspace_id, 1)?;
    let row = entry(workspace_id, seq, entity, id, kind);
    diesel::insert_into(ch::table).values(&row).execute(conn)?;
    let hooks = super::webhooks::active(conn, workspace_id)?;
    if !hooks.is_empty() {
        super::webhooks::enqueue(conn, workspace_id, &hooks, &[payload(&row, kind, data())])?;
    }
    Ok(seq)
}

/// Up to `limit` changes after `after`, in sequence order, optionally of some types;
/// changes of confidential stakeholders are left out when `hide_confidential`.
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    after: i64,
    types: &[EntityType],
    hide_confidential: bool,
    limit: i64,
) -> QueryResult<Vec<Change>> {
    use crate::db::schema::stakeholders as s;
    let mut q = ch::table
        .filter(ch::workspace_id.eq(workspace_id.to_string()))
        .filter(ch::seq.gt(after))
        .into_boxed();
    if hide_confidential {
        let secret = s::table
            .filter(s::workspace_id.eq(workspace_id.to_string()))
            .filter(s::confidential.eq(true))
            .select(s::id);
        q = q.filter(diesel::dsl::not(
            ch::entity_type.eq(EntityType::Stakeholder.as_str()).and(ch::entity_id.eq_any(secret)),
        ));
    }
    if !types.is_empty() {
        q = q.filter(ch::entity_type.eq_any(types.iter().map(|t| t.as_str()).collect::<Vec<_>>()));
    }
    q.order(ch::seq.asc()).limit(limit).select(Change::as_select()).load(conn)
}

/// A record the change feed tracks.
pub trait Tracked {
    /// Its type in the feed.
    const ENTITY: EntityType;
    /// Owning workspace.
    fn workspace(&self) -> &str;
    /// Its id.
    fn key(&self) -> &str;
    /// When it was soft-deleted, for kinds that can be.
    fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }
    /// What a webhook receiver gets: the record as the CRM may see it.
    fn change_data(&self) -> Value;
}

/// Records the write of `after` (a create when there is no `before`).
pub fn record_write<T: Tracked>(conn: &mut DbConnection, before: Option<&T>, after: &T) -> QueryResult<i64> {
    let kind = ChangeKind::of(before.map(|b| b.deleted_at()).as_ref(), &after.deleted_at());
    record(conn, after.workspace(), T::ENTITY, after.key(), kind, || after.change_data())
}

macro_rules! tracked {
    ($($t:ty => $entity:ident, deletable: $del:tt);+ $(;)?) => {
        $(impl Tracked for $t {
            const ENTITY: EntityType = EntityType::$entity;
            fn workspace(&self) -> &str {
                &self.workspace_id
            }
            fn key(&self) -> &str {
                &self.id
            }
            fn change_data(&self) -> Value {
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
            tracked!(@deleted $del);
        })+
    };
    (@deleted true) => {
        fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
            self.deleted_at
        }
    };
    (@deleted false) => {};
}

tracked!(
    crate::domain::account::Account => Account, deletable: true;
    crate::domain::contract::Contract => Contract, deletable: true;
    crate::domain::engagement::Plan => Plan, deletable: true;
    crate::domain::interaction::Interaction => Interaction, deletable: true;
    crate::domain::relationship::Relationship => Relationship, deletable: true;
    crate::domain::submission::Submission => Submission, deletable: false;
    crate::domain::feedback_item::FeedbackItem => FeedbackItem, deletable: false;
);

impl Tracked for crate::domain::stakeholder::Stakeholder {
    const ENTITY: EntityType = EntityType::Stakeholder;
    fn workspace(&self) -> &str {
        &self.workspace_id
    }
    fn key(&self) -> &str {
        &self.id
    }
    fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.deleted_at
    }
    /// Profile fields only (what an integration token sees); nothing for confidential people.
    fn change_data(&self) -> Value {
        if self.analysis.confidential {
            return Value::Null;
        }
        let mut data = serde_json::to_value(&self.profile).unwrap_or(Value::Null);
        data["id"] = json!(self.id);
        data["version"] = json!(self.version);
        data["updated_at"] = json!(crate::time::rfc3339(self.updated_at));
        data["deleted_at"] = json!(self.deleted_at.map(crate::time::rfc3339));
        data
    }
}
