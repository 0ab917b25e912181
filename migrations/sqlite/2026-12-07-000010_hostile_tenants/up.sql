-- The delivery worker claims due deliveries workspace by workspace (a fair share each).
CREATE INDEX webhook_deliveries_due_by_workspace ON webhook_deliveries (status, workspace_id, next_attempt_at);

-- Calendar links: an opaque token (stored as its SHA-256) that opens one read-only feed.
-- The link keeps the role and subject of whoever made it: the feed shows what they see.
CREATE TABLE calendar_links (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    owner TEXT,
    created_by TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX calendar_links_token ON calendar_links (token_hash);
CREATE INDEX calendar_links_by_creator ON calendar_links (workspace_id, created_by, id);
