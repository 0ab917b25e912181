CREATE TABLE accounts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT,
    external_id TEXT,
    industry TEXT,
    status TEXT NOT NULL,
    owner TEXT,
    business_goals TEXT NOT NULL DEFAULT '[]',
    kpis TEXT NOT NULL DEFAULT '[]',
    pain_points TEXT NOT NULL DEFAULT '[]',
    competitors TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX accounts_external_key ON accounts (workspace_id, source, external_id);
CREATE INDEX accounts_name ON accounts (workspace_id, name, id);
CREATE INDEX accounts_status ON accounts (workspace_id, status);
CREATE INDEX accounts_owner ON accounts (workspace_id, owner);

CREATE TABLE contracts (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    title TEXT NOT NULL,
    value_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    status TEXT NOT NULL,
    kpi_terms TEXT,
    status_reason TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX contracts_account ON contracts (workspace_id, account_id, start_date, id);
CREATE INDEX contracts_end_date ON contracts (workspace_id, end_date);

CREATE TABLE relationships (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT,
    strength INTEGER,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, from_id) REFERENCES stakeholders (workspace_id, id),
    FOREIGN KEY (workspace_id, to_id) REFERENCES stakeholders (workspace_id, id)
);
CREATE INDEX relationships_from ON relationships (workspace_id, from_id);
CREATE INDEX relationships_to ON relationships (workspace_id, to_id);
CREATE INDEX relationships_kind ON relationships (workspace_id, kind);

-- One row per create, update, delete or restore of a stakeholder, written in the same
-- transaction as the change; `changes` is JSON {field: {from, to}}.
CREATE TABLE stakeholder_history (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    op TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id)
);
CREATE INDEX stakeholder_history_by_stakeholder ON stakeholder_history (workspace_id, stakeholder_id, id);
