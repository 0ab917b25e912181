//! The anonymised map as CSV, streamed: people page by page in code order, then
//! relationships page by page, then accounts and their contracts. What is held between
//! pages is one person id → code entry per person (about 60 bytes each, for the
//! relationships' codes) and the accounts' codes, never the people's rows.

use std::collections::HashMap;

use actix_web::web::{self, Bytes};
use futures_util::StreamExt;

use crate::auth::Auth;
use crate::domain::anonymize::{self, AnonEdge};
use crate::domain::anonymize_csv::{account_lines, edge_line, header, person_line};
use crate::error::ApiError;
use crate::heavy::HeavySlot;
use crate::service::sync;
use crate::state::AppState;
use crate::store::export::PersonCursor;

/// Rows read per page.
const PAGE: i64 = 500;

enum Stage {
    People(Option<PersonCursor>),
    Edges(Option<String>),
    Accounts,
}

struct Progress {
    state: web::Data<AppState>,
    viewer: Auth,
    slot: HeavySlot,
    stage: Stage,
    /// Codes given so far: people in order of creation, deleted ones included.
    people: HashMap<String, usize>,
    account_codes: HashMap<String, String>,
}

/// The CSV body; the slot is held until the last line is sent.
pub async fn stream(
    state: web::Data<AppState>,
    viewer: Auth,
    slot: HeavySlot,
) -> Result<impl futures_util::Stream<Item = Result<Bytes, ApiError>>, ApiError> {
    let (accounts, _) = {
        let _turn = slot.turn().await;
        sync::anonymized_accounts(&state.pool, &viewer).await?
    };
    let account_codes =
        accounts.iter().enumerate().map(|(i, a)| (a.id.clone(), anonymize::account_code(i + 1))).collect();
    let progress =
        Progress { state, viewer, slot, stage: Stage::People(None), people: HashMap::new(), account_codes };
    let pages = futures_util::stream::unfold(Some(progress), |progress| async move {
        let mut progress = progress?;
        match next(&mut progress).await {
            Ok(Some(bytes)) => Some((Ok(bytes), Some(progress))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(futures_util::stream::once(async { Ok(Bytes::from(header())) }).chain(pages))
}

/// The next page's lines, or `None` at the end.
async fn next(p: &mut Progress) -> Result<Option<Bytes>, ApiError> {
    let _turn = p.slot.turn().await;
    let pool = &p.state.pool;
    let mut out = String::new();
    match std::mem::replace(&mut p.stage, Stage::Accounts) {
        Stage::People(after) => {
            let page = sync::anonymized_people(pool, &p.viewer, after, PAGE).await?;
            for s in &page {
                let code = p.people.len() + 1;
                p.people.insert(s.id.clone(), code);
                if s.deleted_at.is_none() {
                    out.push_str(&person_line(&anonymize::person(
                        s,
                        anonymize::person_code(code),
                        &p.account_codes,
                    )));
                }
            }
            p.stage = match page.last() {
                Some(last) if page.len() as i64 == PAGE => {
                    Stage::People(Some((last.created_at.naive_utc(), last.id.clone())))
                }
                _ => Stage::Edges(None),
            };
        }
        Stage::Edges(after) => {
            let page = sync::anonymized_edges(pool, &p.viewer, after, PAGE).await?;
            for e in &page {
                if let (Some(from), Some(to)) = (p.people.get(&e.from_id), p.people.get(&e.to_id)) {
                    let (from, to) = (anonymize::person_code(*from), anonymize::person_code(*to));
                    out.push_str(&edge_line(&AnonEdge { from, to, kind: e.kind, strength: e.strength }));
                }
            }
            p.stage = match page.last() {
                Some(last) if page.len() as i64 == PAGE => Stage::Edges(Some(last.id.clone())),
                _ => Stage::Accounts,
            };
        }
        Stage::Accounts if p.people.is_empty() && p.account_codes.is_empty() => return Ok(None),
        Stage::Accounts => {
            let (accounts, contracts) = sync::anonymized_accounts(pool, &p.viewer).await?;
            for (i, a) in accounts.iter().enumerate().filter(|(_, a)| a.deleted_at.is_none()) {
                out.push_str(&account_lines(&anonymize::account(
                    a,
                    anonymize::account_code(i + 1),
                    &contracts,
                )));
            }
            // Done: the next call ends the stream.
            p.people.clear();
            p.account_codes.clear();
        }
    }
    Ok(Some(Bytes::from(out)))
}
