-- A form; `version` is its latest question-set version, `revision` its ETag counter.
CREATE TABLE forms (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    audience TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    revision BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX forms_status ON forms (workspace_id, status, id);

CREATE TABLE form_versions (
    workspace_id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    questions TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, form_id, number),
    FOREIGN KEY (workspace_id, form_id) REFERENCES forms (workspace_id, id)
);

-- One per form, stakeholder and period; `nps` copies the first NPS answer for aggregates.
CREATE TABLE submissions (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    stakeholder_id TEXT NOT NULL,
    period TEXT NOT NULL,
    answers TEXT NOT NULL,
    nps INTEGER,
    submitted_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, form_id, form_version) REFERENCES form_versions (workspace_id, form_id, number),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id)
);
CREATE UNIQUE INDEX submissions_one_per_period ON submissions (workspace_id, form_id, stakeholder_id, period);
CREATE INDEX submissions_form_period ON submissions (workspace_id, form_id, period, id);
CREATE INDEX submissions_stakeholder ON submissions (workspace_id, stakeholder_id, id);
CREATE INDEX submissions_period ON submissions (workspace_id, period);

CREATE TABLE feedback_items (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    submission_id TEXT,
    form_id TEXT,
    period TEXT,
    summary TEXT NOT NULL,
    detail TEXT,
    status TEXT NOT NULL,
    response TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id),
    FOREIGN KEY (workspace_id, submission_id) REFERENCES submissions (workspace_id, id)
);
CREATE INDEX feedback_items_status ON feedback_items (workspace_id, status, id);
CREATE INDEX feedback_items_stakeholder ON feedback_items (workspace_id, stakeholder_id, id);
CREATE INDEX feedback_items_form_period ON feedback_items (workspace_id, form_id, period);
CREATE INDEX feedback_items_created ON feedback_items (workspace_id, created_at);

CREATE TABLE form_period_closures (
    workspace_id TEXT NOT NULL,
    form_id TEXT NOT NULL,
    period TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (workspace_id, form_id, period),
    FOREIGN KEY (workspace_id, form_id) REFERENCES forms (workspace_id, id)
);
