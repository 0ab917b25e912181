-- The change feed. `seq` is allocated from change_counters under a row lock held to
-- commit, so within a workspace changes commit in seq order and a reader resuming
-- from its cursor can never skip a late-committing change.
CREATE TABLE change_counters (
    workspace_id TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id),
    last_seq BIGINT NOT NULL
);
CREATE TABLE changes (
    workspace_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX changes_by_type ON changes (workspace_id, entity_type, seq);

CREATE TABLE webhooks (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    secret TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

-- The outbox: written in the same transaction as the change, delivered by a worker.
CREATE TABLE webhook_deliveries (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, webhook_id) REFERENCES webhooks (workspace_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (workspace_id, webhook_id, id);

CREATE TABLE idempotency_keys (
    workspace_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    response_body TEXT,
    response_headers TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE api_keys (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

-- Workspaces created before this migration get their counter.
INSERT INTO change_counters (workspace_id, last_seq) SELECT id, 0 FROM workspaces;
