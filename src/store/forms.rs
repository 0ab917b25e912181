//! Form and form-version queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{form_versions as fv, forms as f};
use crate::db::DbConnection;
use crate::domain::form::{Audience, Form, FormStatus, FormVersion, Question};
use crate::domain::localized::Localized;
use crate::time::utc;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = f, primary_key(workspace_id, id), treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
struct Row {
    workspace_id: String,
    id: String,
    title: String,
    description: Option<String>,
    audience: String,
    status: String,
    version: i32,
    revision: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    default_locale: String,
    translations: Option<String>,
}

/// The locale maps of a form's own texts, when they are maps.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Translations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<Localized>,
}

/// A map kept in `translations`; a plain text needs none.
fn map_of(text: Option<&Localized>) -> Option<Localized> {
    text.filter(|t| matches!(t, Localized::ByLocale(_))).cloned()
}

impl From<&Form> for Row {
    fn from(x: &Form) -> Self {
        Row {
            workspace_id: x.workspace_id.clone(),
            id: x.id.clone(),
            title: x.title.resolve(&x.default_locale, &x.default_locale).to_string(),
            description: x
                .description
                .as_ref()
                .map(|d| d.resolve(&x.default_locale, &x.default_locale).to_string()),
            audience: serde_json::to_string(&x.audience).expect("audience serialises"),
            status: x.status.as_str().to_string(),
            version: x.version,
            revision: x.revision,
            created_at: x.created_at.naive_utc(),
            updated_at: x.updated_at.naive_utc(),
            default_locale: x.default_locale.clone(),
            translations: {
                let t = Translations {
                    title: map_of(Some(&x.title)),
                    description: map_of(x.description.as_ref()),
                };
                (t.title.is_some() || t.description.is_some())
                    .then(|| serde_json::to_string(&t).expect("translations serialise"))
            },
        }
    }
}

impl From<Row> for Form {
    fn from(r: Row) -> Self {
        let t: Translations =
            r.translations.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        Form {
            workspace_id: r.workspace_id,
            id: r.id,
            title: t.title.unwrap_or(Localized::Plain(r.title)),
            description: t.description.or(r.description.map(Localized::Plain)),
            default_locale: r.default_locale,
            audience: serde_json::from_str::<Audience>(&r.audience).unwrap_or_default(),
            status: FormStatus::parse(&r.status).unwrap_or_default(),
            version: r.version,
            revision: r.revision,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// Inserts a form and its first question set.
pub fn insert(conn: &mut DbConnection, form: &Form, questions: &[Question]) -> QueryResult<()> {
    diesel::insert_into(f::table).values(Row::from(form)).execute(conn)?;
    insert_version(conn, form, questions)
}

fn insert_version(conn: &mut DbConnection, form: &Form, questions: &[Question]) -> QueryResult<()> {
    diesel::insert_into(fv::table)
        .values((
            fv::workspace_id.eq(&form.workspace_id),
            fv::form_id.eq(&form.id),
            fv::number.eq(form.version),
            fv::questions.eq(serde_json::to_string(questions).expect("questions serialise")),
            fv::created_at.eq(form.updated_at.naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The form with this id.
pub fn find(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<Option<Form>> {
    f::table
        .filter(f::workspace_id.eq(workspace_id))
        .filter(f::id.eq(id))
        .select(Row::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Form::from))
}

/// Row lock for a read-modify-write (see `stakeholders::lock`).
pub fn lock(conn: &mut DbConnection, workspace_id: &str, id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        f::table
            .filter(f::workspace_id.eq(workspace_id))
            .filter(f::id.eq(id))
            .select(f::revision)
            .for_update()
            .load::<i64>(pg)?;
    }
    Ok(())
}

/// Writes `after` if the row is still at `before`'s revision; a higher `version` in
/// `after` also stores `questions` as that new question set.
pub fn save(
    conn: &mut DbConnection,
    before: &Form,
    after: &Form,
    questions: Option<&[Question]>,
) -> QueryResult<bool> {
    let changed = diesel::update(
        f::table
            .filter(f::workspace_id.eq(&after.workspace_id))
            .filter(f::id.eq(&after.id))
            .filter(f::revision.eq(before.revision)),
    )
    .set(Row::from(after))
    .execute(conn)?;
    if changed == 1 && after.version > before.version {
        insert_version(conn, after, questions.unwrap_or_default())?;
    }
    Ok(changed == 1)
}

/// Every question-set version of a form, oldest first.
pub fn versions(conn: &mut DbConnection, workspace_id: &str, form_id: &str) -> QueryResult<Vec<FormVersion>> {
    let rows: Vec<(i32, String, NaiveDateTime)> = fv::table
        .filter(fv::workspace_id.eq(workspace_id))
        .filter(fv::form_id.eq(form_id))
        .order(fv::number.asc())
        .select((fv::number, fv::questions, fv::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, questions, created_at)| FormVersion {
            number,
            questions: serde_json::from_str(&questions).unwrap_or_default(),
            created_at: utc(created_at),
        })
        .collect())
}

/// The questions of one version.
pub fn questions(
    conn: &mut DbConnection,
    workspace_id: &str,
    form_id: &str,
    number: i32,
) -> QueryResult<Vec<Question>> {
    let text: String = fv::table
        .filter(fv::workspace_id.eq(workspace_id))
        .filter(fv::form_id.eq(form_id))
        .filter(fv::number.eq(number))
        .select(fv::questions)
        .first(conn)?;
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

/// Up to `limit` forms after id `after`, oldest first; optionally of one status.
pub fn list(
    conn: &mut DbConnection,
    workspace_id: &str,
    status: Vec<FormStatus>,
    after: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Form>> {
    let mut q = f::table.filter(f::workspace_id.eq(workspace_id.to_string())).into_boxed();
    if !status.is_empty() {
        q = q.filter(f::status.eq_any(status.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if let Some(after) = after {
        q = q.filter(f::id.gt(after));
    }
    let rows = q.order(f::id.asc()).limit(limit).select(Row::as_select()).load(conn)?;
    Ok(rows.into_iter().map(Form::from).collect())
}
