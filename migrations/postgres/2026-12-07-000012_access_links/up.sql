-- Personal links to the feedback form: opaque tokens stored only as SHA-256 hashes,
-- revocable one by one, revoked with their person.
CREATE TABLE access_links (
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    stakeholder_id TEXT NOT NULL,
    form_id TEXT,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX access_links_token ON access_links (token_hash);
CREATE INDEX access_links_person ON access_links (workspace_id, stakeholder_id, id);
