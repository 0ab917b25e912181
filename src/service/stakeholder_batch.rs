//! CRM batches and imports: many upserts in one transaction. New people go in with
//! the same multi-row store pipeline a single create uses; changed ones one by one
//! through the single upsert, each in a savepoint so one bad item never fails the others.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::run;
use super::stakeholder_sync::{
    self as sync, create, prepare, reject_analysis, ItemResult, Outcome, SyncMode,
};
use crate::access::Viewer;
use crate::db::{tx, DbConnection, Pool};
use crate::domain::stakeholder::{self, Mode, Stakeholder};
use crate::error::ApiError;
use crate::store::stakeholder_bulk;

/// Times a sync write is retried after losing an insert race on the CRM key.
const ATTEMPTS: usize = 3;

/// Creates or updates the stakeholder holding a CRM key (see `stakeholder_sync::upsert`),
/// retried when a concurrent writer inserted the same key first.
pub async fn upsert(
    pool: &Pool,
    viewer: Viewer,
    (source, external_id): (String, String),
    body: Map<String, Value>,
    mode: SyncMode,
) -> Result<(Stakeholder, Outcome), ApiError> {
    run(pool, move |conn| {
        let mut last = ApiError::Internal;
        for _ in 0..ATTEMPTS {
            match tx::write(conn, |c| sync::upsert(c, &viewer, (&source, &external_id), &body, (mode, false)))
            {
                // A concurrent writer inserted the same key first (seen as a unique violation,
                // or as the key's holder naming itself): go round again as an update.
                Err(e @ (ApiError::Conflict(_) | ApiError::ConflictWith(..))) => last = e,
                other => return other,
            }
        }
        Err(last)
    })
    .await
}

/// How a batch or import runs: its mode, whether analysis fields may come with the items
/// (an import by those who write analysis), and whether to write at all (`dry_run`).
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// upsert, create_only or update_only.
    pub mode: SyncMode,
    /// Analysis fields accepted (else each is a 422).
    pub analysis: bool,
    /// Validate and report every item, then roll everything back.
    pub dry_run: bool,
}

/// Runs batch or import items (with their CSV line, if any) in one transaction.
pub async fn run_items(
    pool: &Pool,
    viewer: Viewer,
    items: Vec<(Option<u64>, Map<String, Value>)>,
    rules: Rules,
) -> Result<Vec<ItemResult>, ApiError> {
    run(pool, move |conn| {
        if rules.dry_run {
            return dry_run(conn, &viewer, items, rules);
        }
        let (results, inserted) = tx::write(conn, |c| write_items(c, &viewer, items, rules))?;
        stakeholder_bulk::refresh_statistics(conn, inserted)?;
        Ok(results)
    })
    .await
}

/// Why a dry run's transaction ends: always rolled back, with its results or its failure.
enum DryRun {
    Results(Vec<ItemResult>),
    Failed(ApiError),
}

impl From<diesel::result::Error> for DryRun {
    fn from(e: diesel::result::Error) -> Self {
        DryRun::Failed(e.into())
    }
}

// Every item goes through the real write path, then the transaction is rolled back: the
// results are exactly what the import would do, and nothing stays written.
fn dry_run(
    conn: &mut DbConnection,
    viewer: &Viewer,
    items: Vec<(Option<u64>, Map<String, Value>)>,
    rules: Rules,
) -> Result<Vec<ItemResult>, ApiError> {
    let ended = tx::write(conn, |c| -> Result<(), DryRun> {
        match write_items(c, viewer, items, rules) {
            Ok((results, _)) => Err(DryRun::Results(results)),
            Err(e) => Err(DryRun::Failed(e)),
        }
    });
    match ended {
        Err(DryRun::Results(results)) => Ok(results),
        Err(DryRun::Failed(e)) => Err(e),
        Ok(()) => unreachable!("a dry run always rolls back"),
    }
}

fn key_of(body: &Map<String, Value>) -> Option<(String, String)> {
    match (body.get("source").and_then(Value::as_str), body.get("external_id").and_then(Value::as_str)) {
        (Some(source), Some(external_id)) => Some((source.to_string(), external_id.to_string())),
        _ => None,
    }
}

/// What the first pass decided for an item.
enum Plan {
    Done(Result<(Stakeholder, Outcome), ApiError>),
    Insert(Stakeholder),
    OneByOne,
}

/// Runs items inside the caller's transaction; returns the results and how many people
/// the bulk insert added. One lookup finds every key; unchanged items are compared in
/// memory; new ones go in with multi-row inserts; updates (and key-less CSV rows) run one
/// by one, each in a savepoint so one bad item never fails the others.
fn write_items(
    c: &mut DbConnection,
    viewer: &Viewer,
    items: Vec<(Option<u64>, Map<String, Value>)>,
    rules: Rules,
) -> Result<(Vec<ItemResult>, usize), ApiError> {
    let Rules { mode, analysis, .. } = rules;
    let ws = viewer.workspace_id.clone();
    stakeholder_bulk::plan_each_execution(c)?;
    {
        let keys: Vec<Option<(String, String)>> = items.iter().map(|(_, b)| key_of(b)).collect();
        let wanted: Vec<(String, String)> = keys.iter().flatten().cloned().collect();
        let existing = stakeholder_bulk::by_keys(c, &ws, &wanted)?;
        let accounts: Vec<String> = items
            .iter()
            .filter_map(|(_, b)| b.get("account_id").and_then(Value::as_str).map(str::to_string))
            .collect();
        let live_accounts: HashSet<String> =
            stakeholder_bulk::live_accounts(c, &ws, &accounts)?.into_iter().collect();
        let mut new_keys = HashSet::new();
        let mut plans: Vec<Plan> = Vec::with_capacity(items.len());
        for ((line, body), key) in items.iter().zip(&keys) {
            let plan = match key {
                None if line.is_some() && mode != SyncMode::UpdateOnly => Plan::OneByOne,
                None => Plan::Done(Err(ApiError::invalid(
                    "external_id",
                    "source and external_id are required strings",
                ))),
                Some((source, external_id)) => match prepare(body, (source, external_id), analysis) {
                    Err(e) => Plan::Done(Err(e)),
                    Ok(body) => match existing.get(&(source.clone(), external_id.clone())) {
                        // Taken by someone the caller may not see: the same answer as the
                        // single upsert's, naming nobody (checked before the 412 that
                        // would confirm the key).
                        Some(current) if current.analysis.confidential && !viewer.sees_confidential() => {
                            Plan::Done(Err(super::stakeholders::key_taken(source, external_id)))
                        }
                        Some(_) if mode == SyncMode::CreateOnly => Plan::Done(Err(
                            ApiError::PreconditionFailed("a stakeholder with this key exists".into()),
                        )),
                        Some(current) => {
                            let mut next = current.clone();
                            let body = sync::for_holder(body, current, source, external_id);
                            match stakeholder::apply(&mut next, &body, viewer.writes_analysis(), Mode::Patch)
                            {
                                Err(e) => Plan::Done(Err(e.into())),
                                Ok(()) if next == *current => Plan::Done(Ok((next, Outcome::Unchanged))),
                                Ok(()) => Plan::OneByOne,
                            }
                        }
                        None if mode == SyncMode::UpdateOnly => {
                            Plan::Done(Err(ApiError::not_found("stakeholder")))
                        }
                        None if !new_keys.insert((source.clone(), external_id.clone())) => Plan::Done(Err(
                            ApiError::Conflict("this key appears earlier in the same batch".into()),
                        )),
                        None => {
                            let mut s = Stakeholder::blank(&ws, crate::time::now());
                            match stakeholder::apply(&mut s, &body, viewer.writes_analysis(), Mode::Create) {
                                Err(e) => Plan::Done(Err(e.into())),
                                Ok(())
                                    if s.profile
                                        .account_id
                                        .as_ref()
                                        .is_some_and(|a| !live_accounts.contains(a)) =>
                                {
                                    Plan::Done(Err(ApiError::invalid(
                                        "account_id",
                                        "no such account in this workspace",
                                    )))
                                }
                                Ok(()) => Plan::Insert(s),
                            }
                        }
                    },
                },
            };
            plans.push(plan);
        }
        let fresh: Vec<Stakeholder> = plans
            .iter()
            .filter_map(|p| if let Plan::Insert(s) = p { Some(s.clone()) } else { None })
            .collect();
        // A concurrent writer may have inserted one of the keys meanwhile: then the whole
        // bulk insert is undone and those items take the one-by-one path.
        let bulk_ok = diesel::Connection::transaction(c, |c| {
            stakeholder_bulk::insert_many(c, &ws, &fresh, &[&viewer.sub])
        })
        .is_ok();
        let mut results = Vec::with_capacity(items.len());
        for (index, (plan, (line, body))) in plans.into_iter().zip(items.iter()).enumerate() {
            let result = match plan {
                Plan::Done(result) => result,
                Plan::Insert(s) if bulk_ok => Ok((s, Outcome::Created)),
                Plan::Insert(_) | Plan::OneByOne => {
                    diesel::Connection::transaction(c, |c| match key_of(body) {
                        Some((source, external_id)) => {
                            sync::upsert(c, viewer, (&source, &external_id), body, (mode, analysis))
                        }
                        None => {
                            if !analysis {
                                reject_analysis(body)?;
                            }
                            create(c, viewer, body).map(|s| (s, Outcome::Created))
                        }
                    })
                }
            };
            results.push(ItemResult::from(index, *line, result));
        }
        Ok((results, if bulk_ok { fresh.len() } else { 0 }))
    }
}
