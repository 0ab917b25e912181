//! The change feed: one row per create, update and delete, written in the writer's
//! transaction, with webhook deliveries queued beside it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::access::Viewer;
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
    /// What the change feed says happened to a record.
    FeedOp { Upsert = "upsert", Delete = "delete" }
);

crate::string_enum!(
    /// What happened, as webhook events name it.
    ChangeKind { Created = "created", Updated = "updated", Deleted = "deleted", Merged = "merged" }
);

impl ChangeKind {
    /// The feed's op: deletes (and merging away) are `delete`, everything else `upsert`.
    pub fn op(self) -> &'static str {
        match self {
            ChangeKind::Deleted | ChangeKind::Merged => "delete",
            _ => "upsert",
        }
    }

    /// Whether records of this type can have this kind of change (only people merge).
    pub fn applies_to(self, entity: EntityType) -> bool {
        self != ChangeKind::Merged || entity == EntityType::Stakeholder
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
    pub merged_into: Option<String>,
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

/// Records that `from` was merged into `into`: a `delete` naming the survivor in the feed,
/// and a `stakeholder.merged` event (nothing for a confidential person, as for any event).
pub fn record_merge(
    conn: &mut DbConnection,
    from: &crate::domain::stakeholder::Stakeholder,
    into: &str,
) -> QueryResult<()> {
    let workspace_id = from.workspace_id.as_str();
    let seq = allocate(conn, workspace_id, 1)?;
    let row = entry(workspace_id, seq, EntityType::Stakeholder, &from.id, ChangeKind::Merged);
    diesel::insert_into(ch::table).values((&row, ch::merged_into.eq(into))).execute(conn)?;
    let hooks = super::webhooks::active(conn, workspace_id)?;
    if hooks.is_empty() || from.analysis.confidential {
        return Ok(());
    }
    let (event, mut body) = payload(&row, ChangeKind::Merged, Value::Null);
    body["data"]["merged_into"] = Value::from(into);
    super::webhooks::enqueue(conn, workspace_id, &hooks, &[(event, body)])
}

/// The feed's op for a person's change that made them hidden (confidential): it reads
/// as `delete` to the roles that cannot see them, as `upsert` to the others.
pub const HIDE_OP: &str = "hide";

/// Whether the people a record is tied to are hidden from the integration role (whose
/// visibility webhooks follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Visible: the event goes out as it is.
    Visible,
    /// Tied to a confidential person: no event at all.
    Hidden,
    /// This change made the person confidential: receivers learn only that they are gone.
    BecameHidden,
}

/// Up to `limit` changes after `after`, in sequence order, optionally of some types, as
/// the viewer may see them: for a viewer who cannot see confidential people, changes of
/// records tied to one (the person, their plans, submissions, points, interactions and
/// relationships) are left out, and the change that hid a person reads as `delete`;
/// relationships (analysis) are left out for viewers who cannot see analysis.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    after: i64,
    types: &[EntityType],
    limit: i64,
) -> QueryResult<Vec<Change>> {
    use crate::db::schema::{
        engagement_plans as p, feedback_items as f, interaction_stakeholders as l, relationships as r,
        stakeholders as s, submissions as sub,
    };
    let ws = viewer.workspace_id.clone();
    let mut q = ch::table.filter(ch::workspace_id.eq(ws.clone())).filter(ch::seq.gt(after)).into_boxed();
    let hidden = !viewer.sees_confidential();
    if hidden {
        let secret =
            || s::table.filter(s::workspace_id.eq(ws.clone())).filter(s::confidential.eq(true)).select(s::id);
        let of = |t: EntityType| ch::entity_type.eq(t.as_str());
        let plans = p::table
            .filter(p::workspace_id.eq(ws.clone()))
            .filter(p::stakeholder_id.eq_any(secret()))
            .select(p::id);
        let subs = sub::table
            .filter(sub::workspace_id.eq(ws.clone()))
            .filter(sub::stakeholder_id.eq_any(secret()))
            .select(sub::id);
        let points = f::table
            .filter(f::workspace_id.eq(ws.clone()))
            .filter(f::stakeholder_id.eq_any(secret()))
            .select(f::id);
        let meetings = l::table
            .filter(l::workspace_id.eq(ws.clone()))
            .filter(l::stakeholder_id.eq_any(secret()))
            .select(l::interaction_id);
        let links = r::table
            .filter(r::workspace_id.eq(ws.clone()))
            .filter(r::from_id.eq_any(secret()).or(r::to_id.eq_any(secret())))
            .select(r::id);
        q = q
            .filter(diesel::dsl::not(
                of(EntityType::Stakeholder).and(ch::entity_id.eq_any(secret())).and(ch::op.ne(HIDE_OP)),
            ))
            .filter(diesel::dsl::not(of(EntityType::Plan).and(ch::entity_id.eq_any(plans))))
            .filter(diesel::dsl::not(of(EntityType::Submission).and(ch::entity_id.eq_any(subs))))
            .filter(diesel::dsl::not(of(EntityType::FeedbackItem).and(ch::entity_id.eq_any(points))))
            .filter(diesel::dsl::not(of(EntityType::Interaction).and(ch::entity_id.eq_any(meetings))))
            .filter(diesel::dsl::not(of(EntityType::Relationship).and(ch::entity_id.eq_any(links))));
    }
    if !viewer.sees_analysis() {
        // Relationships are analysis: not even their ids reach integration tokens.
        q = q.filter(ch::entity_type.ne(EntityType::Relationship.as_str()));
    }
    if !types.is_empty() {
        q = q.filter(ch::entity_type.eq_any(types.iter().map(|t| t.as_str()).collect::<Vec<_>>()));
    }
    let mut rows = q.order(ch::seq.asc()).limit(limit).select(Change::as_select()).load(conn)?;
    for row in rows.iter_mut().filter(|c| c.op == HIDE_OP) {
        row.op = match hidden {
            true => ChangeKind::Deleted.op(),
            false => ChangeKind::Updated.op(),
        }
        .to_string();
    }
    Ok(rows)
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
    /// The people the record is tied to (hidden with any of them).
    fn people(&self) -> Vec<&str>;
    /// Whether the record itself is a person who is confidential after the write.
    fn is_confidential_person(&self) -> bool {
        false
    }
}

/// Records the write of `after` (a create when there is no `before`) and, when the
/// workspace has webhooks, queues their deliveries: the record as the CRM may see it,
/// and nothing of confidential people (their hiding is a `deleted` event with no record).
pub fn record_write<T: Tracked>(conn: &mut DbConnection, before: Option<&T>, after: &T) -> QueryResult<i64> {
    let workspace_id = after.workspace();
    let kind = ChangeKind::of(before.map(|b| b.deleted_at()).as_ref(), &after.deleted_at());
    let hides = after.is_confidential_person() && before.is_some_and(|b| !b.is_confidential_person());
    let seq = allocate(conn, workspace_id, 1)?;
    let mut row = entry(workspace_id, seq, T::ENTITY, after.key(), kind);
    if hides {
        row.op = HIDE_OP.to_string();
    }
    diesel::insert_into(ch::table).values(&row).execute(conn)?;
    let hooks = super::webhooks::active(conn, workspace_id)?;
    if hooks.is_empty() {
        return Ok(seq);
    }
    let event = match exposure(conn, after, hides)? {
        Exposure::Visible => payload(&row, kind, after.change_data()),
        Exposure::Hidden => return Ok(seq),
        Exposure::BecameHidden => {
            row.op = ChangeKind::Deleted.op().to_string();
            payload(&row, ChangeKind::Deleted, Value::Null)
        }
    };
    super::webhooks::enqueue(conn, workspace_id, &hooks, &[event])?;
    Ok(seq)
}

/// How far the integration role (and so a webhook) may see a written record.
fn exposure<T: Tracked>(conn: &mut DbConnection, after: &T, hides: bool) -> QueryResult<Exposure> {
    if hides {
        return Ok(Exposure::BecameHidden);
    }
    // Relationships are analysis, which the integration role never sees.
    if after.is_confidential_person() || T::ENTITY == EntityType::Relationship {
        return Ok(Exposure::Hidden);
    }
    let people = after.people();
    match !people.is_empty() && super::row_tallies::any_confidential(conn, after.workspace(), &people)? {
        true => Ok(Exposure::Hidden),
        false => Ok(Exposure::Visible),
    }
}

macro_rules! tracked {
    ($($t:ty => $entity:ident, deletable: $del:tt, people: |$x:ident| $people:expr);+ $(;)?) => {
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
            fn people(&self) -> Vec<&str> {
                let $x = self;
                $people
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
    crate::domain::account::Account => Account, deletable: true, people: |_x| Vec::new();
    crate::domain::contract::Contract => Contract, deletable: true, people: |_x| Vec::new();
    crate::domain::engagement::Plan => Plan, deletable: true, people: |x| vec![x.stakeholder_id.as_str()];
    crate::domain::interaction::Interaction => Interaction, deletable: true,
        people: |x| x.stakeholder_ids.iter().map(String::as_str).collect();
    crate::domain::relationship::Relationship => Relationship, deletable: true,
        people: |x| vec![x.from_id.as_str(), x.to_id.as_str()];
    crate::domain::submission::Submission => Submission, deletable: false,
        people: |x| vec![x.stakeholder_id.as_str()];
    crate::domain::feedback_item::FeedbackItem => FeedbackItem, deletable: false,
        people: |x| vec![x.stakeholder_id.as_str()];
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
    fn people(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }
    fn is_confidential_person(&self) -> bool {
        self.analysis.confidential
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
