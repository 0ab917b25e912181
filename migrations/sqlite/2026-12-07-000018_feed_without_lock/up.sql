-- The feed's order is (xid, seq) on both databases. SQLite has one writer, which holds
-- the per-workspace counter to commit, so its changes keep xid 0 and commit in seq order.
ALTER TABLE changes ADD COLUMN xid BIGINT NOT NULL DEFAULT 0;
CREATE INDEX changes_feed ON changes (workspace_id, xid, seq);
DROP INDEX changes_by_type;
CREATE INDEX changes_by_type ON changes (workspace_id, entity_type, xid, seq);
