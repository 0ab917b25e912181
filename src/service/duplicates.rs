//! Likely duplicates among the register's live people, best first; dismissing a pair.

use serde::Serialize;
use utoipa::ToSchema;

use super::people::load_visible;
use super::run;
use crate::access::Viewer;
use crate::db::{tx, Pool};
use crate::error::ApiError;
use crate::store::duplicates::{self as store, Reason};

/// One person of a pair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairMember {
    /// Stakeholder id.
    #[schema(format = "uuid")]
    pub id: String,
    /// Name.
    pub name: String,
}

/// Two people who may be one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicatePair {
    /// The one with the smaller id.
    pub a: PairMember,
    /// The other.
    pub b: PairMember,
    /// Why: equal email (case-insensitive), equal phone digits, equal folded name
    /// (case, accents, spacing and word order ignored), the same CRM record id under
    /// different sources.
    pub reasons: Vec<Reason>,
    /// 0–100: the reasons' weights added (email 60, crm_key 50, phone 40, name 40), at most 100.
    pub score: u32,
}

/// Where a page of pairs starts: after this (score, a, b).
pub type After = (u32, String, String);

/// Up to `limit` pairs after `after`, best first (score descending, then ids), and
/// whether more follow.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    after: Option<After>,
    limit: usize,
) -> Result<(Vec<DuplicatePair>, bool), ApiError> {
    let (pairs, names) = run(pool, move |conn| Ok(store::candidates(conn, &viewer)?)).await?;
    let mut items: Vec<DuplicatePair> = pairs
        .into_iter()
        .map(|((a, b), reasons)| {
            let score = reasons.iter().map(|r| r.weight()).sum::<u32>().min(100);
            let member = |id: String| PairMember { name: names.get(&id).cloned().unwrap_or_default(), id };
            DuplicatePair { a: member(a), b: member(b), reasons: reasons.into_iter().collect(), score }
        })
        .collect();
    let order = |p: &DuplicatePair| (std::cmp::Reverse(p.score), p.a.id.clone(), p.b.id.clone());
    items.sort_by_key(order);
    if let Some((score, a, b)) = after {
        let position = (std::cmp::Reverse(score), a, b);
        items.retain(|p| order(p) > position);
    }
    let more = items.len() > limit;
    items.truncate(limit);
    Ok((items, more))
}

/// Hides the pair of `a` and `b` for good: both must be people the caller may see.
pub async fn dismiss(pool: &Pool, viewer: Viewer, a: String, b: String) -> Result<(), ApiError> {
    if a == b {
        return Err(ApiError::invalid("b_id", "a pair needs two different people"));
    }
    run(pool, move |conn| {
        tx::write(conn, |c| {
            for (field, id) in [("a_id", &a), ("b_id", &b)] {
                load_visible(c, &viewer, id, true).map_err(|e| match e {
                    ApiError::NotFound(_) | ApiError::MergedInto(_) => {
                        ApiError::invalid(field, "no such stakeholder in this workspace")
                    }
                    other => other,
                })?;
            }
            Ok(store::dismiss(c, &viewer, &a, &b)?)
        })
    })
    .await
}
