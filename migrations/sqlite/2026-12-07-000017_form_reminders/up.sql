-- When each person was last reminded of a form's month: a reminder goes out at most once
-- per person, form and period per 24 hours (service::reminders).
CREATE TABLE form_reminders (
    workspace_id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    period TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    reminded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, form_id, period, stakeholder_id)
);
