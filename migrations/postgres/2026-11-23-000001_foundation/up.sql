CREATE TABLE workspaces (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Server-wide settings (the generated JWT secret); the only table without a workspace.
CREATE TABLE server_settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE stakeholders (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C",
    phone TEXT,
    title TEXT COLLATE "C",
    organization TEXT COLLATE "C",
    department TEXT,
    account_id TEXT,
    stakeholder_group TEXT COLLATE "C" NOT NULL,
    category TEXT COLLATE "C",
    tags TEXT NOT NULL DEFAULT '[]',
    relationship_status TEXT COLLATE "C",
    owner TEXT COLLATE "C",
    source TEXT,
    external_id TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    influence INTEGER,
    impact INTEGER,
    quadrant TEXT NOT NULL,
    stance TEXT COLLATE "C" NOT NULL DEFAULT 'unknown',
    stance_reason TEXT,
    segments TEXT NOT NULL DEFAULT '[]',
    decision_role TEXT COLLATE "C",
    veto BOOLEAN NOT NULL DEFAULT FALSE,
    goals TEXT,
    concerns TEXT,
    pitch TEXT,
    rights TEXT NOT NULL DEFAULT '[]',
    responsibilities TEXT NOT NULL DEFAULT '[]',
    notes TEXT,
    confidential BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id)
);

CREATE UNIQUE INDEX stakeholders_external_key ON stakeholders (workspace_id, source, external_id);
CREATE INDEX stakeholders_name ON stakeholders (workspace_id, name, id);
CREATE INDEX stakeholders_group ON stakeholders (workspace_id, stakeholder_group);
CREATE INDEX stakeholders_category ON stakeholders (workspace_id, category);
CREATE INDEX stakeholders_quadrant ON stakeholders (workspace_id, quadrant);
CREATE INDEX stakeholders_stance ON stakeholders (workspace_id, stance);
CREATE INDEX stakeholders_decision_role ON stakeholders (workspace_id, decision_role);
CREATE INDEX stakeholders_relationship_status ON stakeholders (workspace_id, relationship_status);
CREATE INDEX stakeholders_account ON stakeholders (workspace_id, account_id);
CREATE INDEX stakeholders_owner ON stakeholders (workspace_id, owner);
CREATE INDEX stakeholders_influence ON stakeholders (workspace_id, influence);
CREATE INDEX stakeholders_updated_at ON stakeholders (workspace_id, updated_at, id);
CREATE INDEX stakeholders_created_at ON stakeholders (workspace_id, created_at, id);

-- One row per tag so the tag filter is an index lookup, not a scan of JSON text.
CREATE TABLE stakeholder_tags (
    workspace_id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (workspace_id, tag, stakeholder_id),
    FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX stakeholder_tags_stakeholder ON stakeholder_tags (workspace_id, stakeholder_id);
