//! Candidate duplicate pairs among live people: the values held by several people are
//! read from their counts (`shared_values`), then their holders by an indexed equality
//! on the folded column; never a pairwise scan, nor a scan of the register.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use diesel::prelude::*;

use crate::access::Viewer;
use crate::db::schema::{duplicate_dismissals as dd, stakeholders as s};
use crate::db::DbConnection;

pub use crate::domain::duplicate_keys::Reason;

/// More people than this sharing one value is a shared value (a switchboard number, a
/// team address, a common name), not evidence: no pairs from it.
pub const MAX_SHARED: usize = 20;
/// Keys read per `IN (…)` query.
const CHUNK: usize = 500;

/// Two people (`a` < `b` by id) and why they may be one.
pub type Pairs = BTreeMap<(String, String), BTreeSet<Reason>>;

// Live people of the workspace the viewer may see: read for the (few) holders of shared
// values only, through the reason's partial index.
macro_rules! visible_live_people {
    ($viewer:expr) => {
        s::table
            .filter(s::workspace_id.eq($viewer.workspace_id.clone()))
            .filter(s::deleted_at.is_null())
            .filter(s::confidential.eq_any($viewer.confidential_values().to_vec()))
    };
}

/// A stored value as a grouping key (null never groups).
trait Key {
    fn key(self) -> Option<String>;
}
impl Key for String {
    fn key(self) -> Option<String> {
        Some(self)
    }
}
impl Key for Option<String> {
    fn key(self) -> Option<String> {
        self
    }
}

// People grouped by one folded column's value (read as `$t`), groups of two or more.
macro_rules! groups_of {
    ($conn:expr, $viewer:expr, $reason:expr, $col:expr, $t:ty) => {{
        let shared =
            super::shared_values::held_by_several($conn, &$viewer.workspace_id, $reason, MAX_SHARED as i64)?;
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in shared.chunks(CHUNK) {
            let rows: Vec<($t, String)> =
                visible_live_people!($viewer).filter($col.eq_any(chunk)).select(($col, s::id)).load($conn)?;
            for (value, id) in rows {
                if let Some(value) = value.key() {
                    groups.entry(value).or_default().push(id);
                }
            }
        }
        groups.into_values().collect::<Vec<_>>()
    }};
}

/// The groups of live people the viewer may see who share this reason's value (groups
/// of two or more; a value held by more than `MAX_SHARED` live people, seen or not, is
/// left out).
pub fn groups(conn: &mut DbConnection, viewer: &Viewer, reason: Reason) -> QueryResult<Vec<Vec<String>>> {
    let groups = match reason {
        Reason::Name => groups_of!(conn, viewer, reason, s::name_tokens, String),
        Reason::Email => groups_of!(conn, viewer, reason, s::email_key, Option<String>),
        Reason::Phone => groups_of!(conn, viewer, reason, s::phone_key, Option<String>),
        Reason::CrmKey => same_crm_key(conn, viewer)?,
    };
    Ok(groups.into_iter().filter(|g| g.len() > 1 && g.len() <= MAX_SHARED).collect())
}

/// The pairs the groups make, with every reason that links each, dismissed pairs left out.
pub fn pairs(
    conn: &mut DbConnection,
    viewer: &Viewer,
    groups: Vec<(Reason, Vec<Vec<String>>)>,
) -> QueryResult<Pairs> {
    let mut pairs = Pairs::new();
    for (reason, groups) in groups {
        for ids in groups {
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[i + 1..] {
                    let key = if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
                    pairs.entry(key).or_default().insert(reason);
                }
            }
        }
    }
    let dismissed: HashSet<(String, String)> = dd::table
        .filter(dd::workspace_id.eq(&viewer.workspace_id))
        .select((dd::a_id, dd::b_id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    pairs.retain(|k, _| !dismissed.contains(k));
    Ok(pairs)
}

/// The names of these people, by id.
pub fn names(
    conn: &mut DbConnection,
    viewer: &Viewer,
    ids: &[String],
) -> QueryResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(String, String)> = s::table
            .filter(s::workspace_id.eq(&viewer.workspace_id))
            .filter(s::id.eq_any(chunk))
            .select((s::id, s::name))
            .load(conn)?;
        names.extend(rows);
    }
    Ok(names)
}

// The same CRM record id under different sources (two CRMs, or a CRM and a sheet),
// counting merged people's keys as their survivor's.
fn same_crm_key(conn: &mut DbConnection, viewer: &Viewer) -> QueryResult<Vec<Vec<String>>> {
    // Keys held more than once; whether by different sources is decided below.
    let shared =
        super::shared_values::held_by_several(conn, &viewer.workspace_id, Reason::CrmKey, MAX_SHARED as i64)?;
    let mut holders: Vec<(String, String)> = Vec::new();
    for chunk in shared.chunks(CHUNK) {
        let rows: Vec<(Option<String>, String, Option<String>)> = s::table
            .filter(s::workspace_id.eq(&viewer.workspace_id))
            .filter(s::external_id.eq_any(chunk))
            .select((s::external_id, s::id, s::merged_into))
            .load(conn)?;
        holders.extend(rows.into_iter().filter_map(|(key, id, merged)| Some((key?, merged.unwrap_or(id)))));
    }
    let people: Vec<String> = holders.iter().map(|(_, id)| id.clone()).collect();
    let mut live: HashSet<String> = HashSet::new();
    for chunk in people.chunks(CHUNK) {
        live.extend(
            visible_live_people!(viewer).filter(s::id.eq_any(chunk)).select(s::id).load::<String>(conn)?,
        );
    }
    let mut groups: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (key, id) in holders.into_iter().filter(|(_, id)| live.contains(id)) {
        groups.entry(key).or_default().insert(id);
    }
    Ok(groups.into_values().map(|g| g.into_iter().collect()).collect())
}

/// Hides the pair for good (idempotent).
pub fn dismiss(conn: &mut DbConnection, viewer: &Viewer, a: &str, b: &str) -> QueryResult<()> {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    let exists: i64 = dd::table
        .filter(dd::workspace_id.eq(&viewer.workspace_id))
        .filter(dd::a_id.eq(a))
        .filter(dd::b_id.eq(b))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(dd::table)
            .values((
                dd::workspace_id.eq(&viewer.workspace_id),
                dd::a_id.eq(a),
                dd::b_id.eq(b),
                dd::dismissed_by.eq(&viewer.sub),
                dd::dismissed_at.eq(crate::time::now().naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
