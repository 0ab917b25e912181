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
    pub xid: i64,
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

/// A change's place in the feed: the writing transaction (0 on SQLite) and a number.
/// The feed is ordered by (xid, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct FeedPosition {
    /// The writing transaction's id on PostgreSQL; 0 on SQLite.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub xid: i64,
    /// Unique within the workspace; increasing within a transaction.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub seq: i64,
}

/// Where an appended change landed, and whether anyone listens: what PostgreSQL's feed
/// inserts return.
#[derive(QueryableByName)]
pub struct Appended {
    #[diesel(embed)]
    at: FeedPosition,
    /// The workspace has an active webhook.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    listened: bool,
}

/// Gives `rows` the positions a PostgreSQL feed insert returned, in row order (numbers
/// were drawn in row order; sorting pairs them up without relying on RETURNING's
/// order); returns whether the workspace has an active webhook.
pub fn place(rows: &mut [NewChange], appended: Vec<Appended>) -> bool {
    let listened = appended.first().is_some_and(|a| a.listened);
    let mut positions: Vec<FeedPosition> = appended.into_iter().map(|a| a.at).collect();
    positions.sort();
    for (row, at) in rows.iter_mut().zip(positions) {
        (row.xid, row.seq) = (at.xid, at.seq);
    }
    listened
}

/// Gives each change (all of one workspace) its feed position and stores it; returns
/// whether the workspace has an active webhook, so a write without listeners skips
/// loading them.
///
/// PostgreSQL: one prepared statement numbers the rows from one sequence, in row order,
/// stamps them with the transaction's id, inserts them and answers the webhook question,
/// with no lock, so a workspace's writers commit concurrently (readers wait for the
/// oldest transaction in flight instead, see `change_feed`). SQLite: numbers from the
/// workspace's counter, whose row stays locked to commit (its single writer commits in
/// sequence order anyway).
pub fn append(conn: &mut DbConnection, rows: &mut [NewChange]) -> QueryResult<bool> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};
    let Some(first) = rows.first() else { return Ok(false) };
    if let DbConnection::Pg(pg) = conn {
        let column = |f: fn(&NewChange) -> &str| rows.iter().map(f).collect::<Vec<_>>();
        let appended: Vec<Appended> = super::pg_fixed::fixed(
            "WITH added AS (INSERT INTO changes \
             (workspace_id, xid, seq, entity_type, entity_id, op, at, merged_into) \
             SELECT w, pg_current_xact_id()::text::bigint, nextval('change_seq'), t, i, o, a, m \
             FROM unnest(",
            (
                column(|r| &r.workspace_id).into_sql::<Array<Text>>(),
                column(|r| &r.entity_type).into_sql::<Array<Text>>(),
                column(|r| &r.entity_id).into_sql::<Array<Text>>(),
                column(|r| &r.op).into_sql::<Array<Text>>(),
                rows.iter().map(|r| r.at).collect::<Vec<_>>().into_sql::<Array<Timestamp>>(),
                rows.iter()
                    .map(|r| r.merged_into.as_deref())
                    .collect::<Vec<_>>()
                    .into_sql::<Array<Nullable<Text>>>(),
            ),
            // A volatile target (nextval) is evaluated after the sort, so numbers follow
            // the rows' order (see `place`).
            ") WITH ORDINALITY AS u(w, t, i, o, a, m, n) ORDER BY n RETURNING xid, seq) \
             SELECT xid, seq, EXISTS (SELECT 1 FROM webhooks h WHERE h.workspace_id = ($1)[1] AND h.active) \
             AS listened FROM added",
        )
        .load(pg)?;
        return Ok(place(rows, appended));
    }
    let DbConnection::Sqlite(c) = conn else { unreachable!("PostgreSQL returned above") };
    let (workspace_id, n) = (first.workspace_id.clone(), rows.len() as i64);
    let updated = diesel::update(cc::table.filter(cc::workspace_id.eq(&workspace_id)))
        .set(cc::last_seq.eq(cc::last_seq + n))
        .execute(c)?;
    if updated == 0 {
        diesel::insert_into(cc::table)
            .values((cc::workspace_id.eq(&workspace_id), cc::last_seq.eq(n)))
            .execute(c)?;
    }
    let last: i64 = cc::table.filter(cc::workspace_id.eq(&workspace_id)).select(cc::last_seq).first(c)?;
    for (row, seq) in rows.iter_mut().zip(last - n + 1..) {
        (row.xid, row.seq) = (0, seq);
    }
    for chunk in rows.chunks(CHUNK) {
        // One row stays a prepared statement; a multi-row INSERT is built each time.
        match chunk {
            [one] => diesel::insert_into(ch::table).values(one).execute(c)?,
            many => diesel::insert_into(ch::table).values(many).execute(c)?,
        };
    }
    super::webhooks::any_active(conn, &workspace_id)
}

/// Change rows per SQLite INSERT (8 columns, well within its bound-parameter limit).
const CHUNK: usize = 500;

/// A change row to insert; `append` fills in its feed position.
#[derive(Debug, Clone, Insertable, serde::Serialize)]
#[diesel(table_name = ch, treat_none_as_default_value = false)]
pub struct NewChange {
    pub workspace_id: String,
    pub xid: i64,
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub op: String,
    pub at: NaiveDateTime,
    pub merged_into: Option<String>,
}

/// The change row of a write, to be given its position by `append`.
pub fn entry(workspace_id: &str, entity: EntityType, id: &str, kind: ChangeKind) -> NewChange {
    NewChange {
        workspace_id: workspace_id.to_string(),
        xid: 0,
        seq: 0,
        entity_type: entity.as_str().to_string(),
        entity_id: id.to_string(),
        op: kind.op().to_string(),
        at: crate::time::now().naive_utc(),
        merged_into: None,
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
    let mut row = entry(workspace_id, EntityType::Stakeholder, &from.id, ChangeKind::Merged);
    row.merged_into = Some(into.to_string());
    let listened = append(conn, std::slice::from_mut(&mut row))?;
    if !listened || from.analysis.confidential {
        return Ok(());
    }
    let hooks = super::webhooks::active(conn, workspace_id)?;
    if hooks.is_empty() {
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
    let mut row = entry(workspace_id, T::ENTITY, after.key(), kind);
    if hides {
        row.op = HIDE_OP.to_string();
    }
    let listened = append(conn, std::slice::from_mut(&mut row))?;
    let seq = row.seq;
    if !listened {
        return Ok(seq);
    }
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
