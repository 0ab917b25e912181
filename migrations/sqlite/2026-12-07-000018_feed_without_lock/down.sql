DROP INDEX changes_by_type;
CREATE INDEX changes_by_type ON changes (workspace_id, entity_type, seq);
DROP INDEX changes_feed;
ALTER TABLE changes DROP COLUMN xid;
