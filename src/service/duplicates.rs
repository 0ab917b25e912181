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
/// whether more follow. Each reason's shared values are found on a connection of its own,
/// at the same time (the values held by several, then their holders); names are read
/// for the page only.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    after: Option<After>,
    limit: usize,
) -> Result<(Vec<DuplicatePair>, bool), ApiError> {
    let scans = Reason::ALL.iter().map(|&reason| {
        let viewer = viewer.clone();
        run(pool, move |conn| Ok((reason, store::groups(conn, &viewer, reason)?)))
    });
    let groups = futures_util::future::try_join_all(scans).await?;
    let reader = viewer.clone();
    let pairs = run(pool, move |conn| Ok(store::pairs(conn, &reader, groups)?)).await?;
    let order = |score: u32, a: &str, b: &str| (std::cmp::Reverse(score), a.to_string(), b.to_string());
    let mut scored: Vec<(u32, String, String, Vec<Reason>)> = pairs
        .into_iter()
        .map(|((a, b), reasons)| {
            let score = reasons.iter().map(|r| r.weight()).sum::<u32>().min(100);
            (score, a, b, reasons.into_iter().collect())
        })
        .collect();
    scored.sort_by_key(|(score, a, b, _)| order(*score, a, b));
    if let Some((score, a, b)) = after {
        let position = order(score, &a, &b);
        scored.retain(|(s, x, y, _)| order(*s, x, y) > position);
    }
    let more = scored.len() > limit;
    scored.truncate(limit);
    let ids: Vec<String> = scored.iter().flat_map(|(_, a, b, _)| [a.clone(), b.clone()]).collect();
    let names = run(pool, move |conn| Ok(store::names(conn, &viewer, &ids)?)).await?;
    let member = |id: String| PairMember { name: names.get(&id).cloned().unwrap_or_default(), id };
    let items = scored
        .into_iter()
        .map(|(score, a, b, reasons)| DuplicatePair { a: member(a), b: member(b), reasons, score })
        .collect();
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
