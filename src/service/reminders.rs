//! Reminding the people who have not answered a month's form: a fresh access link each,
//! and a `form.reminder` webhook event so the CRM or mail tool sends the message in the
//! person's language. At most once per person, form and period per 24 hours.

use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::access_links::{issue, DEFAULT_TTL};
use super::forms::load as load_form;
use super::run;
use crate::access::Viewer;
use crate::db::{tx, Pool};
use crate::domain::form::FormStatus;
use crate::domain::form_reading;
use crate::domain::stakeholder::Stakeholder;
use crate::error::ApiError;
use crate::store::{audience, forms, reminders, submissions, webhooks};

/// The event name.
pub const EVENT: &str = "form.reminder";
/// People read per query while walking the audience.
const BATCH: i64 = 500;

/// What a reminder run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reminded {
    /// People reminded now (a fresh link and one event each).
    pub reminded: usize,
    /// People without an answer who were already reminded in the last 24 hours.
    pub recently_reminded: usize,
}

/// Where links point and the language of people who have none.
pub struct Settings {
    /// The access-link URL template.
    pub link_url: String,
    /// `STAKEMAP_DEFAULT_LOCALE`.
    pub default_locale: String,
}

/// Reminds every audience member without a submission for `period`. Confidential people
/// are left out: the event goes to the CRM, which never sees them.
pub async fn send(
    pool: &Pool,
    viewer: Viewer,
    (form_id, period): (String, String),
    settings: Settings,
) -> Result<Reminded, ApiError> {
    run(pool, move |conn| {
        tx::write(conn, |c| {
            let ws = viewer.workspace_id.clone();
            // One run per form at a time, so two managers clicking at once remind once.
            forms::lock(c, &ws, &form_id)?;
            let form = load_form(c, &viewer, &form_id)?;
            if form.status == FormStatus::Archived {
                return Err(ApiError::invalid("form", "this form is archived and takes no submissions"));
            }
            if submissions::is_closed(c, &ws, &form.id, &period)? {
                return Err(ApiError::Conflict(format!("{period} is closed for this form")));
            }
            let now = crate::time::now();
            let recent = reminders::since(c, &ws, (&form.id, &period), (now - chrono::Duration::hours(24)).naive_utc())?;
            let questions = forms::questions(c, &ws, &form.id, form.version)?;
            let available = form_reading::available(&form, &questions);
            let fallback = [settings.default_locale.clone()];
            let (mut events, mut recently_reminded) = (Vec::new(), 0);
            let mut after = None;
            loop {
                let batch = audience::missing(c, &viewer, &form.audience, (&form.id, &period), (after, BATCH))?;
                after = batch.last().map(|p| p.id.clone());
                for person in batch.iter().filter(|p| !p.analysis.confidential) {
                    if recent.contains(&person.id) {
                        recently_reminded += 1;
                        continue;
                    }
                    let link = issue(c, &viewer, (&person.id, Some(&form.id), DEFAULT_TTL), &settings.link_url)?;
                    let locale =
                        form_reading::choose(&available, person.profile.locale.as_deref(), &fallback, &form.default_locale);
                    let reminder = json!({
                        "form_id": form.id, "period": period, "locale": locale,
                        "title": form.title.resolve(&locale, &form.default_locale),
                        "url": link.url, "expires_at": crate::time::rfc3339(crate::time::utc(link.link.expires_at)),
                    });
                    events.push(event(person, reminder, now));
                    reminders::record(c, &ws, (&form.id, &period), &person.id, now.naive_utc())?;
                }
                if (batch.len() as i64) < BATCH {
                    break;
                }
            }
            let reminded = events.len();
            let hooks = webhooks::active(c, &ws)?;
            if !hooks.is_empty() {
                webhooks::enqueue(c, &ws, &hooks, &events)?;
            }
            Ok(Reminded { reminded, recently_reminded })
        })
    })
    .await
}

// The event: the person's contact fields as the CRM needs them to reach the person.
fn event(person: &Stakeholder, reminder: Value, now: chrono::DateTime<chrono::Utc>) -> (String, Value) {
    let p = &person.profile;
    let record = json!({
        "id": person.id, "name": p.name, "email": p.email, "phone": p.phone, "locale": p.locale,
        "source": p.source, "external_id": p.external_id,
    });
    let body = json!({"event": EVENT, "occurred_at": crate::time::rfc3339(now), "seq": null,
        "data": {"type": "stakeholder", "id": person.id, "op": "upsert", "record": record, "reminder": reminder}});
    (EVENT.to_string(), body)
}
