-- Folded text (computed in Rust, see domain::text_fold) for search, sort and duplicate
-- detection. Empty `name_key` marks a row the Rust step after this migration fills in.
ALTER TABLE stakeholders ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholders ADD COLUMN name_tokens TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholders ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE stakeholders ADD COLUMN email_key TEXT;
ALTER TABLE stakeholders ADD COLUMN phone_key TEXT;
-- A merged person: their row stays (deleted) so their CRM key keeps resolving to the
-- survivor, and a GET of their id can answer 410 naming it.
ALTER TABLE stakeholders ADD COLUMN merged_into TEXT;

-- Name order is the folded name's order: every index that carried `name` for a
-- filtered, name-ordered page now carries the sort key.
DROP INDEX stakeholders_name;
CREATE INDEX stakeholders_name ON stakeholders (workspace_id, name_key, id);
DROP INDEX stakeholders_group;
CREATE INDEX stakeholders_group ON stakeholders (workspace_id, stakeholder_group, name_key, id);
DROP INDEX stakeholders_category;
CREATE INDEX stakeholders_category ON stakeholders (workspace_id, category, name_key, id);
DROP INDEX stakeholders_stance;
CREATE INDEX stakeholders_stance ON stakeholders (workspace_id, stance, name_key, id);
DROP INDEX stakeholders_decision_role;
CREATE INDEX stakeholders_decision_role ON stakeholders (workspace_id, decision_role, name_key, id);
DROP INDEX stakeholders_relationship_status;
CREATE INDEX stakeholders_relationship_status ON stakeholders (workspace_id, relationship_status, name_key, id);
DROP INDEX stakeholders_quadrant;
CREATE INDEX stakeholders_quadrant ON stakeholders (workspace_id, quadrant, name_key, id);
DROP INDEX stakeholders_owner;
CREATE INDEX stakeholders_owner ON stakeholders (workspace_id, owner, name_key, id);
DROP INDEX stakeholders_account;
CREATE INDEX stakeholders_account ON stakeholders (workspace_id, account_id, name_key, id);
CREATE INDEX stakeholders_backfill ON stakeholders (name_key) WHERE name_key = '';

-- Duplicate candidates: each reason is one indexed equality among live people.
CREATE INDEX stakeholders_dup_name ON stakeholders (workspace_id, name_tokens, id) WHERE deleted_at IS NULL;
CREATE INDEX stakeholders_dup_email ON stakeholders (workspace_id, email_key, id) WHERE deleted_at IS NULL AND email_key IS NOT NULL;
CREATE INDEX stakeholders_dup_phone ON stakeholders (workspace_id, phone_key, id) WHERE deleted_at IS NULL AND phone_key IS NOT NULL;
CREATE INDEX stakeholders_dup_crm ON stakeholders (workspace_id, external_id, source) WHERE external_id IS NOT NULL;
CREATE INDEX stakeholders_merged ON stakeholders (workspace_id, merged_into) WHERE merged_into IS NOT NULL;

-- Pairs a person decided are not the same (a_id < b_id).
CREATE TABLE duplicate_dismissals (
    workspace_id TEXT NOT NULL,
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, a_id, b_id)
);

-- When both merged people answered a form's period, the merged person's answer is kept
-- but marked, and no longer counts: one answer per person, form and period.
ALTER TABLE submissions ADD COLUMN superseded_by TEXT;
DROP INDEX submissions_one_per_period;
CREATE UNIQUE INDEX submissions_one_per_period ON submissions (workspace_id, form_id, stakeholder_id, period) WHERE superseded_by IS NULL;

-- The feed's delete of a merged person names the survivor.
ALTER TABLE changes ADD COLUMN merged_into TEXT;
