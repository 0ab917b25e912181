-- The slot column of the PostgreSQL counters (see there), always 0 here: SQLite's single
-- writer has no concurrent writers to spread.
CREATE TABLE tallies_slotted (
    workspace_id TEXT NOT NULL,
    key TEXT NOT NULL,
    slot INTEGER NOT NULL DEFAULT 0,
    n BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, key, slot)
) WITHOUT ROWID;
INSERT INTO tallies_slotted (workspace_id, key, slot, n) SELECT workspace_id, key, 0, n FROM tallies;
DROP TABLE tallies;
ALTER TABLE tallies_slotted RENAME TO tallies;
