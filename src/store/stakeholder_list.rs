//! The stakeholder list query: filters, multi-key sort with nulls last, keyset pages.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};
use serde_json::Value;

use super::stakeholder_row::StakeholderRow;
use crate::access::Viewer;
use crate::db::schema::{stakeholder_tags, stakeholders};
use crate::db::{Backend, DbConnection};
use crate::domain::stakeholder::Stakeholder;
use crate::domain::stakeholder_enums::*;
use crate::domain::text_fold;
use crate::pagination::SortKey;

/// Filters of `GET /v1/stakeholders`; `None` or an empty list means "any", a list any
/// of its values.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these ids (`ids=`).
    pub ids: Vec<String>,
    pub group: Vec<Group>,
    pub category: Vec<Category>,
    pub quadrant: Vec<Quadrant>,
    pub stance: Vec<Stance>,
    pub decision_role: Vec<DecisionRole>,
    pub relationship_status: Vec<RelationshipStatus>,
    pub account_id: Option<String>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// Substring of name, email or organisation after folding (case, accents, spacing).
    pub q: Option<String>,
    pub min_influence: Option<i32>,
    pub updated_since: Option<DateTime<Utc>>,
    pub include_deleted: bool,
}

crate::string_enum!(
    /// Fields a stakeholder list can be sorted by.
    SortField {
        Name = "name", Email = "email", Organization = "organization", Owner = "owner",
        Group = "group", Category = "category", RelationshipStatus = "relationship_status",
        CreatedAt = "created_at", UpdatedAt = "updated_at", Influence = "influence",
        Impact = "impact", Stance = "stance", DecisionRole = "decision_role", Quadrant = "quadrant",
    }
);

impl SortField {
    /// Sorting by an analysis field reveals it, so it is an analysis-only sort.
    pub fn is_analysis(self) -> bool {
        matches!(self, Self::Influence | Self::Impact | Self::Stance | Self::DecisionRole | Self::Quadrant)
    }
}

type Cond = Box<dyn BoxableExpression<stakeholders::table, Backend, SqlType = Nullable<Bool>>>;
type Query = stakeholders::BoxedQuery<'static, Backend>;

/// Where a page starts: the previous page's last sort values and id.
pub struct After {
    pub values: Vec<Value>,
    pub id: String,
}

// Every sortable column is required (never null) or nullable, and reads its cursor value
// with one converter (`text`, `opt_text`, `opt_int`, `time`): `by_column!` hands the column
// and its converter to the operation for its kind. Diesel columns are distinct types, so
// this one match replaces a function per column.
macro_rules! by_column {
    ($field:expr, $required:ident, $nullable:ident $(, $arg:expr)*) => {
        match $field {
            // The folded name, then the exact name (one stored key, see `text_fold`).
            SortField::Name => $required!(stakeholders::name_key, text $(, $arg)*),
            SortField::Group => $required!(stakeholders::stakeholder_group, text $(, $arg)*),
            SortField::Stance => $required!(stakeholders::stance, text $(, $arg)*),
            SortField::Quadrant => $required!(stakeholders::quadrant, text $(, $arg)*),
            SortField::Email => $nullable!(stakeholders::email, opt_text $(, $arg)*),
            SortField::Organization => $nullable!(stakeholders::organization, opt_text $(, $arg)*),
            SortField::Owner => $nullable!(stakeholders::owner, opt_text $(, $arg)*),
            SortField::Category => $nullable!(stakeholders::category, opt_text $(, $arg)*),
            SortField::RelationshipStatus => $nullable!(stakeholders::relationship_status, opt_text $(, $arg)*),
            SortField::DecisionRole => $nullable!(stakeholders::decision_role, opt_text $(, $arg)*),
            SortField::Influence => $nullable!(stakeholders::influence, opt_int $(, $arg)*),
            SortField::Impact => $nullable!(stakeholders::impact, opt_int $(, $arg)*),
            SortField::CreatedAt => $required!(stakeholders::created_at, time $(, $arg)*),
            SortField::UpdatedAt => $required!(stakeholders::updated_at, time $(, $arg)*),
        }
    };
}

macro_rules! order_required {
    ($col:expr, $_convert:ident, $q:expr, $desc:expr) => {
        if $desc {
            $q.then_order_by($col.desc())
        } else {
            $q.then_order_by($col.asc())
        }
    };
}
// Nulls last in both directions: order by "is null" first (false < true on both backends).
macro_rules! order_nullable {
    ($col:expr, $_convert:ident, $q:expr, $desc:expr) => {{
        let q = $q.then_order_by($col.is_null());
        if $desc {
            q.then_order_by($col.desc())
        } else {
            q.then_order_by($col.asc())
        }
    }};
}

macro_rules! after_required {
    ($col:expr, $convert:ident, $value:expr, $desc:expr) => {{
        let v = $convert($value)?;
        let cond: Cond =
            if $desc { Box::new($col.lt(v).nullable()) } else { Box::new($col.gt(v).nullable()) };
        Some(cond)
    }};
}
macro_rules! after_nullable {
    ($col:expr, $convert:ident, $value:expr, $desc:expr) => {{
        match $convert($value)? {
            // Nothing sorts after a null except other nulls, which the tiebreak handles.
            None => None,
            Some(v) => {
                let cmp: Cond = if $desc { Box::new($col.lt(v)) } else { Box::new($col.gt(v)) };
                let cond: Cond = Box::new($col.is_null().nullable().or(cmp));
                Some(cond)
            }
        }
    }};
}
macro_rules! equal_required {
    ($col:expr, $convert:ident, $value:expr) => {{
        let cond: Cond = Box::new($col.eq($convert($value)?).nullable());
        cond
    }};
}
macro_rules! equal_nullable {
    ($col:expr, $convert:ident, $value:expr) => {{
        let cond: Cond = match $convert($value)? {
            None => Box::new($col.is_null().nullable()),
            Some(v) => Box::new($col.eq(v)),
        };
        cond
    }};
}

/// A cursor value that does not fit its column (only possible with a forged cursor).
#[derive(Debug)]
pub struct BadCursorValue;

fn text(v: &Value) -> Result<String, BadCursorValue> {
    v.as_str().map(str::to_string).ok_or(BadCursorValue)
}
fn opt_text(v: &Value) -> Result<Option<String>, BadCursorValue> {
    if v.is_null() {
        Ok(None)
    } else {
        text(v).map(Some)
    }
}
fn opt_int(v: &Value) -> Result<Option<i32>, BadCursorValue> {
    if v.is_null() {
        return Ok(None);
    }
    v.as_i64().and_then(|n| i32::try_from(n).ok()).map(Some).ok_or(BadCursorValue)
}
fn time(v: &Value) -> Result<NaiveDateTime, BadCursorValue> {
    let s = v.as_str().ok_or(BadCursorValue)?;
    DateTime::parse_from_rfc3339(s).map(|t| t.naive_utc()).map_err(|_| BadCursorValue)
}

/// The value of a sort field on a row, as stored in a cursor.
pub fn sort_value(field: SortField, s: &Stakeholder) -> Value {
    let (p, a) = (&s.profile, &s.analysis);
    let opt = |v: Option<&str>| v.map(Value::from).unwrap_or(Value::Null);
    match field {
        SortField::Name => Value::from(text_fold::name_sort_key(&p.name)),
        SortField::Email => opt(p.email.as_deref()),
        SortField::Organization => opt(p.organization.as_deref()),
        SortField::Owner => opt(p.owner.as_deref()),
        SortField::Group => Value::from(p.group.as_str()),
        SortField::Category => opt(p.category.map(|c| c.as_str())),
        SortField::RelationshipStatus => opt(p.relationship_status.map(|r| r.as_str())),
        SortField::CreatedAt => Value::from(s.created_at.to_rfc3339()),
        SortField::UpdatedAt => Value::from(s.updated_at.to_rfc3339()),
        SortField::Influence => a.influence.map(Value::from).unwrap_or(Value::Null),
        SortField::Impact => a.impact.map(Value::from).unwrap_or(Value::Null),
        SortField::Stance => Value::from(a.stance.as_str()),
        SortField::DecisionRole => opt(a.decision_role.map(|d| d.as_str())),
        SortField::Quadrant => Value::from(s.quadrant().as_str()),
    }
}

/// The stored words of enumerated values.
fn words<E: Copy + Into<&'static str>>(values: &[E]) -> Vec<&'static str> {
    values.iter().map(|v| (*v).into()).collect()
}

fn filtered(viewer: &Viewer, f: &Filter) -> Query {
    let workspace_id = viewer.workspace_id.as_str();
    let mut q =
        stakeholders::table.filter(stakeholders::workspace_id.eq(workspace_id.to_string())).into_boxed();
    if !f.include_deleted {
        q = q.filter(stakeholders::deleted_at.is_null());
    } else {
        // A merged person is gone, not deleted: only their CRM key lives on.
        q = q.filter(stakeholders::merged_into.is_null());
    }
    // Only a filter when it excludes someone: an always-true `IN (false, true)` would
    // still steer SQLite's planner away from the filter indexes that carry the sort.
    if !viewer.sees_confidential() {
        q = q.filter(stakeholders::confidential.eq(false));
    }
    if !f.group.is_empty() {
        q = q.filter(stakeholders::stakeholder_group.eq_any(words(&f.group)));
    }
    if !f.category.is_empty() {
        q = q.filter(stakeholders::category.eq_any(words(&f.category)));
    }
    if !f.quadrant.is_empty() {
        q = q.filter(stakeholders::quadrant.eq_any(words(&f.quadrant)));
    }
    if !f.stance.is_empty() {
        q = q.filter(stakeholders::stance.eq_any(words(&f.stance)));
    }
    if !f.decision_role.is_empty() {
        q = q.filter(stakeholders::decision_role.eq_any(words(&f.decision_role)));
    }
    if !f.relationship_status.is_empty() {
        q = q.filter(stakeholders::relationship_status.eq_any(words(&f.relationship_status)));
    }
    if !f.ids.is_empty() {
        q = q.filter(stakeholders::id.eq_any(f.ids.clone()));
    }
    if let Some(v) = &f.account_id {
        q = q.filter(stakeholders::account_id.eq(v.clone()));
    }
    if let Some(v) = &f.owner {
        q = q.filter(stakeholders::owner.eq(v.clone()));
    }
    if let Some(v) = f.min_influence {
        q = q.filter(stakeholders::influence.ge(v));
    }
    if let Some(v) = f.updated_since {
        q = q.filter(stakeholders::updated_at.ge(v.naive_utc()));
    }
    if let Some(tag) = &f.tag {
        let tagged = stakeholder_tags::table
            .filter(stakeholder_tags::workspace_id.eq(workspace_id.to_string()))
            .filter(stakeholder_tags::tag.eq(tag.clone()))
            .select(stakeholder_tags::stakeholder_id);
        q = q.filter(stakeholders::id.eq_any(tagged));
    }
    if let Some(text) = &f.q {
        // Folded in Rust on both sides, so both backends match the same people.
        let pattern = format!("%{}%", escape_like(&text_fold::fold(text)));
        q = q.filter(stakeholders::search_text.like(pattern).escape('\\'));
    }
    q
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// One page (`limit` rows) of stakeholders after `after`, in `sort` order then by id.
pub fn list(
    conn: &mut DbConnection,
    viewer: &Viewer,
    filter: &Filter,
    sort: &[SortKey<SortField>],
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<Stakeholder>, ListError> {
    let mut q = filtered(viewer, filter);
    for key in sort {
        q = by_column!(key.field, order_required, order_nullable, q, key.descending);
    }
    q = q.then_order_by(stakeholders::id.asc());
    if let Some(after) = after {
        q = q.filter(keyset_condition(sort, after).map_err(|_| ListError::BadCursor)?);
    }
    let rows = q.limit(limit).select(StakeholderRow::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Stakeholder::from).collect())
}

/// Why a list failed.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The cursor's values do not fit the sort's columns.
    #[error("invalid cursor")]
    BadCursor,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

// Rows strictly after the cursor in (k1, k2, …, id) order:
// OR over i of (k1 = v1 AND … AND k(i-1) = v(i-1) AND ki after vi), OR all equal AND id > last.
fn keyset_condition(sort: &[SortKey<SortField>], after: &After) -> Result<Cond, BadCursorValue> {
    if after.values.len() != sort.len() {
        return Err(BadCursorValue);
    }
    let mut alternatives: Vec<Cond> = Vec::new();
    for (i, (key, value)) in sort.iter().zip(&after.values).enumerate() {
        let strictly_after: Option<Cond> =
            by_column!(key.field, after_required, after_nullable, value, key.descending);
        if let Some(cond) = strictly_after {
            alternatives.push(and_all(equal_prefix(&sort[..i], &after.values)?, cond));
        }
    }
    let id_after: Cond = Box::new(stakeholders::id.gt(after.id.clone()).nullable());
    alternatives.push(and_all(equal_prefix(sort, &after.values)?, id_after));
    let mut iter = alternatives.into_iter();
    let first = iter.next().expect("at least the id alternative");
    Ok(iter.fold(first, |acc, c| Box::new(acc.or(c))))
}

// "Equal to the cursor" for each of the given sort keys.
fn equal_prefix(keys: &[SortKey<SortField>], values: &[Value]) -> Result<Vec<Cond>, BadCursorValue> {
    keys.iter()
        .zip(values)
        .map(|(key, value)| Ok(by_column!(key.field, equal_required, equal_nullable, value)))
        .collect()
}

fn and_all(conditions: Vec<Cond>, last: Cond) -> Cond {
    conditions.into_iter().rev().fold(last, |acc, c| Box::new(c.and(acc)))
}
