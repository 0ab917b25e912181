-- The UTC month of an interaction, stored so monthly dashboards group on an index.
ALTER TABLE interactions ADD COLUMN occurred_month TEXT NOT NULL DEFAULT '';
UPDATE interactions SET occurred_month = substr(occurred_at, 1, 7);
CREATE INDEX interactions_month ON interactions (workspace_id, occurred_month, kind);
CREATE INDEX stakeholders_confidential ON stakeholders (workspace_id, confidential);
CREATE INDEX feedback_items_open ON feedback_items (workspace_id, response, created_at);
