//! The four queries every versioned table needs, written once.

/// Generates `insert`, `find`, `lock` and `save` for a table whose rows convert to and
/// from a domain type with `workspace_id`, `id` and `version`; writes record the change
/// and, given `counters = fn(conn, before, after)`, move the dashboard counters too.
macro_rules! versioned_store {
    ($t:ident, $row:ident, $domain:ty) => {
        versioned_store!(
            $t,
            $row,
            $domain,
            counters = |_: &mut DbConnection, _: Option<&$domain>, _: &$domain| QueryResult::Ok(())
        );
    };
    ($t:ident, $row:ident, $domain:ty, counters = $counters:expr) => {
        /// Inserts one and records the change.
        pub fn insert(conn: &mut DbConnection, x: &$domain) -> QueryResult<()> {
            diesel::insert_into($t::table).values($row::from(x)).execute(conn)?;
            $counters(conn, None, x)?;
            super::changes::record_write(conn, None, x).map(|_| ())
        }

        /// The one with this id in the workspace.
        pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<$domain>> {
            $t::table
                .filter($t::workspace_id.eq(workspace_id))
                .filter($t::id.eq(id))
                .select($row::as_select())
                .first(conn)
                .optional()
                .map(|r| r.map(<$domain>::from))
        }

        /// Row lock for a read-modify-write: PostgreSQL `SELECT … FOR UPDATE`; SQLite's
        /// `BEGIN IMMEDIATE` already holds the write lock.
        pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
            if let DbConnection::Pg(pg) = conn {
                $t::table
                    .filter($t::workspace_id.eq(workspace_id))
                    .filter($t::id.eq(id))
                    .select($t::version)
                    .for_update()
                    .load::<i64>(pg)?;
            }
            Ok(())
        }

        /// Writes `after` if the row is still at `before`'s version, recording the change.
        pub fn save(conn: &mut DbConnection, before: &$domain, after: &$domain) -> QueryResult<bool> {
            let changed = diesel::update(
                $t::table
                    .filter($t::workspace_id.eq(&after.workspace_id))
                    .filter($t::id.eq(&after.id))
                    .filter($t::version.eq(before.version)),
            )
            .set($row::from(after))
            .execute(conn)?;
            if changed == 1 {
                $counters(conn, Some(before), after)?;
                super::changes::record_write(conn, Some(before), after)?;
            }
            Ok(changed == 1)
        }
    };
}
