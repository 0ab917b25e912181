-- Plans keep their derived dates (last contact, next due) so status filters and
-- dashboards are index lookups; they are refreshed whenever an interaction changes.
CREATE TABLE engagement_plans (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    cadence TEXT NOT NULL,
    owner TEXT,
    priority TEXT NOT NULL,
    objective TEXT,
    next_step TEXT,
    starts_on TEXT NOT NULL,
    last_contact_at TIMESTAMP,
    next_due_on TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id)
);
CREATE INDEX engagement_plans_stakeholder ON engagement_plans (workspace_id, stakeholder_id);
CREATE INDEX engagement_plans_owner ON engagement_plans (workspace_id, owner);
CREATE INDEX engagement_plans_next_due ON engagement_plans (workspace_id, next_due_on);

CREATE TABLE interactions (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL,
    outcome TEXT,
    sentiment TEXT,
    stakeholder_ids TEXT NOT NULL,
    impressions BIGINT,
    clicks BIGINT,
    shares BIGINT,
    reactions BIGINT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX interactions_occurred ON interactions (workspace_id, occurred_at, id);
CREATE INDEX interactions_kind ON interactions (workspace_id, kind, occurred_at);

-- Links of live interactions only (removed on delete, re-added on restore).
CREATE TABLE interaction_stakeholders (
    workspace_id TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, interaction_id, stakeholder_id),
    FOREIGN KEY (workspace_id, interaction_id) REFERENCES interactions (workspace_id, id),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id)
);
CREATE INDEX interaction_stakeholders_contact ON interaction_stakeholders (workspace_id, stakeholder_id, occurred_at);
