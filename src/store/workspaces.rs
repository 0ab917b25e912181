//! Workspaces: the tenant boundary.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::workspaces;
use crate::db::DbConnection;

/// A stored workspace.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
#[diesel(treat_none_as_default_value = false)]
pub struct Workspace {
    /// UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Unique short name used by the CLI.
    pub slug: String,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
}

/// Creates a workspace; a taken slug is a unique violation.
pub fn create(conn: &mut DbConnection, name: &str, slug: &str) -> QueryResult<Workspace> {
    let ws = Workspace {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        slug: slug.to_string(),
        created_at: crate::time::now().naive_utc(),
    };
    diesel::insert_into(workspaces::table).values(&ws).execute(conn)?;
    super::changes::create_counter(conn, &ws.id)?;
    Ok(ws)
}

/// All workspaces, oldest first.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Workspace>> {
    workspaces::table
        .order((workspaces::created_at, workspaces::id))
        .select(Workspace::as_select())
        .load(conn)
}

/// The workspace with this slug.
pub fn by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Workspace>> {
    workspaces::table.filter(workspaces::slug.eq(slug)).select(Workspace::as_select()).first(conn).optional()
}

/// Whether a workspace id exists.
pub fn exists(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(workspaces::table.filter(workspaces::id.eq(id)))).get_result(conn)
}

/// The default slug for a name: lower-case, runs of non-alphanumerics become one `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slugify("Globex China"), "globex-china");
        assert_eq!(super::slugify("  ACME, Inc. "), "acme-inc");
    }
}
