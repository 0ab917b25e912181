//! Filling the folded text columns of rows written before they existed: the Rust step
//! that follows the SQL migration (folding is Rust's, not the database's).

use diesel::prelude::*;

use crate::db::schema::stakeholders as s;
use crate::db::{tx, DbConnection};
use crate::domain::text_fold;

/// Rows folded per transaction: short write transactions, so a large register fills in
/// without holding the writer for long.
const BATCH: i64 = 1000;

type Texts = (String, String, String, Option<String>, Option<String>, Option<String>);

/// Folds every row whose keys are still empty; returns how many it filled.
pub fn backfill(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut filled = 0;
    loop {
        let done = tx::write(conn, |c| -> QueryResult<usize> {
            let rows: Vec<Texts> = s::table
                .filter(s::name_key.eq(""))
                .select((s::workspace_id, s::id, s::name, s::email, s::phone, s::organization))
                .limit(BATCH)
                .load(c)?;
            for (workspace_id, id, name, email, phone, organization) in &rows {
                diesel::update(s::table.filter(s::workspace_id.eq(workspace_id)).filter(s::id.eq(id)))
                    .set((
                        s::name_key.eq(text_fold::name_sort_key(name)),
                        s::name_tokens.eq(text_fold::name_tokens(name)),
                        s::search_text.eq(text_fold::search_text(
                            name,
                            email.as_deref(),
                            organization.as_deref(),
                        )),
                        s::email_key.eq(text_fold::email_key(email.as_deref())),
                        s::phone_key.eq(text_fold::phone_key(phone.as_deref())),
                    ))
                    .execute(c)?;
            }
            Ok(rows.len())
        })?;
        filled += done;
        if done < BATCH as usize {
            return Ok(filled);
        }
    }
}
