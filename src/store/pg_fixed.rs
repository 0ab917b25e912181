//! PostgreSQL statements of fixed text whose rows arrive as arrays (`unnest`), so one
//! statement serves one row or thousands and stays prepared: diesel keeps it in the
//! connection's statement cache by its SQL (a multi-row `VALUES` list or an `ON CONFLICT`
//! built by diesel's DSL is never cached), so PostgreSQL parses it once per connection
//! rather than on every write. A create runs a few of these; re-parsing them was a sixth
//! of the database's time under load.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Untyped;
use diesel::QueryResult;

/// `head`, the binds as `$1, $2, …`, then `tail`: one statement whose text never changes.
pub struct Fixed<B> {
    head: &'static str,
    binds: B,
    tail: &'static str,
}

/// The statement `head ($1, $2, …) tail`; `binds` is a tuple of bound values
/// (`value.into_sql::<Type>()`).
pub fn fixed<B>(head: &'static str, binds: B, tail: &'static str) -> Fixed<B> {
    Fixed { head, binds, tail }
}

// No type-level id: diesel then keys its statement cache by the SQL text and bind types,
// which is what makes two different `Fixed` statements two cache entries.
impl<B> QueryId for Fixed<B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B: QueryFragment<Pg>> QueryFragment<Pg> for Fixed<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.head);
        self.binds.walk_ast(out.reborrow())?;
        out.push_sql(self.tail);
        Ok(())
    }
}

impl<B> Query for Fixed<B> {
    type SqlType = Untyped;
}

impl<B, Conn> diesel::RunQueryDsl<Conn> for Fixed<B> {}
