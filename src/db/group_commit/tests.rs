//! Grouped writes on real SQLite files: grouping, failures alone, one writer per file.

use std::time::Duration;

use diesel::sql_types::BigInt;

use super::*;
use crate::db::{tx, ConnectionManager, DatabaseUrl};

fn count(conn: &mut DbConnection) -> i64 {
    diesel::select(diesel::dsl::sql::<BigInt>("(SELECT count(*) FROM t)")).get_result(conn).unwrap()
}

#[derive(Debug)]
enum Failure {
    Refused,
    Db(DieselError),
}

impl From<DieselError> for Failure {
    fn from(err: DieselError) -> Self {
        Self::Db(err)
    }
}

/// Concurrent writes share transactions, each write's failure undoes only its own
/// rows, and a write is visible to other connections once `write` has returned.
#[test]
fn concurrent_writes_group_and_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("g.db").display().to_string());
    let manager = ConnectionManager::new(url).unwrap();
    manager.open().unwrap().batch_execute("CREATE TABLE t (v TEXT NOT NULL UNIQUE)").unwrap();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let manager = manager.clone();
            std::thread::spawn(move || {
                let (mut conn, mut reader) = (manager.open().unwrap(), manager.open().unwrap());
                let mut kept = 0;
                for i in 0..20 {
                    let result = tx::write(&mut conn, |c| -> Result<(), Failure> {
                        let insert = format!("INSERT INTO t (v) VALUES ('{t}-{i}')");
                        c.batch_execute(&insert)?;
                        // Hold the writer a moment, so the other threads queue and join.
                        std::thread::sleep(Duration::from_millis(2));
                        match i % 5 {
                            // Written, then refused: its own row must go.
                            3 => Err(Failure::Refused),
                            // A constraint violation after a good insert in the same write.
                            4 => Ok(c.batch_execute(&insert)?),
                            _ => Ok(()),
                        }
                    });
                    match (i % 5, result) {
                        (3, Err(Failure::Refused))
                        | (
                            4,
                            Err(Failure::Db(DieselError::DatabaseError(
                                DatabaseErrorKind::UniqueViolation,
                                _,
                            ))),
                        ) => {}
                        (_, Ok(())) => {
                            kept += 1;
                            let seen: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!(
                                "(SELECT count(*) FROM t WHERE v = '{t}-{i}')"
                            )))
                            .get_result(&mut reader)
                            .unwrap();
                            assert_eq!(seen, 1, "acknowledged but not committed");
                        }
                        (_, other) => panic!("write {t}-{i}: {other:?}"),
                    }
                }
                kept
            })
        })
        .collect();
    let kept: i64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(kept, 6 * 12);
    let mut conn = manager.open().unwrap();
    assert_eq!(count(&mut conn), kept);
    let writer = SqliteWriter::of(&mut conn).unwrap();
    let groups = writer.groups.load(Ordering::Relaxed);
    assert!(groups > 0, "the writes did not go through the writer");
    assert!(groups < 6 * 20 / 2, "{groups} transactions for 120 writes: they did not group");
}

/// A lone write that panics or fails rolls back its rows; the writer goes on serving.
#[test]
fn a_panicking_write_leaves_the_writer_usable() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("p.db").display().to_string());
    let manager = ConnectionManager::new(url).unwrap();
    let mut conn = manager.open().unwrap();
    conn.batch_execute("CREATE TABLE t (v TEXT NOT NULL UNIQUE)").unwrap();
    let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = tx::write(&mut manager.open().unwrap(), |c| -> Result<(), DieselError> {
            c.batch_execute("INSERT INTO t (v) VALUES ('lost')")?;
            panic!("handler bug");
        });
    }));
    assert!(panicked.is_err());
    let refused = tx::write(&mut conn, |c| -> Result<(), Failure> {
        c.batch_execute("INSERT INTO t (v) VALUES ('refused')")?;
        Err(Failure::Refused)
    });
    assert!(matches!(refused, Err(Failure::Refused)));
    tx::write(&mut conn, |c| c.batch_execute("INSERT INTO t (v) VALUES ('kept')")).unwrap();
    assert_eq!(count(&mut conn), 1);
}

/// Each file has one writer, shared by the pools of a process; an in-memory database
/// has none.
#[test]
fn writers_are_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let open = |name: &str| {
        let manager =
            ConnectionManager::new(DatabaseUrl::Sqlite(dir.path().join(name).display().to_string()));
        let manager = manager.unwrap();
        let mut conn = manager.open().unwrap();
        (SqliteWriter::of(&mut conn).unwrap(), manager)
    };
    let ((a, _keep_a), (b, _keep_b)) = (open("a.db"), open("b.db"));
    assert!(!Arc::ptr_eq(&a, &b));
    let (again, _keep_again) = open("a.db");
    assert!(Arc::ptr_eq(&a, &again));
    let memory = ConnectionManager::new(DatabaseUrl::Sqlite(":memory:".into())).unwrap();
    assert!(SqliteWriter::of(&mut memory.open().unwrap()).is_none());
}
